"""Reading documents (plain text or HTML) and cutting them into paragraphs, sentences, clauses.

Input checks live here: a binary or undecodable file is an InputError naming the file; HTML is
reduced to its visible text with the standard library's parser; a leading header block
("Title: ...", "Date: ...", "Source: ...") is read as metadata and not mined for claims.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path

from darkcargo.errors import InputError


def _words(text: str) -> frozenset[str]:
    """A set of words written as one whitespace-separated string (easier to read and edit)."""
    return frozenset(text.split())


# A text file may hold at most this share of control characters before it is called binary.
MAX_CONTROL_SHARE = 0.01
MAX_FILE_BYTES = 50_000_000


@dataclass(frozen=True)
class Document:
    """One input document, reduced to plain text."""

    text: str
    path: str | None = None
    title: str | None = None
    published: date | None = None
    source_url: str | None = None
    body_start: int = 0  # offset where the body starts (after a metadata header)

    @property
    def doc_id(self) -> str:
        return document_id(self.text)


def document_id(text: str) -> str:
    """sha256 of the text: the same text always gets the same id."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# -- HTML ---------------------------------------------------------------------------------------
_BLOCK_TAGS = _words(
    """p div br h1 h2 h3 h4 h5 h6 li ul ol tr td th table section article header footer
    blockquote pre figure figcaption dd dt dl hr main aside"""
)
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "head", "nav", "iframe"})
_DATE_META = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "date",
    "pubdate",
    "dc.date",
    "dc.date.issued",
    "publication_date",
    "sailthru.date",
)


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0
        self.in_title = False
        self.title_parts: list[str] = []
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            key = (a.get("property") or a.get("name") or a.get("itemprop") or "").lower()
            if key and a.get("content"):
                self.meta.setdefault(key, a["content"])
            return
        if tag == "link" and a.get("rel", "").lower() == "canonical" and a.get("href"):
            self.meta.setdefault("canonical", a["href"])
            return
        if tag == "time" and a.get("datetime"):
            self.meta.setdefault("time", a["datetime"])
        if tag == "title":
            self.in_title = True
        if tag in _SKIP_TAGS:
            self.skip_depth += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n" if tag != "br" else "\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("meta", "link"):
            self.handle_starttag(tag, attrs)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if tag in _SKIP_TAGS:
            self.skip_depth = max(0, self.skip_depth - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title_parts.append(data)
        if self.skip_depth:
            return
        self.parts.append(data)


def html_to_text(html: str) -> tuple[str, str | None, dict[str, str]]:
    """(visible text, title, meta tags) of an HTML page; paragraphs separated by blank lines."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    raw = "".join(parser.parts)
    paragraphs = []
    for block in re.split(r"\n\s*\n", raw):
        lines = [" ".join(line.split()) for line in block.split("\n")]
        lines = [ln for ln in lines if ln]
        if lines:
            paragraphs.append("\n".join(lines))
    title = " ".join("".join(parser.title_parts).split()) or None
    return "\n\n".join(paragraphs) + ("\n" if paragraphs else ""), title, parser.meta


def looks_like_html(text: str, path: str | None = None) -> bool:
    if path and Path(path).suffix.lower() in (".html", ".htm", ".xhtml"):
        return True
    head = text[:1000].lstrip().lower()
    return head.startswith(("<!doctype html", "<html")) or (
        head.startswith("<") and ("<body" in text[:5000].lower() or "<p>" in head)
    )


# -- metadata header ------------------------------------------------------------------------
_HEADER_LINE = re.compile(
    r"^(?P<key>title|date|published|source|url|source_url|headline|byline|author|note|tags"
    r"|language|summary)\s*:\s*(?P<val>.*)$",
    re.IGNORECASE,
)


_BARE_URL = re.compile(r"<?https?://[^\s<>\"]+>?")


def parse_date_text(value: str) -> date | None:
    """A date from an ISO string ("2024-02-27", "2024-02-27T08:00:00Z") or None."""
    value = value.strip()
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", value)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    try:
        return datetime.fromisoformat(value).date()
    except ValueError:
        pass
    from darkcargo.claims.dates import parse_date_span

    parsed = parse_date_span(value, None)
    return parsed[0] if parsed and parsed[1] == "day" else None


def read_header(text: str) -> tuple[dict[str, str], int]:
    """Leading "Key: value" lines (up to the first blank line) and where the body starts."""
    meta: dict[str, str] = {}
    pos = 0
    for n, line in enumerate(text.splitlines(keepends=True)):
        stripped = line.strip()
        if not stripped:
            if meta:
                pos += len(line)
            break
        if n == 0 and _BARE_URL.fullmatch(stripped):
            # A page saved as text often starts with its address on a line of its own.
            meta["url"] = stripped.strip("<>")
            pos += len(line)
            continue
        m = _HEADER_LINE.match(stripped)
        if not m:
            break
        meta[m.group("key").lower()] = m.group("val").strip()
        pos += len(line)
    return (meta, pos) if meta else ({}, 0)


# -- reading files ----------------------------------------------------------------------------
def decode_bytes(data: bytes, path: str) -> str:
    """Decode UTF-8 text, refusing binary data with a one-line InputError."""
    if data.startswith(b"%PDF"):
        raise InputError(path, "PDF files are not supported; convert to text or HTML first")
    if data[:4] in (b"PK\x03\x04",) or data[:2] in (b"\x1f\x8b",):
        raise InputError(path, "binary (compressed) file, expected text or HTML")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(path, f"malformed UTF-16 text ({exc.reason})") from None
    if b"\x00" in data:
        raise InputError(path, "binary file (NUL bytes), expected text or HTML")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            path, f"not UTF-8 text (invalid byte at offset {exc.start}); re-save it as UTF-8"
        ) from None
    if text:
        controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
        if controls / len(text) > MAX_CONTROL_SHARE:
            raise InputError(path, "binary file (control characters), expected text or HTML")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_document(
    path: str | Path,
    *,
    source_url: str | None = None,
    published: date | None = None,
) -> Document:
    """Read a text or HTML file into a Document; options override the file's own metadata."""
    p = Path(path)
    name = str(path)
    if not p.exists():
        raise InputError(name, "no such file")
    if p.is_dir():
        raise InputError(name, "is a directory, expected a text or HTML file")
    try:
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(name, f"file too large ({size:,} bytes > {MAX_FILE_BYTES:,})")
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(name, f"cannot read ({exc.strerror})") from None
    text = decode_bytes(data, name)
    return document_from_text(text, path=name, source_url=source_url, published=published)


def document_from_text(
    text: str,
    *,
    path: str | None = None,
    source_url: str | None = None,
    published: date | None = None,
    title: str | None = None,
) -> Document:
    """A Document from already-decoded text (HTML is reduced to its visible text)."""
    meta: dict[str, str] = {}
    if looks_like_html(text, path):
        text, html_title, html_meta = html_to_text(text)
        title = title or html_title
        for key in _DATE_META:
            if key in html_meta:
                meta["date"] = html_meta[key]
                break
        else:
            if "time" in html_meta:
                meta["date"] = html_meta["time"]
        url = html_meta.get("og:url") or html_meta.get("canonical")
        if url:
            meta["url"] = url
    header, body_start = read_header(text)
    meta.update(header)
    pub = published
    if pub is None:
        for key in ("date", "published"):
            if meta.get(key):
                pub = parse_date_text(meta[key])
                if pub:
                    break
    url = source_url or meta.get("source_url") or meta.get("url") or meta.get("source")
    if url and not re.match(r"[a-z][a-z0-9+.-]*://", url):
        url = url if source_url else None
    return Document(
        text=text,
        path=path,
        title=title or meta.get("title") or meta.get("headline"),
        published=pub,
        source_url=url,
        body_start=body_start,
    )


# -- sentences and clauses ----------------------------------------------------------------------
ABBREVIATIONS = _words(
    """mr mrs ms dr gen lt col maj capt cpt sgt adm rep sen gov pres prof st jr sr no nos vs etc
    approx inc co corp ltd jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k u.n e.u a.m
    p.m e.g i.e fig vol pp cf al ft est dept govt mt ave"""
)
_BOUNDARY = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s)|(?<=[a-z]{2}[.!?])(?=[A-Z][A-Za-z]|[AI]\s)")
_NEXT_START = re.compile(r"\s+[\"'“‘(\[]*[A-Z0-9]")
_SPACED_DECIMAL = re.compile(r"\d\. \d{1,2}[ \u00a0](?:trillion|billion|million)\b", re.IGNORECASE)
_LIST_LINE = re.compile(r"\s*(?:\(?\d{1,3}[.)]|[-*•]|\(?[a-z][.)])\s")


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    paragraph: int


