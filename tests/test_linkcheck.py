"""Link checking over real built-site folders, resolved the way GitHub Pages serves files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sitegen.linkcheck import BrokenLink, check_links

BASE = "https://user.github.io/news/"


def page(out: Path, rel: str, body: str, head: str = "") -> None:
    path = out / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"<!doctype html><html><head>{head}</head><body>{body}</body></html>",
                    encoding="utf-8")


def write(out: Path, rel: str, text: str = "") -> None:
    path = out / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def out(tmp_path: Path) -> Path:
    site = tmp_path / "_site"
    page(site, "index.html", '<h1 id="top-news">News</h1>')
    page(site, "tags/index.html", '<a name="r">R</a>')
    page(site, "tags/russia/index.html", '<section id="quotes">Q</section>')
    page(site, "about.html", "About")
    write(site, "static/style.css", "body{}")
    write(site, "static/logo.png")
    return site


def test_good_links_pass(out: Path) -> None:
    page(out, "2022/12/a/index.html", """
        <a href="/news/">home</a> <a href="/news/tags/">tags</a>
        <a href="../../../tags/russia/">r</a>
        <a href="/news/tags/russia">no slash</a> <a href="/news/about">extensionless</a>
        <a href="/news/about.html?x=1#">query</a> <a href="/news">base without slash</a>
        <a href="/news/tags/russia/#quotes">anchor</a> <a href="/news/tags/#r">name anchor</a>
        <a href="#here" id="here">self</a> <a href="#top">top</a>
        <a href="https://user.github.io/news/tags/">own absolute</a>
        <a href="https://example.com/nope">external</a> <a href="//cdn.example.com/x.js">cdn</a>
        <a href="mailto:a@b.c">m</a> <a href="tel:+1">t</a> <a href="javascript:void(0)">j</a>
        <img src="data:image/png;base64,AAAA"
             srcset="/news/static/logo.png 1x, ../../../static/logo.png 2x">
        <img srcset="data:image/png;base64,AA,BB 1x, /news/static/logo.png 2x">
        <link rel="stylesheet" href="/news/static/style.css">
        <script src="/news/static/logo.png"></script>
        <a href="https://user.github.io/other-repo/">another project on the same host</a>
        <a href="/news/static/logo%2Epng">encoded</a>
    """)
    assert check_links(out, BASE) == []


def test_missing_page(out: Path) -> None:
    page(out, "index.html", '<a href="/news/tags/nope/">x</a>')
    assert check_links(out, BASE) == [
        BrokenLink("index.html", "/news/tags/nope/",
                   "not found in the site (no tags/nope/index.html)")]


def test_extensionless_candidates_in_reason(out: Path) -> None:
    page(out, "index.html", '<a href="missing">x</a>')
    assert check_links(out, BASE) == [
        BrokenLink("index.html", "missing",
                   "not found in the site (no missing or missing/index.html or missing.html)")]


def test_link_forgetting_the_base_path(out: Path) -> None:
    page(out, "index.html", '<a href="/tags/">tags</a>')
    assert check_links(out, BASE) == [
        BrokenLink("index.html", "/tags/", "outside the base path /news/")]


def test_relative_link_climbing_above_base_path(out: Path) -> None:
    page(out, "tags/index.html", '<a href="../../etc/passwd">x</a>')
    assert check_links(out, BASE) == [
        BrokenLink("tags/index.html", "../../etc/passwd", "outside the base path /news/")]


def test_encoded_dot_segments_never_leave_the_output(out: Path) -> None:
    page(out, "index.html", '<a href="/news/%2e%2e/secret">x</a><a href="/news/a%5Cb">y</a>')
    assert check_links(out, BASE) == [
        BrokenLink("index.html", "/news/%2e%2e/secret", "outside the output folder"),
        BrokenLink("index.html", "/news/a%5Cb", "outside the output folder"),
    ]


def test_missing_anchor(out: Path) -> None:
    page(out, "index.html", '<a href="/news/tags/russia/#nope">x</a><a href="#gone">y</a>')
    assert check_links(out, BASE) == [
        BrokenLink("index.html", "#gone", "missing anchor #gone in index.html"),
        BrokenLink("index.html", "/news/tags/russia/#nope",
                   "missing anchor #nope in tags/russia/index.html"),
    ]


def test_own_absolute_url_is_checked(out: Path) -> None:
    page(out, "index.html", '<link rel="canonical" href="https://user.github.io/news/gone/">')
    assert check_links(out, BASE) == [
        BrokenLink("index.html", "https://user.github.io/news/gone/",
                   "not found in the site (no gone/index.html)")]


def test_srcset_and_assets(out: Path) -> None:
    page(out, "index.html", '<picture><source srcset="/news/a.webp 1x,/news/b.webp 2x">'
                            '<img src="/news/c.png" alt=""></picture>'
                            '<script src="/news/app.js"></script>')
    assert [b.url for b in check_links(out, BASE)] == [
        "/news/a.webp", "/news/app.js", "/news/b.webp", "/news/c.png"]


def test_base_href_is_honoured(out: Path) -> None:
    page(out, "2022/index.html", '<a href="tags/">t</a>', head='<base href="/news/">')
    assert check_links(out, BASE) == []


def test_root_site(tmp_path: Path) -> None:
    page(tmp_path, "index.html", '<a href="/tags/">t</a><a href="/x/">x</a>')
    page(tmp_path, "tags/index.html", "T")
    assert check_links(tmp_path, "https://news.example.org") == [
        BrokenLink("index.html", "/x/", "not found in the site (no x/index.html)")]


def test_atom_feed_and_sitemap(out: Path) -> None:
    write(out, "feed.xml", """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>https://user.github.io/news/</id>
  <link href="https://user.github.io/news/feed.xml" rel="self"/>
  <link href="https://user.github.io/news/"/>
  <entry>
    <id>https://user.github.io/news/2022/12/gone/</id>
    <link href="https://user.github.io/news/2022/12/gone/"/>
  </entry>
  <entry><id>tag:user.github.io,2022:x</id><link href="https://elsewhere.org/x"/></entry>
