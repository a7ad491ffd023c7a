"""Render the site: pages, feeds, sitemaps and assets as `Output(path, bytes)` values.

Nothing here touches the output folder; `sitegen.write` does, so a failed render never leaves a
half-written site behind.

Every output is first a `Task`: its inputs are fingerprinted, and when a `memo` says the last build
made the same file from the same inputs, the output is `Output(path, None)` (keep the file) and is
not rendered at all. The rest are rendered over processes (`sitegen.parallel`), in order.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import jinja2

from sitegen.config import Config
from sitegen.errors import Problem, SitegenError
from sitegen.incremental.stores import BuildCache, ShardedStore
from sitegen.model import Article
from sitegen.parallel import stream_chunks
from sitegen.render.assets import static_files
from sitegen.render.cards import card_tasks
from sitegen.render.context import SiteContext
from sitegen.render.feeds import site_feed, term_feeds
from sitegen.render.fingerprint import AGGREGATE, Versions
from sitegen.render.news_sitemap import news_sitemap
from sitegen.render.output import KEPT, Output, Task, kept_task
from sitegen.render.pages import (
    archive_pages,
    article_pages,
    home_pages,
    not_found_page,
    taxonomy_pages,
)
from sitegen.render.sitemap import robots, sitemap
from sitegen.render.teasers import Teasers
from sitegen.tag_rules import RULES_FILE
from sitegen.taxonomy import Taxonomy
from sitegen.theme import template_problem

__all__ = ["CONTENT_FILES", "After", "Memo", "Output", "render_site"]

log = logging.getLogger("sitegen.render")

# The files of the content folder that outputs are made from besides the articles (the tags
# index shows the kinds `tags.toml` gives tags): outputs kept by `_keeps` are kept only while
# these are unchanged too (the caller's check, with the render key).
CONTENT_FILES = (RULES_FILE,)

# An article's version (`snapshot.Model.version`, hex digits) is a plain string among an
# output's sources (`fp.article`), so their repr shows it between single quotes: splitting the
# repr at quotes gives it whole (in 0.4 of the time a regular expression took over 15,800
# reprs).


class Memo(Protocol):
    """What the last build made: `unchanged(path, fingerprint)` is True when the site still holds
    the file that build rendered at `path` from inputs with this fingerprint."""

    def unchanged(self, path: str, fingerprint: str) -> bool: ...

    def kept(self, path: str, fingerprint: str | None) -> bool:
        """`unchanged` for a fingerprint known without making the task."""

    def carry(self, paths: AbstractSet[str], fingerprints: dict[str, str]) -> set[str]:
        """`kept(path, fingerprints.get(path))` of each of `paths` at once: the ones not kept."""


GroupReaders = dict[tuple[object, ...], tuple[str, tuple[str, ...]]]


class Before(Protocol):
    """What this process's last build rendered (`incremental.outputs.HeldSite`): the model's
    structure, layout and article versions it was made from, each output's fingerprint, the
    outputs whose sources hold each article's version (`readers`), and each group's digest
    with the outputs whose sources hold it (`groups`, by `fingerprint.group_key`)."""

    @property
    def structure(self) -> str: ...

    @property
    def layout(self) -> str: ...

    @property
    def frame(self) -> str: ...

    @property
    def groups(self) -> GroupReaders: ...

    @property
    def versions(self) -> dict[Path, str]: ...

    @property
    def fingerprints(self) -> dict[str, str]: ...

    @property
    def readers(self) -> dict[Path, tuple[str, ...]]: ...

    @property
    def origins(self) -> dict[str, object]: ...

    @property
    def pages(self) -> list[str]: ...


@dataclass
class After:
    """What a long-lived process (`serve`) takes from a render besides its outputs, filled by
    `render_site` as it goes: for its next build's `before` (`incremental.outputs.HeldSite`
    keeps them), the outputs whose sources hold each article's version (`readers`), each
    group's digest with the outputs whose sources hold it (`groups`), the owner of each
    article's and term's outputs (`origins`, `SiteContext.owned`) and the site's pages in order
    (`pages`, the sitemap's); for this build's writer, the outputs kept as the last build left
    them that are not yielded at all (`kept`, `_narrow`; filled before the first output is
    yielded). A `sitegen build` asks for none of it, so its render scans no task's sources
    for relations."""

    readers: dict[Path, tuple[str, ...]] = field(default_factory=dict)
    groups: GroupReaders = field(default_factory=dict)
    origins: dict[str, object] = field(default_factory=dict)
    pages: list[str] = field(default_factory=list)
    kept: set[str] = field(default_factory=set)


def render_site(articles: Sequence[Article], taxonomy: Taxonomy, config: Config,
                memo: Memo | None = None, versions: Versions | None = None,
                cache: ShardedStore | None = None,
                before: Before | None = None, after: After | None = None) -> Iterator[Output]:
    """Every file of the site, pages first; paths are unique and relative to the output folder.

    `taxonomy` must be `build_taxonomy(articles)`: its newest-first order is the one used.
    `versions` (a `snapshot.Model`) saves hashing every article and group to fingerprint pages.
    `cache` (the build's) keeps converted bodies, related stories, group digests and compiled
    templates between builds; without one nothing is kept.
    `before` (a long-lived process's last build, made with the same render key) lets outputs
    that cannot have changed be kept without making their tasks (`_keeps`).
    `after` (a long-lived process's, empty) is filled with what its next build's `before`
    holds, and with the outputs kept that are not yielded at all (see `After`).
    """
    store = cache if cache is not None else BuildCache(None)
    ctx = SiteContext(taxonomy.articles, taxonomy, config, versions, store)
    related = _related_digests(ctx, before, versions) \
        if after is not None or before is not None else {}
    keeps, merge, dirty = _keeps(ctx, memo, versions, before, related)
    if keeps is not None:
        ctx.kept = keeps
    owned = _narrow(ctx, memo, versions, before, merge, dirty) \
        if keeps is not None and after is not None else None
    if owned is None and after is not None:
        ctx.origins = after.origins
    if owned is not None and before is not None:
        ctx.pages = before.pages
        if merge:   # a frame edit: the pages of the owners walked may move (`_moved_pages`)
            ctx.origins, ctx.moved = {}, before.origins
    outputs = _outputs(ctx)
    if after is not None:
        if owned is not None and before is not None:
            after.kept.update(owned)
            after.kept.difference_update(task.path for task in outputs)
            if ctx.moved is not None and ctx.only is not None and ctx.origins is not None:
                only = ctx.only   # the owners walked: their outputs are the ones found now
                after.origins.update((path, owner) for path, owner in ctx.moved.items()
                                     if owner not in only)
                after.origins.update(ctx.origins)
            else:
                after.origins.update(before.origins)
        after.pages.extend(ctx.pages)
    known = {versions.version(a): a.path for a in taxonomy.articles} \
        if after is not None and versions is not None and (keeps is None or merge) else None
    digests = {found: key for key, found in ctx.fp.known_groups().items()}
    found: dict[Path, list[str]] = {}
    found_groups: dict[tuple[object, ...], list[str]] = {}
    todo = []
    for task in outputs:
        if task.inputs is KEPT:
            continue
        sources = repr(task.inputs)
        if known is not None:   # the articles and groups it shows, as its fingerprint sees them
            quoted = set(sources.split("'"))
            for version in known.keys() & quoted:
                found.setdefault(known[version], []).append(task.path)
            for group in digests.keys() & quoted:
                found_groups.setdefault(digests[group], []).append(task.path)
        if memo is None or not memo.unchanged(task.path, ctx.fp.of_repr(sources)):
            todo.append(task)
    if after is not None and versions is not None:
        made = {task.path for task in outputs if task.inputs is not KEPT} if merge else None
        _readers(ctx, keeps is not None, before, after, found, found_groups, related, made)
    log.debug("rendering %d of %d outputs (the others are unchanged)", len(todo), len(outputs))
    for task in todo:
        log.debug("rendering %s", task.path)
    ctx.take_bodies()   # the Markdown workers converted while the tasks were made
    _compile_templates(ctx)   # once, before workers fork
    global _todo, _teasers
    _todo, _teasers = todo, ctx.teasers
    teasers: dict[str, list[str]] = {}   # list entries rendered (`teasers.py`), to keep
    try:
        rendered = stream_chunks(_render_chunk, range(len(todo)))
        wanted = {id(task) for task in todo}
        for task in outputs:
            if id(task) not in wanted:
                yield Output(task.path, None)
                continue
            content, entries = next(rendered)
            if entries:
                teasers.update(entries)
            yield Output(task.path, content)
    finally:
        _todo, _teasers = [], None
    # saved after the reload in `serve` (`Store.defer`): the next build reads them, not this
    store.defer(lambda: ctx.teasers.save(teasers,
                                         (ctx.fp.article(a) for a in taxonomy.articles)))


_todo: list[Task] = []
_teasers: Teasers | None = None


def _render_chunk(numbers: Sequence[int]) -> list[tuple[bytes, dict[str, list[str]] | None]]:
    """Render tasks by number (run in forked workers: the tasks are inherited, not sent), each
    page with the list entries first rendered for it, for the caller to keep."""
    assert _teasers is not None
    with _template_errors():
        return [(_todo[n].make(), _teasers.take() or None) for n in numbers]


def _compile_templates(ctx: SiteContext) -> None:
    with _template_errors():
        for name in sorted(ctx.templates):
            ctx.env.get_template(name)


@contextmanager
def _template_errors() -> Iterator[None]:
    """A template error as a problem naming the template and line (a worker hands it back
    pickled, so it is converted where the traceback still is)."""
    try:
        yield
    except jinja2.TemplateError as exc:
        raise SitegenError(template_problem(exc)) from None


def _readers(ctx: SiteContext, kept: bool, before: Before | None, after: After,
             found: dict[Path, list[str]],
             found_groups: dict[tuple[object, ...], list[str]],
             related: GroupReaders, made: set[str] | None) -> None:
    """Fill `after.readers` and `after.groups` for the next build: the relations found in the
    sources, or, when outputs were kept (`_keeps`), the last build's: as they were when no
    list, group or related story changed, else (`made`: the outputs given a task, only some
    terms' members changed) those of the outputs kept and the ones found in the sources of the
    others. Each article's related stories count as a group its page shows
    (`_related_digests`)."""
    digests = ctx.fp.known_groups()
    readers, groups = after.readers, after.groups
    if kept and before is not None and made is None:
        readers.update(before.readers)
        groups.update((key, (digests.get(key) or related.get(key, ("", ()))[0], paths))
                      for key, (_, paths) in before.groups.items())
        return
    if kept and before is not None and made is not None:
        # most articles and groups are read by no output made: their held tuple is reused
        for path, paths in before.readers.items():
            more = found.get(path, ())
            readers[path] = paths if not more and made.isdisjoint(paths) else \
                (*(p for p in paths if p not in made), *more)
        for path in found.keys() - before.readers.keys():
            readers[path] = tuple(found[path])
        for key, (_, paths) in before.groups.items():
            more = found_groups.get(key, ())
            groups[key] = (digests.get(key, ""), paths if not more and made.isdisjoint(paths)
                           else (*(p for p in paths if p not in made), *more))
        for key in digests.keys() - before.groups.keys():
            groups[key] = (digests[key], tuple(found_groups.get(key, ())))
        groups.update(related)
        return
    readers.update((path, tuple(paths)) for path, paths in found.items())
    groups.update((key, (digest, tuple(found_groups.get(key, ()))))
                  for key, digest in digests.items())
    groups.update(related)


def _related_digests(ctx: SiteContext, before: Before | None = None,
                     versions: Versions | None = None) -> GroupReaders:
    """Each article's related stories as a group its page alone shows, by ("related", file):
    their files in order, and the page. An edit of one story's terms can change the related
    stories of others, whose pages hold neither that story's version nor a digest of its
    groups. Related stories and pages are made from the structure alone (every file's front
    matter and slug, `related.related_stories`): while it is the one `before` was made from
    (a body edit), they are the ones `before` holds, taken instead of joining 10,000 lists."""
    if before is not None and versions is not None and before.structure \
            and before.structure == versions.structure:
        held = {key: found for key, found in before.groups.items() if key[0] == "related"}
        if len(held) == len(ctx.taxonomy.articles):
            return held
    urls = ctx.urls
    return {("related", str(a.path)): ("|".join(str(r.path) for r in ctx.related.to(a)),
                                       (urls.output_file(urls.article(a)),))
            for a in ctx.taxonomy.articles}


def _keeps(ctx: SiteContext, memo: Memo | None, versions: Versions | None,
           before: Before | None, related: GroupReaders
           ) -> tuple[Callable[[str], bool] | None, bool, set[str]]:
    """Whether the output at a path is kept as the last build made it, decided without its
    task (None when that build says nothing: then every output is fingerprinted), whether
    the relations of the outputs made must be merged into the last build's (`_readers`), and
    the outputs made again for what changed (the readers of changed versions and groups).

    With the structure unchanged (every file's front matter and every slug: the same pages,
    lists, groups and related stories everywhere) and the same render key (the caller's
    check), an output's sources are plain values and group digests that stay the same, and
    the versions of the articles it shows (`before.readers`). So only the outputs showing an
    article whose version changed can differ: a body edit at 10,000 articles makes a few dozen
    tasks (its page, the pages of stories listing it as related, its term, month and front
    pages, feeds) instead of 16,000.

    With only titles changed besides (the same `layout`: the structure but for titles), every
    list, group membership, slug, count and related story is as it was too, and the only
    sources that differ are versions and the digests of the groups holding a retitled story
    (they show titles): the outputs holding one of those (`before.groups`) are made again as
    well, so a title edit makes the tasks of its lists and terms, not 17,900.

    With tags, speakers or quotes changed besides (the same `frame`: every date, slug, term
    name and other field), the lists by date and the months and years are as they were, and
    what differs is the members of some terms, so their digests, and the related stories of
    some articles (`_related_digests`, by their pages): the outputs holding those are made
    again.

    An output that shows a value worked out over many terms or pages (counts, kinds, the
    sitemap's pages) has it among its sources as an aggregate (`Fingerprints.aggregate`),
    which it works out before asking `kept`: it is kept only while each aggregate it read last
    time is as it was."""
    if memo is None or versions is None or before is None or not before.structure:
        return None, False, set()
    frame = before.structure != versions.structure and before.layout != versions.layout
    if frame and not (before.frame and before.frame == versions.frame):
        return None, False, set()
    if not frame and not (before.structure == versions.structure or before.layout):
        return None, False, set()
    dirty: set[str] = set()
    changed = versions.changed_since(before.versions)
    if changed is None:
        for article in ctx.taxonomy.articles:
            if before.versions.get(article.path) != versions.version(article):
                dirty.update(before.readers.get(article.path, ()))
    else:   # a body edit of the model the last build had: only the files edited may differ
        for edited, version in changed.items():
            if before.versions.get(edited) != version:
                dirty.update(before.readers.get(edited, ()))
    now = ctx.fp.known_groups()
    asked: dict[str, list[tuple[tuple[object, ...], str]]] = {}   # output -> its aggregates
    for key, (found, paths) in before.groups.items():
        if key[0] == AGGREGATE:   # worked out by the output itself, before it asks `kept`
            for path in paths:
                asked.setdefault(path, []).append((key, found))
        elif (now.get(key) or related.get(key, ("",))[0]) != found:
            dirty.update(paths)
    fingerprints = before.fingerprints

    def kept(path: str) -> bool:
        return path not in dirty and all(now.get(key) == found for key, found in
                                         asked.get(path, ())) \
            and memo.kept(path, fingerprints.get(path))

    return kept, frame, dirty


def _narrow(ctx: SiteContext, memo: Memo | None, versions: Versions | None,
            before: Before | None, merge: bool, dirty: set[str]) -> AbstractSet[str] | None:
    """On an edit `_keeps` keeps outputs for (a body, title, tag or speaker edit), make the
    tasks of only the articles and terms that own an output made again (`ctx.only`), not of
    all 10,000 articles and their terms, and return the paths of the outputs articles and
    terms own (the last build's `origins`) whose files are kept unless their owner makes
    them; None when every owner is walked (`ctx.kept` still keeps what it can).

    With the same layout (a body or title edit) every output's path is the last build's, so
    all owned paths are returned. With only the same frame (`merge`: a tag or speaker edit)
    a term whose members changed may have more or fewer pages: its outputs are all made, so
    only the paths of the owners not walked are returned (a page it lost is removed), and
    `_outputs` finds the site's pages again (`_moved_pages`).

    An owned output is made again when it reads an article or group that changed (`dirty`)
    or the memo does not hold its file as the last build made it. The one aggregate owned
    outputs read, a term feed's list of articles (`feeds._feed`), is the term's own: while
    the term's digest (its members) is as it was, so is its feed's list, and when it is not,
    the term's pages read it and are dirty, so the term is walked. The outputs of no owner
    (front pages, lists, archives, feeds of the site, sitemaps, static files) are walked as
    before, with their aggregates."""
    if memo is None or versions is None or before is None or not before.origins \
            or not before.pages:
        return None
    held = before.origins
    stale = memo.carry(held.keys(), before.fingerprints)
    stale.update(path for path in dirty if path in held)
    only = ctx.only = {held[path] for path in stale}
    if not merge:
        return held.keys()
    # a frame edit: a term whose members changed may have more or fewer pages; its outputs
    # are all made (`_outputs` finds them), so only the others' are kept as they were
    return {path for path, owner in held.items() if owner not in only}


def _outputs(ctx: SiteContext) -> list[Task]:
    """All outputs in site order, each path claimed once (one `ctx.kept` as the placeholder
    `kept_task`); with `ctx.only`, only those of the owners it names and of no owner, and
    `ctx.pages` are the site's pages already (the last build's: the same structure gives the
    same), or, with `ctx.moved` (the last build's origins, on a frame edit), but for the pages
    of the owners walked, found again (`_moved_pages`)."""
    config = ctx.config
    kinds = [k for k in ("tags", "speakers") if k in config.taxonomies]
    outputs: list[Task] = [*home_pages(ctx), *article_pages(ctx),
                           *(t for k in kinds for t in taxonomy_pages(ctx, k)),
                           *archive_pages(ctx)]
    if ctx.only is None:
        pages = [task.path for task in outputs]
    elif ctx.moved is not None:
        pages = _moved_pages(ctx, ctx.moved, outputs)
    else:
        pages = ctx.pages
    ctx.pages = pages
    outputs += [*not_found_page(ctx), site_feed(ctx),
                *(f for k in kinds for f in term_feeds(ctx, k)),
                _sitemap(ctx, pages), news_sitemap(ctx), robots(ctx), *static_files(ctx),
                *(card_tasks(ctx) if config.cards else ())]
    seen: set[str] = set()
    for output in outputs:
        _claim(seen, output)
    return outputs


def _moved_pages(ctx: SiteContext, moved: dict[str, object], made: list[Task]) -> list[str]:
    """The site's pages in order after a frame edit that walked only some owners
    (`_narrow`): the last build's (`ctx.pages`), each walked owner's run of pages (a term's
    are one run, an article's one page) given as `made` has them now. The frame keeps every
    other page's path (dates, slugs, term names and date lists are as they were); a term whose
    members changed may have gained or lost a page."""
    found = ctx.origins
    assert found is not None and ctx.only is not None
    walked: dict[object, list[str]] = {}
    for task in made:
        owner = found.get(task.path)
        if owner is not None:
            walked.setdefault(owner, []).append(task.path)
    only = ctx.only
    pages: list[str] = []
    for path in ctx.pages:
        owner = moved.get(path)
        if owner is None or owner not in only:
            pages.append(path)
        elif (run := walked.pop(owner, None)) is not None:   # at the first page of its run
            pages.extend(run)
    return pages


def _sitemap(ctx: SiteContext, pages: list[str]) -> Task:
    """The sitemap of these pages (output paths), with each article's date as lastmod. Which
    pages there are is an aggregate (a term's page count changes with its stories); the dates
    are plain values, which only an edit of the frame changes (`_keeps`), so the 10,000
    articles' URLs are worked out only when the sitemap is made."""
    digest = ctx.fp.aggregate(("sitemap",), tuple(pages))
    if ctx.kept(path := ctx.urls.output_file(ctx.urls.sitemap())):
        return kept_task(path)
    lastmod = {ctx.urls.output_file(ctx.urls.article(a)): (a.updated or a.date).date().isoformat()
               for a in ctx.taxonomy.articles}
    return sitemap(ctx, tuple((_url_of(ctx, page), lastmod.get(page)) for page in pages), digest)


def _url_of(ctx: SiteContext, path: str) -> str:
    return ctx.config.base_path + (path[:-len("index.html")] if path.endswith("index.html")
                                   else path)


def _claim(seen: set[str], output: Task) -> None:
    """Two outputs at one path would silently overwrite each other: fail loudly instead."""
    if output.path in seen:
        raise SitegenError(Problem(None, f"two pages would be written to {output.path}; "
                                         "give one of them another slug"))
    seen.add(output.path)
