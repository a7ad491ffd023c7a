"""Related stories: for each article, the others sharing its rarest speakers and tags, recent first.

A shared term counts by its rarity (inverse document frequency: two stories quoting the same
rarely quoted official are closer than two stories tagged "Russia"), speakers a little more than
tags, and the score fades with the time between the stories. A term on more than 5% of the site
(and more than ten stories) adds weight but never relates two stories on its own. Computed once
for the whole site from an inverted index: an article is only ever compared with articles
sharing a term, and a very common term contributes at most `FAN_OUT` candidates (the stories
nearest in time), so the work grows with the site, not with its square. Ties break by date,
then slug (the taxonomy's order), so builds are reproducible.

The site's size enters the rarity and the 5% only as `site_scale`, the article count rounded
down to a quarter of a doubling (2 ** (k / 4): 8192, 9742, 11585, ...), and a term on more than
`FAN_OUT` stories counts its stories rounded down to a 1/32 doubling (2.2%). Were they the
counts themselves, every new or deleted story would move every term's weight a little and could
flip a near-tie anywhere, so every article would be ranked again. With the steps, a new story
changes the weight of its own terms on at most `FAN_OUT` stories (all ranked again) and, for its
terms on more, shifts their fan-out windows only near its date (only the stories whose window
moved are ranked again, unless the term's count crosses a step), and `related_stories` keeps the
rest, until the site grows or shrinks by a step (about 19%), when it ranks all. A quarter
doubling keeps the 5% between 4.2% and 5% of the site (a whole doubling: 2.5% to 5%) for one
full ranking per 19%; the 1/32 step changes a common term's weight so little that at 10,000
articles it moved no more related lists than the exact count did (`DF_STEPS`).
"""

from __future__ import annotations

import bisect
import itertools
import math
import operator
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

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
# The site's size counts in steps of a 1/SCALE_STEPS doubling (`site_scale`), the number of
# stories of a term on more than FAN_OUT in steps of a 1/DF_STEPS doubling (`_weight`): so one
# new story leaves all but its own rarer terms' weights as they were (module docstring).
SCALE_STEPS = 4
DF_STEPS = 32
FAN_OUT = 50           # candidates one term may contribute: its stories nearest in time
SPEAKER_WEIGHT = 1.5   # a shared person says more than a shared topic
HALF_LIFE_DAYS = 30.0  # a story a month away counts half
_DECAY = -math.log(2) / (HALF_LIFE_DAYS * 86400)   # per second
_WEIGHT = operator.itemgetter(1)
# Fewer articles to rank again than this are ranked in this process: a tag or speaker edit at
# 10,000 articles ranks 250-520 again (0.14 ms each), less than starting two workers forked
# from a process holding the model (`serve`) costs (docs/PERFORMANCE.md).
RANK_IN_PROCESS = 1000


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
                 terms: list[tuple[str, ...]] | None = None, index: _Index | None = None
                 ) -> None:
        """`only`: the numbers (in `taxonomy.articles`) of the articles to rank; the others
        get none. `terms`: each article's `terms_of`, and `index` their `_build_index`, when the
        caller has them already."""
        self.limit = limit
        self.fan_out = fan_out
        self._articles = taxonomy.articles
        self._times = [a.date.timestamp() for a in self._articles]
        self._terms = terms if terms is not None else [terms_of(a, taxonomy)
                                                        for a in self._articles]
        self._index = index if index is not None else _build_index(self._times, self._terms,
                                                                   fan_out)
        global _computing
        _computing = self   # what the forked workers of `map_chunks` compute with
        numbers = range(len(self._articles)) if only is None else sorted(only)
        try:
            ranked = map_chunks(_rank_chunk, numbers) if len(numbers) >= RANK_IN_PROCESS \
                else _rank_chunk(numbers)
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
        weights, common = self._index.weights, self._index.common
        found: list[tuple[str, Collection[int]]] = [(term, self._candidates(term, when))
                                                    for term in terms]
        if not common.isdisjoint(terms):
            # Only stories sharing a specific term are kept: the others a common term gives
            # are not even summed (0.25 s of 0.85 s at 10,000 articles). In what order stories
            # are summed does not matter (below), only each story's own order of terms.
            specific = set().union(*(others for term, others in found if term not in common))
            found = [(term, specific.intersection(others) if term in common else others)
                     for term, others in found]
        # Summed in term order, as always (floating point): the first term's weight is the sum
        # so far (0.0 + w is w), later terms add theirs.
        (first, others), *rest = found
        shared = dict.fromkeys(others, weights[first])
        get = shared.get
        for term, others in rest:
            weight = weights[term]
            for other in others:
                shared[other] = get(other, 0.0) + weight
        shared.pop(n, None)
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
        start = _window(self._index.times[term], when, self.fan_out)
        return posting[start:start + self.fan_out]


