"""The reader's fill-once cache: one computation per missing key however many callers ask at
once, a bounded number of entries, and failures never stored."""

from __future__ import annotations

import threading
import time

import pytest

from darkcargo.web.cache import FillOnceCache


def test_simultaneous_callers_of_a_missing_key_share_one_fill() -> None:
    cache = FillOnceCache()
    calls: list[int] = []
    start = threading.Barrier(20)

    def fill() -> str:
        calls.append(1)
        time.sleep(0.2)  # long enough that every other caller arrives meanwhile
        return "value"

    results: list[str] = []

    def ask() -> None:
        start.wait()
        results.append(cache.get("fixes", fill))

    threads = [threading.Thread(target=ask) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == ["value"] * 20
    assert len(calls) == 1 and cache.fills == 1


def test_different_keys_fill_independently_and_the_oldest_is_dropped() -> None:
    cache = FillOnceCache(max_entries=2)
    for n in (1, 2, 3):
        assert cache.get(n, lambda n=n: n * 10) == n * 10
    assert len(cache) == 2 and 1 not in cache and 3 in cache
    cache.get(2, lambda: -1)  # a hit: 2 becomes the most recent
    cache.get(4, lambda: 40)
    assert 2 in cache and 3 not in cache and cache.fills == 4


def test_a_failed_fill_is_not_stored_and_the_next_caller_retries() -> None:
    cache = FillOnceCache()

    def boom() -> int:
        raise RuntimeError("read failed")

    with pytest.raises(RuntimeError):
        cache.get("k", boom)
    assert "k" not in cache
    assert cache.get("k", lambda: 7) == 7


def test_max_entries_must_be_positive() -> None:
    with pytest.raises(ValueError):
        FillOnceCache(0)
