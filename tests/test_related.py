"""Related stories: shared speakers and tags weighted by rarity and recency, deterministic, and
computed from an inverted index so large sites stay fast."""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from sitegen.model import Article, Speaker
from sitegen.related import RelatedStories
from sitegen.taxonomy import build_taxonomy
from tests.test_render import build, read

START = datetime(2022, 1, 1, tzinfo=UTC)


def art(slug: str, day: int, tags: tuple[str, ...] = (), speakers: tuple[str, ...] = ()
        ) -> Article:
    return Article(path=Path(f"{slug}.md"), title=slug.title(), body="b", slug=slug,
                   date=START + timedelta(days=day), tags=tags,
                   speakers=tuple(Speaker(s) for s in speakers))


def related(articles: list[Article], slug: str, **kw: int) -> list[str]:
    stories = RelatedStories(build_taxonomy(articles), **kw)
    article = next(a for a in articles if a.slug == slug)
    return [a.slug for a in stories.to(article)]


def test_rare_shared_terms_beat_common_ones() -> None:
    common = [art(f"filler-{i}", i, ("Russia",)) for i in range(20)]
    articles = [*common,
                art("lead", 10, ("Russia", "Kazakhstan"), ("Sergey Lavrov",)),
                art("rare-tag", 10, ("Kazakhstan",)),
                art("rare-speaker", 10, (), ("Sergey Lavrov",)),
                art("unrelated", 10, ("Energy",))]
    result = related(articles, "lead")
    assert result[:2] == ["rare-speaker", "rare-tag"]   # a person weighs more than a tag
    assert "unrelated" not in result and "lead" not in result


def test_recent_stories_beat_old_ones_with_the_same_terms() -> None:
    articles = [art("lead", 100, ("Energy",)), art("old", 10, ("Energy",)),
                art("recent", 95, ("Energy",)), art("later", 103, ("Energy",))]
    assert related(articles, "lead") == ["later", "recent", "old"]


def test_ties_break_by_date_then_slug_whatever_the_input_order() -> None:
    articles = [art("lead", 50, ("Energy",)), art("b", 40, ("Energy",)),
                art("a", 60, ("Energy",)), art("c", 60, ("Energy",))]
    expected = ["a", "c", "b"]
    for _ in range(5):
        random.shuffle(articles)
        assert related(articles, "lead") == expected


def test_no_shared_term_no_related() -> None:
    assert related([art("a", 1, ("X",)), art("b", 2, ("Y",))], "a") == []


