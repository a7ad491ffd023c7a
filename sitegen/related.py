"""Related stories: for each article, the others sharing its rarest speakers and tags, recent first.

A shared term counts by its rarity (inverse document frequency: two stories quoting the same
rarely quoted official are closer than two stories tagged "Russia"), speakers a little more than
tags, and the score fades with the time between the stories. A term on more than 5% of the site
(and more than ten stories) adds weight but never relates two stories on its own. Computed once
for the whole site from an inverted index: an article is only ever compared with articles
sharing a term, and a very common term contributes at most `FAN_OUT` candidates (the stories
nearest in time), so the work grows with the site, not with its square. Ties break by date,
then slug (the taxonomy's order), so builds are reproducible.
"""

from __future__ import annotations

import bisect
import itertools
import math
import operator
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from sitegen.incremental.inputs import digest
from sitegen.incremental.shape import Each, Fields, Maybe
from sitegen.incremental.stores import Store
from sitegen.model import Article
from sitegen.parallel import map_chunks
from sitegen.taxonomy import Taxonomy

RELATED = 4            # stories shown under an article
# A term on more than this share of the site (and on more than COMMON_FLOOR stories) says
# nothing specific: it adds weight to other shared terms but never relates two stories alone
# (a Lavrov interview and a radio host's obituary share only "United States").
COMMON_SHARE = 0.05
COMMON_FLOOR = 10
FAN_OUT = 50           # candidates one term may contribute: its stories nearest in time
SPEAKER_WEIGHT = 1.5   # a shared person says more than a shared topic
HALF_LIFE_DAYS = 30.0  # a story a month away counts half
_DECAY = -math.log(2) / (HALF_LIFE_DAYS * 86400)   # per second
_WEIGHT = operator.itemgetter(1)


_computing: RelatedStories | None = None


def _rank_chunk(numbers: Sequence[int]) -> list[tuple[int, ...]]:
    """`_rank` of each article number, in a worker forked while `_computing` was set (only the
    numbers cross the process boundary): 1.4 s at 10,000 articles, 0.75 s over two cores."""
    assert _computing is not None
    return [_computing._rank(n) for n in numbers]


@dataclass(frozen=True)
class _Index:
    postings: dict[str, list[int]]     # term -> article numbers, by date (oldest first)
    times: dict[str, list[float]]      # term -> their timestamps, for bisecting
    weights: dict[str, float]          # term -> idf x kind weight
    common: frozenset[str]             # terms too common to relate two stories on their own