# Text wrapped at a fixed width (a wire feed, an e-mail) has no line longer than this; a page's
# text, a line per paragraph, mostly has longer ones, and there every line ends a sentence or
# a title.
WRAP_WIDTH = 100
# A line that breaks a sentence: it ends in a comma or a word that cannot end one, or the next
# line goes on in lower case.
_MID_SENTENCE_BREAK = re.compile(
    r"(?:,|\b(?i:the|a|an|of|to|in|on|at|by|for|from|with|and|or|that|which|its|their))"
    r"[ \t]*\n|[^.!?:\"”'’)\s][ \t]*\n[ \t]*[a-z]"
)


def hard_wrapped(text: str) -> bool:
    """Whether text looks wrapped at a fixed width, so that a newline may fall inside a
    sentence: no line longer than WRAP_WIDTH, and some line break inside a sentence."""
    lengths = [len(line.rstrip()) for line in text.split("\n") if line.strip()]
    return (
        len(lengths) >= 2
        and max(lengths) <= WRAP_WIDTH
        and _MID_SENTENCE_BREAK.search(text) is not None
    )


def _split_lines(
    text: str, start: int, end: int, breaks: frozenset[int] = frozenset(), wrapped: bool = True
) -> list[tuple[int, int]]:
    """Split a paragraph at newlines that end a line (not soft wraps inside a sentence, which
    only text wrapped at a fixed width has)."""
    pieces: list[tuple[int, int]] = []
    s = start
    pos = start
    while True:
        nl = text.find("\n", pos, end)
        if nl < 0:
            break
        line = text[pos:nl]  # the physical line that ends here
        prev_line = line.rstrip()
        hard = (
            not wrapped
            or nl in breaks
            or not prev_line
            or prev_line[-1] in ".!?:\"”'’"
            or _LIST_LINE.match(text, nl + 1, end) is not None
            or _LIST_LINE.match(line) is not None
            or len(prev_line) - len(prev_line.lstrip()) > 0
            or len(line.strip()) < 60
        )
        if hard:
            pieces.append((s, nl))
            s = nl + 1
        pos = nl + 1
    pieces.append((s, end))
    return pieces