def test_common_term_fan_out_is_capped_to_the_nearest_in_time(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from sitegen import related as module

    monkeypatch.setattr(module, "COMMON_SHARE", 2.0)  # here "Russia" may relate stories alone
    articles = [art(f"s{i:03d}", i, ("Russia",)) for i in range(300)]
    result = related(articles, "s150", fan_out=10, limit=20)
    assert len(result) == 9
    assert all(abs(int(s[1:]) - 150) <= 5 for s in result)


def test_a_term_on_most_of_the_site_never_relates_two_stories_alone() -> None:
    articles = [art(f"s{i:03d}", i, ("United States", f"Topic {i}")) for i in range(100)]
    articles += [art("lavrov", 50, ("United States", "Russia")),
                 art("talks", 52, ("United States", "Russia")),
                 art("obituary", 51, ("United States",))]
    assert related(articles, "obituary") == []
    assert related(articles, "lavrov") == ["talks"]


def test_large_site_is_computed_fast() -> None:
    rng = random.Random(7)
    tags = [f"Tag {i}" for i in range(400)]
    people = [f"Person Number{i}" for i in range(1500)]
    articles = [art(f"a{i:05d}", i // 20, tuple(rng.sample(tags[:20], 1) + rng.sample(tags, 2)),
                    tuple(rng.sample(people, 2))) for i in range(10_000)]
    taxonomy = build_taxonomy(articles)
    started = time.perf_counter()
    stories = RelatedStories(taxonomy)
    elapsed = time.perf_counter() - started
    assert all(len(stories.to(a)) == 4 for a in articles[:100])
    assert elapsed < 15, f"related stories for 10,000 articles took {elapsed:.1f}s"


def test_article_page_lists_related_stories(tmp_path: Path) -> None:
    site = build(tmp_path)
    html = read(site, "2022/11/talks/index.html")
    assert '<h2 id="related-heading">Related stories</h2>' in html
    foot = html.split("Related stories</h2>")[1]
    assert '<a href="/news/2022/12/west-looks-for-any-clue/">' in foot


def _reference(articles: list[Article], limit: int, fan_out: int) -> dict[str, list[str]]:
    """The definition, written plainly: every candidate scored, sorted, the first `limit` kept."""
    import bisect
    import math

    from sitegen import related as module

    taxonomy = build_taxonomy(articles)
    ordered = taxonomy.articles
    times = [a.date.timestamp() for a in ordered]
    terms = [module.terms_of(a, taxonomy) for a in ordered]
    by_time = sorted(range(len(ordered)), key=lambda n: times[n])
    postings: dict[str, list[int]] = {}
    for n in by_time:
        for term in terms[n]:
            postings.setdefault(term, []).append(n)
    scale = 2 ** (math.floor(4 * math.log2(len(ordered))) / 4)   # quarter doublings

    def counted(df: int) -> float:   # above fan_out, in 1/32 doublings
        return df if df <= fan_out else max(fan_out + 1, 2 ** (math.floor(32 * math.log2(df)) / 32))

    weights = {t: math.log(1 + scale / counted(len(p))) *
               (module.SPEAKER_WEIGHT if t.startswith("speaker:") else 1.0)
               for t, p in postings.items()}
    decay = -math.log(2) / (module.HALF_LIFE_DAYS * 86400)
    most = max(module.COMMON_SHARE * scale, module.COMMON_FLOOR)
    result: dict[str, list[str]] = {}
    for n, article in enumerate(ordered):
        shared: dict[int, float] = {}
        specific: set[int] = set()
        for term in terms[n]:
            posting = postings[term]
            common = len(posting) > most
            if len(posting) > fan_out:
                middle = bisect.bisect_left([times[o] for o in posting], times[n])
                start = max(0, min(middle - fan_out // 2, len(posting) - fan_out))
                posting = posting[start:start + fan_out]
            for other in posting:
                shared[other] = shared.get(other, 0.0) + weights[term]
                if not common:
                    specific.add(other)
        shared = {o: w for o, w in shared.items() if o in specific and o != n}
        scored = sorted((-w * math.exp(decay * abs(times[n] - times[o])), o)
                        for o, w in shared.items())
        result[article.slug] = [ordered[o].slug for _, o in scored[:limit]]
    return result


def test_same_result_as_scoring_every_candidate_on_random_sites() -> None:
    rng = random.Random(6)
    tags = [f"tag {i}" for i in range(25)]
    people = [f"Person {i}" for i in range(15)]
    for size, limit, fan_out in ((60, 4, 50), (300, 4, 10), (300, 1, 7), (200, 9, 50),
                                 (150, 0, 5)):
        articles = [art(f"a{i:04d}", rng.choice([rng.randint(0, 400), 7, 7, 7]),  # equal dates
                        tuple(rng.sample(tags, rng.randint(0, 4))),
                        tuple(rng.sample(people, rng.randint(0, 3))))
                    for i in range(size)]
        stories = RelatedStories(build_taxonomy(articles), limit=limit, fan_out=fan_out)
        expected = _reference(articles, limit, fan_out)
        assert {a.slug: [r.slug for r in stories.to(a)] for a in articles} == expected


def test_a_new_slug_reranks_only_stories_sharing_a_term_and_equals_a_fresh_result(
        tmp_path: Path, ranked: list[int]) -> None:
    """A title edit that changes a slug moves its story among the stories of its date (the
    tie-break): the kept result, with the stories sharing a term with it ranked again, is
    what computing everything afresh gives, and the others are not ranked again."""
    from dataclasses import replace

    from sitegen.incremental.stores import BuildCache
    from sitegen.related import related_stories

    rng = random.Random(5)
    articles = [art(f"story-{i:02d}", rng.randrange(2), (f"Topic {rng.randrange(6)}",))
                for i in range(40)]   # many ties: two dates, one of six tags each
    articles += [art(f"apart-{i}", 30 + i, ("Court",)) for i in range(5)]
    cache = BuildCache(tmp_path)
    related_stories(cache, build_taxonomy(articles))
    ranked.clear()   # only what the change ranks
    for round_, moved in enumerate((3, 17, 3, 29)):
        slug = f"{'a' if round_ % 2 else 'z'}-{moved}-{round_}"   # first or last of its date
        articles[moved] = replace(articles[moved], slug=slug)
        taxonomy = build_taxonomy(articles)
        ranked.clear()
        kept = related_stories(cache, taxonomy)
        assert 0 < len(ranked) < len(articles)   # the "apart" stories were not ranked again
        fresh = RelatedStories(taxonomy)
        assert [[r.slug for r in kept.to(a)] for a in taxonomy.articles] == \
            [[r.slug for r in fresh.to(a)] for a in taxonomy.articles], round_


def test_a_few_hundred_articles_are_ranked_again_in_this_process(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A tag or speaker edit ranks 200-300 articles again: forking workers from a process that
    holds the model (`serve`) cost more than ranking them here. The result is the same."""
    from sitegen import parallel

    rng = random.Random(8)
    tags = [f"Tag {i}" for i in range(30)]
    articles = [art(f"a{i:04d}", rng.randrange(300), tuple(rng.sample(tags, 2)))
                for i in range(600)]
    taxonomy = build_taxonomy(articles)
    parallel.set_jobs(1)
    try:
        fresh = RelatedStories(taxonomy)
    finally:
        parallel.set_jobs(None)
    parallel.set_jobs(2)

    def no_pool(*_: object, **__: object) -> None:
        pytest.fail("forked workers to rank a few hundred articles")

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", no_pool)
    try:
        some = RelatedStories(taxonomy, only=range(300))
    finally:
        parallel.set_jobs(None)
    assert [some.to(a) for a in taxonomy.articles[:300]] == \
        [fresh.to(a) for a in taxonomy.articles[:300]]
