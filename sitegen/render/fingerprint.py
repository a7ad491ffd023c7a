"""Fingerprints of what an output is made from, so a rebuild renders only outputs whose inputs
changed (the rest of the site keeps its files, inodes and mtimes).

A page is a pure function of its template (covered by the render key in `sitegen.cache`) and the
values it is given; this hashes those values. Two rules keep one edit from re-rendering the site:

- An article a page shows directly (`article`, a list entry, a feed entry, a related story) counts
  whole: every field, body included, so any edit to it re-renders the page.
- An article reached through a group (a tag, a speaker, a month or a year) counts only by what
  identifies it in a list (path, slug, title, dates): a term page is re-rendered when its list
  changes, not when the text of a story on another of its pages does. Templates that show the
  *text* of a group's articles must take them from the entries they are given (docs/DESIGN.md,
  "Themes").
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import pickle
from typing import Any

from sitegen.model import Article
from sitegen.taxonomy import Month, Term, Year

_GROUPS = (Term, Month, Year)


class Fingerprints:
    """Digests of render inputs for one build (groups and articles are hashed once each).

    Inputs are pickled with articles and groups replaced by their digests; pickle's `fast` mode
    (no memo) makes the bytes depend on the values only, never on which objects are shared.
    """

    def __init__(self) -> None:
        self._articles: dict[int, bytes] = {}
        self._identities: dict[int, bytes] = {}
        self._groups: dict[int, bytes] = {}
        self._keep: list[object] = []   # keeps memoised objects alive, so no id is reused

    def of(self, *values: object) -> str:
        return hashlib.blake2b(self._pickle(values, grouped=False), digest_size=16).hexdigest()

    def _pickle(self, value: object, *, grouped: bool, refs: bool = True) -> bytes:
        buffer = io.BytesIO()
        _Pickler(buffer, self if refs else None, grouped).dump(value)
        return buffer.getvalue()

    def article(self, article: Article) -> bytes:
        """Every field, body and extra front matter included."""
        found = self._articles.get(id(article))
        if found is None:
            found = b"A" + _digest(self._pickle(article, grouped=False, refs=False))
            self._articles[id(article)] = found
            self._keep.append(article)
        return found

    def identity(self, article: Article) -> bytes:
        """What a list of a group's articles can show without its text."""
        found = self._identities.get(id(article))
        if found is None:
            found = b"I" + _digest(repr((str(article.path), article.slug, article.title,
                                         article.date, article.updated)).encode(
                "utf-8", "surrogatepass"))
            self._identities[id(article)] = found
            self._keep.append(article)
        return found

    def group(self, group: Term | Month | Year) -> bytes:
        found = self._groups.get(id(group))
        if found is None:
            fields = (type(group).__qualname__,
                      *(getattr(group, f.name) for f in dataclasses.fields(group)))
            found = b"G" + _digest(self._pickle(fields, grouped=True))
            self._groups[id(group)] = found
            self._keep.append(group)
        return found


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def _ref(digest: bytes) -> None:
    """Stands for an article or group in pickled inputs (never called: pickles are not loaded)."""


class _Pickler(pickle.Pickler):
    def __init__(self, buffer: io.BytesIO, fingerprints: Fingerprints | None,
                 grouped: bool = False) -> None:
        super().__init__(buffer, pickle.HIGHEST_PROTOCOL)
        self.fast = True   # no memo: equal values give equal bytes, shared or not
        self._fingerprints = fingerprints
        self._grouped = grouped

    def reducer_override(self, obj: object) -> Any:
        """Articles and groups by digest (C pickle skips this for str, int, list, dict...)."""
        fingerprints, kind = self._fingerprints, type(obj)
        if fingerprints is None:
            return NotImplemented
        if kind is Article:
            assert isinstance(obj, Article)
            return _ref, (fingerprints.identity(obj) if self._grouped
                          else fingerprints.article(obj),)
        if kind in _GROUPS:
            assert isinstance(obj, (Term, Month, Year))
            return _ref, (fingerprints.group(obj),)
        fields = getattr(obj, "__dataclass_fields__", None)
        if fields is not None and not isinstance(obj, type):   # entries, links, pagers...
            return _ref, (kind.__qualname__, *(getattr(obj, name) for name in fields))
        return NotImplemented
