"""Watch the site's sources and hand settled batches of changed paths to the rebuild loop.

Editors and `git checkout` produce bursts of events, temp files and rename-over-original saves; a
preview that rebuilds per event reloads half-written sites (hugo#12462) or rebuilds a thousand times
(mkdocs#2061). So events are filtered (editor droppings ignored, a move counts for its destination
and its source) and debounced: a batch is delivered only after a quiet period.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Protocol

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirModifiedEvent,
    DirMovedEvent,
    EventsLostEvent,
    FileClosedEvent,
    FileClosedNoWriteEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileOpenedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch
from watchdog.observers.polling import PollingObserver

from sitegen.serve.worker import Worker

log = logging.getLogger("sitegen.serve")

# The quiet period before a batch naming one file is built: an editor's save names its file
# within milliseconds (vim's backup and rename, JetBrains' safe write and Sublime's atomic save
# go through ignored temp names; VS Code writes in place), and mkdocs' preview waits 0.1 s too
# (`LiveReloadServer.build_delay`). A batch naming more files (a `git checkout`, a script, a
# `sed -i` with its temp file) waits `BURST_QUIET_SECONDS`, so a writer that stalls between
# two of its files on a loaded machine still gives one rebuild. A file whose last event says it
# is whole (closed after a write, or renamed into place: inotify's IN_CLOSE_WRITE and
# IN_MOVED_TO) is not being written any more: a batch naming only it waits
# `CLOSED_QUIET_SECONDS`, long enough for a burst's second file to join it (a checkout writes
# its files within a millisecond of each other), a fifth of a body edit's reload at 10,000
# articles sooner.
QUIET_SECONDS = 0.1
CLOSED_QUIET_SECONDS = 0.02
BURST_QUIET_SECONDS = 0.25
MAX_WAIT_SECONDS = 5.0
POLL_SECONDS = 0.5

# The events asked of the observer: the ones that say what changed. Not a file opened or closed
# after reading (inotify's IN_OPEN, IN_CLOSE_NOWRITE), which the build's own reads of the
# watched folders make: 114 events a body edit at 10,000 articles, each read, made an event and
# dropped by the observer's thread while the build runs.
EVENTS = [FileCreatedEvent, FileModifiedEvent, FileDeletedEvent, FileMovedEvent,
          FileClosedEvent, DirCreatedEvent, DirDeletedEvent, DirMovedEvent, EventsLostEvent]

# Files editors write next to the one being edited; none of them is content.
IGNORED_NAMES = frozenset({"4913", ".DS_Store", "Thumbs.db", ".sitegen-import.json"})
IGNORED_SUFFIXES = (".swp", ".swx", ".swo", "~", ".tmp", ".temp", "___jb_tmp___",
                    "___jb_old___", ".kate-swp", ".crdownload", ".part")
IGNORED_PREFIXES = (".#", ".~", "~$")


def is_ignored(path: str | Path) -> bool:
    """True for editor temp, swap, lock and backup files, and for hidden files and folders."""
    name = Path(path).name
    if not name:
        return True
    if name in IGNORED_NAMES or name.startswith(IGNORED_PREFIXES):
        return True
    if name.endswith(IGNORED_SUFFIXES):
        return True
    # Hidden names cover Sublime and VS Code temp files (`.foo.md.tmp-123`) and `.git`.
    return name.startswith(".")


def _forget() -> None:
    pass


def _has_hidden_part(path: Path, root: Path) -> bool:
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        parts = path.parts
    return any(part.startswith(".") for part in parts[:-1])


class Debouncer:
    """Collect paths and call `fire(batch)` once nothing new has arrived for `quiet` seconds
    (`burst` seconds once the batch names more than one path: by default the longer of `quiet`
    and `BURST_QUIET_SECONDS`; `closed` seconds for one path added last as whole, `add`).

    A steady stream of changes still fires after `max_wait`, so an editor that autosaves every
    100 ms does not starve the preview.
    """

    def __init__(self, fire: Callable[[set[Path]], None], *, quiet: float = QUIET_SECONDS,
                 max_wait: float = MAX_WAIT_SECONDS, burst: float | None = None,
                 closed: float = CLOSED_QUIET_SECONDS) -> None:
        self._quiet = quiet
        self._closed = min(closed, quiet)
        self._burst = max(quiet, BURST_QUIET_SECONDS) if burst is None else burst
        self._max_wait = max_wait
        self._worker = Worker(name="sitegen-debounce", take=self._take, work=fire,
                              crashed="sitegen serve: handling a change failed",
                              timeout=self._timeout)
        self._cond = self._worker.cond
        self._pending: set[Path] = set()
        self._whole = False   # the last event said its one path is whole
        self._first = 0.0
        self._last = 0.0
        self._worker.start()

    def add(self, paths: Iterable[Path], *, whole: bool = False) -> None:
        """`whole`: the event says these files are written and closed (or renamed into
        place); any other event (created, modified, removed, renamed away) may come from a
        writer not done yet."""
        with self._cond:
            now = time.monotonic()
            if not self._pending:
                self._first = now
            self._pending.update(paths)
            self._whole = whole
            self._last = now
            self._cond.notify()

    def close(self) -> None:
        self._worker.close(timeout=2)

    def _due(self) -> float:
        if len(self._pending) > 1:
            quiet = self._burst
        else:
            quiet = self._closed if self._whole else self._quiet
        return min(self._last + quiet, self._first + self._max_wait)

    def _take(self) -> set[Path] | None:
        """The batch once it has been quiet long enough (or waited `max_wait`), else None."""
        if not self._pending or time.monotonic() < self._due():
            return None
        batch, self._pending = self._pending, set()
        return batch

    def _timeout(self) -> float | None:
        return self._due() - time.monotonic() if self._pending else None


def _ignore(paths: list[str]) -> None:
    pass


class _Sink(Protocol):
    """Where accepted paths go (`Debouncer.add`): `whole` when the event says the files are
    complete, so the batch may be built sooner."""

    def __call__(self, paths: Iterable[Path], *, whole: bool = False) -> None: ...


class _Handler(FileSystemEventHandler):
    """Hands every path an event names to `seen` at once (ignored names too: a build still
    reads them), and the accepted ones to `sink` (the debouncer, told whether the event says
    its files are whole: closed after a write, or renamed into place); a lost event to `lost`."""

    def __init__(self, accept: Callable[[Path], bool], sink: _Sink,
                 seen: Callable[[list[str]], None] = _ignore,
                 lost: Callable[[], None] = _forget) -> None:
        self._accept = accept
        self._sink = sink
        self._seen = seen
        self._lost = lost

    def on_any_event(self, event: FileSystemEvent) -> None:
        if isinstance(event, EventsLostEvent):   # the kernel's queue overflowed
            self._lost()
            self._sink([Path(os.fsdecode(event.src_path))])   # one more build, scanning all
            return
        if isinstance(event, DirModifiedEvent | FileOpenedEvent | FileClosedNoWriteEvent):
            return  # a folder's mtime or a read says nothing about content
        if event.event_type in ("opened", "closed_no_write"):
            return
        # An atomic save is "write temp, rename over original": the destination is what changed.
        raw = [os.fsdecode(p) for p in (event.src_path, getattr(event, "dest_path", "")) if p]
        self._seen(raw)
        if isinstance(event, FileMovedEvent):   # the source is gone, the destination whole
            paths = [Path(path) for path in raw]
            if self._accept(paths[0]):
                self._sink(paths[:1])
            if paths[1:] and self._accept(paths[1]):
                self._sink(paths[1:], whole=True)
            return
        accepted = [path for path in map(Path, raw) if self._accept(path)]
        if accepted:
            self._sink(accepted, whole=isinstance(event, FileClosedEvent))


class Watcher:
    """A watchdog observer (or a polling one) over folders and single files, debounced."""

    def __init__(self, on_batch: Callable[[set[Path]], None], *, poll: bool = False,
                 quiet: float = QUIET_SECONDS, seen: Callable[[list[str]], None] = _ignore,
                 lost: Callable[[], None] = _forget) -> None:
        """`seen` gets the paths of every event as it comes; `lost` is called when events may
        have been lost (an overflow, watches changed): `watched` trusts them."""
        self._debouncer = Debouncer(on_batch, quiet=quiet)
        self._lost = lost
        self._poll = poll
        self._observer: BaseObserver | None = None
        self._folders: tuple[Path, ...] = ()
        self._files: tuple[Path, ...] = ()
        self._watches: dict[str, ObservedWatch] = {}
        self._handler = _Handler(self._accepts, self._debouncer.add, seen, lost)
        self._lock = threading.Lock()

    def watch(self, folders: Iterable[Path], files: Iterable[Path] = ()) -> None:
        """Watch folders recursively and files through their parent folder; call again after a
        config reload or when a watched folder appeared or vanished. The observer keeps running,
        so no event is lost while the set of watches changes."""
        folders = tuple(sorted({f.resolve() for f in folders}))
        files = tuple(sorted({f.resolve() for f in files}))
        wanted: dict[str, bool] = {str(f): True for f in folders if f.is_dir()}
        for parent in sorted({f.parent for f in files}):
            if parent.is_dir() and not any(parent == d or d in parent.parents for d in folders
                                           if d.is_dir()):
                wanted[str(parent)] = False
        with self._lock:
            self._folders, self._files = folders, files
            if self._observer is None:
                self._observer = (PollingObserver(timeout=POLL_SECONDS) if self._poll
                                  else Observer())
                self._observer.daemon = True
                self._observer.start()
            for path, watch in list(self._watches.items()):
                if wanted.get(path) is None or not Path(path).is_dir():
                    with contextlib.suppress(KeyError, OSError):
                        self._observer.unschedule(watch)
                    del self._watches[path]
            if self._watches and self._watches.keys() != wanted.keys():
                self._lost()   # a folder came or went: events meanwhile were not seen
            for path, recursive in wanted.items():
                if path not in self._watches:
                    self._watches[path] = self._observer.schedule(
                        self._handler, path, recursive=recursive, event_filter=EVENTS)
            log.debug("watching %s", ", ".join(map(str, folders + files)))

    @property
    def exact(self) -> bool:
        """True when every change comes as an event naming its file (inotify, or polling):
        FSEvents and Windows may name only a folder, so their events are not trusted for which
        files changed (`watched`)."""
        return self._poll or type(self._observer).__name__ == "InotifyObserver"

    @property
    def folders(self) -> tuple[Path, ...]:
        return self._folders

    def _accepts(self, path: Path) -> bool:
        if path in self._files:
            return True
        if is_ignored(path):
            return False
        for folder in self._folders:
            if path == folder or folder in path.parents:
                return not _has_hidden_part(path, folder)
        return False

    def _stop_observer(self) -> None:
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=5)
            self._observer = None
            self._watches.clear()

    def close(self) -> None:
        with self._lock:
            self._stop_observer()
        self._debouncer.close()
