"""A small thread-safe cache for the read-only reader: bounded, and each value filled once.

The server answers requests on a thread pool. Without care, twenty simultaneous first requests
for the same expensive value (every position, read and sorted) each compute it, and a cache
keyed by a request parameter grows with every value a client tries. Here a missing key is
computed by one caller while the others asking for it wait for that result, and at most
`max_entries` values are kept (least recently used dropped first).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


class FillOnceCache:
    """Key -> value, computed at most once at a time per key; None `max_entries` keeps all."""

    def __init__(self, max_entries: int | None = None) -> None:
        if max_entries is not None and max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self.max_entries = max_entries
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._filling: dict[Hashable, threading.Lock] = {}
        self.fills = 0  # how many values were computed (for tests and diagnostics)

    def __len__(self) -> int:
        with self._lock:
            return len(self._values)

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._values

    def get(self, key: Hashable, fill: Callable[[], T]) -> T:
        """The value for `key`, calling `fill()` when it is missing; callers asking for the same
        missing key meanwhile wait and get that one result. An exception in `fill` is raised to
        its caller and nothing is stored, so the next caller tries again."""
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]  # type: ignore[no-any-return]
            key_lock = self._filling.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                if key in self._values:
                    self._values.move_to_end(key)
                    return self._values[key]  # type: ignore[no-any-return]
            try:
                value = fill()
            except BaseException:
                with self._lock:
                    if self._filling.get(key) is key_lock:
                        del self._filling[key]
                raise
            with self._lock:
                self.fills += 1
                self._values[key] = value
                self._values.move_to_end(key)
                while self.max_entries is not None and len(self._values) > self.max_entries:
                    self._values.popitem(last=False)
                if self._filling.get(key) is key_lock:
                    del self._filling[key]
            return value
