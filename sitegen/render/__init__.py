"""Render the site: pages, feeds, sitemap and assets as `Output(path, bytes)` values.

Nothing here touches the output folder; `sitegen.write` does, so a failed render never leaves a
half-written site behind.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sitegen.config import Config
from sitegen.errors import Problem, SitegenError
from sitegen.model import Article
from sitegen.render.assets import static_files
from sitegen.render.context import SiteContext
from sitegen.render.feeds import site_feed, term_feeds
from sitegen.render.news_sitemap import news_sitemap
from sitegen.render.output import Output
from sitegen.render.pages import (
    archive_pages,
    article_pages,
    home_pages,
    not_found_page,
    taxonomy_pages,
)
from sitegen.render.sitemap import robots, sitemap
from sitegen.taxonomy import Taxonomy

__all__ = ["Output", "render_site"]


def render_site(articles: Sequence[Article], taxonomy: Taxonomy,
                config: Config) -> Iterator[Output]:
    """Every file of the site, pages first; paths are unique and relative to the output folder.

    `taxonomy` must be `build_taxonomy(articles)`: its newest-first order is the one used.
    """
    ctx = SiteContext(taxonomy.articles, taxonomy, config)
    pages: list[tuple[str, str | None]] = []
    lastmod = {ctx.urls.output_file(ctx.urls.article(a)): (a.updated or a.date).date().isoformat()
               for a in taxonomy.articles}
    kinds = [k for k in ("tags", "speakers") if k in config.taxonomies]
    html_groups = [home_pages(ctx), article_pages(ctx),
                   *(taxonomy_pages(ctx, k) for k in kinds), archive_pages(ctx)]
    seen: set[str] = set()
    for group in html_groups:
        for output in group:
            _claim(seen, output)
            pages.append((_url_of(ctx, output.path), lastmod.get(output.path)))
            yield output
    for output in (*not_found_page(ctx), site_feed(ctx),
                   *(f for k in kinds for f in term_feeds(ctx, k)),
                   sitemap(ctx, pages), news_sitemap(ctx), robots(ctx), *static_files(ctx)):
        _claim(seen, output)
        yield output


def _url_of(ctx: SiteContext, path: str) -> str:
    return ctx.config.base_path + (path[:-len("index.html")] if path.endswith("index.html")
                                   else path)


def _claim(seen: set[str], output: Output) -> None:
    """Two outputs at one path would silently overwrite each other: fail loudly instead."""
    if output.path in seen:
        raise SitegenError(Problem(None, f"two pages would be written to {output.path}; "
                                         "give one of them another slug"))
    seen.add(output.path)
