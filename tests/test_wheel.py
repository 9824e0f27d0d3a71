"""The package installs like a Python tool: the wheel that `make dist` builds carries every data
file (the vendored browser and geography assets included), and, installed with pip into a fresh
venv, runs `darkcargo demo` and `darkcargo serve` from the installed copy, with the NMEA kernels
compiled ahead of time in the wheel and numba's JIT kernels cached in the user's cache folder, not
in (read-only) site-packages.

No network: the wheel is built with the test venv's own setuptools (`build --no-isolation`), and
installed with `--no-deps`; the fresh venv sees the test venv's site-packages (numpy, numba,
DuckDB ...) through a .pth line, which does not run that folder's own .pth files, so the source
tree's editable install stays invisible. The venv lives at a fixed path under build/ so that
numba's cache (keyed by source path and content) is reused by the next run; the first run in a
clone compiles every kernel (about a minute).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import stat
import subprocess
import sys
import sysconfig
import tarfile
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "src" / "darkcargo"
VENDOR = PACKAGE / "web" / "vendor"
WORK = REPO / "build" / "wheel-test"  # fixed path: numba's cache survives between runs
SKIP_PARTS = {"__pycache__"}
SKIP_SUFFIXES = {".pyc", ".nbi", ".nbc", ".so"}  # .so: built, per platform, never in the sdist


def _package_files() -> list[str]:
    """Every file the package holds in the source tree, as 'darkcargo/...' (caches and dotfiles,
    such as the vendor folder's set-up stamp, left out)."""
    out = []
    for path in PACKAGE.rglob("*"):
        rel = path.relative_to(PACKAGE)
        if not path.is_file() or path.suffix in SKIP_SUFFIXES:
            continue
        if any(p in SKIP_PARTS or p.startswith(".") for p in rel.parts):
            continue
        out.append(f"darkcargo/{rel.as_posix()}")
    return sorted(out)


def _writable(root: Path) -> None:
    for path in [root, *root.rglob("*")]:
        if not path.is_symlink():
            path.chmod(path.stat().st_mode | stat.S_IWUSR)


def _read_only(root: Path) -> None:
    for path in [root, *root.rglob("*")]:
        if not path.is_symlink():
            path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


@dataclass
class Installed:
    wheel: Path
    sdist: Path
    venv: Path
    site: Path  # the fresh venv's site-packages
    cache: Path  # XDG_CACHE_HOME given to the installed tool
    env: dict[str, str]

    def run(self, *args: str, cwd: Path, timeout: float = 900, **extra: str) -> str:
        done = subprocess.run(
            [str(self.venv / "bin" / "darkcargo"), *args],
            cwd=cwd,
            env={**self.env, **extra},
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert done.returncode == 0, (args, done.stdout[-3000:], done.stderr[-3000:])
        return done.stdout + done.stderr


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    pytest.importorskip("build", reason="the 'build' package (dev extra) builds the wheel")
    assert (VENDOR / "manifest.json").exists(), "vendored assets missing: run 'make setup'"
    tmp = tmp_path_factory.mktemp("wheel")

    # a clean copy of what a checkout holds (no caches, no egg-info)
    source = tmp / "source"
    source.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md", "MANIFEST.in", "LICENSE"):
        if (REPO / name).exists():
            shutil.copy2(REPO / name, source / name)
    shutil.copytree(
        REPO / "src",
        source / "src",
        ignore=shutil.ignore_patterns(
            "__pycache__", "*.egg-info", "*.pyc", "*.nbi", "*.nbc", "*.so"
        ),
    )
    dist = tmp / "dist"
    build = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist), str(source)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    (wheel,) = dist.glob("darkcargo-*.whl")
    (sdist,) = dist.glob("darkcargo-*.tar.gz")

    # nothing of the source tree may be visible to the fresh venv (PYTHONPATH=src would show it,
    # and pip would then take a build's leftover src/darkcargo.egg-info for an installed copy)
    clean = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if WORK.exists():
        _writable(WORK)
    venv = WORK / "venv"
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, env=clean
    )
    python = venv / "bin" / "python"
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
            env=clean,
        ).stdout.strip()
    )
    ours = sysconfig.get_paths()
    deps = dict.fromkeys([ours["purelib"], ours["platlib"]])  # the test venv's packages
    (site / "_darkcargo_test_deps.pth").write_text("".join(f"{d}\n" for d in deps))
    # --ignore-installed: the test venv's own (editable) darkcargo is visible through that .pth
    pip = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
         "--no-index", "--no-compile", "--ignore-installed", str(wheel)],
        capture_output=True,
        text=True,
        timeout=600,
        env=clean,
    )  # fmt: skip
    assert pip.returncode == 0, pip.stdout[-3000:] + pip.stderr[-3000:]
    assert (site / "darkcargo" / "__init__.py").exists(), pip.stdout[-3000:]
    _read_only(site / "darkcargo")

    # "a machine without npm": npm and node answer with an error and leave a mark
    no_npm = tmp / "no-npm"
    no_npm.mkdir()
    for tool in ("npm", "npx", "node"):
        script = no_npm / tool
        script.write_text(f'#!/bin/sh\necho "$0 $*" >> {tmp / "npm-was-called"}\nexit 127\n')
        script.chmod(0o755)

    cache = WORK / "cache"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "NUMBA_CACHE_DIR", "DARKCARGO_ASSETS", "DARKCARGO_CACHE_DIR")
        and not k.startswith("DARKCARGO_WORKSPACE")
    }
    env.update(
        {
            "XDG_CACHE_HOME": str(cache),
            "PATH": os.pathsep.join([str(venv / "bin"), str(no_npm), env.get("PATH", "")]),
            "COLUMNS": "200",
        }
    )
    yield Installed(wheel, sdist, venv, site, cache, env)
    _writable(site / "darkcargo")
    assert not (tmp / "npm-was-called").exists(), (tmp / "npm-was-called").read_text()


