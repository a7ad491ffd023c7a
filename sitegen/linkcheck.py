"""Check that every internal link, asset, feed and sitemap URL of a built site resolves.

Resolution follows a static web server such as GitHub Pages: `/dir/` serves `dir/index.html`,
`/page` may serve `page.html` or `page/index.html`, and every URL must sit under the site's base
path (a project site lives at `/REPO/`, so `/tags/` there is a dead link). Only files inside the
output folder count; nothing is fetched from the network.
"""

from __future__ import annotations

import os
import posixpath
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

# (tag, attribute) pairs whose value is one URL; `srcset` holds several.
_URL_ATTRS = {
    ("a", "href"), ("area", "href"), ("link", "href"), ("script", "src"), ("img", "src"),
    ("source", "src"), ("iframe", "src"), ("embed", "src"), ("video", "src"),
    ("video", "poster"), ("audio", "src"), ("track", "src"), ("form", "action"),
}
_SRCSET_TAGS = {"img", "source"}
_XML_URL_TEXT = {"loc", "icon", "logo"}   # sitemap <loc>, Atom <icon>/<logo>
# <meta property=... content=URL>: OpenGraph/Twitter URLs must point into the site too.
_META_URLS = {"og:url", "og:image", "og:image:url", "og:image:secure_url", "twitter:image"}


@dataclass(frozen=True)
class BrokenLink:
    """A URL on `page` (path relative to the output folder) that does not resolve, and why."""

    page: str
    url: str
    reason: str


def check_links(out_dir: Path, base_url: str) -> list[BrokenLink]:
    """Every broken internal URL in the HTML pages and XML files of `out_dir`, sorted."""
    checker = _Checker(out_dir, base_url)
    broken: set[BrokenLink] = set()
    for rel in _site_files(out_dir):
        for url in checker.urls_in(rel):
            reason = checker.check(rel, url)
            if reason:
                broken.add(BrokenLink(rel, url, reason))
        broken.update(checker.file_problems.pop(rel, ()))
    return sorted(broken, key=lambda b: (b.page, b.url, b.reason))


def _site_files(out_dir: Path) -> Iterator[str]:
    """Relative POSIX paths of HTML and XML files, in a stable order; links are not followed."""
    for dirpath, dirnames, filenames in os.walk(out_dir, followlinks=False):
        dirnames.sort()
        for name in sorted(filenames):
            if name.endswith((".html", ".htm", ".xml")):
                yield Path(dirpath, name).relative_to(out_dir).as_posix()


@dataclass
class _Page:
    """What one HTML page holds: URLs it references, anchors it defines, its <base href>."""

    urls: list[str] = field(default_factory=list)
    anchors: set[str] = field(default_factory=set)
    base_href: str | None = None


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = _Page()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta":
            self.meta(dict(attrs))
        for name, value in attrs:
            if value is None:
                continue
            if name in ("id", "name"):
                self.page.anchors.add(value)
            elif tag == "base" and name == "href" and self.page.base_href is None:
                self.page.base_href = value.strip()
            elif (tag, name) in _URL_ATTRS:
                self.page.urls.append(value.strip())
            elif name == "srcset" and tag in _SRCSET_TAGS:
                self.page.urls.extend(_srcset_urls(value))

    handle_startendtag = handle_starttag

    def meta(self, attrs: dict[str, str | None]) -> None:
        kind = attrs.get("property") or attrs.get("name") or ""
        content = attrs.get("content")
        if kind.lower() in _META_URLS and content:
            self.page.urls.append(content.strip())


def _srcset_urls(value: str) -> list[str]:
    """The URLs of a `srcset` ("a.jpg 1x, b.jpg 2x"); descriptors are dropped."""
    urls: list[str] = []
    pos, end = 0, len(value)
    while pos < end:
        while pos < end and (value[pos].isspace() or value[pos] == ","):
            pos += 1
        start = pos
        while pos < end and not value[pos].isspace():
            pos += 1
        url = value[start:pos]
        if url.endswith(","):
            url = url.rstrip(",")
        else:  # skip the descriptors ("2x", "640w") up to the next candidate
            while pos < end and value[pos] != ",":
                pos += 1
        if url:
            urls.append(url)
    return urls


