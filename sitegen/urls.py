"""Every URL of the site and the output file behind it, in one place.

Templates, feeds, the sitemap and the writer all ask `Urls`, so a project site under `/REPO/`
gets the base path on every link, and no output path can be built that climbs out of the folder.
"""

from __future__ import annotations

import posixpath
from datetime import datetime
from pathlib import Path

from sitegen.config import DEFAULT_PERMALINK, Config
from sitegen.model import Article
from sitegen.slugs import is_safe_slug, slugify


class Urls:
    """Site-relative URL paths (each starting with `config.base_path`) and absolute URLs."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.base = config.base_path
        self.site_url = config.site_url
        self.permalink = config.permalink or DEFAULT_PERMALINK
        self._article_urls: dict[tuple[Path, str, datetime], str] = {}   # every page links to many
        self._files: dict[str, str] = {}   # output_file of each URL asked (the sitemap asks again)

    def _join(self, *parts: str) -> str:
        """Base path + parts as one directory URL ending in '/'."""
        inner = "/".join(p.strip("/") for p in parts if p.strip("/"))
        return self.base + (inner + "/" if inner else "")

    # Pages -------------------------------------------------------------------------------
    def home(self, page: int = 1) -> str:
        return self._join() if page <= 1 else self._join("page", str(page))

    def article(self, article: Article) -> str:
        key = (article.path, article.slug, article.date)   # all a permalink is made of
        found = self._article_urls.get(key)
        if found is None:
            found = self._article_urls[key] = self._article_url(article)
        return found

    def _article_url(self, article: Article) -> str:
        slug = article.slug if is_safe_slug(article.slug) else slugify(article.slug)
        path = self.permalink.format(year=f"{article.date.year:04d}",
                                     month=f"{article.date.month:02d}",
                                     day=f"{article.date.day:02d}", slug=slug)
        return self._join(path)

    def taxonomy(self, kind: str, order: str = "name") -> str:
        """The index of a taxonomy, A-Z; `order="quotes"` the same index most quoted first
        (`by-quotes.html` beside it: a file name no term's folder can take)."""
        return self._join(kind) + ("by-quotes.html" if order == "quotes" else "")

    def term(self, kind: str, slug: str, page: int = 1) -> str:
        if page <= 1:
            return self._join(kind, slug)
        return self._join(kind, slug, "page", str(page))

    def term_feed(self, kind: str, slug: str) -> str:
        return self._join(kind, slug) + "feed.xml"

    def tag(self, slug: str, page: int = 1) -> str:
        return self.term("tags", slug, page)

    def speaker(self, slug: str, page: int = 1) -> str:
        return self.term("speakers", slug, page)

    def archive(self) -> str:
        return self._join("archive")

    def year(self, year: int) -> str:
        return self._join(f"{year:04d}")

    def month(self, year: int, month: int) -> str:
        return self._join(f"{year:04d}", f"{month:02d}")

    # Files -------------------------------------------------------------------------------
    def feed(self) -> str:
        return self.base + "feed.xml"

    def sitemap(self) -> str:
        return self.base + "sitemap.xml"

    def news_sitemap(self) -> str:
        return self.base + "news-sitemap.xml"

    def robots(self) -> str:
        return self.base + "robots.txt"

    def not_found(self) -> str:
        return self.base + "404.html"

    def static(self, name: str) -> str:
        return self.base + "static/" + name.lstrip("/")

    # Conversions -------------------------------------------------------------------------
    def absolute(self, path: str) -> str:
        """Absolute URL under base_url for a path returned by this class (canonical, feeds)."""
        if not path.startswith(self.base):
            raise ValueError(f"{path!r} is not under the base path {self.base!r}")
        return self.site_url + path[len(self.base):]

    def output_file(self, url_path: str) -> str:
        """Relative output file for a URL path: directory URLs become `.../index.html`.

        Raises ValueError for anything that could land outside the output folder.
        """
        found = self._files.get(url_path)
        if found is None:
            found = self._files[url_path] = self._output_file(url_path)
        return found

    def _output_file(self, url_path: str) -> str:
        if not url_path.startswith(self.base):
            raise ValueError(f"{url_path!r} is not under the base path {self.base!r}")
        rel = url_path[len(self.base):]
        if rel == "" or rel.endswith("/"):
            rel += "index.html"
        parts = rel.split("/")
        if ("\\" in rel or rel.startswith("/") or any(p in ("", ".", "..") for p in parts)
                or posixpath.isabs(rel)):
            raise ValueError(f"unsafe output path {rel!r} for URL {url_path!r}")
        return rel


_held: Urls | None = None


def urls_for(config: Config) -> Urls:
    """The `Urls` of these settings, one per process while they stay the same: its memo of
    article URLs and output files holds for as long as the settings do, so a process that
    builds again and again (`serve`) makes each URL once (at 10,000 articles, making them all
    again was a tenth of a body edit's rebuild)."""
    global _held
    if _held is None or _held.config != config:
        _held = Urls(config)
    return _held