def test_wheel_and_sdist_carry_every_package_file_and_vendored_asset(
    installed: Installed,
) -> None:
    expected = _package_files()
    vendored = [f for f in expected if f.startswith("darkcargo/web/vendor/")]
    kinds = {Path(f).suffix for f in vendored}
    assert {".js", ".css", ".png", ".json"} <= kinds, kinds
    with zipfile.ZipFile(installed.wheel) as zf:
        in_wheel = set(zf.namelist())
        assert not [f for f in expected if f not in in_wheel], "missing from the wheel"
        manifest = zf.read("darkcargo/web/vendor/manifest.json")
    assert manifest == (VENDOR / "manifest.json").read_bytes()
    with tarfile.open(installed.sdist) as tf:
        prefix = tf.getnames()[0].split("/")[0]
        in_sdist = {n.removeprefix(f"{prefix}/src/") for n in tf.getnames()}
    assert not [f for f in expected if f not in in_sdist], "missing from the sdist"
    assert not [n for n in in_wheel if "__pycache__" in n or n.endswith((".nbi", ".nbc"))]
    # the wheel carries the NMEA kernels compiled for its platform (and is tagged so); the sdist
    # carries their sources and the build hook that compiles them
    if shutil.which("cc") or shutil.which("gcc"):  # without a C compiler the JIT kernels serve
        assert [
            n for n in in_wheel if n.startswith("darkcargo/ais/_nmea_native") and n.endswith(".so")
        ]
    assert "-py3-none-any" not in installed.wheel.name
    assert not [n for n in in_sdist if n.endswith(".so")]
    assert f"{prefix}/setup.py" in tf_names(installed.sdist)


def tf_names(sdist: Path) -> list[str]:
    with tarfile.open(sdist) as tf:
        return tf.getnames()


