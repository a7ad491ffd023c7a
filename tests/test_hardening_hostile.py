"""Hostile content: script, event handlers, `javascript:` links and broken HTML in every front
matter field and in the body end up escaped or disarmed in every page, feed, sitemap and JSON-LD
block, checked in the built files and in headless Chromium (no script runs, no dialog opens).

Every payload tries to set `window.__pwned` and open an alert, so the browser check is simple;
the `unsafe_html = true` build is the control that proves the check would notice a script.
"""

from __future__ import annotations

import functools
import gzip
import html
import json
import re
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from sitegen.cli import main
from tests.conftest import write_article, write_config

if TYPE_CHECKING:
    from playwright.sync_api import Browser

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
SITE_URL = "https://news.example.com/repo/"

# Each payload would set window.__pwned (and alert) if it ever ran.
PAYLOADS = [
    "<script>window.__pwned='script';alert(1)</script>",
    "<img src=x onerror=\"window.__pwned='img';alert(1)\">",
    "\"><svg onload=window.__pwned='attr'>",
    "'><body onload=window.__pwned='single'>",
    "</script><script>window.__pwned='breakout'</script><!--",
    "javascript:window.__pwned='scheme'",
    "<b><i>broken <a href=\"",
    "{{ 7*7 }} {% raw %} ]]> <!-- &amp; &#0; \\u003c",
]
HOSTILE = " ".join(PAYLOADS)
CONTROLS = "bell\x07 escape\x1b delete\x7f nul-free"

BODY = "\n\n".join([
    f"First paragraph {HOSTILE}",
    "<script>window.__pwned='body-script';alert(1)</script>",
    "<div onclick=\"window.__pwned='div'\">raw block</div>",
    "[plain](javascript:window.__pwned='link') [upper](JaVaScRiPt:window.__pwned='u') "
    "[tab](java\tscript:window.__pwned='t') [entity](&#106;avascript:window.__pwned='e') "
    "[named](javascript&colon;window.__pwned='n') [data](data:text/html,<script>x</script>) "
    "[vb](vbscript:x) ![img](javascript:window.__pwned='i') <javascript:window.__pwned='a'>",
    "[ref][r]\n\n[r]: javascript:window.__pwned='ref'",
    "Attribute list paragraph\n{: onclick=\"window.__pwned='attrlist'\" "
    "onmouseover=\"window.__pwned='attrlist2'\" }",
    "## Heading {: onclick=\"window.__pwned='heading'\" }",
    "Footnote[^1]\n\n[^1]: [fn](javascript:window.__pwned='fn') <img src=x onerror=alert(1)>",
    "*[HTML]: <script>window.__pwned='abbr'</script>\n\nAn HTML abbreviation",
    f"Controls {CONTROLS}",
    "`<script>code</script>` <!-- comment --> <![CDATA[ x ]]> </p></div></body>",
])


def hostile_front(tag: str) -> dict[str, Any]:
    """Front matter with a payload in every field (the slug is derived from the title)."""
    return {
        "title": f"Title {HOSTILE} {tag}",
        "subtitle": f"Subtitle {HOSTILE}",
        "date": "2022-12-10T10:00:00+03:00",
        "location": f"Place {HOSTILE}",
        "source": f"Agency {HOSTILE}",
        "tags": [f"Tag {p}" for p in PAYLOADS] + [f"Controls {CONTROLS}"],
        "speakers": [{"name": f"Speaker {p}", "role": f"Role {HOSTILE}"} for p in PAYLOADS[:4]],
        "quotes": [{"speaker": f"Speaker {PAYLOADS[0]}", "text": f"Quote {HOSTILE}"},
                   {"speaker": None, "text": f"First paragraph {HOSTILE}"}],
    }


def make_site(root: Path, *, unsafe: bool = False) -> Path:
    (root / "content" / "articles").mkdir(parents=True)
    write_config(root, f'title = "Hostile"\nbase_url = "{SITE_URL}"\nper_page = 1\n'
                       + ("unsafe_html = true\n" if unsafe else ""))
    write_article(root / "content", "one", BODY, **hostile_front("one"))
    front = hostile_front("two")
    front["title"] = f"Second {CONTROLS} {PAYLOADS[1]}"
    write_article(root / "content", "two", BODY, **front)
    assert main(["build", "--site", str(root), "--quiet"]) == 0
    return root / "_site"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_site(tmp_path_factory.mktemp("hostile") / "site")


# --- the built files -------------------------------------------------------------------------

UNSAFE_URL = re.compile(r"^(javascript|vbscript|data)\s*:", re.IGNORECASE)
URL_ATTRS = {"href", "src", "action", "formaction", "poster", "background", "srcset", "cite"}


