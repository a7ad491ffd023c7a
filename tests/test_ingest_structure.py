"""Text -> parts: the sample, each wire layout, chrome, headings, hard wrapping, no title."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.ingest.structure import (
    StructureError,
    parse_article,
    parse_dateline,
    split_paragraphs,
    title_case,
)
from tests.ingest_helpers import SAMPLE, SAMPLE_SUBTITLE, SAMPLE_TITLE, WIRE


def test_sample_parts() -> None:
    article = parse_article(SAMPLE.read_text(encoding="utf-8"))
    assert article.title == SAMPLE_TITLE
    assert article.subtitle == SAMPLE_SUBTITLE
    assert article.location == "Moscow"
    assert article.source == "TASS"
    assert article.dateline is not None
    assert (article.dateline.month, article.dateline.day, article.dateline.year) == (12, 10, None)
    assert article.updated_stamp is None   # "Updated at: " with nothing after it
    headings = [b.text for b in article.blocks if b.heading]
    assert headings == ["Use of US dollar"]
    assert article.paragraphs[0].startswith("The West is trying to find any clues")
    body = "\n".join(b.text for b in article.blocks)
    for chrome in ("All news", "Updated at", "/TASS/", "MOSCOW"):
        assert chrome not in body
    assert "Use of US dollar" not in article.paragraphs


@pytest.mark.parametrize(("name", "location", "source", "month_day", "first_words"), [
    ("reuters.txt", "London", "Reuters", (3, 3), "British factory orders"),
    ("ap.txt", "Washington", "AP", (None, None), "The Senate passed"),
    ("interfax.txt", "Moscow", "Interfax", (12, 10), "Gas transit volumes"),
    ("xinhua.txt", "Beijing", "Xinhua", (12, 10), "A new rail link"),
    ("bbc.txt", None, None, None, "Quarterly profits"),
    ("plain.txt", None, None, None, "The city council"),
    ("wikinews_magnitogorsk.txt", None, None, (1, 4), "An apartment building"),
])
def test_wire_styles(name: str, location: str | None, source: str | None,
                     month_day: tuple[int | None, int | None] | None, first_words: str) -> None:
    article = parse_article((WIRE / name).read_text(encoding="utf-8"))
    assert article.title
    assert article.location == location
    assert article.source == source
    if month_day is None:
        assert article.dateline is None
    else:
        assert article.dateline is not None
        assert (article.dateline.month, article.dateline.day) == month_day
    assert article.paragraphs[0].startswith(first_words)


def test_reuters_hard_wrapped_lines_are_joined_into_paragraphs() -> None:
    article = parse_article((WIRE / "reuters.txt").read_text(encoding="utf-8"))
    assert len(article.paragraphs) == 3
    assert article.paragraphs[0].endswith("an industry survey showed on Friday.")
    assert "\n" not in article.paragraphs[0]
    assert article.paragraphs[1].startswith('"Demand held up')


@pytest.mark.parametrize(("line", "expected"), [
    ("MOSCOW, December 10. /TASS/. The West", ("Moscow", "TASS", 12, 10, "The West")),
    ("ST. PETERSBURG, June 17. /TASS/. Talks", ("St. Petersburg", "TASS", 6, 17, "Talks")),
    ("LONDON, March 3 (Reuters) - Shares", ("London", "Reuters", 3, 3, "Shares")),
    ("NEW YORK, Sept 9 (Reuters) - Oil", ("New York", "Reuters", 9, 9, "Oil")),
    ("WASHINGTON (AP) — The Senate", ("Washington", "AP", None, None, "The Senate")),
    ("SPRINGFIELD, Ill. (AP) — A man", ("Springfield, Ill.", "AP", None, None, "A man")),
    ("MOSCOW, Dec 10 (Interfax) - Gas", ("Moscow", "Interfax", 12, 10, "Gas")),
    ("BEIJING, Dec. 10 (Xinhua) -- A rail", ("Beijing", "Xinhua", 12, 10, "A rail")),
    ("SALVADOR, Feb 26 - Showers", ("Salvador", None, 2, 26, "Showers")),
    ("RIO DE JANEIRO, May 5 - Rain", ("Rio de Janeiro", None, 5, 5, "Rain")),
    ("Moscow, 10 December: The", ("Moscow", None, 12, 10, "The")),
    ("PORTLAND, Ore., Feb 26 - Red", ("Portland, Ore.", None, 2, 26, "Red")),
    ("RICHMOND, Va. Feb 26 -", ("Richmond, Va.", None, 2, 26, "")),
    ("Toronto, Feb 26 - Standard", ("Toronto", None, 2, 26, "Standard")),
    ("OAK BROOK, ILL., Feb 26 - A", ("Oak Brook, Ill.", None, 2, 26, "A")),
    ("OAKLAND , N.J., March 2 - A", ("Oakland, N.J.", None, 3, 2, "A")),
    ("CHICAGO, March 4, - A", ("Chicago", None, 3, 4, "A")),
    ("МОСКВА, 10 декабря. /ТАСС/. Текст", ("Москва", "TASS", 12, 10, "Текст")),
])
def test_datelines(line: str, expected: tuple[object, ...]) -> None:
    found = parse_dateline(line)
    assert found is not None
    dateline, rest = found
    assert (dateline.location, dateline.source, dateline.month, dateline.day, rest) == expected


@pytest.mark.parametrize("line", [
    "The West is trying, December 10 - or so it said.",
    "Paris and the rest, May 5 - a sentence, not a dateline",
    "Monday, March 29, 2019 was a day like any other.",
    "Use of US dollar",
])
def test_prose_is_not_a_dateline(line: str) -> None:
    assert parse_dateline(line) is None


def test_title_case() -> None:
    assert title_case("NEW YORK") == "New York"
    assert title_case("PETROPAVLOVSK-KAMCHATSKY") == "Petropavlovsk-Kamchatsky"
    assert title_case("Astana") == "Astana"
    assert title_case("DALLAS/FORT WORTH") == "Dallas/Fort Worth"
    assert title_case("N.J.") == "N.J."
    assert title_case("O'HARE") == "O'Hare"
    assert title_case("МОСКВА") == "Москва"


def test_crlf_text_and_chrome_with_stamp() -> None:
    text = ("All news\nUpdated at: 10 DEC 2022, 18:21\n\nHeadline here\n\n"
            "MOSCOW, December 10. /TASS/. Body text.\n\nMore text.\n")
    article = parse_article(text)
    assert article.title == "Headline here"
    assert article.updated_stamp == "10 DEC 2022, 18:21"
    assert article.paragraphs == ("Body text.", "More text.")


def test_heading_needs_text_on_both_sides() -> None:
    article = parse_article("Title\n\nFirst paragraph.\n\nA heading\n\nSecond paragraph.\n\n"
                            "Closing words\n")
    assert [(b.text, b.heading) for b in article.blocks] == [
        ("First paragraph.", False), ("A heading", True), ("Second paragraph.", False),
        ("Closing words", False)]


def test_long_lines_are_one_paragraph_each() -> None:
    long = "word " * 30
    lines = [long + "one.", long + "two.", long + "three"]
    assert len(split_paragraphs(lines)) == 3


def test_stacked_headline_and_subheadline() -> None:
    article = parse_article("Candidates vie for support; \nA short sub-headline.\n\nBody.\n")
    assert article.title == "Candidates vie for support"
    assert article.subtitle == "A short sub-headline."
    assert article.paragraphs == ("Body.",)


def test_standfirst_without_dateline() -> None:
    article = parse_article("Title\n\nA standfirst that runs on for more than twelve words "
                            "and has no full stop at the end\n\nBody.\n")
    assert article.subtitle is not None and article.paragraphs == ("Body.",)


@pytest.mark.parametrize(("text", "reason"), [
    ("MOSCOW, December 10. /TASS/. The West is trying.\n\nMore.\n", "no title"),
    ("All news\nUpdated at: \n\n", "no title"),
    ("x" * 400 + ".\n\nBody.\n", "no title"),
    ("Just a headline\n", "no body"),
    ("Headline\n\nMOSCOW, December 10. /TASS/.\n", "no body"),
])
def test_not_an_article(text: str, reason: str) -> None:
    with pytest.raises(StructureError, match=reason):
        parse_article(text)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400))
@settings(max_examples=300, deadline=None)
def test_any_text_parses_or_is_rejected_cleanly(text: str) -> None:
    try:
        article = parse_article(text)
    except StructureError as exc:
        assert "\n" not in str(exc)
        return
    assert article.title and article.paragraphs
