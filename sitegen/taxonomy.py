"""Group articles by tag, speaker, year and month: the terms the site has pages for.

Names are turned into slugs here, once, so every page, link and feed agrees on them: spellings
that slugify the same ("Test", "test") are one term shown with the most common spelling, and
different names that collide ("C++" vs a hypothetical "C plus") are kept apart by suffixes.
Everything is ordered deterministically so two builds of the same content are byte-identical.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from sitegen.model import Article, Quote, name_key
from sitegen.slugs import slugify, unique_slug


@dataclass(frozen=True)
class Role:
    """A role as articles gave it, and the dates of the first and latest article giving it."""

    title: str
    first: datetime
    last: datetime


@dataclass(frozen=True)
class Companion:
    """Another speaker quoted in the same articles, and in how many."""

    name: str
    slug: str
    count: int


COMPANIONS = 5     # speakers shown as "most often quoted with"
TOP_SPEAKERS = 5   # speakers shown as a tag's most quoted


@dataclass(frozen=True)
class Term:
    """A tag or speaker: display name, slug, and its articles newest first."""

    name: str
    slug: str
    articles: tuple[Article, ...]
    quotes: tuple[tuple[Article, Quote], ...] = ()   # speakers only, newest first
    role: str | None = None                            # speakers only: latest role given
    roles: tuple[Role, ...] = ()                       # speakers only: latest first
    companions: tuple[Companion, ...] = ()             # speakers only: most shared first
    top_speakers: tuple[Companion, ...] = ()           # tags only: most quoted, count = quotes


@dataclass(frozen=True)
class Month:
    year: int
    month: int
    articles: tuple[Article, ...]

    @property
    def count(self) -> int:
        return len(self.articles)


@dataclass(frozen=True)
class Year:
    year: int
    months: tuple[Month, ...]       # newest first
    articles: tuple[Article, ...]

    @property
    def count(self) -> int:
        return len(self.articles)


@dataclass(frozen=True)
class Taxonomy:
    """All terms of a site; lookups by display name go through `tag_for` / `speaker_for`."""

    articles: tuple[Article, ...]   # newest first
    tags: tuple[Term, ...]          # by name
    speakers: tuple[Term, ...]      # by name
    years: tuple[Year, ...]         # newest first
    tag_slugs: dict[str, str]       # folded name (see `model.name_key`) -> slug
    speaker_slugs: dict[str, str]

    # Lookup tables, so rendering every article's tags stays linear in the number of articles.
    _tags: dict[str, Term] = field(init=False, repr=False, compare=False)
    _speakers: dict[str, Term] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        tags, speakers = {t.slug: t for t in self.tags}, {t.slug: t for t in self.speakers}
        object.__setattr__(self, "_tags", {k: tags[s] for k, s in self.tag_slugs.items()})
        object.__setattr__(self, "_speakers",
                           {k: speakers[s] for k, s in self.speaker_slugs.items()})

    def tag_for(self, name: str) -> Term | None:
        """The tag term for any spelling of its name, or None."""
        return self._tags.get(name_key(name))

    def speaker_for(self, name: str) -> Term | None:
        return self._speakers.get(name_key(name))


def newest_first(articles: Iterable[Article]) -> tuple[Article, ...]:
    """Newest first; ties broken by slug and path so the order never depends on input order."""
    return tuple(sorted(articles, key=lambda a: (-a.date.timestamp(), a.slug, str(a.path))))


def build_taxonomy(articles: Sequence[Article]) -> Taxonomy:
    """Tags, speakers and date archives for `articles`."""
    ordered = newest_first(articles)
    tags, tag_slugs = _terms(ordered, lambda a: a.tags)
    speakers, speaker_slugs = _terms(ordered, lambda a: tuple(s.name for s in a.speakers))
    companions = _companions(speakers, speaker_slugs)
    speakers = tuple(_with_quotes(term, speaker_slugs, companions.get(term.slug, ()))
                     for term in speakers)
    tags = tuple(_with_top_speakers(tag, speakers, speaker_slugs) for tag in tags)
    return Taxonomy(articles=ordered, tags=tags, speakers=speakers, years=years_of(ordered),
                    tag_slugs=tag_slugs, speaker_slugs=speaker_slugs)


def regroup(last: Taxonomy, articles: Sequence[Article]) -> Taxonomy:
    """`build_taxonomy(articles)`, given `last`, the taxonomy of an earlier set of articles in
    which every record not edited since is the same object: names are folded, slugs made and
    members listed again for every term (a pass over the names), but only the terms, months
    and years whose members changed are counted again (quotes, roles, companions, top
    speakers: most of a grouping) and the others are `last`'s very objects, so their digests
    can be kept too. When a name kept by some term changes its slug or display spelling, every
    term may shift, and it groups afresh."""
    ordered = newest_first(articles)
    tags, tag_slugs = _terms(ordered, lambda a: a.tags)
    speakers, speaker_slugs = _terms(ordered, lambda a: tuple(s.name for s in a.speakers))
    if not (_same_names(last.tags, last.tag_slugs, tags, tag_slugs)
            and _same_names(last.speakers, last.speaker_slugs, speakers, speaker_slugs)):
        return build_taxonomy(articles)
    held = {t.slug: t for t in last.speakers}
    moved = [t for t in speakers if not _same_members(held.get(t.slug), t)]
    recount = {t.slug for t in moved}
    companions = _companions(moved, speaker_slugs, {t.slug: t.name for t in speakers})
    speakers = tuple(_with_quotes(t, speaker_slugs, companions.get(t.slug, ())) if t.slug in recount
                     else held[t.slug] for t in speakers)
    # a speaker name no article listed before may be quoted in any tag's stories
    held_tags = {t.slug: t for t in last.tags} if speaker_slugs == last.speaker_slugs else {}
    tags = tuple(held_tags[t.slug] if _same_members(held_tags.get(t.slug), t)
                 else _with_top_speakers(t, speakers, speaker_slugs) for t in tags)
    return Taxonomy(articles=ordered, tags=tags, speakers=speakers,
                    years=years_of(ordered, last.years), tag_slugs=tag_slugs,
                    speaker_slugs=speaker_slugs)


def _same_names(last: tuple[Term, ...], last_slugs: dict[str, str], terms: tuple[Term, ...],
                slugs: dict[str, str]) -> bool:
    """Whether every name folded in both keeps its slug, and every slug in both its display
    spelling (then no other term's companions, top speakers or order shift)."""
    if any(slugs.get(key, slug) != slug for key, slug in last_slugs.items()):
        return False
    names = {t.slug: t.name for t in last}
    return all(names.get(t.slug, t.name) == t.name for t in terms)


def _same_members(last: Term | None, term: Term) -> bool:
    """Whether `term` lists the very records `last` did, in the same order."""
    return last is not None and _same_records(last.articles, term.articles)


def _same_records(last: tuple[Article, ...], now: tuple[Article, ...]) -> bool:
    return len(last) == len(now) and all(a is b for a, b in zip(last, now, strict=True))


_Names = Callable[[Article], tuple[str, ...]]


def _terms(ordered: tuple[Article, ...],
           names_of: _Names) -> tuple[tuple[Term, ...], dict[str, str]]:
    spellings: dict[str, Counter[str]] = defaultdict(Counter)   # key -> spelling counts
    members: dict[str, list[Article]] = defaultdict(list)
    for article in ordered:
        seen: set[str] = set()
        for name in names_of(article):
            name = name.strip()
            if not name:
                continue
            key = name_key(name)
            spellings[key][name] += 1
            if key not in seen:
                seen.add(key)
                members[key].append(article)

    # Keys are case/space-folded names ("Test" and "test " are one term); different keys that
    # slugify the same ("Müller", "Muller") are different terms and get suffixes,
    # assigned in a stable order (most articles first, then name) so the popular one keeps the
    # plain slug.
    def display(key: str) -> str:
        return min(spellings[key].items(), key=lambda kv: (-kv[1], kv[0]))[0]

    order = sorted(members, key=lambda k: (-len(members[k]), display(k)))
    taken: set[str] = set()
    slug_of_key: dict[str, str] = {}
    for key in order:
        slug_of_key[key] = unique_slug(slugify(display(key)), taken)
        taken.add(slug_of_key[key])

    terms = [Term(name=display(k), slug=slug_of_key[k], articles=tuple(members[k]))
             for k in members]
    terms.sort(key=lambda t: (t.name.casefold(), t.slug))
    slugs = {k: slug_of_key[k] for k in members}
    return tuple(terms), slugs


def _with_quotes(term: Term, slugs: dict[str, str],
                 companions: tuple[Companion, ...]) -> Term:
    quotes = tuple((article, quote) for article in term.articles for quote in article.quotes
                   if quote.speaker is not None and slugs.get(name_key(quote.speaker)) == term.slug)
    roles = _roles(term, slugs)
    role = roles[0].title if roles else None
    return Term(term.name, term.slug, term.articles, quotes, role, roles, companions)


def _roles(term: Term, slugs: dict[str, str]) -> tuple[Role, ...]:
    """Each distinct role (case-folded) with its date span; latest-used first."""
    spans: dict[str, Role] = {}
    for article in term.articles:   # newest first: the first spelling seen is the latest
        for speaker in article.speakers:
            if not speaker.role or slugs.get(name_key(speaker.name)) != term.slug:
                continue
            key = name_key(speaker.role)
            known = spans.get(key)
            spans[key] = (Role(speaker.role, article.date, article.date) if known is None else
                          Role(known.title, article.date, known.last))
    return tuple(sorted(spans.values(), key=lambda r: (-r.last.timestamp(), r.title)))


def _with_top_speakers(tag: Term, speakers: tuple[Term, ...], slugs: dict[str, str]) -> Term:
    """The speakers quoted most often in a tag's articles (quotes, then name)."""
    names = {t.slug: t.name for t in speakers}
    counts: Counter[str] = Counter(
        slugs[name_key(q.speaker)] for a in tag.articles for q in a.quotes
        if q.speaker is not None and name_key(q.speaker) in slugs)
    top = sorted(counts.items(), key=lambda kv: (-kv[1], names[kv[0]].casefold(), kv[0]))
    return replace(tag, top_speakers=tuple(Companion(names[s], s, n)
                                           for s, n in top[:TOP_SPEAKERS]))


def _companions(speakers: Sequence[Term], slugs: dict[str, str],
                names: dict[str, str] | None = None) -> dict[str, tuple[Companion, ...]]:
    """For each of `speakers`, the speakers most often quoted in the same articles (count, then
    name); `names`, by slug, of all the site's speakers (by default `speakers` are all)."""
    if names is None:
        names = {t.slug: t.name for t in speakers}
    together: dict[str, Counter[str]] = defaultdict(Counter)
    for term in speakers:
        for article in term.articles:
            present = sorted({slugs[name_key(s.name)] for s in article.speakers
                              if name_key(s.name) in slugs})
            for b in present:
                if b != term.slug:
                    together[term.slug][b] += 1
    return {slug: tuple(Companion(names[other], other, n) for other, n in
                        sorted(counts.items(), key=lambda kv: (-kv[1], names[kv[0]].casefold(),
                                                               kv[0]))[:COMPANIONS])
            for slug, counts in together.items()}


def years_of(ordered: tuple[Article, ...], last: tuple[Year, ...] = ()) -> tuple[Year, ...]:
    """The years and months of `ordered` (newest first), each with its articles in that order;
    a month or year of `last` (an earlier grouping) that lists the very same records is that
    object again."""
    by_month: dict[tuple[int, int], list[Article]] = defaultdict(list)
    for article in ordered:
        by_month[(article.date.year, article.date.month)].append(article)
    held_years = {y.year: y for y in last}
    held_months = {(m.year, m.month): m for y in last for m in y.months}
    years: list[Year] = []
    for year in sorted({y for y, _ in by_month}, reverse=True):
        months = tuple(_month(held_months.get((year, m)), year, m, tuple(by_month[(year, m)]))
                       for m in sorted((m for y, m in by_month if y == year), reverse=True))
        held = held_years.get(year)
        if held is not None and len(held.months) == len(months) and all(
                a is b for a, b in zip(held.months, months, strict=True)):
            years.append(held)
        else:
            years.append(Year(year, months, tuple(a for m in months for a in m.articles)))
    return tuple(years)


def _month(held: Month | None, year: int, month: int, articles: tuple[Article, ...]) -> Month:
    if held is not None and _same_records(held.articles, articles):
        return held
    return Month(year, month, articles)


TAG_KINDS = ("person", "organisation", "place", "topic")   # `ingest.tags.TAG_KINDS`, in order


def tag_kinds(taxonomy: Taxonomy) -> dict[str, str]:
    """Each tag's kind for the site, by slug: the kinds the articles' `tag_kinds` front matter
    gives it (`Article.extra`, unchecked: a value other than the four `TAG_KINDS`, in any case,
    is ignored, as is a name the article does not tag), one vote per article; the most votes
    win, a tie goes to the kind first in `TAG_KINDS`. A tag no article gives a kind is left out.
    """
    votes: dict[str, Counter[str]] = defaultdict(Counter)   # slug -> kind -> articles
    folded: dict[str, str] = {}   # name -> `name_key(name)`: names repeat across articles

    def fold(name: str) -> str:
        key = folded.get(name)
        if key is None:
            key = folded[name] = name_key(name)
        return key

    for article in taxonomy.articles:
        given = article.extra.get("tag_kinds")
        if not isinstance(given, dict) or not given:
            continue
        tagged = {fold(tag) for tag in article.tags}
        seen: set[str] = set()
        for name, kind in given.items():
            if not isinstance(name, str) or not isinstance(kind, str):
                continue
            if kind not in TAG_KINDS:
                kind = kind.strip().casefold()
            key = fold(name)
            slug = taxonomy.tag_slugs.get(key) if key in tagged else None
            if slug is None or kind not in TAG_KINDS or slug in seen:
                continue
            seen.add(slug)
            votes[slug][kind] += 1
    return {slug: min(counts, key=lambda k: (-counts[k], TAG_KINDS.index(k)))
            for slug, counts in sorted(votes.items())}


def with_records(taxonomy: Taxonomy, records: Mapping[Path, Article],
                 places: Mapping[Path, int] | None = None) -> Taxonomy:
    """`taxonomy` around `records` (by file), new records of articles it has that differ only in
    what no group is made from (a body edit): the same groups, each holding the new records.
    Only the terms, months and years that hold one are made again, found from the records'
    names and dates rather than by looking through every group (a term holds an article only
    under a name the article gives, a month only at its date), and the others are the very
    same objects. `places` (each file's place in the article list, `serve`'s held model)
    puts the records in by place: then a body edit does not walk the article list at all."""
    def swap(article: Article) -> Article:
        return records.get(article.path, article)

    def terms(held: tuple[Term, ...], touched: set[str]) -> tuple[Term, ...]:
        return tuple(t if t.slug not in touched else
                     replace(t, articles=tuple(map(swap, t.articles)),
                             quotes=tuple((swap(a), q) for a, q in t.quotes)) for t in held)

    tags: set[str] = set()
    speakers: set[str] = set()
    months: set[tuple[int, int]] = set()
    placed = None if places is None else placed_articles(taxonomy.articles, records, places)
    for old in placed or (a for a in taxonomy.articles if a.path in records):
        tags.update(t.slug for t in map(taxonomy.tag_for, old.tags) if t is not None)
        speakers.update(t.slug for t in (taxonomy.speaker_for(s.name) for s in old.speakers)
                        if t is not None)
        months.add((old.date.year, old.date.month))
    if placed is not None and places is not None:
        listed = list(taxonomy.articles)
        for old in placed:
            listed[places[old.path]] = records[old.path]
        articles = tuple(listed)
    else:
        articles = tuple(map(swap, taxonomy.articles))
    return Taxonomy(articles=articles, tags=terms(taxonomy.tags, tags),
                    speakers=terms(taxonomy.speakers, speakers),
                    years=_swapped_years(taxonomy.years, swap, months),
                    tag_slugs=taxonomy.tag_slugs, speaker_slugs=taxonomy.speaker_slugs)


def placed_articles(articles: Sequence[Article], paths: Iterable[Path],
                    places: Mapping[Path, int]) -> list[Article] | None:
    """The articles of the files `paths`, found by their `places` in `articles` (`serve`'s
    held model keeps them) instead of by a walk, in list order; None when a place does not
    hold its file."""
    numbers = []
    for path in paths:
        n = places.get(path)
        if n is None or n >= len(articles) or articles[n].path != path:
            return None
        numbers.append(n)
    return [articles[n] for n in sorted(numbers)]


def _swapped_years(years: tuple[Year, ...], swap: Callable[[Article], Article],
                   months: set[tuple[int, int]]) -> tuple[Year, ...]:
    """`years` with `swap` applied to the articles of `months` (year, month) only."""
    def month(m: Month) -> Month:
        if (m.year, m.month) not in months:
            return m
        return Month(m.year, m.month, tuple(map(swap, m.articles)))

    touched = {y for y, _ in months}
    out = []
    for year in years:
        if year.year not in touched:
            out.append(year)
            continue
        kept = tuple(map(month, year.months))
        out.append(Year(year.year, kept, tuple(a for m in kept for a in m.articles)))
    return tuple(out)
