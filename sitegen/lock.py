"""One writer at a time per site: builds, `serve`'s rebuilds and imports hold the site's lock.

Two builds updating one site in place at once each moved files in and rolled back their own
journal over the other's changes: deleted articles came back and the home page linked to a page
that was gone (issue 18). Holding `.sitegen.lock` in the site folder (the folder holding the
content folder) for the whole of a build or an import makes them take turns; a rollback then
only ever undoes its own changes.

The lock is the kernel's `flock`: a process killed with -9 releases it at once, so there is no
stale lock to clear by hand, and the file is never removed (removing it while another process
waits on it would give two holders). The holder writes its pid into the file, so a waiting
process can say whom it waits for. The same process may take it again (a build imports raw
files under the lock it holds).

`fcntl` directly rather than the `filelock` package: importing filelock took 32 ms, a sixth of
a build with nothing to do, and this needs one call of it.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sitegen.errors import Problem, SitegenError

log = logging.getLogger("sitegen.lock")

LOCK_FILE = ".sitegen.lock"
# How long a build or an import waits for another one on the same site before giving up. A
# clean build of 50,000 articles takes minutes; an hour covers it without hanging CI forever.
WAIT_SECONDS = float(os.environ.get("SITEGEN_LOCK_WAIT", "3600"))
POLL_SECONDS = 0.1

_held: dict[Path, int] = {}   # lock files this process holds, and how many times over
_guard = threading.Lock()


def lock_path(content_dir: Path) -> Path:
    """The lock file of the site whose content folder is `content_dir`."""
    return content_dir.resolve().parent / LOCK_FILE


@contextmanager
def site_lock(content_dir: Path, *, wait: float | None = None) -> Iterator[None]:
    """Hold the site's lock inside; wait up to `wait` seconds (default `WAIT_SECONDS`) for
    another process that holds it, saying so once, then fail with a clear error.

    A site folder where the lock file cannot be made (read-only) is not locked: nothing can
    write there, so nothing can race either.
    """
    path = lock_path(content_dir)
    with _guard:
        again = path in _held
        if again:
            _held[path] += 1
    if again:
        try:
            yield
        finally:
            with _guard:
                _held[path] -= 1
        return
    fd = _open(path)
    if fd is None:
        yield
        return
    try:
        _acquire(fd, path, WAIT_SECONDS if wait is None else wait)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        with _guard:
            _held[path] = 1
        try:
            yield
        finally:
            with _guard:
                del _held[path]
    finally:
        os.close(fd)   # releases the lock


def _open(path: Path) -> int | None:
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        log.debug("not locking %s: %s", path, exc)
        return None


def _acquire(fd: int, path: Path, wait: float) -> None:
    if _try(fd):
        return
    log.warning("another sitegen process is writing this site (%s); waiting", _holder(path))
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
        if _try(fd):
            return
    raise SitegenError(Problem(path, (
        f"another sitegen process ({_holder(path)}) has been writing this site for over "
        f"{wait:g} s; try again when it has finished")))


def _try(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _holder(path: Path) -> str:
    try:
        pid = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        pid = ""
    return f"pid {pid}" if pid.isdigit() else "pid unknown"
