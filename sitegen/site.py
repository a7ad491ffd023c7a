"""The build pipeline, top to bottom: import raw -> load articles -> group -> render -> write.

`sitegen build`, `build.py`, `serve` and `deploy` all call `build_site`; none re-implements it.
"""

from __future__ import annotations

import gc
import itertools
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen.config import Config
from sitegen.errors import Problem, SitegenError
from sitegen.incremental.inputs import digest, input_key, render_key
from sitegen.incremental.outputs import (
    PAGES,
    Listing,
    PageMemo,
    folder_times,
    remember_build,
    save_later,
    settle_records,
    site_listing,
    unchanged_build,
    updated_listing,
)
from sitegen.incremental.stores import BuildCache
from sitegen.lock import site_lock
from sitegen.search import IndexCancelled
from sitegen.write import Changes, KeptMissing, NewSite, recover, settle, write_site

if TYPE_CHECKING:   # the rest is imported by a build that has work to do (a no-op is quicker)
    from sitegen.ingest.importer import ImportReport
    from sitegen.render import Output
    from sitegen.snapshot import HeldModel

log = logging.getLogger("sitegen.build")


@dataclass(frozen=True)
class BuildReport:
    """What a build did, for the one-line summary the CLI prints."""

    out_dir: Path
    articles: int
    files: int
    seconds: float
    imported: ImportReport | None = None
    warnings: tuple[str, ...] = field(default=())
    rendered: int = 0   # files rendered; the others were unchanged and kept as they were

    def summary(self) -> str:
        noun = "article" if self.articles == 1 else "articles"
        return (f"built {self.articles} {noun} into {self.out_dir} "
                f"({self.files} files, {self.rendered} rendered) in {self.seconds:.2f}s")


def build_site(config: Config, *, out_dir: Path | None = None, drafts: bool = False,
               import_raw: bool = True, progress: bool = False,
               search_index: bool = True, locked: bool = True,
               cached: bool = True, held: HeldModel | None = None,
               cancel: threading.Event | None = None) -> BuildReport:
    """Build the whole site, or raise SitegenError listing every problem and leave it untouched.

    `search_index=False` (`serve`'s rebuilds) keeps the search index the site has instead of
    running Pagefind over the whole site again (a minute at 10,000 articles): the site is then
    updated in place, and search may not know what changed since that index was built.

    One build or import at a time writes a site (`.sitegen.lock`); another waits its turn.
    `locked=False, cached=False` is for a build that writes nothing in the site folder
    (`deploy`'s): no lock file, and a build cache that keeps nothing.

    `held` (`serve`'s, one for all its builds) keeps the model in this process: each build
    updates it for the files that changed instead of loading it from the cache
    (`snapshot.HeldModel`). Until it holds a model, a build does not stop as a no-op.

    `cancel` (`serve`'s search build): once set, a running Pagefind is killed and the build
    raises `search.IndexCancelled`, leaving the site and caches as a failed build does.
    """
    settle_records()   # a serving build's records, saved while its site was served
    with site_lock(config.content_path) if locked else nullcontext(), \
            _without_cyclic_gc(freeze=held is not None):
        cache = BuildCache(config.root if cached else None)   # opened once, handed to stages
        if held is not None:   # saves only later builds read: once the site is served
            cache.deferring()
        # what `serve`'s watcher vouches for: files no event named keep their digests unread
        taken = held.watched.take() if held is not None else None
        if taken is not None:
            cache.digests.vouch = taken[0]
        try:
            report = _build(config, cache, out_dir=out_dir, drafts=drafts,
                            import_raw=import_raw, progress=progress,
                            search_index=search_index, held=held, cancel=cancel)
        except IndexCancelled:   # nothing moved in: the next build looks at these paths again
            if held is not None and taken is not None:
                held.watched.settled(taken[1], again=taken[0])
            raise
        finally:   # the last update's backup, removed while the build recorded itself
            settle()
        if held is not None:
            _save_deferred(held, cache.take_deferred())
        if held is not None and taken is not None:   # a failed build: the next scans all
            held.watched.settled(taken[1])
    if held is not None:
        save_later(held.site, lambda: site_lock(config.content_path) if locked
                   else nullcontext())
    return report


def _save_deferred(held: HeldModel, saves: list[Callable[[], None]]) -> None:
    """A held build's deferred saves (`BuildCache.defer`: the file digests, quote anchors,
    teasers; 0.03-0.04 s of a body edit at 10,000 articles) made with its records, once the
    site is served (`save_later`), before any next build reads them (`settle_records`)."""
    record = held.site.unsaved
    if not saves:
        return

    def save() -> None:
        for each in saves:
            each()
        if record is not None:
            record()

    held.site.unsaved = save


