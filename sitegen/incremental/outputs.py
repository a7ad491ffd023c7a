"""What the last build made: the listing of the built site, and each output's fingerprint.

A build whose inputs hash as the last one's (`inputs.input_key`) and whose site is still exactly
as that build left it (same paths, sizes and mtimes) stops at once. A page made from the same
inputs as last time, whose file is still as that build left it, is not rendered again (and its
file keeps its inode and mtime).
"""

from __future__ import annotations

import bisect
import logging
import os
import stat
import threading
import time
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TypeAlias

from sitegen.errors import SitegenError
from sitegen.incremental.shape import Fields
from sitegen.incremental.stores import Store
from sitegen.incremental.table import column_shapes, rows_from_columns, rows_to_columns
from sitegen.walk import walk
from sitegen.write import PreviousSite

log = logging.getLogger(__name__)

Listing: TypeAlias = "list[tuple[str, int, int]]"
_LISTING = column_shapes(str, int, int)                # path, size, mtime
_PAGES = column_shapes(str, str, int, int)             # path, fingerprint, size, mtime
PAGES = "pages"   # the store of the page memo


def site_listing(out: Path) -> Listing | None:
    """Every file of the built site with size and mtime, or None when it is not there."""
    if not out.is_dir():
        return None
    found: list[tuple[str, int, int]] = []
    try:
        for prefix, entries, _ in walk(out):   # one scandir per folder, one stat per file
            for entry in entries:
                st = entry.stat(follow_symlinks=False)
                found.append((prefix + entry.name, st.st_size, st.st_mtime_ns))
    except OSError:
        return None
    found.sort()
    return found


def updated_listing(before: Listing | None, out: Path, whole: bool,
                    paths: set[str]) -> Listing | None:
    """`site_listing(out)` after a write that changed only `paths` of the site `before` listed
    (`whole`: it changed everything), stating only those. `before` is sorted, as `site_listing`
    and this return it: a few changed paths are found in it by bisection, so a body edit in
    `serve` pays for the files it changed, not for the 29,000 the site holds at 10,000
    articles (rebuilding and sorting the whole listing took 0.03-0.09 s of every reload)."""
    if before is None or whole:
        return site_listing(out)
    found = list(before)   # the caller's listing (held by `serve`) is left as it was
    for path in sorted(paths):
        try:
            st = os.lstat(out / path)
        except FileNotFoundError:
            st = None
        except OSError:
            return site_listing(out)
        at = bisect.bisect_left(found, (path,))   # (path,) sorts just before (path, size, mtime)
        there = at < len(found) and found[at][0] == path
        if st is None:
            if there:
                del found[at]
        elif there:
            found[at] = (path, st.st_size, st.st_mtime_ns)
        else:
            found.insert(at, (path, st.st_size, st.st_mtime_ns))
    return found


def listed_entries(listing: Listing, folder: str) -> tuple[set[str], set[str]]:
    """The names of the files and of the folders right inside `folder` ("" the site's own)
    that the sorted `listing` holds, found by bisection: the paths below a folder are one run
    of the listing, and each subfolder's whole run is stepped over at once, so the cost is the
    folder's own entries, not the files below them."""
    prefix = folder + "/" if folder else ""
    at = bisect.bisect_left(listing, (prefix,))
    end = bisect.bisect_left(listing, (folder + "0",), at) if folder else len(listing)
    files: set[str] = set()
    folders: set[str] = set()
    skip = len(prefix)
    while at < end:
        name, below, _ = listing[at][0][skip:].partition("/")
        if below:   # "0" sorts right after "/": past every path below this subfolder
            folders.add(name)
            at = bisect.bisect_left(listing, (prefix + name + "0",), at, end)
        else:
            files.add(name)
            at += 1
    return files, folders


# A folder's mtime is trusted (`folder_times`) only once it is this much older than the check
# that saw it: timestamps are coarse (a clock tick), so a later change in the same tick would
# leave it as it was.
SETTLED_NS = 1_000_000_000


