"""sitemap.xml (every HTML page but the 404) and robots.txt pointing at it and the news sitemap."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from functools import partial

from sitegen.render.context import SiteContext
from sitegen.render.output import Task, ready

SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"


def sitemap(ctx: SiteContext, pages: Sequence[tuple[str, str | None]], listed: str) -> Task:
    """`pages` are (URL path, lastmod ISO date or None), in the order they should appear;
    `listed` the digest of the aggregate of their paths (`Fingerprints.aggregate`)."""
    return Task(ctx.urls.output_file(ctx.urls.sitemap()), ("sitemap", listed, pages),
                partial(_sitemap_xml, ctx, pages))


def _sitemap_xml(ctx: SiteContext, pages: Sequence[tuple[str, str | None]]) -> bytes:
    ET.register_namespace("", SITEMAP)
    root = ET.Element(f"{{{SITEMAP}}}urlset")
    for path, lastmod in pages:
        url = ET.SubElement(root, f"{{{SITEMAP}}}url")
        ET.SubElement(url, f"{{{SITEMAP}}}loc").text = ctx.urls.absolute(path)
        if lastmod:
            ET.SubElement(url, f"{{{SITEMAP}}}lastmod").text = lastmod
    xml: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return xml + b"\n"


def robots(ctx: SiteContext) -> Task:
    text = (f"User-agent: *\nAllow: /\n\n"
            f"Sitemap: {ctx.urls.absolute(ctx.urls.sitemap())}\n"
            f"Sitemap: {ctx.urls.absolute(ctx.urls.news_sitemap())}\n")
    return ready(ctx.urls.output_file(ctx.urls.robots()), text.encode("utf-8"))
