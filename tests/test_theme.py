"""The default theme as a reader meets it: a real site built by `sitegen build` into real files,
read back as HTML: the front page (lead story, grid, busiest tags, most quoted), the article
(dateline, direct speech, pull quote, speaker cards) and the indexes (speaker cards in two orders,
tags by kind and size, and A-Z); and the incremental build keeping the richer front page exact.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from sitegen.cli import main
from sitegen.incremental.inputs import CACHE_DIR
from sitegen.render.context import excerpt
from sitegen.typography import quoted, typographic
from tests.conftest import snapshot, write_article, write_config

LAVROV = {"name": "Sergey Lavrov", "role": "Russian Foreign Minister"}
PESKOV = {"name": "Dmitry Peskov", "role": "Kremlin spokesman"}
LEYEN = {"name": "Ursula von der Leyen", "role": "European Commission President"}


def _story(n: int) -> dict[str, Any]:
    """Story n of 14, one a day from December 1, 2022 (14 is the newest)."""
    front: dict[str, Any] = {
        "title": f"Story {n:02d} headline", "subtitle": f"Standfirst of story {n:02d}",
        "date": f"2022-12-{n:02d}", "location": "Moscow" if n % 2 else None,
        "source": "TASS" if n % 3 else None,
        "tags": ["Russia", "Energy" if n % 2 else "Kazakhstan"] + (["Élysée"] if n == 3 else []),
        # as the importer writes them (Élysée has none): the tags index groups by them
        "tag_kinds": {"Russia": "place", "Energy": "topic"} if n % 2 else
                     {"Russia": "place", "Kazakhstan": "place"},
    }
    if n >= 8:   # the last seven days: Lavrov twice a story, Peskov once in two
        front["speakers"] = [LAVROV] + ([PESKOV] if n % 2 else [])
        said = [("Sergey Lavrov", f"We will answer number {n} soon enough"),
                ("Sergey Lavrov", f"The West is listening to story {n} today")]
        if n % 2:
            said.append(("Dmitry Peskov", f"The Kremlin has nothing to add on {n} now"))
    else:        # older: von der Leyen, quoted often, but before the window
        front["speakers"] = [LEYEN]
        said = [("Ursula von der Leyen", f"Europe stands firm on matter {n} today"),
                ("Ursula von der Leyen", f"We will not accept plan {n} at all"),
                ("Ursula von der Leyen", f"Sanctions package {n} is on the table")]
    front["quotes"] = [{"speaker": who, "text": words} for who, words in said]
    return front


def _body(front: dict[str, Any]) -> str:
    paragraphs = ["An opening paragraph without any speech in it."]
    for quote in front["quotes"]:
        paragraphs.append(f'"{quote["text"]}," {quote["speaker"]} said.')
    return "\n\n".join(paragraphs)


def make_site(root: Path) -> Path:
    (root / "content" / "articles").mkdir(parents=True)
    write_config(root, 'title = "Theme news"\nper_page = 5\nsearch = false\n'
                       'base_url = "https://example.github.io/news/"\n')
    for n in range(1, 15):
        front = {k: v for k, v in _story(n).items() if v is not None}
        write_article(root / "content", f"story-{n:02d}", _body(front), **front)
    return root


def build(root: Path) -> None:
    assert main(["build", "--site", str(root), "--quiet"]) == 0


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_site(tmp_path_factory.mktemp("theme") / "site")
    build(root)
    return root / "_site"


def html(site: Path, rel: str) -> Any:
    return lxml.html.fromstring((site / rel).read_bytes())


_COMPOUND = re.compile(r"([a-z0-9]*|\*)((?:\.[\w-]+|\[[\w-]+(?:=[\w-]+)?\])*)")


def css(element: Any, selector: str) -> list[Any]:
    """The elements under `element` matching a simple CSS selector: tags, classes, `[attr]`,
    `[attr=value]`, descendant and `>` child combinators, comma lists (XPath underneath, so
    the tests need no cssselect)."""
    return list(element.xpath(" | ".join(_xpath(part.strip()) for part in selector.split(","))))


def _xpath(selector: str) -> str:
    path, axis = ".", "//"
    for token in selector.replace(">", " > ").split():
        if token == ">":
            axis = "/"
            continue
        found = _COMPOUND.fullmatch(token)
        assert found, token
        tests = []
        for cls in re.findall(r"\.([\w-]+)", found.group(2)):
            tests.append(f"contains(concat(' ', normalize-space(@class), ' '), ' {cls} ')")
        for name, value in re.findall(r"\[([\w-]+)(?:=([\w-]+))?\]", found.group(2)):
            tests.append(f"@{name}='{value}'" if value else f"@{name}")
        path += axis + (found.group(1) or "*") + "".join(f"[{t}]" for t in tests)
        axis = "//"
    return path


def text(element: Any) -> str:
    return " ".join(element.text_content().split())


def test_front_page_has_a_lead_story_with_dateline_standfirst_and_pull_quote(site: Path) -> None:
    page = html(site, "index.html")
    [lead] = css(page, "article.lead")
    assert text(css(lead, ".lead-title")[0]) == "Story 14 headline"
    assert css(lead, ".lead-title a")[0].get("href") == "/news/2022/12/story-14-headline/"
    assert text(css(lead, ".standfirst")[0]) == "Standfirst of story 14"
    assert text(css(lead, ".dateline")[0]) == "December 14, 2022 (TASS)"   # no location
    [quote] = css(lead, "figure.lead-quote")
    # the first quote of the body with a speaker, linked to the speaker's page
    assert text(css(quote, "blockquote")[0]) == "“We will answer number 14 soon enough”"
    assert css(quote, "figcaption a")[0].get("href") == "/news/speakers/sergey-lavrov/"
    assert "Russian Foreign Minister" in text(css(quote, "figcaption")[0])


def test_front_page_grid_shows_the_rest_of_the_page_with_datelines(site: Path) -> None:
    page = html(site, "index.html")
    cards = css(page, ".story-grid > li")
    assert [text(css(c, ".card-title")[0]) for c in cards] == [
        "Story 13 headline", "Story 12 headline", "Story 11 headline", "Story 10 headline"]
    assert text(css(cards[0], ".dateline")[0]) == "MOSCOW, December 13, 2022 (TASS)"
    assert text(css(cards[1], ".dateline")[0]) == "December 12, 2022"
    assert text(css(cards[0], ".standfirst")[0]) == "Standfirst of story 13"


def test_front_page_sections_of_the_busiest_tags_skip_stories_already_shown(site: Path) -> None:
    page = html(site, "index.html")
    sections = css(page, ".tag-section")
    names = [text(css(s, "h3 a")[0]) for s in sections]
    assert names == ["Russia", "Energy", "Kazakhstan"]   # 14, 7 and 7 stories; Élysée has one
    russia = sections[0]
    assert "14 stories" in text(css(russia, "h3")[0])
    assert css(russia, "h3 a")[0].get("href") == "/news/tags/russia/"
    assert [text(a) for a in css(russia, ".headlines a")] == [
        "Story 09 headline", "Story 08 headline", "Story 07 headline", "Story 06 headline"]
    assert [text(a) for a in css(sections[1], ".headlines a")] == [
        "Story 09 headline", "Story 07 headline", "Story 05 headline", "Story 03 headline"]


def test_front_page_most_quoted_counts_the_last_seven_days_only(site: Path) -> None:
    page = html(site, "index.html")
    people = css(page, ".quoted")
    # December 8-14: Lavrov 2 x 7 stories, Peskov in 9, 11, 13; von der Leyen (3 a story,
    # 21 in all) is older than the week
    assert [text(css(p, ".quoted-name a")[0]) for p in people] == [
        "Sergey Lavrov", "Dmitry Peskov"]
    assert "14 quotes" in text(css(people[0], ".quoted-name")[0])
    assert "3 quotes" in text(css(people[1], ".quoted-name")[0])
    assert text(css(people[0], "blockquote")[0]) == "“We will answer number 14 soon enough”"
    assert css(people[0], ".quote-link")[0].get("href") == \
        "/news/2022/12/story-14-headline/#p-2"
    assert text(css(people[1], ".role")[0]) == "Kremlin spokesman"
    assert "In the 7 days to December 14, 2022" in text(css(page, ".most-quoted")[0])


def test_later_front_pages_are_plain_lists(site: Path) -> None:
    page = html(site, "page/2/index.html")
    assert not css(page, ".lead, .story-grid, .tag-section, .most-quoted")
    titles = [text(t) for t in css(page, ".article-list .teaser-title")]
    assert titles == [f"Story {n:02d} headline" for n in (9, 8, 7, 6, 5)]
    assert text(css(page, ".article-list .dateline")[0]) == "MOSCOW, December 9, 2022"
    assert css(page, ".pagination a[rel=next]")


def test_article_sets_off_direct_speech_with_typographic_quotes(site: Path) -> None:
    page = html(site, "2022/12/story-11-headline/index.html")
    said = [text(s) for s in css(page, ".story-body .said")]
    assert said == ["“We will answer number 11 soon enough,”",
                    "“The West is listening to story 11 today,”",
                    "“The Kremlin has nothing to add on 11 now,”"]
    assert '"' not in text(css(page, ".story-body")[0])
    assert text(css(page, ".story-header .dateline")[0]) == "MOSCOW, December 11, 2022 (TASS)"


def test_article_pulls_out_the_quote_nearest_the_top(tmp_path: Path) -> None:
    root = tmp_path / "site"
    (root / "content" / "articles").mkdir(parents=True)
    write_config(root, 'title = "x"\nsearch = false\n')
    body = ("Russia's opening, in 'scare quotes'.\n\n"
            '"Yes," an aide said.\n\n"The talks will go on for a second week," Peskov said.'
            '\n\n"A later word from Lavrov that comes last in the text," he said.')
    write_article(root / "content", "talks", body, title="Talks", date="2022-12-10",
                  speakers=[LAVROV, PESKOV, {"name": "Maria Zakharova"}],
                  quotes=[{"speaker": "Sergey Lavrov",   # listed first, but lower in the text
                           "text": "A later word from Lavrov that comes last in the text"},
                          {"speaker": None, "text": "Yes"},
                          {"speaker": "Dmitry Peskov",
                           "text": "The talks will go on for a second week"}])
    write_article(root / "content", "unsure", '"Nobody knows who said this long thing," it read.',
                  title="Unsure", date="2022-12-11",
                  quotes=[{"speaker": None, "text": "Nobody knows who said this long thing"}])
    build(root)
    assert not css(html(root / "_site", "2022/12/unsure/index.html"), ".pull-quote")
    assert not css(html(root / "_site", "index.html"), ".lead-quote")   # "Unsure" is the lead
    page = html(root / "_site", "2022/12/talks/index.html")
    opening = text(page.get_element_by_id("p-1"))
    assert opening == "Russia’s opening, in 'scare quotes'."   # the apostrophe only
    [pulled] = css(page, ".story > figure.pull-quote")
    assert text(css(pulled, "blockquote")[0]) == "“The talks will go on for a second week”"
    assert css(pulled, "blockquote")[0].get("cite") == "/2022/12/talks/#p-3"
    assert text(css(pulled, "figcaption")[0]) == "Dmitry Peskov, Kremlin spokesman"
    assert pulled.get("data-pagefind-ignore") is not None   # not indexed twice
    cards = css(page, ".speaker-card")
    assert [text(c) for c in cards] == [
        "Sergey Lavrov Russian Foreign Minister 1 quote in this story",
        "Dmitry Peskov Kremlin spokesman 1 quote in this story",
        "Maria Zakharova"]   # named, not quoted: no count


def test_article_speaker_cards_link_to_speaker_pages_with_their_quote_count(site: Path) -> None:
    page = html(site, "2022/12/story-11-headline/index.html")
    cards = css(page, ".speaker-cards .speaker-card")
    assert [text(css(c, ".card-name")[0]) for c in cards] == ["Sergey Lavrov",
                                                                  "Dmitry Peskov"]
    assert css(cards[0], ".card-name a")[0].get("href") == "/news/speakers/sergey-lavrov/"
    assert text(css(cards[0], ".role")[0]) == "Russian Foreign Minister"
    assert text(css(cards[0], ".count")[0]) == "2 quotes in this story"
    assert text(css(cards[1], ".count")[0]) == "1 quote in this story"


def test_speaker_index_is_cards_in_two_orders(site: Path) -> None:
    by_name = html(site, "speakers/index.html")
    cards = css(by_name, ".speaker-grid > li.speaker-card")
    assert [text(css(c, ".card-name")[0]) for c in cards] == [
        "Dmitry Peskov", "Sergey Lavrov", "Ursula von der Leyen"]
    assert text(css(cards[2], ".role")[0]) == "European Commission President"
    assert text(css(cards[2], ".count")[0]) == "21 quotes · 7 articles"
    assert css(by_name, ".sort a")[0].get("href") == "/news/speakers/by-quotes.html"
    by_quotes = html(site, "speakers/by-quotes.html")
    assert [text(css(c, ".card-name")[0])
            for c in css(by_quotes, ".speaker-grid > li")] == [
        "Ursula von der Leyen", "Sergey Lavrov", "Dmitry Peskov"]
    assert css(by_quotes, ".sort a")[0].get("href") == "/news/speakers/"
    assert text(css(by_quotes, ".sort [aria-current=page]")[0]) == "Most quoted"


def test_tag_index_has_the_busiest_first_by_kind_and_an_a_to_z_jump(site: Path) -> None:
    page = html(site, "tags/index.html")
    assert [(text(css(s, "h3")[0]), [text(li) for li in css(s, "li")])
            for s in css(page, ".busiest > section")] == [
        ("Places", ["Russia 14 stories", "Kazakhstan 7 stories"]),
        ("Topics", ["Energy 7 stories"])]
    letters = css(page, ".jump a")
    assert [text(a) for a in letters] == ["E", "K", "R"]   # "Élysée" under E, beside Energy
    for link in letters:
        [target] = page.xpath(f"//*[@id='{link.get('href')[1:]}']")
        assert text(target) == text(link)
    e_section = page.get_element_by_id(letters[0].get("href")[1:]).getparent()
    assert [text(li) for li in css(e_section, ".term-list li")] == [
        "Energy 7 stories", "Élysée 1 story"]


def test_style_sheet_has_dark_mode_and_print_styles(site: Path) -> None:
    css = (site / "static" / "style.css").read_text(encoding="utf-8")
    assert "@media (prefers-color-scheme: dark)" in css and "@media print" in css
    assert not re.search(r"(?<![\w-])columns\s*:", css)   # nothing split between CSS columns


def test_excerpt_keeps_the_first_sentence_or_cuts_at_a_word() -> None:
    assert excerpt("We will answer soon enough. And then more will follow.") == \
        "We will answer soon enough."
    assert excerpt("Short one. Then a second sentence here,") == \
        "Short one. Then a second sentence here"
    long = "word " * 80
    cut = excerpt(long, limit=50)
    assert cut.endswith("…") and len(cut) <= 51 and "  " not in cut


def _clean(root: Path, scratch: Path) -> dict[str, bytes]:
    shutil.copytree(root, scratch, ignore=shutil.ignore_patterns("_site", CACHE_DIR))
    build(scratch)
    return snapshot(scratch / "_site")


def test_front_page_follows_edits_to_the_stories_it_shows_beyond_its_list(
        tmp_path: Path) -> None:
    """An older story in a tag section, or a new quote in the week, changes the front page:
    the incremental build must render it again, byte-identical to a clean build."""
    root = make_site(tmp_path / "site")
    build(root)
    front = (root / "_site" / "index.html").read_bytes()
    story = root / "content" / "articles" / "story-07.md"   # in the Russia and Energy sections
    story.write_text(story.read_text(encoding="utf-8").replace("Story 07 headline",
                                                               "Story 07 retitled"),
                     encoding="utf-8")
    build(root)
    after = (root / "_site" / "index.html").read_bytes()
    assert after != front and "Story 07 retitled" in after.decode("utf-8")
    assert snapshot(root / "_site") == _clean(root, tmp_path / "clean-1")

    story = root / "content" / "articles" / "story-10.md"   # Peskov now quoted 5 times a week
    story.write_text(story.read_text(encoding="utf-8").replace(
        "speaker: Sergey Lavrov", "speaker: Dmitry Peskov"), encoding="utf-8")
    build(root)
    page = html(root / "_site", "index.html")
    assert [text(css(p, ".quoted-name")[0]) for p in css(page, ".quoted")] == [
        "Sergey Lavrov 12 quotes", "Dmitry Peskov 5 quotes"]
    assert snapshot(root / "_site") == _clean(root, tmp_path / "clean-2")


def meta_descriptions(site: Path) -> dict[str, list[str]]:
    """Every HTML page of a built site (its path under `site`) and its meta descriptions."""
    found = {}
    for page in sorted(site.rglob("*.html")):
        if "pagefind" in page.relative_to(site).parts:
            continue
        tree = lxml.html.fromstring(page.read_bytes())
        found[str(page.relative_to(site))] = [
            " ".join(str(d).split())
            for d in tree.xpath("//head/meta[@name='description']/@content")]
    return found


def assert_every_page_is_described_apart(site: Path) -> dict[str, str]:
    """Each page has exactly one meta description, of some substance, and no two pages share
    one (a description shared by many pages tells a search engine's reader nothing)."""
    found = meta_descriptions(site)
    assert len(found) > 20
    missing = [page for page, texts in found.items() if len(texts) != 1 or len(texts[0]) < 20]
    assert missing == []
    texts = {page: texts[0] for page, texts in found.items()}
    shared = {t: [p for p in texts if texts[p] == t] for t in texts.values()}
    assert {t: pages for t, pages in shared.items() if len(pages) > 1} == {}
    assert all(len(t) <= 160 for t in texts.values())
    return texts


def test_every_page_has_a_description_of_its_own(site: Path) -> None:
    """Front pages, articles, tag and speaker pages (later pages too), both indexes, the
    archives and the 404 page each describe what they hold."""
    texts = assert_every_page_is_described_apart(site)
    assert texts["tags/russia/index.html"] == (
        "Stories tagged Russia on Theme news: 14 stories, the latest on December 14, 2022.")
    assert texts["tags/russia/page/2/index.html"] == (
        "Stories tagged Russia on Theme news, page 2 of 3: stories of December 5 to "
        "December 9, 2022.")
    assert texts["speakers/sergey-lavrov/index.html"] == (
        "Sergey Lavrov, Russian Foreign Minister, quoted on Theme news: 14 quotes in 7 stories, "
        "the latest on December 14, 2022.")
    assert texts["page/2/index.html"].startswith(
        "Theme news, page 2 of 3, stories of December 5 to December 9, 2022: Story 09 headline;")
    assert texts["speakers/by-quotes.html"] == (
        "The 3 people quoted or named on Theme news, most quoted first: Ursula von der Leyen "
        "(21 quotes), Sergey Lavrov (14 quotes), Dmitry Peskov (3 quotes).")
    assert texts["tags/index.html"] == ("All 4 tags of Theme news, the most covered first "
                                        "(Russia, Energy, Kazakhstan), then A-Z.")
    assert texts["2022/index.html"] == (
        "The 14 stories of 2022 on Theme news, by month: December (14).")
    assert texts["archive/index.html"] == (
        "Every story of Theme news by year and month: 14 stories of December 2022.")
    assert texts["404.html"].startswith("There is no page at this address on Theme news")


def test_typographic_sets_quotes_as_bodies_do_and_as_headlines_use_them() -> None:
    assert typographic('Putin says "no"') == "Putin says “no”"
    assert typographic("'it's'") == "‘it’s’"
    assert typographic("Neanderthals 'knew what they were doing': expert") == \
        "Neanderthals ‘knew what they were doing’: expert"
    assert typographic("Hague's plan, the players' union and the '90s") == \
        "Hague’s plan, the players’ union and the ’90s"
    assert typographic('A "lone mark and “already set”') == 'A "lone mark and “already set”'
    assert quoted('Those "interested parties" don\'t') == "Those ‘interested parties’ don’t"


HEADLINE = "Putin says \"no\" to 'grain deal' as Hague's plan stalls"
SHOWN = "Putin says “no” to ‘grain deal’ as Hague’s plan stalls"


def test_headlines_show_typographic_quotes_on_pages_feeds_and_sitemaps(tmp_path: Path) -> None:
    """A headline written with straight quotes is shown with typographic ones wherever it is
    shown: the article, its <title> and social titles, the front page, feeds, JSON-LD, the news
    sitemap; the file keeps what the editor wrote, and the slug is the same."""
    root = tmp_path / "site"
    (root / "content" / "articles").mkdir(parents=True)
    write_config(root, 'title = "Quote desk"\nsearch = false\nbase_url = "https://example.org/"\n')
    source = write_article(root / "content", "putin", '"We will not," he said.',
                           title=HEADLINE, subtitle="It's the third 'no' this year",
                           date="2022-12-10", tags=["Russia"],
                           speakers=[{"name": "Vladimir Putin", "role": "President"}],
                           quotes=[{"speaker": "Vladimir Putin",
                                    "text": 'We won\'t sign "this" deal, whatever they say'}])
    write_article(root / "content", "older", 'The mayor\'s "plan" failed.', title="Older story",
                  date="2022-12-01", tags=["Russia"])
    build(root)
    out = root / "_site"
    article = out / "2022" / "12" / "putin-says-no-to-grain-deal-as-hagues-plan-stalls"
    page = html(article, "index.html")
    assert text(css(page, "h1")[0]) == SHOWN
    assert text(css(page, ".standfirst")[0]) == "It’s the third ‘no’ this year"
    said = "“We won’t sign ‘this’ deal, whatever they say”"   # a quote within a quote: ‘...’
    assert text(css(page, ".pull-quote blockquote")[0]) == said
    assert text(css(html(out, "speakers/vladimir-putin/index.html"), ".quotes blockquote")[0]) \
        == said
    assert page.findtext(".//title") == f"{SHOWN} – Quote desk"
    assert page.xpath("//meta[@property='og:title']/@content") == [SHOWN]
    assert page.xpath("//meta[@name='description']/@content") == ["It’s the third ‘no’ this year"]
    ld = page.xpath("//script[@type='application/ld+json']/text()")[0]
    assert f'"headline": "{SHOWN}"' in ld
    front = html(out, "index.html")
    assert text(css(front, ".lead-title")[0]) == SHOWN
    assert SHOWN in text(css(html(out, "tags/russia/index.html"), ".teaser-title")[0])
    for feed in ("feed.xml", "tags/russia/feed.xml"):
        assert f"<title>{SHOWN}</title>" in (out / feed).read_text(encoding="utf-8")
    assert f"<news:title>{SHOWN}</news:title>" in \
        (out / "news-sitemap.xml").read_text(encoding="utf-8")
    assert HEADLINE in source.read_text(encoding="utf-8")
    older = html(out / "2022" / "12" / "older-story", "index.html")   # no standfirst
    assert older.xpath("//meta[@name='description']/@content") == [
        "December 1, 2022: The mayor’s “plan” failed."]