class RelatedStories:
    """`related.to(article)`: up to `RELATED` other articles, most related first."""

    def __init__(self, taxonomy: Taxonomy, *, limit: int = RELATED,
                 fan_out: int = FAN_OUT, only: Collection[int] | None = None,
                 terms: list[tuple[str, ...]] | None = None) -> None:
        """`only`: the numbers (in `taxonomy.articles`) of the articles to rank; the others
        get none. `terms`: each article's `terms_of`, when the caller has them already."""
        self.limit = limit
        self.fan_out = fan_out
        self._articles = taxonomy.articles
        self._times = [a.date.timestamp() for a in self._articles]
        self._terms = terms if terms is not None else [terms_of(a, taxonomy)
                                                        for a in self._articles]
        self._index = _build_index(self._articles, self._terms)
        global _computing
        _computing = self   # what the forked workers of `map_chunks` compute with
        numbers = range(len(self._articles)) if only is None else sorted(only)
        try:
            ranked = map_chunks(_rank_chunk, numbers)
        finally:
            _computing = None
        self._related: dict[Path, tuple[Article, ...]] = {   # by article file
            self._articles[n].path: tuple(self._articles[o] for o in found)
            for n, found in zip(numbers, ranked, strict=True)}

    def to(self, article: Article) -> tuple[Article, ...]:
        return self._related.get(article.path, ())

    def _rank(self, n: int) -> tuple[int, ...]:
        """The numbers of article n's related stories, most related first."""
        if self.limit <= 0:
            return ()
        when, terms = self._times[n], self._terms[n]
        if not terms:
            return ()
        weights, candidates, common = self._index.weights, self._candidates, self._index.common
        # Summed in term order, as always (floating point): the first term's weight is the sum
        # so far (0.0 + w is w), later terms add theirs.
        shared = dict.fromkeys(candidates(terms[0], when), weights[terms[0]])
        get = shared.get
        for term in terms[1:]:
            weight = weights[term]
            for other in candidates(term, when):
                shared[other] = get(other, 0.0) + weight
        shared.pop(n, None)
        if common:  # keep only stories that share at least one specific term
            specific: set[int] = set()
            for term in terms:
                if term not in common:
                    specific.update(candidates(term, when))
            shared = {o: w for o, w in shared.items() if o in specific}
        # Score (-w * decay factor, number), the smallest `limit` win; articles are numbered
        # newest first with slug and path breaking ties (the taxonomy's order), so the number is
        # the deterministic tie-break. The factor is at most 1, so |score| <= w: going through
        # the candidates by falling w, once w is below the last kept score's size no later one
        # can enter, and the rest need no exp(). The result is that of scoring every candidate.
        times, exp, limit = self._times, math.exp, self.limit
        ranked = sorted(shared.items(), key=_WEIGHT, reverse=True)
        best = sorted([(-w * exp(_DECAY * abs(when - times[o])), o) for o, w in ranked[:limit]])
        if len(ranked) > limit:
            last = best[-1]
            for other, w in itertools.islice(ranked, limit, None):
                if w < -last[0]:
                    break
                scored = (-w * exp(_DECAY * abs(when - times[other])), other)
                if scored < last:
                    best.pop()
                    bisect.insort(best, scored)
                    last = best[-1]
        return tuple(o for _, o in best)

    def _candidates(self, term: str, when: float) -> Sequence[int]:
        """The term's articles, or for a very common term the `fan_out` nearest in time."""
        posting = self._index.postings[term]
        if len(posting) <= self.fan_out:
            return posting
        times = self._index.times[term]
        middle = bisect.bisect_left(times, when)
        start = max(0, min(middle - self.fan_out // 2, len(posting) - self.fan_out))
        return posting[start:start + self.fan_out]


def terms_of(article: Article, taxonomy: Taxonomy) -> tuple[str, ...]:
    """Tag and speaker slugs, as the taxonomy merged them ("Russia" and "russia" are one)."""
    terms = {f"tag:{t.slug}" for t in map(taxonomy.tag_for, article.tags) if t}
    terms |= {f"speaker:{t.slug}" for t in (taxonomy.speaker_for(s.name)
                                            for s in article.speakers) if t}
    return tuple(sorted(terms))


def _build_index(articles: Sequence[Article], terms: list[tuple[str, ...]]) -> _Index:
    by_time = sorted(range(len(articles)), key=lambda n: articles[n].date.timestamp())
    postings: dict[str, list[int]] = defaultdict(list)
    for n in by_time:
        for term in terms[n]:
            postings[term].append(n)
    total = len(articles)
    weights = {term: math.log(1 + total / len(posting)) *
               (SPEAKER_WEIGHT if term.startswith("speaker:") else 1.0)
               for term, posting in postings.items()}
    times = {term: [articles[n].date.timestamp() for n in posting]
             for term, posting in postings.items()}
    most = max(COMMON_SHARE * total, COMMON_FLOOR)
    common = frozenset(term for term, posting in postings.items() if len(posting) > most)
    return _Index(dict(postings), times, weights, common)


# Related stories depend only on each article's terms and date and on the articles' order (the
# tie-break): an edit to a body, a title or a quote reuses the last build's result. A title edit
# that changes a slug may move its story among the stories of its date, which changes the
# tie-break only against that story: only the stories sharing a term with it are ranked again.


class KnownRelated:
    """Related stories of every article, as computed or as the last build left them."""

    def __init__(self, related: dict[Path, tuple[Article, ...]]) -> None:
        self._related = related   # by article file

    def to(self, article: Article) -> tuple[Article, ...]:
        return self._related.get(article.path, ())


def _layout(taxonomy: Taxonomy, terms: list[tuple[str, ...]]) -> str:
    """Each article's date and terms (`terms`, in the taxonomy's order), by file (not in the
    taxonomy's order, and not the slug: `_carried` sees to the order)."""
    return digest(repr(sorted((str(a.path), a.date.timestamp(), found)
                              for a, found in zip(taxonomy.articles, terms, strict=True))))


def related_stories(cache: Store, taxonomy: Taxonomy,
                    structure: str | None = None) -> KnownRelated:
    """`RelatedStories(taxonomy)`, or the last build's result when no article's date, tags or
    speakers changed (with the stories whose order changed, and those sharing a term with one,
    ranked again). With `structure` (`snapshot.Model.structure`: every slug, so the order too)
    unchanged since that build, the articles are not even looked at."""
    articles = taxonomy.articles
    key = ""   # nothing but sitegen's code (the store's own key)
    record = cache.load("related", key, Fields({
        "layout": str, "structure": Maybe(str), "paths": Each(list, str),
        "slugs": Each(list, str), "related": Each(list, Each(list, int))}))
    stored = record.get("related")
    paths, slugs = record.get("paths"), record.get("slugs")
    if stored is None or paths is None or slugs is None or not (
            len(stored) == len(paths) == len(slugs) == len(articles)) or any(
            not 0 <= n < len(articles) for row in stored for n in row):
        stored = None   # not a result for this many articles
    if stored is None or structure is None or record.get("structure") != structure:
        terms = [terms_of(a, taxonomy) for a in articles]   # worked out once for all three
        layout = _layout(taxonomy, terms)
        if stored is not None and paths is not None and slugs is not None \
                and record.get("layout") == layout:
            stored = _carried(taxonomy, paths, slugs, stored, terms)
        else:
            stored = None
        if stored is None:
            number = {a.path: n for n, a in enumerate(articles)}
            computed = RelatedStories(taxonomy, terms=terms)
            stored = [[number[r.path] for r in computed.to(a)] for a in articles]
        cache.save("related", key, {"layout": layout, "structure": structure,
                                    "paths": [str(a.path) for a in articles],
                                    "slugs": [a.slug for a in articles], "related": stored})
    assert isinstance(stored, list)
    return KnownRelated({a.path: tuple(articles[n] for n in stored[i])
                         for i, a in enumerate(articles)})


def _carried(taxonomy: Taxonomy, paths: list[str], slugs: list[str],
             stored: list[list[int]], terms: list[tuple[str, ...]]) -> list[list[int]] | None:
    """The last build's result (`stored`, by number in the order of `paths`, whose articles had
    `slugs`) for `taxonomy`, whose articles have the same files, dates and terms; None when the
    order changed in another way than by stories with a new slug moving.

    A story whose slug changed may have moved among the stories of its date: the order of
    every other pair stays, so an article sharing no term with a moved story has the same
    candidates, weights and tie-breaks, and keeps its result; the rest are ranked again."""
    articles = taxonomy.articles
    number = {str(a.path): n for n, a in enumerate(articles)}
    old_slugs = dict(zip(paths, slugs, strict=True))
    moved = {n for n, a in enumerate(articles) if old_slugs.get(str(a.path)) != a.slug}
    if [p for p in paths if number.get(p) not in moved] != \
            [str(a.path) for n, a in enumerate(articles) if n not in moved]:
        return None
    renumbered = [[number[paths[o]] for o in row] for row in stored]   # by old number
    old_number = {p: n for n, p in enumerate(paths)}
    rows = [renumbered[old_number[str(a.path)]] for a in articles]
    if not moved:
        return rows
    touched = {t for n in moved for t in terms[n]}
    again = moved | {n for n, found in enumerate(terms) if not touched.isdisjoint(found)}
    computed = RelatedStories(taxonomy, only=again, terms=terms)
    for n in again:
        rows[n] = [number[str(r.path)] for r in computed.to(articles[n])]
    return rows