def _window(times: list[float], when: float, fan_out: int) -> int:
    """Where the `fan_out` stories of a term (its stories' `times`, oldest first) nearest in
    time to `when` start: a window centred on `when`, kept inside the term's stories."""
    middle = bisect.bisect_left(times, when)
    return max(0, min(middle - fan_out // 2, len(times) - fan_out))


def terms_of(article: Article, taxonomy: Taxonomy) -> tuple[str, ...]:
    """Tag and speaker slugs, as the taxonomy merged them ("Russia" and "russia" are one)."""
    terms = {f"tag:{t.slug}" for t in map(taxonomy.tag_for, article.tags) if t}
    terms |= {f"speaker:{t.slug}" for t in (taxonomy.speaker_for(s.name)
                                            for s in article.speakers) if t}
    return tuple(sorted(terms))


def stepped(count: int, steps: int) -> float:
    """`count` rounded down to 2 ** (k / steps) (exact: the largest k with 2 ** k <=
    count ** steps), so it stays put while stories come and go (module docstring)."""
    if count < 1:
        return 1.0
    return float(2 ** (((count ** steps).bit_length() - 1) / steps))


def site_scale(total: int) -> float:
    """The number of articles as rarity and the common share see it."""
    return stepped(total, SCALE_STEPS)


def _weight(term: str, df: int, scale: float, fan_out: int) -> float:
    """A term's rarity from its document frequency `df`, stepped above `fan_out` (at most
    `fan_out` stories, a term's stories are all candidates, so any change to them ranks them
    again anyway; above, a new story only shifts the windows near it, while the weight holds),
    times its kind's weight."""
    counted = df if df <= fan_out else max(fan_out + 1, stepped(df, DF_STEPS))
    return math.log(1 + scale / counted) * (SPEAKER_WEIGHT if term.startswith("speaker:")
                                             else 1.0)


def _common(df: int, scale: float) -> bool:
    """Whether a term on `df` stories is too common to relate two stories on its own."""
    return df > max(COMMON_SHARE * scale, COMMON_FLOOR)


def _postings(times: Sequence[float], terms: Sequence[Sequence[str]],
              wanted: Collection[str] | None = None) -> dict[str, list[int]]:
    """Term -> the numbers of its articles, oldest first (equal times: by number); only the
    `wanted` terms when given."""
    postings: dict[str, list[int]] = defaultdict(list)
    for n in sorted(range(len(times)), key=times.__getitem__):
        for term in terms[n]:
            if wanted is None or term in wanted:
                postings[term].append(n)
    return dict(postings)


def _build_index(times: Sequence[float], terms: Sequence[Sequence[str]], fan_out: int) -> _Index:
    postings = _postings(times, terms)
    scale = site_scale(len(times))
    weights = {term: _weight(term, len(posting), scale, fan_out)
               for term, posting in postings.items()}
    term_times = {term: [times[n] for n in posting] for term, posting in postings.items()}
    common = frozenset(term for term, posting in postings.items()
                       if _common(len(posting), scale))
    return _Index(postings, term_times, weights, common)


# Related stories depend only on each article's terms and date, on the articles' order (the
# tie-break) and on `site_scale`: an edit to a body or a quote reuses the last build's result,
# and a change to some articles (added, deleted, redated, re-tagged, a new speaker, a new slug
# that moves a story among those of its date) ranks again only those and, of the articles
# sharing a term with one of them before or after the change, those for which the term's
# weight, status or window changed (`_carried`).


class KnownRelated:
    """Related stories of every article, as computed or as the last build left them: by
    number in `articles`, made into articles when asked for (a body edit's build asks for a
    few dozen of 10,000)."""

    def __init__(self, articles: Sequence[Article], rows: Sequence[Sequence[int]],
                 numbers: Mapping[str, int]) -> None:
        self._articles, self._rows, self._numbers = articles, rows, numbers   # by file

    def to(self, article: Article) -> tuple[Article, ...]:
        n = self._numbers.get(str(article.path))
        articles = self._articles
        return () if n is None else tuple(articles[i] for i in self._rows[n])


@dataclass(frozen=True)
class _Last:
    """The last build's result and what it was ranked from, each list in that build's order."""
    scale: float
    structure: str | None
    paths: list[str]
    slugs: list[str]
    times: list[float]
    terms: list[list[str]]
    related: list[list[int]]   # by number in this order


_RECORD = Fields({"scale": float, "structure": Maybe(str), "paths": Each(list, str),
                  "slugs": Each(list, str), "times": Each(list, float),
                  "terms": Each(list, Each(list, str)), "related": Each(list, Each(list, int))})


def _last(cache: Store) -> _Last | None:
    """The stored record, or None when there is none or it does not hold together. A record
    the store holds decoded between builds (`serve`) is checked once."""
    global _checked
    record = cache.load("related", "", _RECORD)   # keyed by nothing but sitegen's code
    if not record:
        return None
    if _checked is not None and _checked[0] is record:
        return _checked[1]
    last = _Last(**record)
    size = len(last.paths)
    if not (len(last.slugs) == len(last.times) == len(last.terms) == len(last.related) == size)\
            or len(set(last.paths)) != size \
            or any(not 0 <= n < size for row in last.related for n in row):
        return None
    _checked = record, last
    return last


# The last record `_last` checked, and what it made of it (the store's held entries are the
# same object while its file is the one this process read or wrote)
_checked: tuple[object, _Last] | None = None


def related_stories(cache: Store, taxonomy: Taxonomy,
                    structure: str | None = None) -> KnownRelated:
    """`RelatedStories(taxonomy)`, from the last build's result where it holds (`_carried`).
    With `structure` (`snapshot.Model.structure`: every slug, so the order too) unchanged since
    that build, the articles are not even looked at."""
    articles = taxonomy.articles
    last = _last(cache)
    if last is not None and structure is not None and last.structure == structure \
            and len(last.paths) == len(articles):
        return KnownRelated(articles, last.related, _numbers(last))
    else:
        terms = [terms_of(a, taxonomy) for a in articles]   # worked out once for all
        scale = site_scale(len(articles))
        found = _carried(taxonomy, terms, last) if last is not None \
            and last.scale == scale else None
        if found is None:
            number = {a.path: n for n, a in enumerate(articles)}
            computed = RelatedStories(taxonomy, terms=terms)
            found = [[number[r.path] for r in computed.to(a)] for a in articles]
        rows = found
        cache.save("related", "", {
            "scale": scale, "structure": structure, "paths": [str(a.path) for a in articles],
            "slugs": [a.slug for a in articles], "times": [a.date.timestamp() for a in articles],
            "terms": [list(t) for t in terms], "related": rows})
    return KnownRelated(articles, rows, {str(a.path): n for n, a in enumerate(articles)})


def _numbers(last: _Last) -> dict[str, int]:
    """Each file's number in `last`'s order, made once per record checked (`_last`)."""
    global _numbered
    if _numbered is None or _numbered[0] is not last:
        _numbered = last, {path: n for n, path in enumerate(last.paths)}
    return _numbered[1]


_numbered: tuple[_Last, dict[str, int]] | None = None


def _carried(taxonomy: Taxonomy, terms: list[tuple[str, ...]],
             last: _Last) -> list[list[int]] | None:
    """The related stories of `taxonomy` (whose articles have `terms`), from `last` (ranked at
    the same `site_scale`), by number: the changed articles (added, or with another date, terms
    or slug than in `last`) ranked again, and so are the articles having a *touched* term (one
    that a changed or deleted article has or had) whose weight, common status or (for a term on
    more than `FAN_OUT` stories) fan-out window around the article changed; the others are
    carried over. None when the order of the unchanged articles is not the one they had.

    Why a carried article's result cannot have changed: its candidates come only through its
    own terms. An untouched term has the same stories (none entered, left, or changed date or
    slug), in the same order (by time, then number, and the unchanged articles kept their
    relative order), the same weight (its document frequency and the scale) and status, so the
    same window, which is cut from the term's own stories around the article's own date. A
    touched term is checked: same weight, same status, and the window holds the same stories.
    So the candidates, their summed weights (in the article's term order, as before), their
    times and relative numbers (the tie-break) are the same."""
    articles = taxonomy.articles
    paths = [str(a.path) for a in articles]
    times = [a.date.timestamp() for a in articles]
    number = {p: n for n, p in enumerate(paths)}
    old_number = {p: n for n, p in enumerate(last.paths)}
    changed: set[int] = set()   # new numbers
    touched: set[str] = set()
    for n, article in enumerate(articles):
        old = old_number.get(paths[n])
        if old is None or last.slugs[old] != article.slug or last.times[old] != times[n] \
                or tuple(last.terms[old]) != terms[n]:
            changed.add(n)
            touched.update(terms[n])
    # each old number's new number, or for a changed or deleted story one no story has
    renumbered = [number[p] if number.get(p, -1) not in changed and p in number
                  else len(paths) + old for old, p in enumerate(last.paths)]
    for old, new in enumerate(renumbered):
        if new >= len(paths):
            touched.update(last.terms[old])
    if [n for n in renumbered if n < len(paths)] != \
            [n for n in range(len(paths)) if n not in changed]:
        return None   # cannot happen (the order is by date, slug, path), checked anyway
    index = _build_index(times, terms, FAN_OUT)
    again = changed | _shifted(index, touched, times, last, renumbered)
    rows: list[list[int]] = []
    for n, path in enumerate(paths):
        if n in again:
            rows.append([])
            continue
        row = [renumbered[o] for o in last.related[old_number[path]]]
        if any(o >= len(paths) for o in row):
            return None   # cannot happen: such a story shares a touched term (see above)
        rows.append(row)
    if again:
        computed = RelatedStories(taxonomy, only=again, terms=terms, index=index)
        for n in again:
            rows[n] = [number[str(r.path)] for r in computed.to(articles[n])]
    return rows


def _shifted(index: _Index, touched: set[str], times: list[float], last: _Last,
             renumbered: list[int]) -> set[int]:
    """The articles (by new number) having a touched term whose weight or status changed, or
    whose window of it holds other stories than before (`_carried`)."""
    scale = site_scale(len(times))
    old_postings = _postings(last.times, last.terms, touched)
    again: set[int] = set()
    for term in touched:
        posting = index.postings.get(term)
        if posting is None:
            continue   # on no story now
        old = old_postings.get(term, [])
        if len(posting) <= FAN_OUT or len(old) <= FAN_OUT \
                or _weight(term, len(old), scale, FAN_OUT) != index.weights[term] \
                or _common(len(old), scale) != (term in index.common):
            again.update(posting)
            continue
        was = [renumbered[o] for o in old]   # a changed story matches no story now
        old_times, now_times = [last.times[o] for o in old], index.times[term]
        for n in posting:
            start, old_start = (_window(now_times, times[n], FAN_OUT),
                                _window(old_times, times[n], FAN_OUT))
            if posting[start:start + FAN_OUT] != was[old_start:old_start + FAN_OUT]:
                again.add(n)
    return again