@contextmanager
def _without_cyclic_gc(*, freeze: bool = False) -> Iterator[None]:
    """A build allocates millions of long-lived objects without cycles (records, pages); the
    cyclic collector would scan them again and again and find nothing: a third of a one-edit
    rebuild at 10,000 articles (8.7 s with it, 5.6 s without, same peak memory).

    `freeze` (a process that keeps the model between builds, `serve`): what the build leaves
    alive is moved out of the collector's reach before it is on again; else the first
    collections after each build traverse the whole held model (every record, group and parse),
    which delayed the reload after a title edit by a second at 1,000 articles. One collection of
    the youngest generation first (only what this build allocated) frees the build's own
    cycles (a theme environment is one), which freezing would keep for good; frozen objects are
    still freed when their last reference goes (a replaced model)."""
    settle_collection()   # the last held build's, if still due
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:   # the collector stays off until `settle_collection`
            _collection_due[:] = [enabled]
        elif enabled:
            gc.enable()


_collection_due: list[bool] = []   # a held build's collection not made yet: gc was on before


def settle_collection() -> None:
    """The collection and freeze that end a held build (`_without_cyclic_gc`), done later: one
    collection of the youngest generation at 10,000 articles is about 0.08 s of CPU, with the
    interpreter lock held, which `serve` makes once the browsers were told to reload, not
    before (`Preview`); the next build makes it first if it is still due."""
    if _collection_due:
        enabled = _collection_due.pop()
        gc.collect(0)   # once over what the build allocated: its cycles (Jinja's) go
        gc.freeze()
        if enabled:
            gc.enable()


def _build(config: Config, cache: BuildCache, *, out_dir: Path | None, drafts: bool,
           import_raw: bool, progress: bool, search_index: bool,
           held: HeldModel | None, cancel: threading.Event | None) -> BuildReport:
    started = time.perf_counter()
    out = out_dir if out_dir is not None else config.output_path
    recover(out)   # a build killed mid-swap: the previous site back even if this one fails
    digests = cache.digests   # files whose stat is unchanged are not read again
    options = {"drafts": drafts, "import_raw": import_raw, "search_index": search_index}
    # the article files read to hash them are kept for the model to parse (`load_model`)
    digests.keep(os.path.join(config.content_path, "articles", ""), ".md")
    key = input_key(config, out, digests, **options)
    cache.defer(cache.remember_digests)
    # a held listing is the site as this process's last build left it (only it writes there)
    before = held.site.listing_of(out, cache.stamp(PAGES)) if held is not None \
        else site_listing(out)
    last = unchanged_build(cache, out, key, before)
    if last is not None and (held is None or held.ready):   # nothing changed: it is built
        return BuildReport(out_dir=out, articles=last[0], files=last[1],
                           seconds=time.perf_counter() - started)
    # the writer takes the listing (held, or taken just now) instead of walking the site again
    reused = before is not None
    from sitegen.snapshot import settle_saves

    for attempt in (1, 2):
        try:
            return _render_and_write(config, cache, out, key, before, drafts=drafts,
                                     import_raw=import_raw, progress=progress,
                                     search_index=search_index, held=held, started=started,
                                     cancel=cancel)
        except KeptMissing:
            if held is not None:
                held.site.forget()
            if not reused or attempt == 2:
                raise
            # a file of the site changed by hand since it was listed (the writer found a page
            # it was told to keep missing): once more from the site as it is
            log.debug("writing failed with the site listing; listing the site again")
            before = site_listing(out)
        except IndexCancelled:   # raised before anything was moved in: the held listing stands
            raise
        except BaseException:
            if held is not None:   # the next build lists the site again, fingerprints all
                held.site.forget()
            raise
        finally:   # a new snapshot written beside the build, under its lock
            settle_saves()
    raise AssertionError("unreachable")


