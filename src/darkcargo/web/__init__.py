"""The dashboard: a read-only FastAPI server over a workspace, with a Leaflet page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI


def create_app(
    workspace_path: Any,
    token: str | None = None,
    case: str | None = None,
    host: str = "127.0.0.1",
    extra_hosts: Sequence[str] = (),
) -> FastAPI:
    """The dashboard app (see darkcargo.web.app.create_app); imported lazily for a fast CLI."""
    from darkcargo.web.app import create_app as _create_app

    return _create_app(workspace_path, token=token, case=case, host=host, extra_hosts=extra_hosts)


__all__ = ["create_app"]
