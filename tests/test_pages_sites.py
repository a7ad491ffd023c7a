"""The sample site built for each kind of GitHub Pages site, served by a plain static server at
the matching path and crawled over HTTP: no broken link, asset, feed or sitemap URL.

The server is the standard library's, with directory listings turned off (GitHub Pages answers
404 for a folder without index.html), bound to 127.0.0.1 on a free port.
"""

from __future__ import annotations

import shutil
import threading
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

from sitegen.cli import main
from sitegen.linkcheck import BrokenLink, check_links
from tests.conftest import SAMPLE_RAW, write_article

SITE_KINDS = {
    "user site": "https://user.github.io/",
    "project site": "https://user.github.io/repo/",
    "custom domain": "https://news.example.com/",
}
MAX_REQUESTS = 2000   # the sample site has a few dozen URLs; a runaway crawl stops here


class _Handler(SimpleHTTPRequestHandler):
    """A static file server like GitHub Pages: no directory listings, no request log."""

    def list_directory(self, path: str | Any) -> None:
        self.send_error(404, "Not Found")
        return None

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def static_server(root: Path) -> Iterator[str]:
    """Serve `root` on 127.0.0.1 (free port) in a thread; yields the origin URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class _Links(HTMLParser):
    """Every URL a browser would follow or load from a page."""

    ATTRS = frozenset({("a", "href"), ("link", "href"), ("script", "src"), ("img", "src"),
             ("source", "src"), ("iframe", "src"), ("form", "action")})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v for k, v in attrs if v is not None}
        for name, value in values.items():
            if (tag, name) in self.ATTRS:
                self.urls.append(value.strip())
            elif name == "srcset":
                self.urls.extend(part.split()[0] for part in value.split(",") if part.strip())
        if tag == "meta" and values.get("property") in ("og:url", "og:image"):
            self.urls.append(values.get("content", "").strip())


def urls_in(body: bytes, content_type: str, url: str) -> list[str]:
    """The URLs an HTML page, an Atom feed, a sitemap or robots.txt points to."""
    text = body.decode("utf-8", errors="replace")
    if "html" in content_type:
        parser = _Links()
        parser.feed(text)
        return parser.urls
    if "xml" in content_type or url.endswith(".xml"):
        urls = []
        for element in ET.fromstring(body).iter():
            local = str(element.tag).rsplit("}", 1)[-1]
            if local == "link" and element.get("href"):
                urls.append(element.get("href", ""))
            elif local in ("loc", "icon", "logo") and element.text:
                urls.append(element.text.strip())
        return urls
    if url.endswith("robots.txt"):
        return [line.split(":", 1)[1].strip() for line in text.splitlines()
                if line.lower().startswith("sitemap:")]
    return []


@dataclass(frozen=True)
class Broken:
    page: str
    url: str
    status: int


@dataclass
class Crawl:
    fetched: dict[str, int]          # local URL -> HTTP status
    broken: list[Broken]


def crawl(origin: str, base_url: str) -> Crawl:
    """Fetch the front page, robots.txt and 404.html, then every internal URL they lead to.

    The site's own absolute URLs (`base_url`'s host) are mapped onto the local server, so feed
    entries, sitemap locations and canonical links are followed too.
    """
    public = urlsplit(base_url)
    public_origin = f"{public.scheme}://{public.netloc}"
    base_path = public.path or "/"

    def local(url: str, page: str) -> str | None:
        absolute, _ = urldefrag(urljoin(page, url))
        if absolute.startswith(public_origin + "/") or absolute == public_origin:
            absolute = origin + absolute[len(public_origin):]
        return absolute if absolute.startswith(origin + "/") else None   # external: skipped

    seeds = [origin + base_path + p for p in ("", "robots.txt", "404.html")]
    queue: list[tuple[str, str]] = [("(start)", u) for u in seeds]
    fetched: dict[str, int] = {}
    broken: list[Broken] = []
    while queue:
        page, url = queue.pop(0)
        if url in fetched:
            if fetched[url] != 200:
                broken.append(Broken(page, url, fetched[url]))
            continue
        assert len(fetched) < MAX_REQUESTS, "runaway crawl"
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                status, body = response.status, response.read()
                content_type = response.headers.get("Content-Type", "")
                final = response.url
        except urllib.error.HTTPError as exc:
            status, body, content_type, final = exc.code, b"", "", url
        fetched[url] = status
        if status != 200:
            broken.append(Broken(page, url, status))
            continue
        if url.endswith("/404.html"):
            # Pages sends 404.html for any missing URL, however deep: its links must not be
            # relative to where the file happens to sit.
            final = origin + base_path + "no/such/deep/page/"
        for found in urls_in(body, content_type, url):
            if found.startswith("#") or not found:
                continue   # the page itself, already fetched
            target = local(found, final)
            if target is not None:
                queue.append((url, target))
    return Crawl(fetched, broken)


def build_for(tmp_path: Path, base_url: str) -> tuple[Path, Path]:
    """Build the sample site for `base_url` into a web root at the URL's path; return
    (web root, output folder)."""
    site = tmp_path / "site"
    (site / "content" / "raw").mkdir(parents=True)
    shutil.copy(SAMPLE_RAW, site / "content" / "raw")
    www = tmp_path / "www"
    out = www / urlsplit(base_url).path.strip("/") if urlsplit(base_url).path.strip("/") else www
    assert main(["build", "--site", str(site), "--base-url", base_url, "--out", str(out),
                 "--quiet"]) == 0
    return www, out


@pytest.mark.parametrize("base_url", list(SITE_KINDS.values()), ids=list(SITE_KINDS))
def test_every_url_resolves_when_served(tmp_path: Path, base_url: str) -> None:
    www, out = build_for(tmp_path, base_url)
    with static_server(www) as origin:
        result = crawl(origin, base_url)
    assert result.broken == []
    base = origin + urlsplit(base_url).path
    reached = {u[len(base):] for u, status in result.fetched.items()
               if status == 200 and u.startswith(base)}
    assert {"", "feed.xml", "sitemap.xml", "robots.txt", "404.html", "tags/",
            "speakers/", "archive/"} <= reached
    assert any(u.startswith("2022/12/") for u in reached)      # the article
    assert any(u.endswith(".css") for u in reached)            # the stylesheet
    # Every page of the site is reachable by following links from the front page.
    pages = {p.relative_to(out).as_posix().removesuffix("index.html") for p in out.rglob("*.html")}
    assert pages <= reached
    assert check_links(out, base_url) == []


def test_paginated_project_site_resolves(tmp_path: Path) -> None:
    """Pagination, several tags and two years, under /repo/."""
    base_url = SITE_KINDS["project site"]
    site = tmp_path / "site"
    for i in range(23):
        write_article(site / "content", f"story-{i:02d}", f"Story {i}.\n\n## More\n\nText.",
                      title=f"Story {i}", date=f"{2021 + i % 2}-0{1 + i % 9}-1{i % 10}",
                      tags=[["Energy", "Russia", "C++"][i % 3]],
                      speakers=[{"name": "Sergey Lavrov", "role": "Minister"}])
    www = tmp_path / "www"
    assert main(["build", "--site", str(site), "--base-url", base_url,
                 "--out", str(www / "repo"), "--quiet"]) == 0
    with static_server(www) as origin:
        result = crawl(origin, base_url)
    assert result.broken == []
    for path in ("page/3/", "speakers/sergey-lavrov/page/3/", "tags/c-plus-plus/feed.xml",
                 "2021/", "2022/"):
        assert result.fetched.get(f"{origin}/repo/{path}") == 200, path


def test_a_link_forgetting_the_base_path_is_caught(tmp_path: Path) -> None:
    base_url = SITE_KINDS["project site"]
    www, out = build_for(tmp_path, base_url)
    index = out / "index.html"
    html = index.read_text(encoding="utf-8")
    index.write_text(html.replace("</main>", '<a href="/tags/">all tags</a></main>', 1)
                     if "</main>" in html else html.replace("</body>", '<a href="/tags/">t</a>'),
                     encoding="utf-8")
    with static_server(www) as origin:
        result = crawl(origin, base_url)
        assert result.broken == [Broken(origin + "/repo/", origin + "/tags/", 404)]
    assert check_links(out, base_url) == [
        BrokenLink("index.html", "/tags/", "outside the base path /repo/")]


def test_relative_links_on_the_404_page_are_caught(tmp_path: Path) -> None:
    base_url = SITE_KINDS["project site"]
    www, out = build_for(tmp_path, base_url)
    page = out / "404.html"
    page.write_text(page.read_text(encoding="utf-8").replace(
        "</body>", '<a href="tags/">relative</a></body>'), encoding="utf-8")
    with static_server(www) as origin:
        result = crawl(origin, base_url)
    assert [b.url for b in result.broken] == [origin + "/repo/no/such/deep/page/tags/"]


def test_a_missing_asset_is_caught(tmp_path: Path) -> None:
    base_url = SITE_KINDS["custom domain"]
    www, out = build_for(tmp_path, base_url)
    css = next(out.rglob("*.css"))
    css.unlink()
    with static_server(www) as origin:
        result = crawl(origin, base_url)
    assert result.broken
    assert all(b.url.endswith(css.name) and b.status == 404 for b in result.broken)
    assert {b.url for b in check_links(out, base_url)} == {b.url[len(origin):]
                                                            for b in result.broken}
