"""What a file watcher vouches for between the builds of one process (`serve`).

Every build lists the content folder and stats every file in it (`inputs.input_key`,
`snapshot.load_model`): 0.3-0.4 s of a body edit's rebuild at 10,000 articles, to find the one
file the watcher already named. With `Watched`, a build of `serve` trusts the watcher: a file of
the content folder that no event named since the last build keeps the digest the last build
recorded (`stamps.FileDigests`, not even stat'ed), and a listing of a folder (`listing`) is
reused while no event named a path that could change it (a new, deleted or moved file or
folder). A changed file is stat'ed and hashed as in any build.

It vouches for nothing (every file is stat'ed and every folder listed, as in `sitegen build`)
until a build with it succeeded, after a build that failed, after the watcher lost events
(`rescan`: a kernel queue overflow, watches added or removed) and once `RESCAN_SECONDS` passed
since the last full scan, a fallback for events lost without a word. A file changed while a
build runs is named by its event to the next build. Symlinked files are always stat'ed (an edit
of the target is an event for the target's path, not the link's).
"""

from __future__ import annotations

import os
import stat
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

RESCAN_SECONDS = 600.0   # a full scan at least this often, whatever the events said

T = TypeVar("T")


@dataclass(frozen=True)
class Listed(Generic[T]):
    """A folder's listing (`value`, as its maker gave it) with what decides whether an event
    changed it: the files it names (`members`), the folders they are in, and which are links."""

    value: T
    members: frozenset[str]
    folders: frozenset[str]
    links: frozenset[str]

    @classmethod
    def of(cls, value: T, files: Iterable[str], top: str) -> Listed[T]:
        """A listing of the folder `top` naming `files` (links among them found by `lstat`,
        once per listing)."""
        members = frozenset(files)
        folders = {top}
        for path in members:
            parent = os.path.dirname(path)
            while parent not in folders and len(parent) > len(top):
                folders.add(parent)
                parent = os.path.dirname(parent)
        return cls(value, members, frozenset(folders),
                   frozenset(p for p in members if os.path.islink(p)))

    def changed_by(self, path: str) -> bool:
        """True when an event naming `path` may have changed this listing: a named file that is
        no longer a regular file, a new file or folder, a listed folder gone."""
        if path in self.members:
            try:
                return path in self.links or not stat.S_ISREG(os.lstat(path).st_mode)
            except OSError:
                return True
        return path in self.folders or os.path.lexists(path)


class Vouch:
    """One build's view: which files of the folder `top` may have changed since the last build
    (`fresh`), and the listings still valid. `dirty=None`: every file may have."""

    def __init__(self, top: str, dirty: frozenset[str] | None,
                 listings: dict[str, Listed[object]]) -> None:
        self._top = top + os.sep
        self.dirty = dirty
        self._listings = listings
        self._links: set[str] = set()
        for listed in listings.values():
            self._links |= listed.links

    def fresh(self, path: str) -> bool:
        """True unless the watcher vouches that `path` is as the last build recorded it."""
        return (self.dirty is None or path in self.dirty or path in self._links
                or not path.startswith(self._top))

    def everything(self) -> None:
        """Vouch for nothing more in this build (it changed the content itself)."""
        self.dirty = None

    def listing(self, name: str, make: Callable[[], T],
                files: Callable[[T], Iterable[str]], top: str) -> T:
        """`make()`'s listing of `top` (below the watched folder), or the one it gave an
        earlier build if no event since could change it; `files(listing)` names its files."""
        if not (top + os.sep).startswith(self._top):
            return make()
        kept = self._listings.get(name)
        if kept is not None and self.dirty is not None:
            return kept.value   # type: ignore[return-value]
        value = make()
        listed: Listed[object] = Listed.of(value, files(value), top)
        self._listings[name] = listed
        self._links |= listed.links
        return value


class Watched:
    """The paths a watcher named since the last build, handed to the next one (`take`)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._top = ""   # the watched folder as builds spell it
        self._real = ""   # and as events spell it
        self._dirty: set[str] = set()
        self._settled = False   # the last build succeeded, with no event lost since
        self._rescans = 0
        self._scanned = 0.0   # when the last full scan began
        self._listings: dict[str, Listed[object]] = {}

    def watch(self, folder: str) -> None:
        """Events name files of `folder` (as builds spell it); a new folder is a full scan."""
        real = os.path.realpath(folder)
        with self._lock:
            if (folder, real) != (self._top, self._real):
                self._top, self._real = folder, real
                self._rescan()

    def changed(self, paths: Iterable[str]) -> None:
        """Called by the watcher for every event, at once (not after its debounce), so a build
        that starts later sees it."""
        with self._lock:
            real, top = self._real + os.sep, self._top
            for path in paths:
                if path.startswith(real):
                    self._dirty.add(top + os.sep + path[len(real):])
                elif path == self._real:
                    self._rescan()

    def rescan(self) -> None:
        """The watcher may have lost events: the next build stats and lists everything."""
        with self._lock:
            self._rescan()

    def _rescan(self) -> None:
        self._rescans += 1
        self._settled = False

    def take(self) -> tuple[Vouch, int] | None:
        """The vouch for a build starting now, and a token for `settled`; None without a
        watched folder."""
        with self._lock:
            if not self._top:
                return None
            dirty, self._dirty = self._dirty, set()
            now = time.monotonic()
            if not self._settled or now - self._scanned > RESCAN_SECONDS:
                self._scanned = now
                self._listings = {}
                vouch = Vouch(self._top, None, self._listings)
            else:
                for name, listed in list(self._listings.items()):
                    if any(listed.changed_by(path) for path in dirty):
                        del self._listings[name]
                vouch = Vouch(self._top, frozenset(dirty), self._listings)
            self._settled = False   # until this build succeeds
            return vouch, self._rescans

    def settled(self, token: int, again: Vouch | None = None) -> None:
        """The build that took `token` succeeded, or was cancelled before it changed anything
        (`again`: its vouch, whose paths the next build looks at again): the next may trust the
        events (unless events were lost meanwhile)."""
        with self._lock:
            if token != self._rescans or (again is not None and again.dirty is None):
                return
            if again is not None and again.dirty is not None:
                self._dirty |= again.dirty
            self._settled = True
