"""Ahead-of-time compilation of the NMEA kernels (`_nmea_kernel`) into an extension module,
`darkcargo.ais._nmea_native`, so that a `darkcargo ingest` process does not load numba at all.

Why: numba's import and the loading of cached JIT kernels cost about 0.45 s of every ingest
process, as long as decoding a million sentences. The extension is compiled by numba's `pycc`
from the very same Python functions, for a generic x86-64 (or the build machine's architecture
family) CPU, so a wheel built with it runs on any machine of that platform; it needs NumPy only.

Built by `make setup` (into the source tree, beside the kernel) and by `make dist` (into the
wheel, see setup.py). A module compiled from other sources than those beside it is never used:
the extension carries the digest of the kernel sources it was built from (`built_from()`), and
`darkcargo.ais.nmea` falls back to the JIT kernels when it differs, or when the module is missing
(an install from the source archive without numba at build time, another platform). The
environment variable DARKCARGO_NMEA_KERNEL=jit forces the JIT kernels; =native requires the
extension (an error if it is missing or stale).

Run: python -m darkcargo.ais._nmea_build [OUT_DIR]   (default: this package's folder)
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

MODULE = "_nmea_native"
HERE = Path(__file__).resolve().parent
# What the extension is compiled from: its digest is stored in it and checked at load time.
SOURCES = ("_nmea_kernel.py", "_nmea_codes.py", "_nmea_build.py")


def kernel_digest(folder: Path = HERE) -> int:
    """A 60-bit digest of the kernel sources in `folder` (fits the extension's int64 return)."""
    h = hashlib.sha256()
    for name in SOURCES:
        h.update(name.encode() + b"\0" + (folder / name).read_bytes() + b"\0")
    return int(h.hexdigest()[:15], 16)


def build(out_dir: Path = HERE, *, verbose: bool = False) -> Path:
    """Compile the extension into `out_dir`; returns its path (about 10-20 s)."""
    import warnings

    from numba import types as T  # noqa: N812
    from numba.core.errors import NumbaPendingDeprecationWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NumbaPendingDeprecationWarning)  # pycc: no successor yet
        from numba.pycc import CC
        from numba.pycc import compiler as pycc_compiler

    from darkcargo.ais import _nmea_kernel as K  # noqa: N812

    def arr(dtype: T.Type, ndim: int = 1, readonly: bool = False) -> T.Array:
        return T.Array(dtype, ndim, "C", readonly=readonly)

    i64, u8, f64, f32, i16, i8 = T.int64, T.uint8, T.float64, T.float32, T.int16, T.int8
    # The column arrays nmea._Outputs allocates, in the order decode_buffer unpacks them.
    positions = T.Tuple(
        (arr(i64), arr(i64), arr(f64), arr(f64), arr(f32), arr(f32), arr(i16), arr(i8),
         arr(i8), arr(i64))
    )  # fmt: skip
    statics = T.Tuple(
        (arr(i64), arr(i64), arr(i64), arr(u8, 2), arr(u8, 2), arr(i16), arr(f32), arr(f32),
         arr(f32), arr(u8, 2), arr(i8), arr(i64))
    )  # fmt: skip
    rejects = T.Tuple((arr(i64), arr(i64), arr(i64), arr(i8)))
    carried = T.UniTuple(arr(i64), 4)
    decode_sig = T.UniTuple(i64, 6)(
        arr(u8, readonly=True), i64, arr(i64), arr(i64), i64, arr(i64), i64, T.boolean, i64,
        i64, positions, statics, rejects, carried,
    )  # fmt: skip
    pack_sig = T.Tuple((arr(T.int32), arr(u8), arr(T.boolean)))(arr(u8, 2), i64)

    digest = kernel_digest()
    namespace: dict[str, object] = {}
    exec(f"def built_from():\n    return {digest}\n", namespace)  # a constant in the module

    out_dir.mkdir(parents=True, exist_ok=True)
    cc = CC(MODULE)
    cc.output_dir = str(out_dir)
    cc.verbose = verbose
    cc.target_cpu = ""  # generic for the platform: the extension may run on another machine
    cc.export("decode_buffer", decode_sig)(K.decode_buffer.py_func)
    cc.export("pack_fixed_strings", pack_sig)(K.pack_fixed_strings.py_func)
    cc.export("built_from", T.int64())(namespace["built_from"])
    # pycc's Python wrappers keep the GIL; the JIT kernels are nogil, and ingest decodes in a
    # worker thread while DuckDB (which takes the GIL to read Arrow batches) writes the last
    # batch. pycc has no option for it, so its compile flags are given release_gil, as numba's
    # own nogil=True does for the JIT wrappers (tests/ais/test_nmea_native.py checks it).
    plain_flags = pycc_compiler.Flags

    class NoGilFlags(plain_flags):  # type: ignore[misc, valid-type]
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)
            self.release_gil = True

    pycc_compiler.Flags = NoGilFlags  # type: ignore[misc]
    try:
        cc.compile()
    finally:
        pycc_compiler.Flags = plain_flags  # type: ignore[misc]
    return out_dir / cc.output_file


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else HERE
    path = build(out)
    print(f"compiled {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
