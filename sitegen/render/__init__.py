"""Render the site: pages, feeds, sitemaps and assets as `Output(path, bytes)` values.

Nothing here touches the output folder; `sitegen.write` does, so a failed render never leaves a
half-written site behind.

Every output is first a `Task`: its inputs are fingerprinted, and when a `memo` says the last build
made the same file from the same inputs, the output is `Output(path, None)` (keep the file) and is
not rendered at all. The rest are rendered over processes (`sitegen.parallel`), in order.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
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
from sitegen.render.fingerprint import Versions
from sitegen.render.news_sitemap import news_sitemap
from sitegen.render.output import Output, Task
from sitegen.render.pages import (
    archive_pages,
    article_pages,
    home_pages,
    not_found_page,
    taxonomy_pages,
)
from sitegen.render.sitemap import robots, sitemap
from sitegen.taxonomy import Taxonomy
from sitegen.theme import template_problem

__all__ = ["Memo", "Output", "render_site"]

log = logging.getLogger("sitegen.render")


class Memo(Protocol):
    """What the last build made: `unchanged(path, fingerprint)` is True when the site still holds
    the file that build rendered at `path` from inputs with this fingerprint."""

    def unchanged(self, path: str, fingerprint: str) -> bool: ...


def render_site(articles: Sequence[Article], taxonomy: Taxonomy, config: Config,
                memo: Memo | None = None, versions: Versions | None = None,
                cache: ShardedStore | None = None) -> Iterator[Output]:
    """Every file of the site, pages first; paths are unique and relative to the output folder.

    `taxonomy` must be `build_taxonomy(articles)`: its newest-first order is the one used.
    `versions` (a `snapshot.Model`) saves hashing every article and group to fingerprint pages.
    `cache` (the build's) keeps converted bodies, related stories, group digests and compiled
    templates between builds; without one nothing is kept.
    """
    ctx = SiteContext(taxonomy.articles, taxonomy, config, versions,
                      cache if cache is not None else BuildCache(None))
    outputs = _outputs(ctx)
    todo = [task for task in outputs
            if memo is None or not memo.unchanged(task.path, ctx.fp.of(*task.inputs))]
    log.debug("rendering %d of %d outputs (the others are unchanged)", len(todo), len(outputs))
    for task in todo:
        log.debug("rendering %s", task.path)
    _compile_templates(ctx)   # once, before workers fork
    global _todo
    _todo = todo
    try:
        rendered = stream_chunks(_render_chunk, range(len(todo)))
        wanted = {id(task) for task in todo}
        for task in outputs:
            yield Output(task.path, next(rendered) if id(task) in wanted else None)
    finally:
        _todo = []


_todo: list[Task] = []


def _render_chunk(numbers: Sequence[int]) -> list[bytes]:
    """Render tasks by number (run in forked workers: the tasks are inherited, not sent)."""
    with _template_errors():
        return [_todo[n].make() for n in numbers]


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


def _outputs(ctx: SiteContext) -> list[Task]:
    """All outputs in site order, each path claimed once."""
    config = ctx.config
    lastmod = {ctx.urls.output_file(ctx.urls.article(a)): (a.updated or a.date).date().isoformat()
               for a in ctx.taxonomy.articles}
    kinds = [k for k in ("tags", "speakers") if k in config.taxonomies]
    outputs: list[Task] = [*home_pages(ctx), *article_pages(ctx),
                           *(t for k in kinds for t in taxonomy_pages(ctx, k)),
                           *archive_pages(ctx)]
    pages = tuple((_url_of(ctx, task.path), lastmod.get(task.path)) for task in outputs)
    outputs += [*not_found_page(ctx), site_feed(ctx),
                *(f for k in kinds for f in term_feeds(ctx, k)),
                sitemap(ctx, pages), news_sitemap(ctx), robots(ctx), *static_files(ctx),
                *(card_tasks(ctx) if config.cards else ())]
    seen: set[str] = set()
    for output in outputs:
        _claim(seen, output)
    return outputs


def _url_of(ctx: SiteContext, path: str) -> str:
    return ctx.config.base_path + (path[:-len("index.html")] if path.endswith("index.html")
                                   else path)


def _claim(seen: set[str], output: Task) -> None:
    """Two outputs at one path would silently overwrite each other: fail loudly instead."""
    if output.path in seen:
        raise SitegenError(Problem(None, f"two pages would be written to {output.path}; "
                                         "give one of them another slug"))
    seen.add(output.path)