def folder_times(out: Path, listing: Listing | None, since: int, whole: bool,
                 paths: set[str], held: dict[str, int | None] | None
                 ) -> dict[str, int | None]:
    """The mtime of each folder of the site `listing` lists ("" the site's own), for the next
    in-place update's check (`write.write_site`'s `folders`). `since` (`time.time_ns()`) is
    when the write that left the site began: a folder's mtime is recorded only when older
    than that by `SETTLED_NS` (its change, if any, was there for that write's check to see),
    else None (its files are checked one by one next time, and its mtime looked at again).
    After a write that changed only `paths` of a site whose folders `held` gives, only their
    folders, their parents and the folders held as None are stat'ed again."""
    if listing is None:
        return {}
    if whole or held is None:
        found = {""}
        for path, _, _ in listing:
            folder = path.rpartition("/")[0]
            while folder not in found:
                found.add(folder)
                folder = folder.rpartition("/")[0]
        times: dict[str, int | None] = dict.fromkeys(found)
        again = found
    else:
        times = dict(held)
        again = {folder for folder, mtime in held.items() if mtime is None}
        for path in paths:
            folder = path.rpartition("/")[0]
            while folder not in again:
                again.add(folder)
                folder = folder.rpartition("/")[0]
    top = os.fspath(out)
    for folder in again:   # strings, not paths: 15,800 folders at 10,000 articles
        try:
            st = os.lstat(os.path.join(top, folder))
        except OSError:
            times.pop(folder, None)
            continue
        settled = stat.S_ISDIR(st.st_mode) and st.st_mtime_ns < since - SETTLED_NS
        times[folder] = st.st_mtime_ns if settled else None
    return times


def unchanged_build(cache: Store, out: Path, key: str,
                    listing: Listing | None) -> tuple[int, int] | None:
    """(articles, files) of the last build when its inputs had this key and its output folder
    (`listing`, from `site_listing`) is still exactly as that build left it; else None."""
    # the listing is only compared with one taken now: any other value is unequal
    last = cache.load("site", key, Fields({"out": str, "listing": list, "articles": int,
                                           "files": int}))
    if not last or last.get("out") != str(out.resolve()):
        return None
    if listing is None or listing != rows_from_columns(last["listing"], _LISTING):
        return None
    return int(last["articles"]), int(last["files"])


def remember_build(cache: Store, out: Path, key: str, articles: int, files: int,
                   listing: Listing | None) -> None:
    """Record a finished build (`listing` is its site) so an identical next one can stop early."""
    if listing is not None:
        cache.save("site", key, {"out": str(out.resolve()),
                                 "listing": rows_to_columns(listing, 3),
                                 "articles": articles, "files": files})


class PageMemo:
    """The fingerprint of every output of the last build, with the size and mtime its file had
    after that build (see `sitegen.render.fingerprint`)."""

    def __init__(self, cache: Store, out: Path, listing: Listing | None,
                 render_key: str, held: dict[str, str] | None = None) -> None:
        """`held`: the fingerprints this process's last build saved (`HeldSite.fingerprints`),
        when `listing` is the listing it held of the site that build left and the render key
        is the one it was made with: the memo that build saved, without reading it back (a
        17,900-row table and dict rebuilt on every reload of `serve` at 10,000 articles)."""
        self._cache = cache
        self._out = str(out.resolve())
        self._key = render_key   # `inputs.render_key`: settings, templates, code
        self._old: dict[str, str] = {}
        self._new: dict[str, str] = {}
        if held is not None:   # read only: `fingerprints` is a new dict
            self._old = held
            return
        record = cache.load(PAGES, self._key, Fields({"out": str, "pages": list}))
        rows = rows_from_columns(record.get("pages"), _PAGES)
        if record.get("out") != self._out or rows is None:
            return
        stored = {path: (fingerprint, size, mtime) for path, fingerprint, size, mtime in rows}
        for path, size, mtime in listing or ():   # the site as it is now
            hit = stored.get(path)
            if hit is not None and hit[1] == size and hit[2] == mtime:
                self._old[path] = hit[0]

    def unchanged(self, path: str, fingerprint: str) -> bool:
        """True when the site holds the file the last build made at `path` from these inputs."""
        self._new[path] = fingerprint
        return self._old.get(path) == fingerprint

    def kept(self, path: str, fingerprint: str | None) -> bool:
        """True when the site holds the file the last build made at `path` and its fingerprint
        was `fingerprint` (what this build's would be, worked out by the caller without the
        inputs): it carries over, as after `unchanged`."""
        if fingerprint is None or self._old.get(path) != fingerprint:
            return False
        self._new[path] = fingerprint
        return True

    def carry(self, paths: AbstractSet[str], fingerprints: dict[str, str]) -> set[str]:
        """`kept(path, fingerprints.get(path))` of each of `paths` at once (the outputs a held
        body edit keeps without a task, `render._narrow`); returns the paths not kept. With
        the held memo (`held`: the very dict given) that is a set operation, not a loop."""
        if self._old is fingerprints:
            kept = paths & fingerprints.keys()
            self._new.update(zip(kept, map(fingerprints.__getitem__, kept), strict=True))
            return set(paths - kept)
        return {path for path in paths if not self.kept(path, fingerprints.get(path))}

    @property
    def fingerprints(self) -> dict[str, str]:
        """This build's fingerprint of each output (so far)."""
        return self._new

    def keep(self, path: str) -> None:
        """The site keeps its file at `path` as it is, though this build did not make it (the
        search index a preview build leaves alone): its fingerprint carries over."""
        old = self._old.get(path)
        if old is not None:
            self._new[path] = old

    def save(self, listing: Listing | None) -> dict[str, str] | None:
        """Remember this build's outputs, once it is written (`listing` is the new site), and
        return the fingerprints remembered (those of the files the site holds: what a memo
        read back would know)."""
        if listing is None:
            return None
        files = {path: (size, mtime) for path, size, mtime in listing}
        saved = {path: fingerprint for path, fingerprint in self._new.items() if path in files}
        pages = ((path, fingerprint, *files[path]) for path, fingerprint in saved.items())
        self._cache.save(PAGES, self._key, {"out": self._out,
                                              "pages": rows_to_columns(pages, 4)})
        return saved


