"""News SEO: the Google News sitemap, NewsArticle JSON-LD against schema.org, `updated` dates."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import feedparser
import pytest

from sitegen.model import Article
from sitegen.render.news_sitemap import NEWS, news_language, news_window
from tests.test_render import MSK, PROJECT, _json_ld, build, read

SM = "http://www.sitemaps.org/schemas/sitemap/0.9"
ARTICLE = "2022/12/west-looks-for-any-clue/index.html"

# schema.org NewsArticle (https://schema.org/NewsArticle): properties Google Search requires or
# recommends for Article rich results, and every property we emit must be a real one.
REQUIRED = {"@context", "@type", "headline", "datePublished", "author", "publisher"}
RECOMMENDED = {"dateModified", "mainEntityOfPage", "url", "dateline", "inLanguage", "keywords",
               "mentions", "description", "wordCount"}
SCHEMA_PROPERTIES = REQUIRED | RECOMMENDED | {
    "locationCreated", "image", "articleSection", "isAccessibleForFree", "timeRequired"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("seo"))


def test_news_sitemap_follows_googles_spec(site: Path) -> None:
    root = ET.parse(site / "news-sitemap.xml").getroot()
    assert root.tag == f"{{{SM}}}urlset"
    urls = root.findall(f"{{{SM}}}url")
    # The newest article is December 10; the one from November 3 is outside the two-day window.
    assert [u.findtext(f"{{{SM}}}loc") for u in urls] == [
        f"{PROJECT}2022/12/west-looks-for-any-clue/"]
    news = urls[0].find(f"{{{NEWS}}}news")
    assert news is not None
    assert news.findtext(f"{{{NEWS}}}publication/{{{NEWS}}}name") == "Wire & News"
    assert news.findtext(f"{{{NEWS}}}publication/{{{NEWS}}}language") == "en"
    assert news.findtext(f"{{{NEWS}}}publication_date") == "2022-12-10T00:00:00+03:00"
    assert news.findtext(f"{{{NEWS}}}title") == "West looks for any clue, says Lavrov"
    raw = (site / "news-sitemap.xml").read_text(encoding="utf-8")
    assert 'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"' in raw


def test_robots_lists_both_sitemaps(site: Path) -> None:
    robots = read(site, "robots.txt")
    assert f"Sitemap: {PROJECT}sitemap.xml\n" in robots
    assert f"Sitemap: {PROJECT}news-sitemap.xml\n" in robots


def _article(day: int, hour: int = 0) -> Article:
    return Article(path=Path(f"{day}-{hour}.md"), title="t", body="b", slug=f"s{day}-{hour}",
                   date=datetime(2022, 12, day, hour, tzinfo=MSK))


def test_window_is_two_days_back_from_the_newest_article() -> None:
    articles = [_article(10, 12), _article(9), _article(8, 12), _article(8, 11), _article(1)]
    assert [a.slug for a in news_window(articles)] == ["s10-12", "s9-0", "s8-12"]
    assert news_window([]) == ()
    many = [Article(path=Path("x"), title="t", body="b", slug=str(i),
                    date=datetime(2022, 12, 10, tzinfo=MSK) - timedelta(seconds=i))
            for i in range(1200)]
    assert len(news_window(many)) == 1000


@pytest.mark.parametrize(("given", "expected"), [
    ("en", "en"), ("en-GB", "en"), ("ru", "ru"), ("zh-CN", "zh-cn"), ("zh-Hant", "zh-tw"),
    ("zh", "zh-cn"), ("pt_BR", "pt")])
def test_news_language_codes(given: str, expected: str) -> None:
    assert news_language(given) == expected


def test_news_article_json_ld_has_schema_org_properties(site: Path) -> None:
    data: dict[str, Any] = _json_ld(read(site, ARTICLE))
    assert data["@context"] == "https://schema.org" and data["@type"] == "NewsArticle"
    assert set(data) >= REQUIRED, REQUIRED - set(data)
    missing = RECOMMENDED - set(data)
    assert not missing, missing
    assert set(data) <= SCHEMA_PROPERTIES, set(data) - SCHEMA_PROPERTIES
    assert data["publisher"] == {"@type": "Organization", "name": "Wire & News", "url": PROJECT}
    assert data["author"]["@type"] in ("Person", "Organization") and data["author"]["name"]
    for key in ("datePublished", "dateModified"):
        datetime.fromisoformat(data[key])      # ISO 8601 with offset
    assert data["dateModified"] == "2022-12-10T18:21:00+03:00"
    assert data["dateline"] == "MOSCOW, December 10, 2022 (TASS)"
    assert data["keywords"] == ["Russia", "Kazakhstan", "EAEU"]
    assert data["mentions"] == [{"@type": "Person", "name": "Sergey Lavrov",
                                 "jobTitle": "Russian Foreign Minister",
                                 "url": f"{PROJECT}speakers/sergey-lavrov/"}]
    assert len(data["headline"]) <= 110


def test_updated_date_is_shown_and_carried_into_feeds(site: Path) -> None:
    html = read(site, ARTICLE)
    assert 'Updated <time datetime="2022-12-10T18:21:00+03:00">' in html
    assert '<meta property="article:modified_time" content="2022-12-10T18:21:00+03:00">' in html
    teaser = read(site, "index.html")
    assert 'Updated <time datetime="2022-12-10T18:21:00+03:00">' in teaser
    feed = feedparser.parse(read(site, "feed.xml"))
    entry = next(e for e in feed.entries if e.link.endswith("west-looks-for-any-clue/"))
    assert entry.updated == "2022-12-10T18:21:00+03:00"
    assert entry.published == "2022-12-10T00:00:00+03:00"
    sitemap = read(site, "sitemap.xml")
    assert "<lastmod>2022-12-10</lastmod>" in sitemap
