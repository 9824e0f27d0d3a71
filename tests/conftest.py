"""Shared fixtures. Real sample data is read from ../shared/data beside the checkout."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("DARKCARGO_SHARED_DATA", REPO.parent / "shared" / "data"))
ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The shared real-data folder; tests that need it skip, with a reason, when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real sample data not found at {SHARED_DATA} (set DARKCARGO_SHARED_DATA)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def workspace_path(tmp_path: Path) -> Path:
    return tmp_path / "ws.duckdb"


@pytest.fixture(scope="session")
def native_nmea_kernels() -> None:
    """Tests that expect the NMEA kernels compiled ahead of time (`make setup`) skip, with a
    reason, on a machine without a C compiler, where the JIT kernels serve instead."""
    if shutil.which("cc") is None and shutil.which("gcc") is None:
        pytest.skip("no C compiler: the NMEA kernels cannot be compiled ahead of time here")