class _Checker:
    """Resolves URLs against the output folder, caching parsed pages and lookups."""

    def __init__(self, out_dir: Path, base_url: str) -> None:
        self.out_dir = out_dir
        self.root = out_dir.resolve()
        site = urlsplit(base_url)
        self.scheme, self.host = site.scheme.lower(), site.netloc.lower()
        path = site.path or "/"
        self.base_path = path if path.endswith("/") else path + "/"
        self.origin = f"{self.scheme}://{self.host}"
        self.pages: dict[str, _Page] = {}
        self.resolved: dict[str, tuple[str | None, str]] = {}
        self.file_problems: dict[str, list[BrokenLink]] = {}

    # -- collecting ---------------------------------------------------------------------------

    def urls_in(self, rel: str) -> list[str]:
        if rel.endswith(".xml"):
            return self.xml_urls(rel)
        return self.page(rel).urls

    def page(self, rel: str) -> _Page:
        if rel not in self.pages:
            parser = _PageParser()
            try:
                parser.feed((self.out_dir / rel).read_text(encoding="utf-8", errors="replace"))
                parser.close()
            except OSError as exc:
                self.problem(rel, "", f"cannot read: {exc.strerror or exc}")
            except (AssertionError, ValueError) as exc:  # html.parser on very broken markup
                self.problem(rel, "", f"cannot parse HTML: {exc}")
            self.pages[rel] = parser.page
        return self.pages[rel]

    def xml_urls(self, rel: str) -> list[str]:
        """Atom `<link href>`, RSS `<link>` text, sitemap `<loc>`, and `<id>`s under the site."""
        try:
            tree = ET.parse(self.out_dir / rel)
        except (ET.ParseError, OSError) as exc:
            self.problem(rel, "", f"not well-formed XML: {exc}")
            return []
        urls: list[str] = []
        for element in tree.iter():
            if not isinstance(element.tag, str):
                continue
            local = element.tag.rsplit("}", 1)[-1]
            text = (element.text or "").strip()
            if local == "link":
                href = element.get("href")
                urls.append(href.strip() if href is not None else text)
            elif local in _XML_URL_TEXT or (local == "id" and self.is_own_absolute(text)):
                urls.append(text)
        return [u for u in urls if u]

    def problem(self, rel: str, url: str, reason: str) -> None:
        self.file_problems.setdefault(rel, []).append(BrokenLink(rel, url, reason))

    # -- checking -----------------------------------------------------------------------------

    def is_own_absolute(self, url: str) -> bool:
        parts = urlsplit(url)
        return (parts.scheme.lower() == self.scheme and parts.netloc.lower() == self.host
                and (parts.path or "/").startswith(self.base_path.rstrip("/") or "/"))

    def page_url(self, rel: str) -> str:
        url = self.origin + self.base_path + rel
        base_href = self.pages[rel].base_href if rel in self.pages else None
        return urljoin(url, base_href) if base_href else url

    def check(self, rel: str, url: str) -> str | None:
        """Why `url` found on page `rel` is broken, or None (also for external URLs)."""
        absolute = urljoin(self.page_url(rel), url)
        parts = urlsplit(absolute)
        if parts.scheme.lower() not in ("http", "https") or parts.netloc.lower() != self.host:
            return None
        written = urlsplit(url)
        if written.scheme and written.scheme.lower() != self.scheme:
            return None  # the same host under another scheme is another site for our purposes
        if not (parts.path + "/").startswith(self.base_path):
            if written.scheme or written.netloc:
                return None  # another site on the same host (another GitHub Pages project)
            return f"outside the base path {self.base_path}"
        url_path = parts.path[len(self.base_path):]
        if url_path not in self.resolved:
            self.resolved[url_path] = self.resolve(url_path)
        target, reason = self.resolved[url_path]
        if target is None:
            return reason
        if parts.fragment:
            return self.check_fragment(target, unquote(parts.fragment))
        return None

    def resolve(self, url_path: str) -> tuple[str | None, str]:
        """The output file (relative POSIX path) a server would send for a path under the base
        path, or None and why not."""
        rel = unquote(url_path)
        if "\\" in rel or "\x00" in rel or ".." in rel.split("/"):
            return None, "outside the output folder"
        is_dir = rel == "" or rel.endswith("/")
        rel = posixpath.normpath(rel).lstrip("/") if rel else ""
        rel = "" if rel == "." else rel
        prefix = rel + "/" if rel else ""
        candidates = [prefix + "index.html"]
        if not is_dir:
            candidates.insert(0, rel)
            if "." not in rel.rsplit("/", 1)[-1]:
                candidates.append(rel + ".html")
        for candidate in candidates:
            path = self.out_dir / candidate
            if path.is_file():
                if not path.resolve().is_relative_to(self.root):
                    return None, "outside the output folder"
                return candidate, ""
        return None, f"not found in the site (no {' or '.join(candidates)})"

    def check_fragment(self, target: str, fragment: str) -> str | None:
        if not target.endswith((".html", ".htm")) or fragment.lower() == "top":
            return None
        if fragment in self.page(target).anchors:
            return None
        return f"missing anchor #{fragment} in {target}"
