"""The dashboard server's guards, as plain ASGI middleware around the FastAPI app.

- `HostGuard`: answers only requests addressed to the server's own names, so a page on another
  site cannot reach it through DNS rebinding (its requests carry that site's host name).
- `SecurityHeaders`: a strict Content-Security-Policy and the other hardening headers on every
  response (a route may set its own CSP, as the page does for its inline config script).
- `HeadAsGet`: HEAD is answered like GET without the body.
- `TokenGuard`: with a token, everything but the page shell and its static assets needs
  ``Authorization: Bearer <token>`` (scheme in any case); compared in constant time.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import secrets
from collections.abc import Iterable, Mapping

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Names a loopback server is always reachable by.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
# Addresses that mean "every interface" when given to --host.
WILDCARD_HOSTS = ("0.0.0.0", "::", "")


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses (127.0.0.0/8, ::1)."""
    name = host.strip().strip("[]").rstrip(".").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def host_name(header: str) -> str | None:
    """The host name of a Host header, lower-cased, without port or brackets or a final dot
    ('[::1]:8000' -> '::1'); None when malformed."""
    h = header.strip().lower()
    if not h or any(c.isspace() or c in "/\\@?#" for c in h):
        return None
    if h.startswith("["):
        end = h.find("]")
        if end < 0:
            return None
        name, rest = h[1:end], h[end + 1 :]
        if rest and not (rest.startswith(":") and rest[1:].isdigit()):
            return None
        return name
    name, sep, port = h.partition(":")
    if sep and not port.isdigit():
        return None
    return name.rstrip(".") or None


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def allowed_host_names(bind_host: str, extra: Iterable[str] = ()) -> frozenset[str]:
    """Host names a server bound to `bind_host` answers for: the loopback names, the bound
    name itself (unless it is a wildcard) and any `extra` names (normalised)."""
    names = set(LOOPBACK_HOSTS)
    for h in (bind_host, *extra):
        name = h.strip().strip("[]").rstrip(".").lower()
        if name not in WILDCARD_HOSTS:
            names.add(name)
    return frozenset(names)


async def _send_json(send: Send, status: int, detail: str, headers: Mapping[str, str]) -> None:
    body = json.dumps({"detail": detail}).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


class HostGuard:
    """Refuse (400) any request whose Host header is not one of `allowed` (with or without a
    port). With `any_ip_literal` (a server bound to every interface) a bare IP address is also
    accepted: a rebinding page always sends its own DNS name, never an address."""

    def __init__(self, app: ASGIApp, allowed: Iterable[str], any_ip_literal: bool = False) -> None:
        self.app = app
        self.allowed = frozenset(a.lower() for a in allowed)
        self.any_ip_literal = any_ip_literal

    def accepts(self, header: str | None) -> bool:
        name = host_name(header) if header is not None else None
        if name is None:
            return False
        return name in self.allowed or (self.any_ip_literal and _is_ip(name))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        hosts = [v.decode("latin-1") for k, v in scope["headers"] if k == b"host"]
        if len(hosts) != 1 or not self.accepts(hosts[0]):
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
                return
            await _send_json(
                send,
                400,
                "unknown Host: this darkcargo server answers only for "
                + ", ".join(sorted(self.allowed)),
                {},
            )
            return
        await self.app(scope, receive, send)


class SecurityHeaders:
    """Add `headers` to every HTTP response that does not already carry them."""

    def __init__(self, app: ASGIApp, headers: Mapping[str, str]) -> None:
        self.app = app
        self.headers = [(k.lower().encode(), v.encode()) for k, v in headers.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                raw = list(message.get("headers", []))
                have = {k.lower() for k, _ in raw}
                raw += [(k, v) for k, v in self.headers if k not in have]
                message = {**message, "headers": raw}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class HeadAsGet:
    """Answer HEAD as the app answers GET, with the same status and headers and no body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_headers_only)


def bearer_token(header: str | None) -> str | None:
    """The credentials of an ``Authorization: Bearer <token>`` header: the scheme in any case,
    spaces around either part tolerated; None for any other scheme or shape."""
    if header is None:
        return None
    scheme, _, value = header.strip().partition(" ")
    value = value.strip()
    if scheme.lower() != "bearer" or not value or " " in value:
        return None
    return value


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).digest()


class TokenGuard:
    """Require the bearer `token` on every request except the page shell and `public_prefixes`
    (static assets hold no workspace data). The comparison runs in constant time over SHA-256
    digests, so neither the token's characters nor its length leak through timing."""

    def __init__(
        self,
        app: ASGIApp,
        token: str,
        public_paths: Iterable[str] = ("/",),
        public_prefixes: Iterable[str] = ("/static/",),
    ) -> None:
        self.app = app
        self.expected = _digest(token)
        self.public_paths = frozenset(public_paths)
        self.public_prefixes = tuple(public_prefixes)

    def authorised(self, header: str | None) -> bool:
        given = bearer_token(header)
        # always one comparison of equal-length digests, whether or not a token was given
        ok = secrets.compare_digest(_digest(given or ""), self.expected)
        return ok and given is not None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        if path in self.public_paths or path.startswith(self.public_prefixes):
            await self.app(scope, receive, send)
            return
        auth = [v.decode("latin-1") for k, v in scope["headers"] if k == b"authorization"]
        if not self.authorised(auth[0] if len(auth) == 1 else None):
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
                return
            await _send_json(
                send, 401, "missing or wrong bearer token", {"WWW-Authenticate": "Bearer"}
            )
            return
        await self.app(scope, receive, send)
