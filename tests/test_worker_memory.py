"""A build's forked workers free the cycles each chunk of their work leaves (a page's Jinja
context is one): the build runs with the cyclic collector off, and its workers inherit that."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator, Sequence

import pytest

from sitegen import parallel


class _Cycle:
    def __init__(self) -> None:
        self.me = self


_made: list[weakref.ref[_Cycle]] = []   # in each worker: the cycles it left


def _cycles(items: Sequence[int]) -> list[int]:
    """A cycle left per item; for each, how many of those this worker left before are freed."""
    freed = sum(ref() is None for ref in _made)
    for _ in items:
        _made.append(weakref.ref(_Cycle()))
    return [freed] * len(items)


@pytest.fixture
def two_jobs_without_gc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(parallel, "MIN_PARALLEL", 2)
    parallel.set_jobs(2)
    enabled = gc.isenabled()
    gc.disable()   # as during a build (`site._without_cyclic_gc`)
    yield
    if enabled:
        gc.enable()
    parallel.set_jobs(None)


def test_workers_free_the_cycles_each_chunk_leaves(two_jobs_without_gc: None) -> None:
    freed = list(parallel.stream_chunks(_cycles, range(8), chunk_size=1))
    assert max(freed) > 0
    assert not _made   # the cycles were left in the workers, not here