class Audit(HTMLParser):
    """Collects everything in an HTML document that could run script."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.bad: list[str] = []
        self.jsonld: list[str] = []
        self._script: dict[str, str | None] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.bad.append(f"<{tag} {name}=...>")
            if name in URL_ATTRS and value is not None and \
                    UNSAFE_URL.match(re.sub(r"[\x00-\x20\x7f]", "", value)):
                self.bad.append(f"<{tag} {name}={value!r}>")
        if tag in ("iframe", "object", "embed", "svg", "math", "base", "form"):
            self.bad.append(f"<{tag}>")
        if tag == "script":
            self._script = values
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            if self._script.get("type") == "application/ld+json":
                self.jsonld.append("".join(self._text))
            elif _theme_script(self._script) and not "".join(self._text).strip():
                pass   # the default theme's own search script, a static file of the site
            else:
                self.bad.append(f"<script {self._script}>")
            self._script = None


def _theme_script(attrs: dict[str, str | None]) -> bool:
    """The default theme's search box script (static/search.js under the base path)."""
    return (attrs.get("type") == "module"
            and re.fullmatch(r"/(?:[\w-]+/)*static/search\.js", attrs.get("src") or "") is not None)


def audit(markup: str) -> Audit:
    checker = Audit()
    checker.feed(markup)
    checker.close()
    return checker


def files(out: Path, suffix: str) -> list[Path]:
    return sorted(p for p in out.rglob(f"*{suffix}") if p.is_file())


def test_every_html_page_has_no_live_script_handler_or_unsafe_link(built: Path) -> None:
    pages = files(built, ".html")
    kinds = {p.relative_to(built).parts[0] for p in pages}
    assert {"index.html", "2022", "tags", "speakers", "archive", "page", "404.html"} <= kinds
    seen_jsonld = 0
    for page in pages:
        text = page.read_text(encoding="utf-8")
        checker = audit(text)
        assert not checker.bad, (page, checker.bad)
        for block in checker.jsonld:
            assert "</" not in block and "<!--" not in block
            json.loads(block)
            seen_jsonld += 1
        assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text), page
    assert seen_jsonld >= 3


def test_article_page_shows_every_payload_as_text(built: Path) -> None:
    page = next(p for p in files(built, "index.html") if "title-script" in str(p))
    text = page.read_text(encoding="utf-8")
    for payload in PAYLOADS:
        assert html.escape(payload, quote=False) in html.escape(html.unescape(text), quote=False)
    blocks = audit(text).jsonld
    data = json.loads(blocks[0])
    assert data["headline"].startswith("Title <script>")
    assert {m["name"] for m in data["mentions"]} >= {f"Speaker {p}" for p in PAYLOADS[:2]}


def test_feeds_and_sitemap_are_well_formed_and_carry_no_live_markup(built: Path) -> None:
    feeds = files(built, ".xml")
    assert len([f for f in feeds if f.name == "feed.xml"]) >= 3
    for path in feeds:
        root = ET.parse(path).getroot()   # raises on any unescaped markup or control character
        if path.name == "sitemap.xml":
            locs = [loc.text or "" for loc in root.iter(f"{SITEMAP}loc")]
            assert locs and all(loc.startswith(SITE_URL) and loc.isascii() for loc in locs)
            continue
        for entry in root.iter(f"{ATOM}entry"):
            title = entry.findtext(f"{ATOM}title") or ""
            assert title.startswith(("Title <script>", "Second "))
            content = entry.findtext(f"{ATOM}content") or ""
            checker = audit(content)
            assert not checker.bad and not checker.jsonld, (path, checker.bad)
            for link in entry.iter(f"{ATOM}link"):
                assert link.get("href", "").startswith(SITE_URL)


def test_unsafe_html_is_the_only_way_raw_html_passes(tmp_path: Path, built: Path) -> None:
    unsafe = make_site(tmp_path / "site", unsafe=True)
    article = next(p for p in files(unsafe, "index.html") if "title-script" in str(p))
    checker = audit(article.read_text(encoding="utf-8"))
    assert any("script" in b for b in checker.bad), "raw HTML passes with unsafe_html = true"
    # ...while the front matter stays escaped even then: only the body is trusted HTML.
    text = article.read_text(encoding="utf-8")
    assert "<h1>Title &lt;script&gt;" in text


# --- in a real browser -----------------------------------------------------------------------



@pytest.fixture
def serve_folder() -> Iterator[Any]:
    """A plain static server on 127.0.0.1 for a built folder, with the site's base path."""
    servers: list[ThreadingHTTPServer] = []

    def start(out: Path) -> str:
        root = out.parent / "webroot"
        (root / "repo").parent.mkdir(parents=True, exist_ok=True)
        if not (root / "repo").exists():
            (root / "repo").symlink_to(out.resolve(), target_is_directory=True)
        handler = functools.partial(_QuietHandler, directory=str(root))
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/repo/"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def page_urls(out: Path, base: str) -> list[str]:
    """One page of each kind (every article), plus the feeds and the sitemap."""
    chosen: dict[str, str] = {}
    for path in files(out, ".html") + files(out, ".xml"):
        rel = path.relative_to(out).as_posix()
        kind = rel.split("/")[0] if "/" in rel else rel
        if rel.startswith("2022/") and rel.count("/") == 3:
            kind = rel   # every article page
        chosen.setdefault(kind, rel)
    chosen.setdefault("term", next(p.relative_to(out).as_posix() for p in files(out, ".html")
                                   if p.relative_to(out).parts[0] == "speakers"
                                   and len(p.relative_to(out).parts) == 3))
    return [base + rel.removesuffix("index.html") for rel in sorted(set(chosen.values()))]


