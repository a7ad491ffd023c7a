"""`taxonomy.with_records`: a body edit puts the new records into the groups holding them, and
must give what grouping afresh gives, touching only the groups that hold an edited story."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.model import Article, Quote, Speaker
from sitegen.taxonomy import build_taxonomy, with_records

TAGS = ["Gas", "gas ", "Müller", "Muller", "Port", "Port 2", "Trade"]
PEOPLE = ["Ann Lee", "ann lee", "Bo Chan", "Cy Ode", "Di Fox"]
DAYS = [datetime(2023, 12, 31, 12, tzinfo=UTC), datetime(2024, 1, 5, 12, tzinfo=UTC),
        datetime(2024, 1, 20, 12, tzinfo=UTC), datetime(2024, 3, 3, 12, tzinfo=UTC)]

fields = st.fixed_dictionaries({
    "date": st.sampled_from(DAYS), "slug": st.sampled_from(["a", "b", "c"]),
    "tags": st.lists(st.sampled_from(TAGS), max_size=3).map(tuple),
    "speakers": st.lists(st.builds(Speaker, st.sampled_from(PEOPLE),
                                   st.sampled_from([None, "minister"])), max_size=2).map(tuple),
    "quotes": st.lists(st.builds(Quote, st.just("Yes."), st.none() | st.sampled_from(PEOPLE)),
                       max_size=2).map(tuple)})


def _article(number: int, values: dict[str, object]) -> Article:
    record = Article(path=Path(f"content/articles/{number}.md"), title=f"Story {number}",
                     date=DAYS[0], body="Text.", slug="")
    return dataclasses.replace(record, **values)


@settings(max_examples=200, deadline=None)
@given(st.lists(fields, min_size=1, max_size=8), st.sets(st.integers(0, 7), min_size=1))
def test_new_bodies_put_in_equal_grouping_afresh(start: list[dict[str, object]],
                                                 picks: set[int]) -> None:
    articles = [_article(n, values) for n, values in enumerate(start)]
    records = {a.path: dataclasses.replace(a, body=f"New text of {a.path}.")
               for n, a in enumerate(articles) if n in picks}
    edited = [records.get(a.path, a) for a in articles]
    taxonomy, afresh = build_taxonomy(articles), build_taxonomy(edited)
    places = {a.path: n for n, a in enumerate(taxonomy.articles)}   # as `serve` holds them
    stale = {path: (n + 1) % len(places) for path, n in places.items()}
    assert with_records(taxonomy, records) == afresh
    assert with_records(taxonomy, records, places) == afresh
    assert with_records(taxonomy, records, stale) == afresh   # a place not its file's: walked


def test_only_the_groups_holding_the_edited_story_are_made_again() -> None:
    articles = [_article(0, {"date": DAYS[1], "tags": ("Gas",),
                             "speakers": (Speaker("Ann Lee", None),)}),
                _article(1, {"date": DAYS[3], "tags": ("Trade",),
                             "speakers": (Speaker("Bo Chan", None),)}),
                _article(2, {"date": DAYS[0], "tags": ("Port",)})]
    before = build_taxonomy(articles)
    story = dataclasses.replace(articles[0], body="A sentence added.")
    after = with_records(before, {story.path: story})
    assert after.tag_for("Gas") is not None and after.tag_for("Gas").articles == (story,)
    assert after.tag_for("Trade") is before.tag_for("Trade")
    assert after.tag_for("Port") is before.tag_for("Port")
    assert after.speaker_for("Bo Chan") is before.speaker_for("Bo Chan")
    untouched = {y.year: y for y in before.years}
    assert {y.year: y for y in after.years}[2023] is untouched[2023]
    march = next(m for y in after.years for m in y.months if m.month == 3)
    assert march is next(m for y in before.years for m in y.months if m.month == 3)
    assert story in next(m for y in after.years for m in y.months if m.month == 1).articles
