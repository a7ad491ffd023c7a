"""Related stories kept from the last build: after any mix of added, deleted, redated, re-tagged,
re-attributed and renamed stories, the result (most of it carried over, the rest ranked again)
is exactly what ranking every article afresh gives, and one new story ranks few articles again."""

from __future__ import annotations

import random
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sitegen import parallel
from sitegen.incremental.stores import BuildCache
from sitegen.model import Article, Speaker
from sitegen.related import (
    COMMON_SHARE,
    DF_STEPS,
    FAN_OUT,
    RelatedStories,
    related_stories,
    site_scale,
    stepped,
)
from sitegen.taxonomy import build_taxonomy

START = datetime(2024, 3, 1, tzinfo=UTC)
TAGS = [f"Tag {i}" for i in range(30)]
PEOPLE = [f"Person Number{i}" for i in range(20)]
# Site sizes around a step of `site_scale` (2 ** 8.25 = 304.4): some runs cross it.
SIZES = st.integers(min_value=290, max_value=310)
EDITS = ("add", "delete", "redate", "retag", "speakers", "slug")


@pytest.fixture(autouse=True)
def one_process() -> Iterator[None]:
    parallel.set_jobs(1)   # hundreds of small rankings: forking would be most of the time
    yield
    parallel.set_jobs(None)


def _story(rng: random.Random, serial: int) -> Article:
    """Tag 0 is on about 60% of the site, Tag 1 on about 20% (common, and more than FAN_OUT
    stories), the rest rare; a speaker on most; dates on 40 days, so many ties."""
    tags = {TAGS[0]} if rng.random() < 0.6 else set()
    if rng.random() < 0.2:
        tags.add(TAGS[1])
    tags.update(rng.sample(TAGS[2:], rng.randint(0, 2)))
    people = rng.sample(PEOPLE, rng.choice((0, 1, 1, 2)))
    slug = f"story-{rng.randrange(50)}-{serial}"
    return Article(path=Path(f"s{serial}.md"), title=slug, body="b", slug=slug,
                   date=START + timedelta(days=rng.randrange(40)), tags=tuple(sorted(tags)),
                   speakers=tuple(Speaker(p) for p in people))


def _edit(rng: random.Random, site: list[Article], kind: str, serial: int) -> None:
    """Apply one edit of `kind` to a random story of `site` (or add one)."""
    if kind == "add":
        site.append(_story(rng, serial))
        return
    n = rng.randrange(len(site))
    old = site[n]
    if kind == "delete":
        del site[n]
    elif kind == "redate":
        site[n] = replace(old, date=START + timedelta(days=rng.randrange(40)))
    elif kind == "retag":
        site[n] = replace(old, tags=_story(rng, serial).tags)
    elif kind == "speakers":
        site[n] = replace(old, speakers=_story(rng, serial).speakers)
    else:   # a new title's slug: the story moves among the stories of its date
        site[n] = replace(old, slug=f"story-{rng.randrange(50)}-{serial}")


def _fresh(articles: list[Article]) -> list[list[Path]]:
    taxonomy = build_taxonomy(articles)
    ranked = RelatedStories(taxonomy)
    return [[r.path for r in ranked.to(a)] for a in taxonomy.articles]


def _kept(cache: BuildCache, articles: list[Article]) -> list[list[Path]]:
    taxonomy = build_taxonomy(articles)
    kept = related_stories(cache, taxonomy)
    return [[r.path for r in kept.to(a)] for a in taxonomy.articles]


def test_the_generated_sites_have_what_the_property_needs() -> None:
    """Common terms, terms over the fan-out, ties, and sizes on both sides of a scale step."""
    rng = random.Random(1)
    site = [_story(rng, i) for i in range(300)]
    counts = {t: sum(t in a.tags for a in site) for t in TAGS}
    assert counts[TAGS[0]] > FAN_OUT and counts[TAGS[1]] > FAN_OUT
    assert counts[TAGS[1]] > COMMON_SHARE * site_scale(300) and counts[TAGS[2]] < FAN_OUT
    assert len({a.date for a in site}) < 50
    assert site_scale(290) < site_scale(310)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(seed=st.integers(0, 2 ** 32 - 1), size=SIZES,
       rounds=st.lists(st.lists(st.sampled_from(EDITS), min_size=1, max_size=4),
                       min_size=1, max_size=4))
@example(seed=1, size=304, rounds=[["add", "retag"], ["delete", "slug"]])   # a scale step each
def test_kept_result_equals_a_fresh_ranking_after_any_edits(
        seed: int, size: int, rounds: list[list[str]]) -> None:
    rng = random.Random(seed)
    site = [_story(rng, i) for i in range(size)]
    serial = size
    with tempfile.TemporaryDirectory() as folder:
        cache = BuildCache(Path(folder))
        assert _kept(cache, site) == _fresh(site)
        for edits in rounds:
            for kind in edits:
                serial += 1
                _edit(rng, site, kind, serial)
            assert _kept(cache, site) == _fresh(site), edits


def test_one_new_story_ranks_again_only_itself_and_the_stories_sharing_a_term(
        tmp_path: Path, ranked: list[int]) -> None:
    rng = random.Random(3)
    site = [_story(rng, i) for i in range(300)]
    cache = BuildCache(tmp_path)
    related_stories(cache, build_taxonomy(site))
    ranked.clear()   # only what the change ranks
    new = replace(_story(rng, 300), tags=(TAGS[5],), speakers=(Speaker(PEOPLE[7]),))
    site.append(new)
    sharing = [a for a in site if TAGS[5] in a.tags or any(s.name == PEOPLE[7]
                                                           for s in a.speakers)]
    assert 1 < len(sharing) < 60
    kept = _kept(cache, site)
    assert len(ranked) == len(sharing)   # itself and those sharing a term, not 301
    assert kept == _fresh(site)


def test_a_new_story_on_a_term_over_the_fan_out_ranks_again_only_the_windows_it_moves(
        tmp_path: Path, ranked: list[int]) -> None:
    """Tag 0 is on about 180 stories and common. A new story with it and no other term changes
    its fan-out window (the FAN_OUT stories nearest in time) only for the stories near its date;
    unless the tag's count crosses a step (`DF_STEPS`), when its weight changes for all."""
    rng = random.Random(4)
    site = [_story(rng, i) for i in range(290)]   # 298 at the end: no `site_scale` step
    cache = BuildCache(tmp_path)
    related_stories(cache, build_taxonomy(site))
    ranked.clear()   # only what the change ranks
    seen = set()
    for day in (20, 45, 0, 33, 10, 41, 25, 2):   # the middle of the dates, after all, first...
        having = sum(TAGS[0] in a.tags for a in site)
        step = stepped(having, DF_STEPS) != stepped(having + 1, DF_STEPS)
        site.append(replace(_story(rng, 400 + day), date=START + timedelta(days=day, hours=1),
                            tags=(TAGS[0],), speakers=()))
        ranked.clear()
        kept = _kept(cache, site)
        if step:
            assert len(ranked) == having + 1, day
        else:
            assert 0 < len(ranked) < (having + 1) / 3, day
        assert kept == _fresh(site), day
        seen.add(step)
    assert seen == {True, False}
