"""darkcargo: from raw maritime evidence to defensible numbers.

Stages (one subpackage each, data flowing one way): ``ais`` (ingest), ``events`` (detect),
``sar`` (see), ``sanctions`` (watch), ``shipments`` (infer), ``estimate``, ``claims`` (verify),
``report`` and ``web`` (present), and ``scenario`` (the demo season with ground truth).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

__version__ = "0.1.0"

NUMBA_CACHE_ENV = "NUMBA_CACHE_DIR"


def user_cache_dir() -> Path:
    """Where darkcargo keeps what it can rebuild: $DARKCARGO_CACHE_DIR, else
    $XDG_CACHE_HOME/darkcargo, else ~/.cache/darkcargo."""
    own = os.environ.get("DARKCARGO_CACHE_DIR")
    if own:
        return Path(own)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "darkcargo"


def _default_numba_cache() -> None:
    """Point numba's cache of compiled kernels at a user cache folder when the user has not.

    The kernels are compiled once (tens of seconds) and loaded from this cache afterwards, also
    when the package sits in a read-only site-packages where numba's own default (a __pycache__
    beside each source file) cannot be written. Must run before numba is imported: numba reads
    NUMBA_CACHE_DIR once. If the folder cannot be written, numba's own defaults apply.
    """
    if os.environ.get(NUMBA_CACHE_ENV) or "numba" in sys.modules:
        return
    try:
        folder = user_cache_dir() / "numba"
        folder.mkdir(parents=True, exist_ok=True)
    except (OSError, RuntimeError):  # no home, or a read-only one: leave numba's default
        return
    if not os.access(folder, os.W_OK):
        return
    os.environ[NUMBA_CACHE_ENV] = str(folder)


_default_numba_cache()
