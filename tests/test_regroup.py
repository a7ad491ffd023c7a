"""`taxonomy.regroup`: grouping again after an edit, counting only the groups the edit touched,
must give exactly what grouping afresh gives (`build_taxonomy`)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.model import Article, Quote, Speaker
from sitegen.taxonomy import Taxonomy, build_taxonomy, regroup

# Spellings that fold together ("Gas", "gas "), slugify together ("Müller", "Muller") or
# collide with a suffixed slug ("Port 2" vs the second "port"): what moves slugs around.
TAGS = ["Gas", "gas ", "GAS", "Müller", "Muller", "Port", "port", "Port 2", "Trade", "Grain"]
PEOPLE = ["Ann Lee", "ann lee", "Bo Chan", "Cy Ode", "Cy  Ode", "Di Fox", "Ed Gu"]
ROLES = [None, "minister", "Minister", "spokesperson"]
DAYS = [datetime(2024, m, d, 12, tzinfo=UTC) for m, d in ((1, 5), (1, 5), (1, 20), (2, 1),
                                                          (3, 3), (12, 31))]

names = st.lists(st.sampled_from(TAGS), max_size=3).map(tuple)
speakers = st.lists(st.builds(Speaker, st.sampled_from(PEOPLE), st.sampled_from(ROLES)),
                    max_size=3).map(tuple)
quotes = st.lists(st.builds(Quote, st.sampled_from(["Yes.", "No."]),
                            st.none() | st.sampled_from(PEOPLE)), max_size=3).map(tuple)
fields = st.fixed_dictionaries({
    "title": st.sampled_from(["One", "Two", "Three"]), "date": st.sampled_from(DAYS),
    "slug": st.sampled_from(["a", "b", "c", "d"]), "tags": names, "speakers": speakers,
    "quotes": quotes})


def _article(number: int, values: dict[str, object]) -> Article:
    record = Article(path=Path(f"content/articles/{number}.md"), title="", date=DAYS[0],
                     body="Text.", slug="")
    return dataclasses.replace(record, **values)


# An edit: which article (by position, modulo the count), and either its new fields, None to
# delete it, or "add" with the fields of a new one.
edits = st.lists(st.tuples(st.integers(0, 20), st.sampled_from(["edit", "delete", "add"]),
                           fields), min_size=1, max_size=6)


@settings(max_examples=300, deadline=None)
@given(st.lists(fields, min_size=0, max_size=8), edits)
def test_regrouping_after_edits_equals_grouping_afresh(
        start: list[dict[str, object]], steps: list[tuple[int, str, dict[str, object]]]) -> None:
    articles = {n: _article(n, values) for n, values in enumerate(start)}
    taxonomy = build_taxonomy(list(articles.values()))
    for number, (pick, what, values) in enumerate(steps, start=len(start)):
        keys = sorted(articles)
        if what == "add" or not keys:
            articles[number] = _article(number, values)
        elif what == "delete":
            del articles[keys[pick % len(keys)]]
        else:
            key = keys[pick % len(keys)]
            articles[key] = dataclasses.replace(articles[key], **values)
        taxonomy = regroup(taxonomy, list(articles.values()))
        assert _plain(taxonomy) == _plain(build_taxonomy(list(articles.values())))


def _plain(taxonomy: Taxonomy) -> tuple[object, ...]:
    """Every field, the dicts as ordered lists (equality of dicts ignores order, and the
    order of `Taxonomy` fields is what pages show)."""
    return (taxonomy, list(taxonomy.tag_slugs.items()), list(taxonomy.speaker_slugs.items()))


def _site() -> list[Article]:
    return [_article(n, {"title": f"Story {n}", "date": DAYS[n % len(DAYS)], "slug": f"s{n}",
                         "tags": (TAGS[n % 4 + 5], "Trade" if n < 6 else "Grain"),
                         "speakers": (Speaker(PEOPLE[n % 3 + 2], "minister"),),
                         "quotes": (Quote("Yes.", PEOPLE[n % 3 + 2]),)})
            for n in range(12)]


def test_a_title_edit_counts_again_only_the_groups_that_hold_the_story() -> None:
    articles = _site()
    last = build_taxonomy(articles)
    edited = dataclasses.replace(articles[0], title="Story 0, updated")
    now = regroup(last, [edited, *articles[1:]])

    assert now == build_taxonomy([edited, *articles[1:]])
    holding = {t.slug for t in (*now.tags, *now.speakers) if edited in t.articles}
    assert holding == {"port", "trade", "bo-chan"}
    for old, new in zip((*last.tags, *last.speakers), (*now.tags, *now.speakers), strict=True):
        assert (new is old) == (new.slug not in holding), new.slug
    months = [(m.year, m.month) for y in now.years for m in y.months if edited in m.articles]
    kept = [m for y in now.years for m in y.months if (m.year, m.month) not in months]
    assert kept and all(any(m is o for y in last.years for o in y.months) for m in kept)
    assert not any(m is o for y in last.years for o in y.months for m in now.years[0].months
                   if (m.year, m.month) in months)


def test_a_new_tag_spelling_that_wins_groups_afresh() -> None:
    articles = _site()   # "Trade" on six stories; eight spelling it "TRADE" outvote it
    respelled = [dataclasses.replace(a, tags=("TRADE",)) if n >= 6 else a
                 for n, a in enumerate(articles)]
    respelled += [dataclasses.replace(a, path=Path(f"x{n}.md"), slug=f"x{n}", tags=("TRADE",))
                  for n, a in enumerate(articles[:2])]
    now = regroup(build_taxonomy(articles), respelled)

    assert now == build_taxonomy(respelled)
    assert [t.name for t in now.tags if t.slug == "trade"] == ["TRADE"]
