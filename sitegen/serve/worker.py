"""One background thread that waits on a condition for work and does it outside the lock.

The watcher's debouncer and the preview's rebuild loop both need it: take a batch under the lock
when it is ready, run it with the lock released (so more can be queued meanwhile), survive a bug
in one batch, and stop when closed even with work still queued.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

log = logging.getLogger("sitegen.serve")

T = TypeVar("T")


def _forever() -> float | None:
    return None


class Worker(Generic[T]):
    """Runs `work(batch)` for each batch `take()` hands out, one at a time, on a daemon thread.

    `take()` and `timeout()` are called with `cond` held: `take()` returns the next batch or
    None when nothing is ready, `timeout()` how long to wait before asking again (None: until
    notified). Owners change their queue under `cond` and notify it; `done()` runs under `cond`
    after every batch, crashed or not. A crash is logged with `crashed` and the loop goes on.
    """

    def __init__(self, name: str, take: Callable[[], T | None], work: Callable[[T], None], *,
                 crashed: str, timeout: Callable[[], float | None] = _forever,
                 done: Callable[[], None] | None = None) -> None:
        self.cond = threading.Condition()
        self.closed = False
        self._take = take
        self._work = work
        self._crashed = crashed
        self._timeout = timeout
        self._done = done
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> None:
        """Start the thread (once the owner's queue exists, since `take` reads it)."""
        self._thread.start()

    def close(self, timeout: float) -> None:
        """Stop taking batches; wait up to `timeout` seconds for a running one to finish."""
        with self.cond:
            self.closed = True
            self.cond.notify_all()
        self._thread.join(timeout=timeout)

    def _run(self) -> None:
        while True:
            with self.cond:
                while True:
                    if self.closed:
                        return
                    batch = self._take()
                    if batch is not None:
                        break
                    self.cond.wait(self._timeout())
            try:
                self._work(batch)
            except Exception:  # the thread must outlive a bug in one batch
                log.exception(self._crashed)
            finally:
                if self._done is not None:
                    with self.cond:
                        self._done()