def test_installed_copy_is_what_runs(installed: Installed, tmp_path: Path) -> None:
    code = (
        "import darkcargo, darkcargo.assets as a; "
        "print(darkcargo.__file__); print(a.vendor_root()); print(a.asset_path('world-atlas', "
        "'land-10m.json'))"
    )
    done = subprocess.run(
        [str(installed.venv / "bin" / "python"), "-c", code],
        cwd=tmp_path,
        env=installed.env,
        capture_output=True,
        text=True,
        check=True,
    )
    module, vendor, land = (Path(line) for line in done.stdout.split())
    assert module == installed.site / "darkcargo" / "__init__.py"
    assert vendor == installed.site / "darkcargo" / "web" / "vendor"
    assert land.is_relative_to(vendor) and land.stat().st_size > 1_000_000
    out = installed.run("--version", cwd=tmp_path)
    assert out.strip() == "darkcargo 0.1.0"
    npm = shutil.which("npm", path=installed.env["PATH"])
    assert npm is not None and Path(npm).parent.name == "no-npm"  # the stand-in that fails


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.read()


def test_installed_wheel_runs_the_demo_and_serves_the_page(
    installed: Installed, tmp_path: Path
) -> None:
    out = installed.run(
        "demo", "--vessels", "30", "--end", "2023-08-10", "--out", "demo", cwd=tmp_path
    )
    assert "darkcargo demo finished" in out
    demo = tmp_path / "demo"
    assert "leaflet" in (demo / "report.html").read_text().lower()  # embedded from the wheel

    # the NMEA kernels came compiled in the wheel: an ingest decodes without loading numba
    if shutil.which("cc") is None and shutil.which("gcc") is None:
        pytest.skip("no C compiler: the wheel carries no compiled NMEA kernels here")
    assert list((installed.site / "darkcargo" / "ais").glob("_nmea_native*.so"))
    code = "import sys; from darkcargo.ais import nmea; print(nmea.kernel_kind(), 'numba' in sys.modules)"
    kind = subprocess.run(
        [str(installed.venv / "bin" / "python"), "-c", code],
        cwd=tmp_path, env=installed.env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert kind.stdout.split() == ["native", "False"]

    # numba's JIT kernels (events) went to the user's cache folder, none into the package
    numba_cache = installed.cache / "darkcargo" / "numba"
    assert list(numba_cache.rglob("segment._segment_kernel-*.nbi"))
    assert not [
        p for p in (installed.site / "darkcargo").rglob("*") if p.suffix in (".nbi", ".nbc")
    ]
    # ... and a second process loads them from there instead of compiling
    again = installed.run(
        "detect", "--workspace", str(demo / "workspace.duckdb"),
        cwd=tmp_path, NUMBA_DEBUG_CACHE="1",
    )  # fmt: skip
    loaded = re.findall(r"data loaded from '([^']+)'", again)
    assert any("segment._segment_kernel" in p and p.startswith(str(numba_cache)) for p in loaded)
    assert "data saved to" not in again

    port = _free_port()
    server = subprocess.Popen(
        [str(installed.venv / "bin" / "darkcargo"), "serve", "--workspace",
         str(demo / "workspace.duckdb"), "--port", str(port)],
        cwd=tmp_path, env=installed.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                status, page = _get(f"{base}/")
                break
            except OSError:
                assert server.poll() is None, server.communicate()[0]
                assert time.monotonic() < deadline, "server did not answer in 120 s"
                time.sleep(0.5)
        assert status == 200
        assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', page.decode())
        vendored = [a for a in assets if a.startswith("/static/vendor/")]
        assert len(vendored) == 2 and len(assets) > 2, assets
        for url in assets:
            status, body = _get(base + url)
            assert status == 200 and body, url
        for url in vendored:
            installed_file = installed.site / "darkcargo" / "web" / url.removeprefix("/static/")
            assert _get(base + url)[1] == installed_file.read_bytes()
        leaflet = vendored[0].rsplit("/", 1)[0]
        status, png = _get(f"{base}{leaflet}/images/marker-icon.png")
        assert status == 200 and png.startswith(b"\x89PNG")
        status, land = _get(f"{base}/api/land")
        assert status == 200 and b'"features"' in land and len(land) > 10_000
    finally:
        server.terminate()
        server.wait(timeout=30)
