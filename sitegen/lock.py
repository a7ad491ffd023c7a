"""One writer at a time per site: builds, `serve`'s rebuilds and imports hold the site's lock.

Two builds updating one site in place at once each moved files in and rolled back their own
journal over the other's changes: deleted articles came back and the home page linked to a page
that was gone (issue 18). Holding `.sitegen.lock` in the site folder (the folder holding the
content folder) for the whole of a build or an import makes them take turns; a rollback then
only ever undoes its own changes.

The lock is the kernel's (`flock`, through `filelock`): a process killed with -9 releases it at
once, so there is no stale lock to clear by hand. The holder writes its pid into the file, so a
waiting process can say whom it waits for. The same process may take it again (a build imports
raw files under the lock it holds).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from sitegen.errors import Problem, SitegenError

log = logging.getLogger("sitegen.lock")

LOCK_FILE = ".sitegen.lock"
# How long a build or an import waits for another one on the same site before giving up. A
# clean build of 50,000 articles takes minutes; an hour covers it without hanging CI forever.
WAIT_SECONDS = float(os.environ.get("SITEGEN_LOCK_WAIT", "3600"))


def lock_path(content_dir: Path) -> Path:
    """The lock file of the site whose content folder is `content_dir`."""
    return content_dir.resolve().parent / LOCK_FILE


@contextmanager
def site_lock(content_dir: Path, *, wait: float | None = None) -> Iterator[None]:
    """Hold the site's lock inside; wait up to `wait` seconds (default `WAIT_SECONDS`) for
    another process that holds it, saying so once, then fail with a clear error.

    A site folder where the lock cannot be created (read-only) is not locked: nothing can
    write there, so nothing can race either.
    """
    path = lock_path(content_dir)
    lock = FileLock(path, is_singleton=True, thread_local=False, on_acquired=_write_pid)
    try:
        _acquire(lock, path, WAIT_SECONDS if wait is None else wait)
        held = True
    except OSError as exc:
        log.debug("not locking %s: %s", path, exc)
        held = False
    try:
        yield
    finally:
        if held:
            lock.release()


def _acquire(lock: FileLock, path: Path, wait: float) -> None:
    try:
        lock.acquire(timeout=0)
        return
    except Timeout:
        pass
    log.warning("another sitegen process is writing this site (%s); waiting", _holder(path))
    try:
        lock.acquire(timeout=wait)
    except Timeout:
        raise SitegenError(Problem(path, (
            f"another sitegen process ({_holder(path)}) has been writing this site for "
            f"over {wait:g} s; try again when it has finished"))) from None


def _write_pid(fd: int) -> None:
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)


def _holder(path: Path) -> str:
    try:
        pid = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        pid = ""
    return f"pid {pid}" if pid.isdigit() else "pid unknown"
