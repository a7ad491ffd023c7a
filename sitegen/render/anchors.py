"""The paragraph each quote of an article comes from, kept between builds.

Speaker pages link every quote to its paragraph (`markup.paragraph_for`), which needs the
article's converted body. A speaker page lists stories from all over the site, so a publish that
shifted the speaker pages read every shard of the Markdown cache (256 files, 128 MB at 10,000
articles) to find anchors that had not changed. Here they are kept by article version
(`Versions.version`: the file's bytes and slug, the code and the settings, Markdown's
included), worked out in the build's own process before any page renders, so forked renderers
share them. Without versions (no model to name them) they are found when asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from sitegen.incremental.shape import Each, Map, Maybe
from sitegen.incremental.stores import Store
from sitegen.markup import Paragraph, paragraph_for
from sitegen.model import Article, Quote

NAME = "quote-anchors"
SHAPE = Map(str, Each(list, Maybe(str)))   # version -> the anchor of each quote, in order


class QuoteAnchors:
    """The id of the paragraph each quote of each article comes from (None: found in none)."""

    def __init__(self, cache: Store, articles: Sequence[Article],
                 version: Callable[[Article], str] | None,
                 paragraphs: Callable[[Article], tuple[Paragraph, ...]]) -> None:
        self._paragraphs = paragraphs
        # by article file: its quotes and their anchors, in order (matched when asked for: a
        # rebuild renders a few pages, and a dict by quote text for each of 10,000 articles
        # was most of this step's cost)
        self._known: dict[Path, tuple[Sequence[Quote], list[str | None]]] = {}
        if version is None:
            return
        stored = cache.load(NAME, "", SHAPE)
        kept: dict[str, list[str | None]] = {}
        found_any = False
        for article in articles:
            quotes = article.quotes
            if not quotes:
                continue
            key = version(article)
            anchors = stored.get(key)
            if anchors is None or len(anchors) != len(quotes):
                found = paragraphs(article)
                anchors = [paragraph_for(q.text, found) for q in quotes]
                found_any = True
            kept[key] = anchors
            self._known[article.path] = (quotes, anchors)
        # each kept entry is the stored one unless found afresh: the same entries iff as many
        if found_any or len(kept) != len(stored):
            cache.save(NAME, "", kept)

    def of(self, article: Article, quote: Quote) -> str | None:
        """The anchor of `quote` (one of `article`'s quotes) in `article`'s body."""
        known = self._known.get(article.path)
        if known is not None:
            for each, anchor in zip(*known, strict=True):
                if each.text == quote.text:   # (one text has one anchor)
                    return anchor
        return paragraph_for(quote.text, self._paragraphs(article))
