"""Related stories: shared speakers and tags weighted by rarity and recency, deterministic, and
computed from an inverted index so large sites stay fast."""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

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


def test_common_term_fan_out_is_capped_to_the_nearest_in_time() -> None:
    articles = [art(f"s{i:03d}", i, ("Russia",)) for i in range(300)]
    result = related(articles, "s150", fan_out=10, limit=20)
    assert len(result) == 9
    assert all(abs(int(s[1:]) - 150) <= 5 for s in result)


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
