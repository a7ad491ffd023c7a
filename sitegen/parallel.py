"""Spread CPU-bound build work over processes, in chunks (no per-page round trip).

Markdown conversion and page rendering are the largest costs of a clean build; both are pure and
per item, so they run in forked workers that inherit the site's state as it was at the call:
nothing but the work items (text, or page numbers) and the results cross the process boundary.
Workers die with the build: a build killed outright (SIGKILL) runs no clean-up, and without this
its workers would wait forever on a queue whose write end they hold themselves.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")
P = TypeVar("P")

# Below this many items a process pool costs more than it saves (start-up is ~50 ms a worker).
MIN_PARALLEL = 200
_jobs: int | None = None
_work: Callable[[Sequence[object]], list[object]] | None = None
_streaming = 0   # pools of `stream_chunks` whose workers are running


def set_jobs(jobs: int | None) -> None:
    """Worker processes for this process's builds; None means one per core (`--jobs`)."""
    global _jobs
    if jobs is not None and jobs < 1:
        raise ValueError("jobs must be at least 1")
    _jobs = jobs


def jobs() -> int:
    """The number of worker processes a build uses (1 means none: all in this process)."""
    return _jobs if _jobs is not None else (os.cpu_count() or 1)


def map_chunks(work: Callable[[Sequence[T]], list[R]], items: Sequence[T]) -> list[R]:
    """`work(items)`, split into one chunk per worker when there is enough to gain.

    `work` must be a module-level function of a chunk; it runs in forked children, so it sees
    the parent's state as it was at the call (no pickling of configuration or templates).
    While the workers of a `stream_chunks` run (Markdown converting while related stories are
    ranked), it runs in this process: they have every core already.
    """
    n = jobs()
    if n <= 1 or len(items) < MIN_PARALLEL or _streaming \
            or "fork" not in multiprocessing.get_all_start_methods():
        return work(items)
    global _work
    _work = work  # type: ignore[assignment]
    size = -(-len(items) // n)
    chunks = [items[i:i + size] for i in range(0, len(items), size)]
    try:
        with ProcessPoolExecutor(max_workers=len(chunks),
                                 mp_context=multiprocessing.get_context("fork"),
                                 initializer=_start_worker, initargs=(os.getpid(), False)) as pool:
            results = list(pool.map(_run_chunk, chunks))
    finally:
        _work = None
    return [r for chunk in results for r in chunk]  # type: ignore[misc]


def stream_chunks(work: Callable[[Sequence[T]], list[R]], items: Sequence[T], *,
                  chunk_size: int = 64) -> Generator[R, None, None]:
    """`work` over `items` in chunks of `chunk_size`, results yielded in order as they come.

    Like `map_chunks`, but the caller consumes results while workers produce them (pages are
    written while later ones render, and not every page is held in memory at once). Workers
    ignore Ctrl-C; the caller's interrupt stops them.
    """
    chunks = [items[i:i + chunk_size] for i in range(0, len(items), chunk_size)]
    n = jobs()
    if n <= 1 or len(items) < MIN_PARALLEL or "fork" not in multiprocessing.get_all_start_methods():
        for chunk in chunks:
            yield from work(chunk)
        return
    global _work, _streaming
    _work = work  # type: ignore[assignment]
    pool = ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context("fork"),
                               initializer=_start_worker, initargs=(os.getpid(), True))
    _streaming += 1
    try:
        for result in pool.map(_run_chunk, chunks):   # forks every worker on the first submit
            yield from result  # type: ignore[misc]
    finally:
        _work = None
        _streaming -= 1
        pool.shutdown(wait=True, cancel_futures=True)


def ahead(work: Callable[[P], R], arg: P) -> Callable[[], R]:
    """`work(arg)` started now in a forked child, beside what this process does meanwhile;
    calling what this returns takes its result (sent back pickled), waiting for it if need be.
    For work that holds the interpreter (encoding and writing a snapshot), which a thread would
    only take turns with. It must be called exactly once, even on an error (it
    reaps the child). With one job, or without fork, `work` runs in this process when called;
    and again here if the child failed."""
    if jobs() <= 1 or not hasattr(os, "fork") \
            or "fork" not in multiprocessing.get_all_start_methods():
        return lambda: work(arg)
    parent = os.getpid()
    read, write = os.pipe()
    child = os.fork()
    if child == 0:   # never returns: no clean-up of the parent's runs here
        code = 1
        try:
            os.close(read)
            _start_worker(parent, True)
            data = pickle.dumps(work(arg), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write, "wb") as pipe:
                pipe.write(data)
            code = 0
        finally:
            os._exit(code)
    os.close(write)

    def result() -> R:
        with os.fdopen(read, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(child, 0)
        if status == 0 and data:
            found: R = pickle.loads(data)
            return found
        return work(arg)

    return result


def _start_worker(parent: int, ignore_interrupts: bool) -> None:
    """In each forked worker: exit when `parent` (the build) dies, and with `ignore_interrupts`
    leave Ctrl-C to the parent, which stops the pool. What it inherited is frozen (out of the
    cyclic collector's reach: `_run_chunk` collects only what the worker made since)."""
    gc.freeze()
    if ignore_interrupts:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    if not _kill_on_parent_death():
        threading.Thread(target=_watch_parent, args=(parent,), name="sitegen-parent-watch",
                         daemon=True).start()
    if os.getppid() != parent:   # the build died before the worker could ask to follow it
        os._exit(1)


_PR_SET_PDEATHSIG = 1


def _prctl() -> Callable[..., int] | None:
    """Linux's `prctl`, None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


def _kill_on_parent_death() -> bool:
    """Ask Linux to SIGKILL this process when its parent dies; False where that is unavailable.
    SIGKILL, since a worker holds nothing to clean up: its results have no one to go to."""
    prctl = _prctl()
    return prctl is not None and int(prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)) == 0


def dies_with_this_process() -> Callable[[], None] | None:
    """A `preexec_fn` for a helper program (Pagefind) that must end when this process does,
    even by SIGKILL, which runs no clean-up: Linux kills the child when its parent thread ends
    (it waits on the child, so it ends with the process). `prctl` is looked up here, in the
    parent, so the child only makes the call between fork and exec (no loader lock to wait
    on). None where that is unavailable: the child then outlives a killed build."""
    prctl, parent = _prctl(), os.getpid()
    if prctl is None:
        return None

    def follow() -> None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:   # the build died before the child could ask to follow it
            os._exit(1)

    return follow


def _watch_parent(parent: int, every: float = 0.5) -> None:
    """The portable fallback: an orphan is re-parented, so its parent id changes; then exit."""
    while os.getppid() == parent:
        time.sleep(every)
    os._exit(1)


def _run_chunk(chunk: Sequence[object]) -> list[object]:
    """`_work(chunk)` in a worker, then the cycles it left freed. A build runs with the cyclic
    collector off (`site._without_cyclic_gc`) and its workers inherit that, so every page's
    Jinja context (a cycle holding the page's values, its body's HTML among them) stayed until
    the worker ended: 20 KB an article page, a worker's memory growing by 1 GB over a clean
    build at 50,000 articles. One collection of the youngest generation per chunk looks only at
    what the worker allocated since the last (the inherited heap is frozen, `_start_worker`),
    and touches none of the pages it shares with the build's process."""
    assert _work is not None
    done = _work(chunk)
    gc.collect(0)
    return done