def visit(browser: Browser, urls: list[str]) -> dict[str, Any]:
    """Load each URL, hover and click everything, and report any script that ran."""
    context = browser.new_context(java_script_enabled=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    ran: dict[str, Any] = {}
    try:
        for url in urls:
            page.goto(url, wait_until="load")
            page.evaluate("""() => { for (const el of document.querySelectorAll(
                'p, h1, h2, li, span, abbr, div')) {
                  for (const kind of ['mouseover', 'click']) {
                    el.dispatchEvent(new MouseEvent(kind, {bubbles: false, cancelable: true}));
                  } } }""")
            value = page.evaluate("window.__pwned")
            if value is not None:
                ran[url] = value
    finally:
        context.close()
    return {"ran": ran, "dialogs": dialogs}


def test_no_script_runs_in_chromium_on_any_page_kind(built: Path, browser: Browser,
                                                     serve_folder: Any) -> None:
    base = serve_folder(built)
    urls = page_urls(built, base)
    assert len(urls) >= 10
    result = visit(browser, urls)
    assert result == {"ran": {}, "dialogs": []}


def test_the_browser_check_catches_a_script_when_unsafe_html_is_on(
        tmp_path: Path, browser: Browser, serve_folder: Any) -> None:
    out = make_site(tmp_path / "site", unsafe=True)
    base = serve_folder(out)
    article = next(u for u in page_urls(out, base) if "title-script" in u)
    result = visit(browser, [article])
    assert result["ran"], "the unsafe site's body script should run: the check works"


# --- search records (Pagefind) -----------------------------------------------------------------


def search_records(out: Path) -> list[dict[str, Any]]:
    """Pagefind's per-page records: gzip, a `pagefind_dcd` signature, then JSON."""
    records = []
    for path in sorted((out / "pagefind").glob("*/fragment/*.pf_fragment")):   # every part
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(b"pagefind_dcd"), path
        records.append(json.loads(data[len(b"pagefind_dcd"):]))
    return records


def test_search_records_hold_payloads_only_as_data(built: Path) -> None:
    records = search_records(built)
    assert len(records) == 2, "one record per article page"
    for record in records:
        assert record["url"].startswith("/2022/12/") and record["url"].isascii()
        assert record["meta"]["title"].startswith(("Title <script>", "Second "))
        speakers = record.get("filters", {}).get("speaker", [])
        assert f"Speaker {PAYLOADS[0]}" in speakers
        assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", json.dumps(record))


def test_searching_hostile_content_runs_no_script(built: Path, browser: Browser,
                                                  serve_folder: Any) -> None:
    """Results show titles, excerpts and filter values made of payloads: all as text."""
    base = serve_folder(built)
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        page.goto(base, wait_until="load")
        search = page.locator("#search-input")
        search.wait_for()
        for query in ("pwned", "onerror", "Title", "javascript", "script"):
            search.fill(query)
            page.wait_for_function("document.querySelector('.search-status').textContent"
                                   ".includes('stor')")
            assert page.locator(".search-result").count() >= 1, query
            assert page.locator(".search-result img, .search-result svg").count() == 0
        titles = page.locator(".search-result > a").all_inner_texts()
        assert any("<script>" in t for t in titles), titles
        counts = filter_counts(page, base)
        assert len(counts) == len(PAYLOADS[:4]) and all(c[1] == 2 for c in counts)
        assert page.evaluate("window.__pwned") is None and dialogs == []
    finally:
        context.close()


def filter_counts(page: Any, base: str) -> list[tuple[str, int, int]]:
    """(speaker filter value, pages Pagefind lists for it, pages a search with it finds)."""
    script = """async (base) => {
        const parts = (await (await fetch(base + 'pagefind/parts.json')).json()).parts;
        const pf = await import(base + 'pagefind/' + parts[0] + '/pagefind.js');
        await pf.options({baseUrl: base});
        await pf.init();
        for (const part of parts.slice(1)) await pf.mergeIndex(base + 'pagefind/' + part + '/');
        const speakers = (await pf.filters()).speaker || {};
        const out = [];
        for (const [value, count] of Object.entries(speakers)) {
            const found = await pf.search(null, {filters: {speaker: value}});
            out.push([value, count, found.results.length]);
        }
        return out;
    }"""
    return [tuple(row) for row in page.evaluate(script, base)]


def test_every_hostile_speaker_filter_finds_its_articles(built: Path, browser: Browser,
                                                         serve_folder: Any) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        base = serve_folder(built)
        page.goto(base, wait_until="load")
        counts = filter_counts(page, base)
        assert counts and all(listed == found for _, listed, found in counts), counts
    finally:
        context.close()