def split_sentences(
    text: str, start: int = 0, breaks: frozenset[int] = frozenset()
) -> list[Sentence]:
    """Sentences of text[start:], with offsets and paragraph numbers.

    Paragraphs end at blank lines; a period ends a sentence unless it closes an abbreviation
    ("Gen.", "Feb.", "U.S."), an initial or a decimal, or the next word is lower case.
    """
    out: list[Sentence] = []
    para = 0
    # A headline ends at its line even without a full stop ("South Korea reports North Korean
    # troops' losses\nAt least 100 ..."): the first line, when the next begins a sentence.
    head = re.match(r"[ \t]*([^\n]{8,200})\n[ \t]*(?=[A-Z0-9\"“])", text[start:])
    if head and head.group(1).rstrip()[-1:].isalnum():
        breaks = breaks | {start + head.end(1)}
    wrapped = hard_wrapped(text[start:])
    for pm in re.finditer(r"(?:[^\n]|\n(?![ \t]*\n))+", text[start:]):
        p_start, p_end = start + pm.start(), start + pm.end()
        if not text[p_start:p_end].strip():
            continue
        for ls, le in _split_lines(text, p_start, p_end, breaks, wrapped):
            s = ls
            for bm in _BOUNDARY.finditer(text, ls, le):
                b_end = bm.end()
                glued = bm.start() == bm.end()  # "Pyongyang.A defense official": no space
                if not glued and not _NEXT_START.match(text, b_end, le):
                    continue
                if _SPACED_DECIMAL.match(text, bm.start() - 1):
                    continue  # "more than 2. 5 million shells": a page's spaced-out decimal
                word_m = re.search(
                    r"([A-Za-z][A-Za-z.]*)\.+[\"'”’)\]]*$", text[max(s, b_end - 40) : b_end]
                )
                if word_m and not glued:
                    word = word_m.group(1).lower().rstrip(".")
                    if word in ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                        # "Gen. Kim", "J. Smith", "Feb. 26": not a boundary unless the next
                        # word begins a new sentence after a month (rare) - keep it joined.
                        continue
                _append(out, text, s, b_end, para)
                s = b_end
            _append(out, text, s, le, para)
        para += 1
    return out


def _append(out: list[Sentence], text: str, s: int, e: int, para: int) -> None:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if e > s:
        out.append(Sentence(s, e, para))


# An em dash breaks a clause with or without spaces ("trips—at least five—between"); an
# unspaced en dash is a range ("2023–2024"), so only a spaced one does.
_CLAUSE_BREAK = re.compile(
    r"[;:]\s|,\s|\s?—\s?|\s–\s|\s--\s|\((?=\s*[A-Za-z])|\)\s|\s(?=(?:but|while|whereas|although|though)\s)",
)


def clause_starts(text: str, start: int, end: int) -> list[int]:
    """Offsets where clauses begin inside a sentence (its start included), sorted."""
    starts = [start]
    for m in _CLAUSE_BREAK.finditer(text, start, end):
        starts.append(m.end())
    return starts


def clause_bounds(starts: list[int], end: int, pos: int) -> tuple[int, int]:
    """(start, end) of the clause holding offset `pos`."""
    import bisect

    k = bisect.bisect_right(starts, pos) - 1
    s = starts[max(k, 0)]
    e = starts[k + 1] if k + 1 < len(starts) else end
    return s, e
