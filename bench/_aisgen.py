"""Vectorised generator of valid tagged AIVDM type 1 sentences for benchmarks.

`tagged_sentences(n, seed)` returns n lines like
    \\s:rBENCH01,c:1700000000*hh\\!AIVDM,1,1,,A,<28 payload chars>,0*hh
with correct tag-block and sentence checksums, built with NumPy only (no per-line Python), and
`write_tagged_sentences(path, n, seed)` writes them to a file in bounded memory. Tracks: a fleet of
vessels moving in the Sea of Japan, one report per line, times increasing by ~1/10 s per line.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

__all__ = ["TAG_PREFIX", "tagged_sentences", "write_tagged_sentences"]

T0 = 1_700_000_000  # 2023-11-14T22:13:20Z
TAG_PREFIX = b"\\s:rBENCH01,c:"
_HEX = np.frombuffer(b"0123456789ABCDEF", np.uint8)

# type 1 layout: (name, width); 168 bits in all
_FIELDS = (
    ("type", 6), ("repeat", 2), ("mmsi", 30), ("status", 4), ("rot", 8), ("sog", 10),
    ("accuracy", 1), ("lon", 28), ("lat", 27), ("cog", 12), ("heading", 9), ("second", 6),
    ("maneuver", 2), ("spare", 3), ("raim", 1), ("radio", 19),
)  # fmt: skip


def _fields(n: int, rng: np.random.Generator, line0: int) -> dict[str, np.ndarray]:
    n_vessels = 2000
    vessel = rng.integers(0, n_vessels, n)
    mmsi = 273_000_000 + vessel * 37
    base_lat = 38.0 + (vessel % 97) * 0.06
    base_lon = 129.0 + (vessel % 89) * 0.05
    step = (np.arange(n) + line0) / n_vessels
    lat = base_lat + 0.0005 * step
    lon = base_lon + 0.0004 * step
    sog = rng.integers(0, 200, n)
    sog[rng.random(n) < 0.01] = 1023  # not available
    heading = rng.integers(0, 360, n)
    heading[rng.random(n) < 0.05] = 511
    return {
        "type": np.ones(n, np.int64),
        "repeat": np.zeros(n, np.int64),
        "mmsi": mmsi,
        "status": rng.integers(0, 9, n),
        "rot": rng.integers(-127, 128, n),
        "sog": sog,
        "accuracy": rng.integers(0, 2, n),
        "lon": np.round(lon * 600_000).astype(np.int64),
        "lat": np.round(lat * 600_000).astype(np.int64),
        "cog": rng.integers(0, 3600, n),
        "heading": heading,
        "second": rng.integers(0, 60, n),
        "maneuver": np.zeros(n, np.int64),
        "spare": np.zeros(n, np.int64),
        "raim": np.zeros(n, np.int64),
        "radio": rng.integers(0, 1 << 19, n),
    }


def _payload(fields: dict[str, np.ndarray], n: int) -> np.ndarray:
    """28 armoured payload characters per row (uint8 [n, 28])."""
    bits = np.empty((n, 168), np.uint8)
    off = 0
    for name, width in _FIELDS:
        v = fields[name].astype(np.int64) & ((1 << width) - 1)  # two's complement for signed
        shifts = np.arange(width - 1, -1, -1, dtype=np.int64)
        bits[:, off : off + width] = (v[:, None] >> shifts) & 1
        off += width
    six = bits.reshape(n, 28, 6).astype(np.uint8) @ np.array([32, 16, 8, 4, 2, 1], np.uint8)
    return np.where(six < 40, six + 48, six + 56).astype(np.uint8)


def _digits(v: np.ndarray, width: int) -> np.ndarray:
    out = np.empty((len(v), width), np.uint8)
    for k in range(width):
        out[:, width - 1 - k] = 48 + (v // 10**k) % 10
    return out


def tagged_sentences(n: int, seed: int = 0, line0: int = 0) -> bytes:
    """n tagged type 1 sentences, one per line ('\\n'-terminated). `line0` continues a track
    sequence when a file is written in several chunks."""
    rng = np.random.default_rng(seed + line0)
    f = _fields(n, rng, line0)
    payload = _payload(f, n)
    t = T0 + (np.arange(n, dtype=np.int64) + line0) // 10
    tag_body = np.hstack([np.tile(np.frombuffer(TAG_PREFIX[1:], np.uint8), (n, 1)), _digits(t, 10)])
    head = np.frombuffer(b"AIVDM,1,1,,A,", np.uint8)
    sent_body = np.hstack(
        [np.tile(head, (n, 1)), payload, np.tile(np.frombuffer(b",0", np.uint8), (n, 1))]
    )
    chan = rng.integers(0, 2, n)
    sent_body[:, 11] = np.where(chan == 0, ord("A"), ord("B"))
    tag_cs = np.bitwise_xor.reduce(tag_body, axis=1)
    sent_cs = np.bitwise_xor.reduce(sent_body, axis=1)
    cols = [
        np.full((n, 1), ord("\\"), np.uint8),
        tag_body,
        np.full((n, 1), ord("*"), np.uint8),
        _HEX[tag_cs >> 4][:, None],
        _HEX[tag_cs & 15][:, None],
        np.full((n, 1), ord("\\"), np.uint8),
        np.full((n, 1), ord("!"), np.uint8),
        sent_body,
        np.full((n, 1), ord("*"), np.uint8),
        _HEX[sent_cs >> 4][:, None],
        _HEX[sent_cs & 15][:, None],
        np.full((n, 1), ord("\n"), np.uint8),
    ]
    return np.hstack(cols).tobytes()


def write_tagged_sentences(path: str | Path, n: int, seed: int = 0, chunk: int = 500_000) -> int:
    """Write n tagged sentences to `path` in chunks (bounded memory); returns bytes written."""
    written = 0
    with open(path, "wb") as fh:
        for start in range(0, n, chunk):
            data = tagged_sentences(min(chunk, n - start), seed, line0=start)
            fh.write(data)
            written += len(data)
    return written