</feed>""")
    write(out, "sitemap.xml", """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>https://user.github.io/news/</loc></url>
  <url><loc>https://user.github.io/tags/</loc></url>
  <url><loc>https://user.github.io/news/about</loc></url>
</urlset>""")
    assert check_links(out, BASE) == [
        BrokenLink("feed.xml", "https://user.github.io/news/2022/12/gone/",
                   "not found in the site (no 2022/12/gone/index.html)"),
    ]


def test_sitemap_entry_outside_base_path_on_own_host_is_another_site(out: Path) -> None:
    # https://user.github.io/tags/ belongs to the user site, not to this project site.
    write(out, "sitemap.xml", '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                              "<url><loc>/tags/</loc></url></urlset>")
    assert check_links(out, BASE) == [
        BrokenLink("sitemap.xml", "/tags/", "outside the base path /news/")]


def test_malformed_xml_is_reported(out: Path) -> None:
    write(out, "feed.xml", "<feed><link></feed>")
    [broken] = check_links(out, BASE)
    assert broken.page == "feed.xml"
    assert broken.reason.startswith("not well-formed XML: mismatched tag")


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlink_out_of_the_output_does_not_count(out: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("s", encoding="utf-8")
    (out / "leak.txt").symlink_to(secret)
    page(out, "index.html", '<a href="/news/leak.txt">x</a>')
    assert check_links(out, BASE) == [
        BrokenLink("index.html", "/news/leak.txt", "outside the output folder")]


def test_each_broken_url_reported_once_per_page(out: Path) -> None:
    page(out, "index.html", '<a href="/news/x/">1</a><a href="/news/x/">2</a>')
    assert len(check_links(out, BASE)) == 1


def test_opengraph_urls_are_checked(out: Path) -> None:
    page(out, "index.html", "", head=(
        '<meta property="og:url" content="https://user.github.io/news/">'
        '<meta property="og:image" content="https://user.github.io/news/static/nope.png">'
        '<meta name="description" content="/not/a/url">'))
    assert check_links(out, BASE) == [
        BrokenLink("index.html", "https://user.github.io/news/static/nope.png",
                   "not found in the site (no static/nope.png or static/nope.png/index.html)")]


def test_rss_link_text(out: Path) -> None:
    write(out, "rss.xml", "<rss><channel><link>https://user.github.io/news/gone</link>"
                          "</channel></rss>")
    assert [b.url for b in check_links(out, BASE)] == ["https://user.github.io/news/gone"]