def _render_and_write(config: Config, cache: BuildCache, out: Path, key: str,
                      before: Listing | None, *, drafts: bool, import_raw: bool,
                      progress: bool, search_index: bool, held: HeldModel | None,
                      started: float, cancel: threading.Event | None = None) -> BuildReport:
    from sitegen.render import CONTENT_FILES, After, Output, render_site
    from sitegen.search import SEARCH_DIR, SearchIndex
    from sitegen.snapshot import load_model
    from sitegen.urls import urls_for

    digests = cache.digests
    options = {"drafts": drafts, "import_raw": import_raw, "search_index": search_index}
    problems: list[Problem] = []
    imported = _import_raw(config, progress) if import_raw else None
    if imported is not None:
        problems.extend(imported.failed)
        if imported.written or imported.removed_temps:
            # the import changed the content: hash it again before anything is read, so an
            # edit made while this build runs is seen by the next one
            digests.again()
            key = input_key(config, out, digests, **options)
    try:
        model = load_model(config, cache, drafts=drafts, held=held)
    except SitegenError as exc:
        problems.extend(exc.problems)
    if problems:
        raise SitegenError(problems)

    articles, taxonomy = model.articles, model.taxonomy
    protected = [config.content_path, config.root / "themes", config.root / "templates"]
    warnings: list[str] = []

    rkey = render_key(config, digests)
    # the held outputs stand while the render key and the content files the renderer reads
    # besides the articles (`render.CONTENT_FILES`) stay: the model's structure covers the rest
    held_key = digest(rkey, *(digests.digest(str(config.content_path / name))
                              for name in CONTENT_FILES))
    last_pages = held.site if held is not None and held.site.render_key == held_key else None
    # what the last build made: the memo it saved is the one it holds, while its listing is
    # the site's (`HeldSite.listing_of`) and the render key (within `held_key`) is the same
    memo = PageMemo(cache, out, before, rkey,
                    last_pages.fingerprints if last_pages is not None and before is not None
                    and before is last_pages.listing else None)

    index: SearchIndex | None = None
    if config.search and search_index:   # each part starts once its last page is staged
        urls = urls_for(config)   # the renderer's: each article's URL made once
        pages = {urls.output_file(urls.article(a)): (a.date.year, a.date.month)
                 for a in articles}
        index = SearchIndex(config, pages, memo, cache, cancel)

    def finish(site: NewSite) -> list[str]:
        """Index the staged new site for search before any of it is moved in (only the parts
        whose pages changed, most of them started while the rest rendered; see
        `sitegen.search`)."""
        assert index is not None
        files, warning = index.finish(site)
        if warning:
            warnings.append(warning)
        return files

    rendered = 0

    def counted(outputs: Iterator[Output]) -> Iterator[Output]:
        nonlocal rendered
        for output in outputs:
            rendered += output.content is not None
            yield output

    # which outputs show each article and group, and the outputs kept with no `Output` each
    # (`render.After`): asked for only by a long-lived process (`held`)
    after = After() if held is not None else None
    outputs = counted(render_site(articles, taxonomy, config, memo, model, cache,
                                   last_pages, after))
    kept_index: list[str] = []
    if config.search and not search_index:   # the files of the index the site has stay
        kept_index = [path for path, _, _ in before or () if path.startswith(f"{SEARCH_DIR}/")]
        for path in kept_index:   # so the next search-on build knows which parts it can keep
            memo.keep(path)
        if after is None:
            outputs = itertools.chain(outputs, (Output(path, None) for path in kept_index))
        else:
            after.kept.update(kept_index)
    changes = Changes()
    # the folders of the site as the held listing has them: unchanged ones are not checked
    # file by file (`write_site`)
    folders = held.site.folders if held is not None and before is not None \
        and before is held.site.listing and held.site.folders else None
    since = time.time_ns()
    # the site as this process's last build left it (`held`; as the writer takes it, made in
    # idle time: `HeldSite.prepare`), or as this build listed it at its start: the writer
    # takes it instead of walking the site a second time (0.3 s at 10,000 articles, before
    # the first page is rendered), and checks each output it keeps
    listed = held.site.take_prepared(before) if held is not None else None
    try:
        files = write_site(outputs, out, protected=protected,
                           finish=finish if index is not None else None, changes=changes,
                           listed=listed if listed is not None
                           else [path for path, _, _ in before] if before is not None else None,
                           watch=index, defer_cleanup=True,
                           kept=after.kept if after is not None else frozenset(),
                           folders=folders) \
            - len(kept_index)
    finally:
        if index is not None:   # no Pagefind outlives the build
            index.close()
    # the new site's listing: the writer's own when it wrote the whole folder (no walk)
    listing = changes.listing if changes.listing is not None \
        else updated_listing(before, out, changes.whole, changes.paths)
    held_folders = folder_times(out, listing, since, changes.whole, changes.paths, folders) \
        if held is not None else {}

    memo_before = cache.stamp(PAGES)   # under the lock: no other process builds now

    def record() -> None:
        if cache.stamp(PAGES) != memo_before:   # (deferred) another process built since: its
            return   # records stand, and the held listing is not trusted (no stamp)
        saved = memo.save(listing)
        if held is not None:
            held.site.stamp = cache.stamp(PAGES)
            if saved is not None:   # the next build's memo (`PageMemo(held=...)`), as stored
                held.site.fingerprints = saved
        if not warnings:   # a build with warnings (no search index) is tried again next time
            remember_build(cache, out, key, len(articles), files, listing)

    if held is not None and after is not None:
        held.site.remember(out, listing, held_key, model.structure, model.versions,
                           memo.fingerprints, after.readers, None, model.layout, after.groups,
                           model.frame, after.origins, after.pages)
        held.site.folders = held_folders
        held.site.unsaved = record   # saved once the site is served (`build_site`)
    else:
        record()
    return BuildReport(out_dir=out, articles=len(articles), files=files,
                       seconds=time.perf_counter() - started, imported=imported,
                       warnings=tuple(warnings), rendered=rendered)


def _import_raw(config: Config, progress: bool) -> ImportReport | None:
    """Import new or changed raw files from content/raw/ (unchanged ones are a no-op)."""
    raw_dir = config.content_path / "raw"
    if not raw_dir.is_dir():
        return None
    from sitegen.ingest.importer import import_paths

    return import_paths([raw_dir], config.content_path, progress=progress)
