"""The NMEA kernels compiled ahead of time (`_nmea_native`, built by `make setup`) are what an
ingest runs, decode exactly as the numba JIT kernels they are compiled from, release the GIL as
those do, and are refused when built from other sources."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import threading
from datetime import datetime
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from darkcargo.ais import _nmea_build, nmea
from darkcargo.ais.nmea import DecodedBatch, iter_nmea_batches
from tests.ais.test_nmea_oracles import NMEA_FILES

pytestmark = pytest.mark.usefixtures("native_nmea_kernels")
REPO = Path(__file__).resolve().parents[2]
DEFAULT_TIME = datetime(2020, 1, 1)  # most sample lines carry no time of their own


def _native() -> ModuleType:
    try:
        from darkcargo.ais import _nmea_native  # type: ignore[attr-defined]
    except ImportError:
        pytest.fail("the compiled NMEA kernels are missing: run 'make setup'")
    return _nmea_native


def _decode_with(
    kernels: ModuleType, data: bytes, monkeypatch: pytest.MonkeyPatch, batch_bytes: int
) -> list[DecodedBatch]:
    with monkeypatch.context() as m:
        m.setattr(nmea, "_KERNELS", kernels)
        return list(
            iter_nmea_batches(
                io.BytesIO(data), source_id=3, default_time=DEFAULT_TIME, batch_bytes=batch_bytes
            )
        )


def _mutated(data: bytes, seed: int) -> bytes:
    """Real lines, some cut short, some with a byte changed, some joined: every reject path."""
    rng = np.random.default_rng(seed)
    out = []
    for line in data.splitlines():
        roll = rng.random()
        if roll < 0.1 and len(line) > 2:
            line = line[: rng.integers(1, len(line))]
        elif roll < 0.2 and line:
            i = int(rng.integers(0, len(line)))
            line = line[:i] + bytes([int(rng.integers(32, 127))]) + line[i + 1 :]
        elif roll < 0.25:
            line = line + line
        out.append(line)
    return b"\n".join(out) + b"\n"


def test_an_ingest_decodes_with_the_compiled_kernels() -> None:
    _native()
    assert nmea.kernel_kind() == "native"
    code = (
        "import sys; from darkcargo.ais import nmea; "
        "print(nmea.kernel_kind(), 'numba' in sys.modules)"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    env.pop(nmea.KERNEL_ENV, None)
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["native", "False"]  # numba is not even imported
    env[nmea.KERNEL_ENV] = "jit"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["jit", "True"]


def test_compiled_and_jit_kernels_decode_alike(
    shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from darkcargo.ais import _nmea_kernel as jit

    native = _native()
    real = b"".join((shared_data / "ais" / name).read_bytes() + b"\n" for name in NMEA_FILES)
    # and the paths real logs take: sentences joined on a line, a GPS clock before sentences
    lines = [x for x in real.splitlines() if x.startswith(b"!AIVDM")][:200]
    joined = [a + b for a, b in zip(lines[::2], lines[1::2], strict=False)]
    clock = b"$GPRMC,194907.00,A,5241.99815,N,00517.56525,E,0.005,,010809,,,A*7B"
    real += b"\n".join([*joined, clock, *lines[:50]]) + b"\n"
    for data in (real, _mutated(real, 1), _mutated(real, 2)):
        for batch_bytes in (1 << 20, 4096):  # one batch, and many with multipart carry-over
            a = _decode_with(native, data, monkeypatch, batch_bytes)
            b = _decode_with(jit, data, monkeypatch, batch_bytes)
            assert len(a) == len(b)
            for x, y in zip(a, b, strict=True):
                assert x.positions.equals(y.positions)
                assert x.statics.equals(y.statics)
                assert x.rejects.equals(y.rejects)
                assert (x.lines_read, x.lines_accepted) == (y.lines_read, y.lines_accepted)
    # the corpus reaches the decoder's paths: positions, statics and several reject reasons
    whole = _decode_with(native, _mutated(real, 1), monkeypatch, 1 << 20)
    assert sum(x.positions.num_rows for x in whole) > 500
    assert sum(x.statics.num_rows for x in whole) > 20
    reasons = {r for x in whole for r in x.rejects.column("reason").to_pylist()}
    assert {"bad_checksum", "orphan_part", "unparseable"} <= reasons


def test_compiled_kernels_release_the_gil(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ingest decodes in a worker while DuckDB, which takes the GIL to read Arrow batches,
    writes: a Python thread must keep running while a batch decodes."""
    native = _native()
    sentence = b"\\s:rX,c:1700000000*10\\!AIVDM,1,1,,A,144HfvT92EaKEB0H@087?Ba>0R:O,0*4A\n"
    data = sentence * 300_000
    nmea.decode_nmea_bytes(sentence)  # any first-call work done before counting
    ticks = [0]
    stop = threading.Event()

    def count() -> None:
        while not stop.is_set():
            ticks[0] += 1

    # A long switch interval: a kernel that kept the GIL would let the counter in at most at a
    # switch, far apart; one that releases it lets it count all along.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(0.5)
    counter = threading.Thread(target=count)
    counter.start()
    try:
        with monkeypatch.context() as m:
            m.setattr(nmea, "_KERNELS", native)
            arr = np.frombuffer(data, np.uint8)
            out = nmea._Outputs(300_001)
            state = np.full(nmea.K.STATE_LEN, nmea.K.NULL_TIME, np.int64)
            empty = np.empty(0, np.int64)
            before = ticks[0]
            got = native.decode_buffer(
                arr, 0, empty, empty, 1, state, int(nmea.K.NULL_TIME), True, 1000,
                10_000_000_000, out.P, out.S, out.R, out.C,
            )  # fmt: skip
            during = ticks[0] - before
    finally:
        stop.set()
        counter.join()
        sys.setswitchinterval(interval)
    assert got[0] == 300_000 and got[2] == 0  # every sentence decoded
    assert during > 1_000, f"the counter thread ran {during} times while a batch decoded"


