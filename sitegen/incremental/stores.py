"""The build cache of one site (`<site>/.sitegen-cache/`), opened once per build.

`site.py` opens it and hands it to each stage that keeps something between builds; a stage
depends only on the small `Store` protocol, never on the folder's layout. Every entry file is
keyed by one digest of sitegen's code (`inputs.code_digest`: an upgrade invalidates it all)
and the stage's own key (what else the entries depend on), and holds data only (`store`).
`BuildCache(None)` keeps nothing and reads nothing: `deploy` builds with it, so the checkout
is left as it was (it replaces a module-wide switch).

Safe to delete at any time: the next build is a clean one.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from sitegen.incremental import store
from sitegen.incremental.inputs import CACHE_DIR, code_digest, digest
from sitegen.incremental.shape import Fields, Shape
from sitegen.incremental.table import column_shapes, rows_from_columns, rows_to_columns
from sitegen.stamps import FileDigests, Records

log = logging.getLogger("sitegen.cache")

_STAMPS = "stamps"
# Stores a long-lived process (`serve`) reads on every build, each read with one shape and
# never changed by its reader: kept decoded by file while the file's stat (inode, size, mtime,
# ctime) stays the one this process read or wrote, so a rebuild after a body edit does not
# decode and check them again (0.3-0.4 s at 10,000 articles). A save by any process replaces
# the file (a new inode and times), so it is read again. The file digests' record (`_STAMPS`,
# 10,000 rows), the page memo (`pages`, 15,800) and the build record (`site`, the listing) are
# among them: each build makes its own dictionaries from their rows.
HELD = frozenset({"related", "quote-anchors", "markdown-index", "kinds", "groups", _STAMPS,
                  "pages", "site"})
# Sharded stores held the same way, shard by shard: the list entries (`teasers/`, 256 shards).
# The pages a body edit renders again list entries from nearly all of them, read and checked
# each build before (0.08-0.09 s of a body edit's CPU at 50,000 articles, 0.01 s at 10,000).
# Their reader changes a copy.
HELD_SHARDED = frozenset({"teasers"})
_held: dict[str, tuple[tuple[int, int, int, int], str, dict[str, Any]]] = {}
_STAMP_COLUMNS = column_shapes(str, int, int, int, int, bytes, bool)   # path, then `Records`


class Store(Protocol):
    """What a stage keeps between builds: named entry files, read and written whole."""

    def load(self, name: str, key: str, shape: Shape,
             records: tuple[type, ...] = ()) -> dict[str, Any]:
        """The entries of `name` written under `key` and of `shape`, else {}. `records` are
        the record classes they may hold (`codec`)."""
        ...

    def save(self, name: str, key: str, entries: dict[str, Any],
             records: tuple[type, ...] = ()) -> None:
        """Write `name`'s entries (best effort: a cache that cannot be written is slower)."""
        ...

    def remove(self, name: str) -> None:
        """Forget `name`."""
        ...

    def folder(self, name: str) -> Path | None:
        """A folder of the cache for a library's own files (Jinja's), or None."""
        ...

    def defer(self, save: Callable[[], None]) -> None:
        """Run `save` (a write only later builds read) now, or, in a build that asked for it
        (`BuildCache.deferring`), once the site is served (`take_deferred`)."""
        ...


class ShardedStore(Store, Protocol):
    """A store that also keeps big collections in 256 files, so one edit rewrites one."""

    def load_sharded(self, name: str, key: str, shape: Shape) -> dict[str, Any]:
        """The entries of sharded store `name`: up to 256 files, an entry in the one named by
        the first two hex digits of its key."""
        ...

    def load_shards(self, name: str, key: str, shape: Shape,
                    keys: set[str]) -> dict[str, Any]:
        """The entries of the shards of `name` that `keys` fall in (a build that needs a few
        entries reads a few files)."""
        ...

    def save_sharded(self, name: str, key: str, entries: dict[str, Any],
                     before: dict[str, Any]) -> None:
        """Write the shards whose keys differ from `before` (the entries loaded)."""
        ...


