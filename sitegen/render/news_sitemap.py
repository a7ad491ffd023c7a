"""news-sitemap.xml: the Google News sitemap of the latest articles.

Google News reads `<news:news>` entries for articles published in the last two days
(https://developers.google.com/search/docs/crawling-indexing/sitemaps/news-sitemap). "The last two
days" is counted back from the newest article, not from the clock: the same content then always
builds the same bytes, and a site rebuilt on publication (the normal case) gets the same window.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import timedelta
from functools import partial

from sitegen.model import Article
from sitegen.render.context import SiteContext
from sitegen.render.output import Task, kept_task
from sitegen.render.sitemap import SITEMAP
from sitegen.typography import typographic

NEWS = "http://www.google.com/schemas/sitemap-news/0.9"
WINDOW = timedelta(days=2)
MAX_ENTRIES = 1000    # Google's limit per news sitemap


def news_window(articles: Sequence[Article]) -> tuple[Article, ...]:
    """Articles published within two days of the newest one (`articles` newest first)."""
    if not articles:
        return ()
    since = articles[0].date - WINDOW
    return tuple(a for a in articles if a.date >= since)[:MAX_ENTRIES]


def news_language(language: str) -> str:
    """ISO 639 code as Google News wants it: 'en' for 'en-GB', but 'zh-cn' / 'zh-tw' kept."""
    code = language.strip().lower().replace("_", "-")
    if code in ("zh-cn", "zh-tw"):
        return code
    if code.startswith("zh-hant") or code in ("zh-hk", "zh-mo"):
        return "zh-tw"
    if code.startswith("zh"):
        return "zh-cn"
    return code.split("-")[0]


def news_sitemap(ctx: SiteContext) -> Task:
    if ctx.kept(path := ctx.urls.output_file(ctx.urls.news_sitemap())):
        return kept_task(path)
    window = news_window(ctx.taxonomy.articles)
    return Task(path,
                ("news-sitemap", ctx.fp.articles(window)),
                partial(_news_xml, ctx, window))


def _news_xml(ctx: SiteContext, window: Sequence[Article]) -> bytes:
    ET.register_namespace("", SITEMAP)
    ET.register_namespace("news", NEWS)
    root = ET.Element(f"{{{SITEMAP}}}urlset")
    for article in window:
        url = ET.SubElement(root, f"{{{SITEMAP}}}url")
        ET.SubElement(url, f"{{{SITEMAP}}}loc").text = ctx.urls.absolute(
            ctx.urls.article(article))
        news = ET.SubElement(url, f"{{{NEWS}}}news")
        publication = ET.SubElement(news, f"{{{NEWS}}}publication")
        ET.SubElement(publication, f"{{{NEWS}}}name").text = ctx.config.title
        ET.SubElement(publication, f"{{{NEWS}}}language").text = news_language(
            ctx.config.language)
        ET.SubElement(news, f"{{{NEWS}}}publication_date").text = article.date.isoformat()
        ET.SubElement(news, f"{{{NEWS}}}title").text = typographic(article.title)
    xml: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return xml + b"\n"
