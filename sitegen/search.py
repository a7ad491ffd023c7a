"""Full-text search: Pagefind indexes of the article pages, one per part of the archive.

Pagefind (https://pagefind.app, the `pagefind[bin]` package) reads built HTML and writes a static
index, which the theme's `search.js` queries in the browser; no server is involved, so search
works on GitHub Pages and under a base path. Pagefind has no incremental mode: it indexes all it
is given every time (57 s and 5.3 GB at 10,000 articles). So the article pages are split into
*parts* by month (`plan_parts`: the newest month alone, the older months packed into parts of at
most `part_cap` pages, the smallest cap that keeps a reader's first search within twice a single
index's requests, at most `PART_PAGES` for one run's memory), each indexed by its own Pagefind
run over a folder of hard links to only that part's pages, into `pagefind/<part>/`;
`pagefind/parts.json` lists the parts, and `search.js` loads one and merges the others
(Pagefind's `mergeIndex`). A part whose pages are
byte-identical to the last build's is taken from the cache without running Pagefind, so a new
story re-indexes its own part only. Pagefind works on one core for most of a run, so the parts
to index run up to one per core at once, within a budget of pages indexed at once
(`PARALLEL_PAGES`; Pagefind's memory grows with a run's pages, about 0.5 MB each: ~0.57 KB an
indexed word, set by Pagefind 1.5's index building; no option or allocator setting keeps the
index and cuts it by a third: PERFORMANCE.md, "What a Pagefind run's memory is"). With the
budget at least the cap of a part, as now, the larger parts are indexed one at a time; smaller
parts cost no less CPU a page, and two runs' pages at once from their start passed 1.49 GB
together (docs/PERFORMANCE.md, "Parts at once", "Parts sized by the first search"). But a
run's memory falls once it writes its index, and the next run reads its pages in little: so the
next part starts as the one before writes, paused while the runs together would pass
`PARALLEL_MB` (`_Budget`; PERFORMANCE.md, "The next part read while the one before writes").

Only article pages are indexed, as before the split: the theme marks their story with
`data-pagefind-body`, and Pagefind then skips every page without it (tag, speaker, list pages).

Indexing overlaps the rendering (`SearchIndex`): the writer tells it of each output once it is
staged (`write.Watch`), and a part is keyed and handed to Pagefind as soon as the last of its
pages is (article pages render first, newest first), while the list pages, feeds and the rest
still render; the writer's `finish` step (see `write.NewSite`) then starts what is left and
waits for the runs. Pagefind reads the new pages from the staging folder (or the site, for
unchanged ones) before any of them is moved in, so a failed index fails the build and the old
site stays; a failed or cancelled build kills the runs still going (their process groups).
Each part's files are outputs like the pages: a part whose pages give the same key as last time
(`_part_key`, recorded as the fingerprint of each of its files in the build's page memo) is
kept as the site holds it, untouched; only the changed parts are indexed again and moved in, in
the same transaction as the pages. So a CI run that restores `_site/` and `.sitegen-cache/`
indexes the new story's month and nothing else.

A missing binary is a warning, not an error: the site is built without an index and the search
box stays what it is without JavaScript, links to the tag and speaker indexes.

Pagefind's filter and metadata files are not byte-stable between runs (Pagefind issue #638), so
the parts of each site's last build are also kept in sitegen's user cache folder
(`$SITEGEN_CACHE_DIR`, else `$XDG_CACHE_HOME/sitegen`, else `~/.cache/sitegen`; never in the site,
which `deploy` promises not to touch), each keyed by the pages it was built from: a build into
another folder (`deploy`'s, a clean one) takes a part from there instead of running Pagefind, and
unchanged pages give the same index bytes (a `sitegen deploy` of an unchanged site commits
nothing).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from sitegen.config import Config
from sitegen.errors import Problem, SitegenError
from sitegen.incremental.machine import user_cache_root
from sitegen.incremental.shape import Fields
from sitegen.incremental.stores import Store
from sitegen.incremental.table import column_shapes, rows_from_columns, rows_to_columns
from sitegen.parallel import dies_with_this_process
from sitegen.walk import regular_files
from sitegen.write import NewSite

if TYPE_CHECKING:
    from sitegen.render import Memo

log = logging.getLogger("sitegen.search")

Month = tuple[int, int]          # (year, month) of an article's date

SEARCH_DIR = "pagefind"          # the index, at <base path>pagefind/
PARTS_FILE = "parts.json"        # {"parts": [folder, ...]}, newest part first
PAGEFIND_ENV = "SITEGEN_PAGEFIND"  # path of a pagefind binary to use instead of the bundled one
TIMEOUT_SECONDS = 600
MISSING = ("search = true but the pagefind binary is not installed "
           "(pip install 'pagefind[bin]'); the site is built without a search index")
PART_PAGES = 2500                # at most this many pages per older part: ~1.27 GB for Pagefind
MIN_PART_PAGES = 256             # at least: a small site's edit re-indexes ~1 s of Pagefind
SINGLE_INDEX_REQUESTS = 16       # a reader's first search over one index (measured, PERFORMANCE.md)
PART_REQUESTS = 3                # and for each part after the first: entry, metadata, a word chunk
FIRST_SEARCH_PARTS = 1 + SINGLE_INDEX_REQUESTS // PART_REQUESTS   # within twice a single index
CAP_STEPS = 4                    # the cap is a power of 2 ** (1 / CAP_STEPS) (`part_cap`)
PARALLEL_PAGES = 2500            # at most this many pages indexed at once, over all runs
PARALLEL_MB = 1400               # at most this much memory for Pagefind, over all runs at once
# Pagefind's Linux build (1.5.2+) allocates with jemalloc, which keeps freed pages for 10 s by
# default: a run's memory stayed near its peak while it wrote its index. Returned within 0.25 s, a
# 2,000-page run peaks at ~0.88 GB instead of ~1.03 and writes in ~0.33 GB, so the next run can
# build its index beside it within `PARALLEL_MB` (`_Budget`); the same CPU, the same index
# (PERFORMANCE.md, "What a Pagefind run's memory is"). A setting of the user's own wins.
PAGEFIND_MALLOC = ("_RJEM_MALLOC_CONF", "dirty_decay_ms:250")
_LINKS = ".search-pages"         # the hard-link folder of one part, inside the staging site
_POLL_SECONDS = 0.05             # how often a running Pagefind is checked for a cancel


class IndexCancelled(Exception):
    """The search build was cancelled (`serve`: an edit arrived while Pagefind ran). Pagefind's
    process group is killed and the build fails like any failed index: nothing is moved in,
    nothing is cached, and the next search build indexes the part again."""


def pagefind_executable() -> Path | None:
    """$SITEGEN_PAGEFIND, else the binary of the `pagefind_bin` package, else `pagefind` on PATH."""
    override = os.environ.get(PAGEFIND_ENV)
    if override:
        path = Path(override)
        return path if path.is_file() and os.access(path, os.X_OK) else None
    try:
        from pagefind_bin import get_executable  # type: ignore[import-untyped,import-not-found,unused-ignore]

        found = Path(get_executable())
        if found.is_file():
            return found
    except (ImportError, FileNotFoundError):
        pass
    on_path = shutil.which("pagefind")
    return Path(on_path) if on_path else None


def plan_parts(pages: Mapping[str, Month]) -> dict[str, list[str]]:
    """Group article pages (output path -> (year, month)) into parts, newest part first.

    The newest month is a part of its own, so a new story re-indexes only that month. The older
    months are packed, oldest first, into parts of at most `part_cap` pages (whole months):
    smaller parts make an edit of an old story re-index fewer pages and one Pagefind run take
    less memory, but each part costs the reader's first search about three requests, so the cap
    is the smallest that keeps the parts within `FIRST_SEARCH_PARTS`. Packing from the oldest
    end means a month that stops being the newest joins or opens only the last part, and an edit
    re-indexes one part.
    """
    months: dict[Month, list[str]] = {}
    for path, month in pages.items():
        months.setdefault(month, []).append(path)
    ordered = sorted(months)
    older = ordered[:-1]
    sizes = [len(months[month]) for month in older]
    groups = [[older[i] for i in group] for group in _pack(sizes, part_cap(sizes))]
    if ordered:
        groups.append([ordered[-1]])
    return {_part_name(group): sorted(p for m in group for p in months[m])
            for group in reversed(groups)}


def part_cap(sizes: list[int]) -> int:
    """The pages per older part: the smallest step 2 ** (k / CAP_STEPS), at least
    `MIN_PART_PAGES`, with which the older months (their sizes, oldest first) pack into at most
    `FIRST_SEARCH_PARTS - 1` parts (the newest month is one more), and at most `PART_PAGES`
    (one Pagefind run's memory; then the parts are as many as it takes).

    A reader's first search costs a single index's requests and three for each part after the
    first (its entry file, metadata and a word chunk): 16 + 3 * 5 = 31 for 6 parts, within
    issue 16's twice a single index (PERFORMANCE.md, "Parts sized by the first search"). The
    cap depends on the older months only, so a new story in the newest month never moves it;
    as the archive grows it climbs a step (about 19%) at a time, and appending months never
    lowers it. A step re-partitions every older part: that one build indexes them all again
    (a clean build's Pagefind work), once per ~19% of growth while the cap is under
    `PART_PAGES`, never after."""
    k = CAP_STEPS * (MIN_PART_PAGES.bit_length() - 1)   # 2 ** (k / steps) <= the floor
    while True:
        cap = _step(k)
        k += 1
        if cap < MIN_PART_PAGES:
            continue
        if cap >= PART_PAGES or len(_pack(sizes, cap)) < FIRST_SEARCH_PARTS:
            return min(cap, PART_PAGES)


def _step(k: int) -> int:
    """2 ** (k / CAP_STEPS) rounded down, exactly (the largest c with c ** steps <= 2 ** k)."""
    cap = round(2 ** (k / CAP_STEPS))
    while cap ** CAP_STEPS > 2 ** k:
        cap -= 1
    return cap


def _pack(sizes: list[int], cap: int) -> list[list[int]]:
    """Indexes of `sizes` packed in order into runs of at most `cap` (a larger one alone)."""
    groups: list[list[int]] = []
    size = 0
    for index, count in enumerate(sizes):
        if not groups or size + count > cap:
            groups.append([])
            size = 0
        groups[-1].append(index)
        size += count
    return groups


def _part_name(group: list[Month]) -> str:
    """`2024-12` for one month, `2015-01_2024-11` for a run of months."""
    first, last = (f"{year:04d}-{month:02d}" for year, month in (group[0], group[-1]))
    return first if first == last else f"{first}_{last}"


class SearchIndex:
    """The search index of one build, into `pagefind/`, each part started as soon as its last
    page is staged (`staged`, the writer's event), so Pagefind indexes the older parts while
    the list pages, feeds and the rest still render; `finish` (the writer's finish step) keys
    and starts the parts not started yet, waits for the runs and returns the index's files.

    A part is keyed and handed to Pagefind only once every one of its pages is staged, and
    nothing is moved into the site before `finish` returns, so the transaction is the writer's
    as before. `close` (always, after the write) kills the runs still going (a failed or
    cancelled build) and removes what they left in the staging folder.

    `memo` knows which files the site still holds as the last build made them, and from what;
    it is told the key of every file of this index. `cache` keeps each page's digest
    (`PageDigests`). `finish` raises SitegenError when Pagefind runs and fails, so a
    half-indexed site is never used, and IndexCancelled once `cancel` is set.
    """

    def __init__(self, config: Config, pages: Mapping[str, Month], memo: Memo, cache: Store,
                 cancel: threading.Event | None = None) -> None:
        self._memo = memo
        self._store = cache
        self._cancel = cancel
        self._exe = pagefind_executable()
        self._cache_root = site_cache(config)
        self._parts = plan_parts(pages)
        self._part_of = {path: name for name, paths in self._parts.items() for path in paths}
        self._left = {name: len(paths) for name, paths in self._parts.items()}
        self._keys: dict[str, str] = {}
        self._made: dict[str, list[str]] = {}   # part -> its files, kept as the site holds them
        self._runs = _Runs()
        self._site: NewSite | None = None
        self._digests: PageDigests | None = None
        self._pagefind = ""
        if self._exe is not None:
            with self._exe.open("rb") as binary:   # its bytes, not its mtime: a CI runner
                self._pagefind = hashlib.file_digest(binary, "sha256").hexdigest()  # installs it

    def staged(self, site: NewSite, path: str) -> None:
        """The writer staged `path`: start its part once all of the part's pages are."""
        if self._cancel is not None and self._cancel.is_set():
            self._runs.stop.set()
        name = self._part_of.pop(path, None)
        if name is None or self._exe is None:
            return
        self._left[name] -= 1
        if self._left[name] == 0:
            self._start(site, name)

    def finish(self, site: NewSite) -> tuple[list[str], str | None]:
        """Start the parts not started yet (all of them without staged events), wait for the
        runs, and return the index's files (written into `site.staging`, or kept as the
        previous site holds them) and a warning when there is no index."""
        if self._exe is None:
            log.warning(MISSING)
            return [], MISSING
        for name, left in self._left.items():
            if left:   # its pages were not announced (or some are not output): all are now
                self._left[name] = 0
                self._start(site, name)
        try:
            self._runs.wait(self._cancel)
        finally:
            shutil.rmtree(site.staging / _LINKS, ignore_errors=True)
        files: list[str] = []
        for name in self._parts:
            if name not in self._made:   # indexed or restored: recorded as made from its key
                self._made[name] = regular_files(site.staging / SEARCH_DIR / name,
                                                 f"{SEARCH_DIR}/{name}")
                for path in self._made[name]:
                    self._memo.unchanged(path, self._keys[name])
            files.extend(self._made[name])
        listing = json.dumps({"parts": list(self._parts)}, separators=(",", ":")) + "\n"
        (site.staging / SEARCH_DIR).mkdir(parents=True, exist_ok=True)
        (site.staging / SEARCH_DIR / PARTS_FILE).write_text(listing, encoding="utf-8")
        files.append(f"{SEARCH_DIR}/{PARTS_FILE}")
        _forget_others(self._cache_root, keep=set(self._keys.values()))
        if self._digests is not None:
            self._digests.save()
        return files, None

    def close(self) -> None:
        """End the runs still going (their process groups killed) and remove what they left in
        the staging folder; after `finish` returned there are none, and nothing to remove."""
        if self._runs.close() and self._site is not None:
            for leftover in (self._site.staging / _LINKS, self._site.staging / SEARCH_DIR):
                shutil.rmtree(leftover, ignore_errors=True)
            with contextlib.suppress(OSError):   # the writer discarded it: a run made it again
                self._site.staging.rmdir()

    def abandoned(self) -> None:
        """The write failed (a render error, an interrupt): the runs end before the staging
        folder is removed."""
        self.close()

    def _start(self, site: NewSite, name: str) -> None:
        """Key the part; keep it as the site holds it, restore it from the user cache, or hand
        it to Pagefind."""
        self._site = site
        if self._digests is None:
            self._digests = PageDigests(self._store, site)
        paths = self._parts[name]
        key = self._keys[name] = _part_key(self._pagefind, name, paths, self._digests)
        folder = f"{SEARCH_DIR}/{name}"
        kept = site.previous_files(folder)
        if kept and all([self._memo.unchanged(path, key) for path in kept]):   # each recorded
            self._made[name] = kept
        elif not _restore(self._cache_root / key, site.staging / folder):
            assert self._exe is not None
            self._runs.start(self._exe, site, _Job(name, key, paths), self._cache_root)


def site_cache(config: Config) -> Path:
    """This site's search cache folder (one per site root) in sitegen's user cache."""
    site = hashlib.sha256(str(config.root.resolve()).encode()).hexdigest()[:16]
    return user_cache_root() / "search" / site


def _command(exe: Path, site: Path, output: Path) -> list[str]:
    return [str(exe), "--site", str(site), "--output-path", str(output), "--silent"]


def _part_key(pagefind: str, name: str, paths: list[str], digests: PageDigests) -> str:
    """A digest of everything Pagefind reads for one part: the binary (`pagefind`, its
    digest), its options, the part's name and each page's path and bytes (less what it is told
    to ignore wholly)."""
    digest = hashlib.sha256()
    digest.update(f"{pagefind}\0".encode())
    digest.update("\0".join(_command(Path("PAGEFIND"), Path("SITE"), Path("OUT"))[1:]).encode())
    digest.update(f"\0{name}\0".encode())
    for path in paths:
        digest.update(b"\0" + path.encode() + b"\0")
        digest.update(digests.of(path))
    return f"{name}-{digest.hexdigest()[:32]}"


class PageDigests:
    """The digest of each article page's `indexed_bytes`, kept in the build cache with the size
    and mtime its file has, so a page the site holds as it was is not read again to key its part
    (a second at 10,000 articles). A file keeps its mtime when the writer moves it in (a rename)
    or keeps it (a hard link), so the stat taken of the staged file is the one the site's file
    will have."""

    _SHAPES = column_shapes(str, int, int, bytes)   # path, size, mtime, digest

    def __init__(self, cache: Store, site: NewSite) -> None:
        self._cache = cache
        self._site = site
        record = cache.load("search-pages", "", Fields({"pages": list}))
        rows = rows_from_columns(record.get("pages"), self._SHAPES) or []
        self._old: dict[str, tuple[int, int, bytes]] = {
            path: (size, mtime, value) for path, size, mtime, value in rows}
        self._new: dict[str, tuple[int, int, bytes]] = {}

    def of(self, path: str) -> bytes:
        """The digest of the page's new bytes, less what Pagefind ignores wholly."""
        source = self._site.source(path)
        info = source.stat()
        old = self._old.get(path)
        if old is not None and old[:2] == (info.st_size, info.st_mtime_ns):
            value = old[2]
        else:
            value = hashlib.sha256(indexed_bytes(source.read_bytes())).digest()
        self._new[path] = (info.st_size, info.st_mtime_ns, value)
        return value

    def save(self) -> None:
        rows = ((path, *entry) for path, entry in self._new.items())
        self._cache.save("search-pages", "", {"pages": rows_to_columns(rows, 4)})


_IGNORED = b'data-pagefind-ignore="all"'
_TAG_NAME = re.compile(rb"[a-zA-Z][a-zA-Z0-9-]*")


def indexed_bytes(html: bytes) -> bytes:
    """The page without its elements marked `data-pagefind-ignore="all"`, which Pagefind reads
    nothing from: the related stories at the foot of an article change with other articles, and
    would otherwise make a new story re-index the parts of the stories it is related to.
    An element whose end is not found is kept (a part indexed once too often, never stale)."""
    kept: list[bytes] = []
    start = 0
    mark = html.find(_IGNORED)
    while mark != -1:
        opening = html.rfind(b"<", start, mark)
        name = _TAG_NAME.match(html, opening + 1) if opening != -1 else None
        end = _element_end(html, name.group(), mark) if name else None
        if end is None:
            break
        kept.append(html[start:opening])
        start = end
        mark = html.find(_IGNORED, start)
    kept.append(html[start:])
    return b"".join(kept)


def _element_end(html: bytes, tag: bytes, inside: int) -> int | None:
    """Where the element of `tag` whose opening tag holds position `inside` ends (after its
    closing tag), counting nested elements of the same name; None when it does not."""
    depth = 1
    for edge in re.compile(rb"<(/?)" + re.escape(tag) + rb"[\s>/]").finditer(html, inside):
        depth += -1 if edge.group(1) else 1
        if depth == 0:
            close = html.find(b">", edge.end() - 1)
            return None if close == -1 else close + 1
    return None


class _Job(NamedTuple):
    """One part for Pagefind to index."""
    name: str
    key: str
    paths: list[str]


class _Slot:
    """One run's place in the budget: its pages, its Pagefind (once started), and whether its
    pages are given back (it writes its index) and it is paused."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.pid: int | None = None
        self.released = False
        self.paused = False


class _Budget:
    """Pages being indexed at once, at most `PARALLEL_PAGES` (Pagefind's memory grows with the
    pages of a run, about 0.5 MB each); a part larger than that runs alone, until it writes.

    A run's memory peaks as it builds its index, and falls as it writes it (its last ~40%, the
    gzip of every file), while a run's first ~40%, reading the pages, takes ~0.12 MB a page.
    So a run gives its pages back once it writes (its output folder appears) and the next part
    starts reading; that run is paused (SIGSTOP, its process group) whenever the runs' memory
    together passes `PARALLEL_MB` while a run started before it still goes (it would build its
    index beside the other's), and resumed once none does. Where a process's memory cannot be
    read (no Linux /proc), a run keeps its pages until it ends."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._pages = 0
        self._alive: list[_Slot] = []   # in the order they started

    @contextlib.contextmanager
    def pages(self, count: int, stop: threading.Event) -> Iterator[_Slot]:
        with self._cond:
            while self._pages and self._pages + count > PARALLEL_PAGES:
                if stop.is_set():
                    raise IndexCancelled
                self._cond.wait(_POLL_SECONDS)
            self._pages += count
            slot = _Slot(count)
            self._alive.append(slot)
        try:
            yield slot
        finally:
            with self._cond:
                if not slot.released:
                    self._pages -= count
                self._alive.remove(slot)
                self._cond.notify_all()

    def watch(self, slot: _Slot, output: Path) -> None:
        """A poll of `slot`'s running Pagefind (writing into `output`): give its pages back
        once it writes; pause or resume it by the memory of the runs at once."""
        if slot.pid is None or not _memory_readable():
            return
        with self._cond:
            if not slot.released and output.is_dir():
                slot.released = True
                self._pages -= slot.count
                self._cond.notify_all()
            older = self._alive.index(slot) > 0
            pids = [s.pid for s in self._alive if s.pid is not None]
        if slot.paused and not older:
            _signal_group(slot.pid, signal.SIGCONT)
            slot.paused = False
        elif (not slot.paused and older
              and sum(_tree_rss(pid) for pid in pids) > PARALLEL_MB * 2**20):
            _signal_group(slot.pid, signal.SIGSTOP)
            slot.paused = True


@cache
def _memory_readable() -> bool:
    pid = os.getpid()
    return os.path.exists(f"/proc/{pid}/task/{pid}/children")


def _tree_rss(pid: int) -> int:
    """Resident bytes of a process and its descendants (a wrapper's Pagefind); 0 once gone."""
    total = 0
    todo = [pid]
    while todo:
        process = todo.pop()
        try:
            with open(f"/proc/{process}/status", "rb") as status:
                for line in status:
                    if line.startswith(b"VmRSS:"):
                        total += int(line.split()[1]) * 1024
                        break
            with open(f"/proc/{process}/task/{process}/children", "rb") as children:
                todo.extend(int(child) for child in children.read().split())
        except (OSError, ValueError):
            continue
    return total


def _signal_group(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):   # already gone
        os.killpg(pid, signum)


class _Runs:
    """The Pagefind runs of one build: up to one per core at once (Pagefind works on one core
    for most of a run), within the page budget (`_Budget`), each started when its part is
    ready. The first failure (or a cancel) stops the others and is raised by `wait`."""

    def __init__(self) -> None:
        self.stop = threading.Event()
        self._budget = _Budget()
        self._pool: ThreadPoolExecutor | None = None
        self._futures: list[Future[None]] = []

    def start(self, exe: Path, site: NewSite, job: _Job, cache_root: Path) -> None:
        if self.stop.is_set():
            return   # failed or cancelled: `wait` raises
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=max(1, os.cpu_count() or 1),
                                            thread_name_prefix="pagefind")
        self._futures.append(self._pool.submit(self._index, exe, site, job, cache_root))

    def _index(self, exe: Path, site: NewSite, job: _Job, cache_root: Path) -> None:
        target = site.staging / SEARCH_DIR / job.name
        links = site.staging / _LINKS / job.name
        try:
            try:   # the links are made while the run before still goes: no memory of its own
                _link_pages(site, job.paths, links, self.stop)
                with self._budget.pages(len(job.paths), self.stop) as slot:
                    _index_part(exe, links, target, self.stop,
                                lambda pid: self._poll(slot, pid, target))
            finally:
                shutil.rmtree(links, ignore_errors=True)
        except BaseException:
            self.stop.set()   # the others stop at once, even while the site still renders
            raise
        if not self.stop.is_set():   # a failed build leaves the user cache as it was
            _remember(target, cache_root / job.key)

    def _poll(self, slot: _Slot, pid: int, target: Path) -> None:
        slot.pid = pid
        self._budget.watch(slot, target)

    def wait(self, cancel: threading.Event | None) -> None:
        """Wait for every run; raise the first failure, or IndexCancelled."""
        errors: list[BaseException] = []
        waiting = set(self._futures)
        try:
            while waiting:
                done, waiting = wait(waiting, timeout=_POLL_SECONDS,
                                     return_when=FIRST_EXCEPTION)
                errors.extend(e for e in (f.exception() for f in done) if e is not None)
                if errors or (cancel is not None and cancel.is_set()):
                    self.stop.set()
        except BaseException:   # an interrupt: `close` ends the runs
            self.stop.set()
            raise
        if errors:   # the first is the cause; the others were stopped by it
            raise errors[0]
        if self.stop.is_set() or (cancel is not None and cancel.is_set()):
            raise IndexCancelled

    def close(self) -> bool:
        """Stop the runs still going and wait for them; whether any was stopped."""
        if self._pool is None:
            return False
        stopped = not all(f.done() for f in self._futures)
        if stopped:
            self.stop.set()   # each run kills its Pagefind's process group within a poll
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._pool = None
        return stopped or any(not f.cancelled() and f.exception() is not None
                              for f in self._futures if f.done())


def _link_pages(site: NewSite, paths: list[str], links: Path, cancel: threading.Event) -> None:
    """A folder (`links`) holding only this part's pages (hard links, same paths)."""
    shutil.rmtree(links, ignore_errors=True)
    for path in paths:
        if cancel.is_set():
            raise IndexCancelled
        (links / path).parent.mkdir(parents=True, exist_ok=True)
        _link(site.source(path), links / path)


def _index_part(exe: Path, links: Path, output: Path, cancel: threading.Event,
                poll: Callable[[int], None] | None = None) -> None:
    """Run Pagefind over a part's folder of links (`_link_pages`) into `output`."""
    returncode, out, err = _run_pagefind(_command(exe, links, output), cancel, poll)
    if returncode != 0 or not (output / "pagefind.js").is_file():
        detail = (err or out).strip().splitlines()[-5:]
        raise SitegenError(Problem(None, f"search index: pagefind failed (exit "
                                         f"{returncode}): {' | '.join(detail)}"))


def _run_pagefind(command: list[str], cancel: threading.Event | None,
                  poll: Callable[[int], None] | None = None) -> tuple[int, str, str]:
    """Pagefind's exit code and output. It runs in a process group of its own, killed whole
    (a wrapper script and its Pagefind alike) on a timeout or as soon as `cancel` is set, and
    dies with the build when that is killed outright (`parallel.dies_with_this_process`).
    `poll` is called with its pid as it runs (`_Budget.watch`)."""
    try:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True, start_new_session=True, env=pagefind_env(),
                                   preexec_fn=dies_with_this_process())
    except OSError as exc:
        raise SitegenError(Problem(None, f"search index: cannot run {command[0]}: {exc}")
                           ) from None
    deadline = time.monotonic() + TIMEOUT_SECONDS
    try:
        while True:
            try:   # communicate drains the pipes, so a chatty Pagefind never blocks on them
                out, err = process.communicate(timeout=_POLL_SECONDS)
                return process.returncode, out, err
            except subprocess.TimeoutExpired:
                pass
            if cancel is not None and cancel.is_set():
                raise IndexCancelled
            if poll is not None:
                poll(process.pid)
            if time.monotonic() > deadline:
                raise SitegenError(Problem(None, f"search index: cannot run {command[0]}: "
                                                 f"timed out after {TIMEOUT_SECONDS} seconds"))
    finally:
        if process.returncode is None:
            _kill_group(process)


def pagefind_env() -> dict[str, str]:
    """The environment Pagefind runs in: ours, with `PAGEFIND_MALLOC` unless it is set."""
    name, value = PAGEFIND_MALLOC
    return {name: value, **os.environ}


def _kill_group(process: subprocess.Popen[str]) -> None:
    """End Pagefind's process group (paused or not) and reap it."""
    _signal_group(process.pid, signal.SIGKILL)
    process.communicate()


def _link(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
    """A hard link (no copy, same bytes), else a copy where the file system has none."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _restore(cache: Path, target: Path) -> bool:
    """Put a cached part in place (hard links: it keeps inode and mtime); False on a miss."""
    if not (cache / "pagefind.js").is_file():
        return False
    try:
        shutil.copytree(cache, target, copy_function=_link)
        return True
    except OSError:
        shutil.rmtree(target, ignore_errors=True)   # index afresh
        return False


def _remember(index: Path, cache: Path) -> None:
    """Keep this part's index; a cache that cannot be written is no error."""
    partial = cache.with_name(f".{cache.name}.{os.getpid()}")
    try:
        shutil.rmtree(partial, ignore_errors=True)
        shutil.copytree(index, partial, copy_function=_link)
        partial.rename(cache)
    except OSError as exc:
        log.debug("search index part not cached: %s", exc)
        shutil.rmtree(partial, ignore_errors=True)


def _forget_others(cache_root: Path, keep: set[str]) -> None:
    """Keep only the parts of this build (only our own key-named folders live here)."""
    try:
        for old in cache_root.iterdir():
            if old.name not in keep and old.is_dir() and not old.is_symlink():
                shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        log.debug("search cache not pruned: %s", exc)