def test_stale_or_missing_compiled_kernels_are_refused(tmp_path: Path) -> None:
    """An extension built from other kernel sources than those beside it is never used."""
    native = _native()
    assert native.built_from() == _nmea_build.kernel_digest()
    # a copy of the package whose kernel source differs by one comment line
    pkg = tmp_path / "darkcargo"
    src = REPO / "src" / "darkcargo"
    shutil.copytree(src, pkg, ignore=shutil.ignore_patterns("__pycache__", "vendor"))
    kernel = pkg / "ais" / "_nmea_kernel.py"
    kernel.write_text(kernel.read_text() + "\n# changed\n")
    code = "from darkcargo.ais import nmea; print(nmea.kernel_kind())"
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    env.pop(nmea.KERNEL_ENV, None)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.split() == ["jit"]
    env[nmea.KERNEL_ENV] = "native"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.returncode != 0 and "stale" in out.stderr
    # and without the extension at all
    for built in (pkg / "ais").glob("_nmea_native*"):
        built.unlink()
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.returncode != 0 and "no compiled extension" in out.stderr


@pytest.mark.parametrize("kind", ["native", "jit"])
def test_line_ends_are_found_at_every_byte_alignment(
    kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The kernels look for newlines eight bytes at a time: lines of every length mod 8, with
    padding that shifts them across word boundaries, and a last line with or without its
    newline, are each read once."""
    from darkcargo.ais import _nmea_kernel as jit

    kernels = _native() if kind == "native" else jit
    monkeypatch.setattr(nmea, "_KERNELS", kernels)
    line = b"!AIVDM,1,1,,B,15M67FC000G?ufbE`FepT@3n00Sa,0*5C"
    for pad in range(9):  # leading spaces move the line across an 8-byte word
        for last_newline in (True, False):
            lines = [b" " * ((pad + i) % 9) + line for i in range(5)]
            data = b"\n".join(lines) + (b"\n" if last_newline else b"")
            batches = _decode_with(kernels, data, monkeypatch, 1 << 20)
            assert sum(b.lines_read for b in batches) == 5
            rows = [r for b in batches for r in b.positions.column("row_id").to_pylist()]
            assert rows == [1, 2, 3, 4, 5]
    # the last line cut anywhere and shifted to any offset, without a newline: counted once
    # (and rejected when cut short), also when it starts and ends inside one 8-byte word
    for shift in range(8):
        for cut in range(1, len(line) + 1):
            data = b" " * shift + line + b"\n" + line + b"\n" + line[:cut]
            batch = _decode_within(data, seconds=30)  # a scan that went back would never end
            assert batch.lines_read == 3
            assert batch.positions.num_rows == (3 if cut == len(line) else 2)


def _decode_within(data: bytes, seconds: float) -> DecodedBatch:
    """decode_nmea_bytes in a thread (the kernels release the GIL), failing after `seconds`."""
    out: list[DecodedBatch] = []
    worker = threading.Thread(
        target=lambda: out.append(nmea.decode_nmea_bytes(data, default_time=DEFAULT_TIME)),
        daemon=True,
    )
    worker.start()
    worker.join(seconds)
    if not out:
        pytest.fail(f"decoding {len(data)} bytes did not end within {seconds} s")
    return out[0]
