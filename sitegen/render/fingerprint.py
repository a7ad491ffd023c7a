"""Fingerprints of what an output is made from, so a rebuild renders only outputs whose inputs
changed (the rest of the site keeps its files, inodes and mtimes).

A page is a pure function of its template (covered by `incremental.inputs.render_key`) and its
sources: plain values (text, numbers, tuples of them) and the digests given here. Two rules keep
one edit from re-rendering the site:

- An article a page shows directly (`article`, a list entry, a feed entry, a related story) counts
  whole (`article()`): every field, body included, so any edit to it re-renders the page.
- An article reached through a group (a tag, a speaker, a month or a year; `group()`) counts only
  by what identifies it in a list (path, slug, title, dates): a term page is re-rendered when its
  list changes, not when the text of a story on another of its pages does. Templates that show
  the *text* of a group's articles must take it from the entries they are given (docs/DESIGN.md,
  "Themes").
"""

from __future__ import annotations

import dataclasses
import hashlib
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from sitegen.incremental.shape import Each, Fields
from sitegen.incremental.stores import Store
from sitegen.model import Article, Quote, record_bytes
from sitegen.taxonomy import Month, Taxonomy, Term, Year

# Every field of a quote, read in C: a field added to `Quote` later enters the digest by itself.
_QUOTE_FIELDS = operator.attrgetter(*(f.name for f in dataclasses.fields(Quote)))


class Versions(Protocol):
    """What the model stage (`snapshot.Model`) gives the renderer to fingerprint quickly."""

    @property
    def structure(self) -> str:
        """A digest that changes whenever any group (tag, speaker, month, year) may have."""

    @property
    def layout(self) -> str:
        """`structure` but for titles ("" when not known): while it stays, no list, group, count
        or related story changed, only what the groups' digests and the articles' versions
        show."""

    @property
    def frame(self) -> str:
        """`layout` but for each article's tags, speakers and quotes, with every term's slug and
        name ("" when not known): while it stays, every list by date, month, year, term name
        and page count of a date list is as it was; only some terms' members (and so some
        related stories) may differ."""

    @property
    def grouped_from(self) -> tuple[Taxonomy, str] | None:
        """The earlier taxonomy this one was regrouped from, with its `structure` (None when
        grouped afresh): each group kept from it is its very object."""

    @property
    def versions(self) -> dict[Path, str]:
        """Each article's version, by file."""

    def version(self, article: Article) -> str:
        """A digest that changes whenever any field of `article` may have."""

    def changed_since(self, versions: dict[Path, str]) -> Mapping[Path, str] | None:
        """The article files whose version may differ from `versions` (an earlier build's),
        with their version now (the others' are those), when known; else None."""


Group = Term | Month | Year


def group_key(group: Group, kind: str | None = None) -> tuple[object, ...]:
    """What tells a group from every other of one build: a month or year by its date, a term
    by its kind and slug (unique within a kind)."""
    if isinstance(group, Month):
        return ("month", group.year, group.month)
    if isinstance(group, Year):
        return ("year", group.year)
    if kind is None:
        raise TypeError(f"the term {group.slug!r} is fingerprinted without its kind")
    return (kind, group.slug)


AGGREGATE = "aggregate"


def aggregate_key(name: tuple[object, ...]) -> tuple[object, ...]:
    """The key of an aggregate (`Fingerprints.aggregate`) among the groups: no group's (a
    group key starts with "month", "year" or a taxonomy's name)."""
    return (AGGREGATE, *name)