_saving: threading.Thread | None = None   # records being saved (`save_later`)


def save_later(held: HeldSite, lock: Callable[[], AbstractContextManager[object]]) -> None:
    """Save the records of `held`'s last build (its page memo and build record: for a later
    process and the next build's check) in a thread holding the site's lock (`lock()`), so the
    caller can serve the site first. Every build of this process waits for it first
    (`settle_records`), a build keeping nothing in memory too."""
    global _saving
    record, held.unsaved = held.unsaved, None
    if record is None:
        return

    def save() -> None:   # records are a cache: one not saved makes the next build slower
        try:
            with lock():
                record()
        except (OSError, SitegenError) as exc:   # the lock waited too long, say
            log.warning("the build records were not saved: %s", exc)

    settle_records()
    _saving = threading.Thread(target=save, name="sitegen-records")
    _saving.start()


def settle_records() -> None:
    """Wait until the records of this process's last build are saved (`save_later`)."""
    saving = _saving
    if saving is not None:
        saving.join()


class HeldSite:
    """What a long-lived process (`serve`) keeps of its last build's output between builds: the
    listing of the site it left (the writer is the only one writing that folder, so listing it
    again, a fifth of a body-edit rebuild at 10,000 articles, tells nothing new) and each
    output's fingerprint with what the outputs were made from (the render key, the model's
    structure, each article's version and the outputs whose sources hold it), from which the
    renderer tells which outputs an edit cannot have changed (`render.render_site`). Anything
    that fails forgets it all, and the next build lists the site again."""

    def __init__(self) -> None:
        self.out = ""
        self.listing: Listing | None = None
        self.render_key = ""
        self.structure = ""
        self.layout = ""
        self.frame = ""
        self.versions: dict[Path, str] = {}
        self.fingerprints: dict[str, str] = {}
        self.readers: dict[Path, tuple[str, ...]] = {}   # article file -> outputs showing it
        # group key -> its digest, outputs showing it (`render.GroupReaders`)
        self.groups: dict[tuple[object, ...], tuple[str, tuple[str, ...]]] = {}
        self.origins: dict[str, object] = {}   # output -> its article or term (`render`)
        self.pages: list[str] = []   # the site's pages in order (`render`)
        self.folders: dict[str, int | None] = {}   # the site's folders' mtimes (`folder_times`)
        self.stamp: tuple[int, int, int] | None = None   # of the page memo it saved
        # The last build's page memo and build record, not saved yet (`save_later`).
        self.unsaved: Callable[[], None] | None = None
        # the writer's view of `listing`, made in idle time (`prepare`), with that listing
        self.prepared: tuple[Listing, PreviousSite] | None = None

    def listing_of(self, out: Path, stamp: tuple[int, int, int] | None) -> Listing | None:
        """The held listing of `out`, else `site_listing(out)`. `stamp` is the page memo's
        store as it is now (`BuildCache.stamp`): when another process (`sitegen build` on the
        same site) has built since, it is not the one this process saved, and the site is
        listed afresh."""
        if self.listing is not None and self.out == str(out.resolve()) and out.is_dir() \
                and stamp is not None and stamp == self.stamp:
            return self.listing
        return site_listing(out)

    def remember(self, out: Path, listing: Listing | None, render_key: str, structure: str,
                 versions: dict[Path, str], fingerprints: dict[str, str],
                 readers: dict[Path, tuple[str, ...]],
                 stamp: tuple[int, int, int] | None, layout: str = "",
                 groups: dict[tuple[object, ...], tuple[str, tuple[str, ...]]] | None = None,
                 frame: str = "", origins: dict[str, object] | None = None,
                 pages: list[str] | None = None) -> None:
        self.out, self.listing, self.stamp = str(out.resolve()), listing, stamp
        self.render_key, self.structure, self.layout = render_key, structure, layout
        self.versions, self.fingerprints = versions, dict(fingerprints)
        self.readers, self.groups, self.frame = readers, groups or {}, frame
        self.origins, self.pages = origins or {}, pages or []

    def settle_folders(self, interrupted: Callable[[], bool] = lambda: False) -> int:
        """In idle time (`serve`, after a reload): give each folder held as not known (its
        mtime too young when the last write saw it, `folder_times`) its mtime, once that has
        settled and the folder's entries are the held listing's, so the next edit's writer
        does not check its files one by one. After a first build that wrote the whole site
        (`serve`'s own `base_url`), that is every folder: 0.1-0.2 s of the first edit at
        10,000 articles otherwise. Exact as the writer's check: a folder is stat'ed before it
        is listed, so whatever changes its entries after the stat gives it another mtime; a
        folder whose entries differ stays not known. Stops early when `interrupted` (an edit
        is waiting); returns how many folders it settled. Each folder's entries are found in
        the sorted listing by bisection (`listed_entries`), so an edit's idle step pays for
        the folders it wrote (the site's own among them, 17 entries), not for the 36,000
        listed files (0.07-0.09 s of CPU per edit at 10,000 articles when each step grouped
        them all)."""
        unknown = [folder for folder, mtime in self.folders.items() if mtime is None]
        if self.listing is None or not self.out or not unknown:
            return 0
        settled = 0
        for number, folder in enumerate(unknown):
            if number % 256 == 0 and interrupted():
                break
            where = os.path.join(self.out, folder)
            now = time.time_ns()
            try:
                st = os.lstat(where)
                if not stat.S_ISDIR(st.st_mode) or st.st_mtime_ns >= now - SETTLED_NS:
                    continue
                found_files: set[str] = set()
                found_folders: set[str] = set()
                with os.scandir(where) as entries:
                    for entry in entries:
                        if entry.is_dir(follow_symlinks=False):
                            found_folders.add(entry.name)
                        elif entry.is_file(follow_symlinks=False):
                            found_files.add(entry.name)
                        else:
                            found_files.add("/")   # a link or the like: never as listed
            except OSError:
                continue
            if (found_files, found_folders) == listed_entries(self.listing, folder):
                self.folders[folder] = st.st_mtime_ns
                settled += 1
        return settled

    def prepare(self) -> None:
        """In idle time (`serve`, after a reload): the writer's view of the held listing
        (`PreviousSite.listed`: the sets and folder counts of 36,000 paths, 0.017 s of a body
        edit at 10,000 articles), so that the next edit's writer does not make it."""
        if self.listing is not None and (self.prepared is None
                                         or self.prepared[0] is not self.listing):
            self.prepared = (self.listing,
                             PreviousSite.listed([path for path, _, _ in self.listing]))

    def take_prepared(self, listing: Listing | None) -> PreviousSite | None:
        """The writer's view `prepare` made of `listing` (this very list: a listing is never
        changed, `updated_listing` makes a new one), once; else None."""
        prepared, self.prepared = self.prepared, None
        return prepared[1] if prepared is not None and prepared[0] is listing else None

    def forget(self) -> None:
        self.prepared = None
        self.listing, self.structure, self.versions, self.fingerprints = None, "", {}, {}
        self.readers, self.layout, self.groups, self.frame = {}, "", {}, ""
        self.origins, self.pages, self.folders = {}, [], {}
