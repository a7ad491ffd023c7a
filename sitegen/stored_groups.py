"""The taxonomy as positions in its article list: what the snapshot keeps of the groups.

Grouping 1,000 articles again (`build_taxonomy`: names folded, slugs made, quotes, roles,
companions and top speakers counted) was the largest part of reading the snapshot back after a
body edit. A body edit changes no group, so the snapshot stores each group as the positions of
its articles in `Taxonomy.articles` (and of quotes in their article) with the values grouping
computed, all plain lists and strings that MessagePack reads in C; `groups_from_data` makes the
same terms again around the new article records. Years and months are made again (one pass over
the dates, cheaper than reading them).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sitegen.incremental.codec import Undecodable
from sitegen.incremental.shape import Each, Fields, Map, Maybe, checker
from sitegen.model import Article
from sitegen.taxonomy import Companion, Role, Taxonomy, Term, years_of

_COMPANIONS = Each(list, Each(list, object))   # [name, slug, count], checked when made
_TERM = Each(list, object)
SHAPE = Fields({
    "tags": Each(list, _TERM), "speakers": Each(list, _TERM),
    "tag_slugs": Map(str, str), "speaker_slugs": Map(str, str),
})
_ROLE = checker((str, datetime, datetime))
_STR = checker(str)
_ROLE_TITLE = checker(Maybe(str))
_INDEXES = checker(Each(list, int))


def groups_to_data(taxonomy: Taxonomy) -> dict[str, Any]:
    """`taxonomy`'s tags and speakers as positions in `taxonomy.articles`."""
    position = {str(a.path): i for i, a in enumerate(taxonomy.articles)}

    def places(articles: tuple[Article, ...]) -> list[int]:
        return [position[str(a.path)] for a in articles]

    def quotes(term: Term) -> list[list[int]]:
        return [[position[str(article.path)], article.quotes.index(quote)]
                for article, quote in term.quotes]

    def companions(values: tuple[Companion, ...]) -> list[list[Any]]:
        return [[c.name, c.slug, c.count] for c in values]

    return {
        "tags": [[t.name, t.slug, places(t.articles), companions(t.top_speakers)]
                 for t in taxonomy.tags],
        "speakers": [[t.name, t.slug, places(t.articles), quotes(t), t.role,
                      [(r.title, r.first, r.last) for r in t.roles], companions(t.companions)]
                     for t in taxonomy.speakers],
        "tag_slugs": taxonomy.tag_slugs, "speaker_slugs": taxonomy.speaker_slugs,
    }


def groups_from_data(articles: tuple[Article, ...], data: dict[str, Any]) -> Taxonomy:
    """The taxonomy `groups_to_data` was given, around `articles` (the same files, newest
    first, bodies possibly new); Undecodable when `data` does not fit them."""
    try:
        tags = tuple(_tag(articles, row) for row in data["tags"])
        speakers = tuple(_speaker(articles, row) for row in data["speakers"])
        taxonomy = Taxonomy(articles=articles, tags=tags, speakers=speakers,
                            years=years_of(articles), tag_slugs=data["tag_slugs"],
                            speaker_slugs=data["speaker_slugs"])
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        raise Undecodable(f"stored groups: {type(exc).__name__}: {exc}") from None
    return taxonomy


def _members(articles: tuple[Article, ...], indexes: Any) -> tuple[Article, ...]:
    if not _INDEXES(indexes) or (indexes and min(indexes) < 0):
        raise ValueError("article positions that are not non-negative integers")
    return tuple(articles[i] for i in indexes)


def _names(name: Any, slug: Any) -> tuple[str, str]:
    if not (_STR(name) and _STR(slug)):
        raise TypeError("a term whose name or slug is not text")
    return name, slug


def _companions(rows: Any) -> tuple[Companion, ...]:
    made = []
    for name, slug, count in rows:
        if type(count) is not int:
            raise TypeError("a companion count that is not an integer")
        made.append(Companion(*_names(name, slug), count))
    return tuple(made)


def _tag(articles: tuple[Article, ...], row: Any) -> Term:
    name, slug, indexes, top = row
    return Term(*_names(name, slug), _members(articles, indexes),
                top_speakers=_companions(top))


def _speaker(articles: tuple[Article, ...], row: Any) -> Term:
    name, slug, indexes, quotes, role, roles, companions = row
    if not _ROLE_TITLE(role) or not all(map(_ROLE, roles)):
        raise TypeError("a role that is not a title with two dates")
    said = []
    for at, number in quotes:   # checked here, not by `_members`: 30,000 quotes at 10,000
        if type(at) is not int or type(number) is not int or at < 0 or number < 0:
            raise ValueError("a quote position that is not a non-negative integer")
        article = articles[at]
        said.append((article, article.quotes[number]))
    return Term(*_names(name, slug), _members(articles, indexes), tuple(said), role,
                tuple(Role(*r) for r in roles), _companions(companions))
