"""Build hook (the project is described in pyproject.toml): a wheel carries the NMEA kernels
compiled ahead of time, so an installed `darkcargo ingest` does not load numba to decode.

See src/darkcargo/ais/_nmea_build.py. The compiled module is platform-specific, so the wheel is
tagged for this platform. Where the kernels cannot be compiled (numba or a C compiler missing in
the build environment) the wheel is built without them and the JIT kernels serve at run time.
An editable install (`make setup`) compiles them beside the source instead.
"""

from __future__ import annotations

import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

SRC = Path(__file__).resolve().parent / "src"


class BuildPyWithKernels(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        sys.path.insert(0, str(SRC))
        try:
            from darkcargo.ais._nmea_build import build

            built = build(Path(self.build_lib) / "darkcargo" / "ais")
        except Exception as exc:  # any failure: the JIT kernels serve instead
            print(f"warning: NMEA kernels not compiled ahead of time ({exc}); numba's JIT serves")
        else:
            print(f"compiled {built}")
        finally:
            sys.path.remove(str(SRC))


class PlatformDistribution(Distribution):
    def has_ext_modules(self) -> bool:
        return True


setup(cmdclass={"build_py": BuildPyWithKernels}, distclass=PlatformDistribution)