class BuildCache:
    """The cache of the site at `root` (None: a cache that keeps nothing), with the digests of
    the files the last build read (`digests`, reused while their stat is unchanged)."""

    def __init__(self, root: Path | None) -> None:
        self._folder = root / CACHE_DIR if root is not None else None
        stamps = self._read(_STAMPS, _STAMPS, Fields({"files": list}))
        files = stamps.get("files")
        known = _stamp_records
        if known is not None and known[0] is files:   # the held columns, as last turned
            records = known[1]
        else:
            rows = rows_from_columns(files, _STAMP_COLUMNS)
            records = {row[0]: row[1:] for row in rows or ()}
            if files is not None:
                _remember_records(files, records)
        self.digests = FileDigests(records)
        self._deferred: list[Callable[[], None]] | None = None

    def deferring(self) -> None:
        """Keep the saves handed to `defer` for `take_deferred` (`serve`'s builds: written
        after the reload went out, by `outputs.save_later`, not while the browser waits)."""
        self._deferred = []

    def defer(self, save: Callable[[], None]) -> None:
        if self._deferred is None:
            save()
        else:
            self._deferred.append(save)

    def take_deferred(self) -> list[Callable[[], None]]:
        """The saves deferred so far (`deferring`), in order, handed over once."""
        taken, self._deferred = self._deferred or [], []
        return taken

    def load(self, name: str, key: str, shape: Shape,
             records: tuple[type, ...] = ()) -> dict[str, Any]:
        return self._read(name, digest(code_digest(self.digests), key), shape, records)

    def save(self, name: str, key: str, entries: dict[str, Any],
             records: tuple[type, ...] = ()) -> None:
        self._write(name, digest(code_digest(self.digests), key), entries, records)

    def stamp(self, name: str) -> tuple[int, int, int] | None:
        """The inode, size and mtime of the store `name` (a save replaces its file, so a
        save by any process changes them); None without one."""
        if self._folder is None:
            return None
        try:
            st = os.stat(self._folder / f"{name}{store.SUFFIX}")
        except OSError:
            return None
        return st.st_ino, st.st_size, st.st_mtime_ns

    def remove(self, name: str) -> None:
        if self._folder is not None:
            _held.pop(str(self._folder / f"{name}{store.SUFFIX}"), None)
            _remove(self._folder / f"{name}{store.SUFFIX}")

    def folder(self, name: str) -> Path | None:
        if self._folder is None:
            return None
        folder = self._folder / name / code_digest(self.digests)[:16]
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            return None
        return folder

    def load_sharded(self, name: str, key: str, shape: Shape) -> dict[str, Any]:
        if self._folder is None:
            return {}
        entries: dict[str, Any] = {}
        try:
            shards = [p for p in (self._folder / name).iterdir() if p.suffix == store.SUFFIX]
        except OSError:
            return {}
        for shard in shards:
            entries.update(self.load(f"{name}/{shard.stem}", key, shape))
        return entries

    def load_shards(self, name: str, key: str, shape: Shape,
                    keys: set[str]) -> dict[str, Any]:
        entries: dict[str, Any] = {}
        for shard in sorted({k[:2] for k in keys}):
            entries.update(self.load(f"{name}/{shard}", key, shape))
        return entries

    def save_sharded(self, name: str, key: str, entries: dict[str, Any],
                     before: dict[str, Any]) -> None:
        """One edit rewrites one small file, not the whole store."""
        if self._folder is None:
            return
        new: dict[str, dict[str, Any]] = {}
        old: dict[str, set[str]] = {}
        for k, v in entries.items():
            new.setdefault(k[:2], {})[k] = v
        for k in before:
            old.setdefault(k[:2], set()).add(k)
        try:
            (self._folder / name).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            log.debug("cannot write %s: %s", name, exc)
            return
        for shard in new.keys() | old.keys():
            part = new.get(shard, {})
            if part.keys() != old.get(shard, set()):
                if part:
                    self.save(f"{name}/{shard}", key, part)
                else:
                    self.remove(f"{name}/{shard}")

    def remember_digests(self) -> None:
        """Keep this build's file digests for the next one (when they changed)."""
        if self.digests.changed():
            records = dict(self.digests.records())   # (the build may digest more meanwhile)
            files = rows_to_columns(((path, *record) for path, record in records.items()), 7)
            self._write(_STAMPS, _STAMPS, {"files": files})
            _remember_records(files, records)

    def _read(self, name: str, key: str, shape: Shape,
              records: tuple[type, ...] = ()) -> dict[str, Any]:
        if self._folder is None:
            return {}
        path = self._folder / f"{name}{store.SUFFIX}"
        if not _holds(name):
            return store.read(path, key, records, shape)
        stat = _stat(path)
        kept = _held.get(str(path))
        if kept is not None and stat is not None and kept[0] == stat:   # as read or written
            return kept[2] if kept[1] == key else {}   # another key's entries: a miss
        entries = store.read(path, key, records, shape)
        if stat is not None and entries and _stat(path) == stat:   # not replaced meanwhile
            _held[str(path)] = (stat, key, entries)
        return entries

    def _write(self, name: str, key: str, entries: dict[str, Any],
               records: tuple[type, ...] = ()) -> None:
        if self._folder is None:
            return
        path = self._folder / f"{name}{store.SUFFIX}"
        _held.pop(str(path), None)
        if store.write(path, key, entries, records) and _holds(name):
            stat = _stat(path)   # (a save by another process just now: read again next time)
            if stat is not None:
                _held[str(path)] = (stat, key, entries)


# The records of the file digests as the stamps store's held columns (`_held`) give them:
# a serving process's next build takes them as they are instead of turning the 20,000 rows
# of a 10,000-article site into a dict again (0.01-0.02 s of each body edit). Read only
# (`FileDigests` keeps its own new records); the columns object itself is the key, so a store
# read again from its file (replaced by another process) is turned into records again.
_stamp_records: tuple[object, Records] | None = None


def _remember_records(files: object, records: Records) -> None:
    global _stamp_records
    _stamp_records = (files, records)


def _holds(name: str) -> bool:
    """Whether the store `name` is kept decoded between builds (`HELD`, `HELD_SHARDED`)."""
    return name in HELD or name.partition("/")[0] in HELD_SHARDED


def _stat(path: Path) -> tuple[int, int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


def _remove(path: Path) -> None:
    """Delete a cache file if it is there. Never an error: on a read-only file system even a
    file that does not exist cannot be unlinked (EROFS, not ENOENT), and a cache that cannot be
    changed is only slower."""
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)
