"""Digests of files that are read again only when their stat says they may have changed.

Deciding that nothing changed hashes every article, template and code file; reading all of them
took 0.4 s at 10,000 articles. A file's digest is reused when its size, mtime, ctime and inode
all match the record, and it was last changed at least `RACY_NS` before the record was taken
(git's "racy clean" rule): a file written in the same clock tick as the record, or on a file
system with a coarse clock, is read again. ctime is set by the kernel on every write and cannot
be set back by `touch -d`, `cp -p` or `rsync -t`, so an edit that restores the old mtime is seen.

In `serve`, a file watcher can vouch that a file is as recorded (`vouch`,
`watched`): its record is then reused without even a stat.
"""

from __future__ import annotations

import hashlib
import os
import time
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from sitegen.watched import Vouch

RACY_NS = 2_000_000_000   # FAT keeps mtimes to 2 s; a change younger than that is re-read

# path -> (size, mtime_ns, ctime_ns, inode, digest, trusted)
Records: TypeAlias = "dict[str, tuple[int, int, int, int, bytes, bool]]"


def bytes_digest(data: bytes) -> bytes:
    """The digest `FileDigests.digest` gives a file holding `data`."""
    return hashlib.blake2b(data, digest_size=20).digest()


class FileDigests:
    """Content digests by path, reusing `previous` records whose file is provably unchanged."""

    def __init__(self, previous: Records | None = None) -> None:
        self._old: Records = previous if isinstance(previous, dict) else {}
        self._new: Records = {}
        self._asked: dict[str, bytes] = {}   # what each file gave, until `again()`
        self._keep: tuple[str, str] | None = None   # which files read are `_kept` (`keep`)
        self._kept: dict[str, bytes] = {}   # the bytes hashed of those files, until `take`
        self._since = time.time_ns() - RACY_NS
        self.vouch: Vouch | None = None   # what a watcher says did not change (`serve`)

    def digest(self, path: str) -> bytes:
        """blake2b of the file's bytes (a marker for an unreadable file, which never matches).
        A file asked for again (the input key, then the model) is not stat'ed again until
        `again()`: the build reads what it hashed."""
        known = self._asked.get(path)
        if known is not None:
            return known
        old = self._old.get(path)
        if self.vouch is not None and type(old) is tuple and len(old) == 6 \
                and type(old[4]) is bytes and not self.vouch.fresh(path):
            self._new[path] = old
            self._asked[path] = old[4]
            return old[4]
        try:
            st = os.stat(path)
        except OSError:
            return b"\0unreadable\0"
        stat = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
        if type(old) is tuple and len(old) == 6 and old[5] and old[:4] == stat \
                and type(old[4]) is bytes:
            found = old[4]
        else:
            try:
                with open(path, "rb") as f:
                    data = f.read()
            except OSError:
                return b"\0unreadable\0"
            found = bytes_digest(data)
            if self._keep is not None and path.startswith(self._keep[0]) \
                    and path.endswith(self._keep[1]) \
                    and (type(old) is not tuple or len(old) != 6 or old[4] != found):
                self._kept[path] = data   # (bytes the last build had were parsed then)
        trusted = max(st.st_mtime_ns, st.st_ctime_ns) < self._since
        self._new[path] = (*stat, found, trusted)
        self._asked[path] = found
        return found

    def again(self) -> None:
        """The files may have changed since they were asked for (the build wrote some): the
        next asks look at them again (a watcher's word included: its events come later)."""
        self._asked = {}
        self._kept = {}
        if self.vouch is not None:
            self.vouch.everything()

    def keep(self, folder: str | None, suffix: str = "") -> None:
        """Hold the bytes `digest` reads of the files below `folder` (a path ending in a
        separator) whose name ends in `suffix`, for `take`: a clean build's model then
        parses the article files the input key hashed, not read and hashed again by its
        workers (0.25-0.4 s of their CPU at 10,000 articles, some 0.05 s of it spent here
        holding them). Not those of a file whose digest is the one recorded: the last build
        parsed those bytes, its caches have them (a fresh checkout's publish reads every
        file and keeps one). None: hold no more, and drop what is held."""
        self._keep = None if folder is None else (folder, suffix)
        if folder is None:
            self._kept = {}

    def take(self, path: str) -> bytes | None:
        """The bytes `digest` read of `path` (a file `keep` asked for, read since the last
        `again()`: its digest is theirs), handed over once; None when it did not read them."""
        return self._kept.pop(path, None)

    def changed(self) -> bool:
        """True when the records differ from the ones given (they are worth saving)."""
        return self._new != self._old

    def records(self) -> Records:
        """The records of the files digested here, to pass to the next build."""
        return self._new
