"""The paragraph each quote of an article comes from, kept between builds.

Speaker pages link every quote to its paragraph (`markup.paragraph_for`), which needs the
article's converted body. A speaker page lists stories from all over the site, so a publish that
shifted the speaker pages read every shard of the Markdown cache (256 files, 128 MB at 10,000
articles) to find anchors that had not changed. Here they are kept by article version
(`Versions.version`: the file's bytes and slug, the code and the settings, Markdown's
included), worked out before any page renders (over forked workers when there are many), so
forked renderers share them. Without versions (no model to name them) they are found when asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen.incremental.shape import Each, Map, Maybe
from sitegen.incremental.stores import Store
from sitegen.markup import Paragraph, paragraph_for
from sitegen.model import Article, Quote
from sitegen.parallel import map_chunks

if TYPE_CHECKING:
    from sitegen.render.fingerprint import Versions

NAME = "quote-anchors"
SHAPE = Map(str, Each(list, Maybe(str)))   # version -> the anchor of each quote, in order
# From this many articles whose anchors are not kept, they are found over forked workers (a
# tenth of a millisecond each: fewer cost less than forking a process that holds the model)
FIND_IN_WORKERS = 1000

Known = dict[Path, tuple[Sequence[Quote], list[str | None]]]
# The last build's anchors in this process: the versions of its model, the entries the store
# holds after it (saved or not), and its `QuoteAnchors._known`; a body edit of that model in
# `serve` starts from them (`QuoteAnchors`).
_last: tuple[dict[Path, str], dict[str, list[str | None]], Known] | None = None


class QuoteAnchors:
    """The id of the paragraph each quote of each article comes from (None: found in none).

    After a body edit of the model of this process's last build, with the store still holding
    what that build left (`serve`), only the files edited are looked at (`Versions.
    changed_since`): their old entries dropped, their new ones taken from the store or found,
    the others' kept as they were. The same entries as when every article is looked at (an
    article's version names its file, so it is no other's), without the 10,000 versions and
    entries gone through on each reload (0.03 s)."""

    def __init__(self, cache: Store, articles: Sequence[Article], versions: Versions | None,
                 paragraphs: Callable[[Article], tuple[Paragraph, ...]],
                 numbers: Mapping[Path, int] | None = None) -> None:
        """`numbers`: each article's place in `articles`, by file."""
        global _last
        self._paragraphs = paragraphs
        # by article file: its quotes and their anchors, in order (matched when asked for: a
        # rebuild renders a few pages, and a dict by quote text for each of 10,000 articles
        # was most of this step's cost)
        self._known: Known = {}
        if versions is None:
            return
        stored = cache.load(NAME, "", SHAPE)
        last, _last = _last, None
        changed = versions.changed_since(last[0]) \
            if last is not None and last[1] is stored and numbers is not None else None
        if last is not None and changed is not None and numbers is not None:
            kept = dict(last[1])
            self._known = dict(last[2])
            for path in changed:
                old = last[0].get(path)
                if old is not None:
                    kept.pop(old, None)
                self._known.pop(path, None)
            quoting = [(a, changed[a.path]) for a in (articles[numbers[path]] for path in changed)
                       if a.quotes]
        else:
            kept = {}
            quoting = [(a, versions.version(a)) for a in articles if a.quotes]
        missing = [a for a, key in quoting
                   if key not in stored or len(stored[key]) != len(a.quotes)]
        fresh = dict(zip((a.path for a in missing), _found(missing, paragraphs), strict=True))
        for article, key in quoting:
            anchors = fresh[article.path] if article.path in fresh else stored[key]
            kept[key] = anchors
            self._known[article.path] = (article.quotes, anchors)
        # each kept entry is the stored one unless found afresh: the same entries iff as many
        if fresh or len(kept) != len(stored):
            cache.defer(lambda: cache.save(NAME, "", kept))   # after the reload, in `serve`
            _last = (versions.versions, kept, self._known)
        else:
            _last = (versions.versions, stored, self._known)

    def of(self, article: Article, quote: Quote) -> str | None:
        """The anchor of `quote` (one of `article`'s quotes) in `article`'s body."""
        known = self._known.get(article.path)
        if known is not None:
            for each, anchor in zip(*known, strict=True):
                if each.text == quote.text:   # (one text has one anchor)
                    return anchor
        return paragraph_for(quote.text, self._paragraphs(article))


_finding: tuple[Sequence[Article], Callable[[Article], tuple[Paragraph, ...]]] | None = None


def _found(articles: Sequence[Article], paragraphs: Callable[[Article], tuple[Paragraph, ...]]
           ) -> list[list[str | None]]:
    """The anchors of each quote of each of `articles`, over forked workers when there are
    many (`parallel.map_chunks`): at 10,000 articles, matching every quote against its
    article's normalised paragraphs is a second of CPU, which a clean build spent in its
    process alone between Markdown and rendering."""
    global _finding
    _finding = (articles, paragraphs)   # what the workers, forked now, find anchors with
    try:
        return map_chunks(_find_chunk, range(len(articles))) \
            if len(articles) >= FIND_IN_WORKERS else _find_chunk(range(len(articles)))
    finally:
        _finding = None


def _find_chunk(numbers: Sequence[int]) -> list[list[str | None]]:
    """`_found` of the articles numbered (also run in forked workers)."""
    assert _finding is not None
    articles, paragraphs = _finding
    out = []
    for n in numbers:
        found = paragraphs(articles[n])
        out.append([paragraph_for(q.text, found) for q in articles[n].quotes])
    return out