class Fingerprints:
    """Digests of render sources for one build; each article and group is hashed once.

    `versions(article)`, when given, is a digest that changes whenever any field of the article
    may have (`snapshot.Model.version`: its file's bytes and its slug); it stands in for hashing
    the whole record.
    """

    def __init__(self, versions: Callable[[Article], str] | None = None) -> None:
        self._versions = versions
        self._articles: dict[Path, str] = {}     # by article file
        self._identities: dict[Path, str] = {}
        self._groups: dict[tuple[object, ...], str] = {}   # by `group_key`

    def of(self, *sources: object) -> str:
        """The fingerprint of an output's sources (their repr: plain values compare by value)."""
        return self.of_repr(repr(sources))

    def of_repr(self, sources: str) -> str:
        """`of(*inputs)` given `repr(inputs)` (which the caller reads too)."""
        return _digest(sources)

    def article(self, article: Article) -> str:
        """Every field, body and extra front matter included."""
        found = self._articles.get(article.path)
        if found is None:
            found = self._articles[article.path] = (
                self._versions(article) if self._versions else _digest_bytes(record_bytes(article)))
        return found

    def articles(self, articles: Iterable[Article]) -> tuple[str, ...]:
        return tuple(map(self.article, articles))

    def group(self, group: Group, kind: str | None = None) -> str:
        """A tag, speaker, month or year: its fields, its articles by identity only. `kind`
        ("tags" or "speakers") is a term's: a tag and a speaker may share a slug."""
        key = group_key(group, kind)
        found = self._groups.get(key)
        if found is None:
            found = self._groups[key] = _digest(repr(self._plain(group)))
        return found

    def groups(self, groups: Iterable[Group], kind: str | None = None) -> tuple[str, ...]:
        return tuple(self.group(group, kind) for group in groups)

    def know_groups(self, groups: Sequence[tuple[Group, str | None]],
                    digests: Sequence[str]) -> None:
        """Take these (group, kind) digests as given (`group()` of equal groups in an earlier
        build)."""
        for (group, kind), found in zip(groups, digests, strict=True):
            self._groups[group_key(group, kind)] = found

    def known_groups(self) -> dict[tuple[object, ...], str]:
        """The digest of every group and aggregate fingerprinted so far, by `group_key` or
        `aggregate_key`."""
        return self._groups

    def aggregate(self, name: tuple[object, ...], value: object) -> str:
        """The digest of `value`, something an output shows that is worked out over many
        articles or groups (terms with their counts and kinds, a list of pages), registered as
        `aggregate_key(name)` like a group's: put among an output's sources instead of the plain
        value, it makes the output a reader of it, so a long-lived process's next build makes
        the output again exactly when the value changed (`render._keeps`). The output must
        work it out before asking `ctx.kept` (an output whose aggregate is not known by then is
        not kept)."""
        key = aggregate_key(name)
        found = self._groups[key] = _digest(repr((key, value)))
        return found

    def _identity(self, article: Article) -> str:
        found = self._identities.get(article.path)
        if found is None:
            found = self._identities[article.path] = _digest(repr(
                (str(article.path), article.slug, article.title, article.date, article.updated)))
        return found

    def _plain(self, value: object) -> object:
        """`value` with articles as identities and nested groups as digests."""
        if isinstance(value, Article):
            return self._identity(value)
        if isinstance(value, (Term, Month, Year)):
            return (type(value).__qualname__, *(self._plain_field(getattr(value, f.name))
                                                for f in dataclasses.fields(value)))
        return value

    def _plain_field(self, value: object) -> object:
        if isinstance(value, (Term, Month, Year)):
            return self.group(value)
        if isinstance(value, tuple) and value and type(value[0]) is Article:   # a group's list
            return tuple(map(self._identity, value))
        if isinstance(value, tuple) and value and type(value[0]) is tuple \
                and len(value[0]) == 2 and type(value[0][0]) is Article:    # a speaker's quotes
            return tuple((self._identity(a), _QUOTE_FIELDS(q)) for a, q in value)
        if isinstance(value, tuple):
            return tuple(map(self._plain_field, value))
        return self._plain(value)


def _digest(text: str) -> str:
    return _digest_bytes(text.encode("utf-8", "surrogatepass"))


def _digest_bytes(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


# The groups this process fingerprinted last, with their digests, by the identity of the
# (group, kind) pair's group: a group is immutable and its digest a function of it alone, and
# `taxonomy.regroup` hands a held model's unchanged groups on as the same objects.
_last: dict[tuple[int, object], tuple[object, str]] = {}


def group_fingerprints(cache: Store, structure: str, groups: Sequence[Any],
                       fingerprint: Callable[[Any], str],
                       know: Callable[[Sequence[Any], Sequence[str]], None] | None = None,
                       earlier: tuple[Sequence[Any], str] | None = None) -> list[str]:
    """`fingerprint(group)` of every (group, kind) pair, or the last build's while `structure`
    (`snapshot.Model.structure`, which covers all a group is made from) is unchanged; when it
    changed, the digests this process made last of the very same group objects are kept (a
    front-matter edit in `serve` fingerprints only the groups it changed), and so are those an
    earlier build stored of the `earlier` (group, kind) pairs under their structure, for the
    very same objects (a new story regrouped from the snapshot's groups in a fresh process).
    `know` is told those first (`Fingerprints.know_groups`), so a year made again does not
    hash its months again."""
    global _last
    stored = _stored_digests(cache, structure)
    if stored is not None and len(stored) == len(groups):
        computed: list[str] = stored
    else:
        last = _last
        if earlier is not None:
            last = {**_earlier(cache, *earlier), **last}
        kept = {n: held[1] for n, (group, kind) in enumerate(groups)
                if (held := last.get((id(group), kind))) is not None and held[0] is group}
        if know is not None:
            know([groups[n] for n in kept], list(kept.values()))
        computed = [kept[n] if n in kept else fingerprint(keyed)
                    for n, keyed in enumerate(groups)]
        cache.save("groups", structure, {"digests": computed})
    _last = {(id(group), kind): (group, found)
             for (group, kind), found in zip(groups, computed, strict=True)}
    return computed


def _stored_digests(cache: Store, structure: str) -> list[str] | None:
    stored = cache.load("groups", structure, Fields({"digests": Each(list, str)})).get("digests")
    return stored if isinstance(stored, list) else None


def _earlier(cache: Store, groups: Sequence[Any], structure: str
             ) -> dict[tuple[int, object], tuple[object, str]]:
    """The digests stored under `structure` of these (group, kind) pairs, by identity as
    `_last` holds them; none when they are not stored for as many groups."""
    stored = _stored_digests(cache, structure)
    if stored is None or len(stored) != len(groups):
        return {}
    return {(id(group), kind): (group, found)
            for (group, kind), found in zip(groups, stored, strict=True)}
