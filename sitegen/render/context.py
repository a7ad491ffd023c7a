"""What every page renderer needs, built once per site: URLs, templates, converted bodies.

Bodies are converted once here because article pages, feeds and speaker pages (quote anchors)
all use them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from sitegen.config import Config
from sitegen.incremental.shape import Fields, Map
from sitegen.incremental.stores import ShardedStore, Store
from sitegen.markup import Paragraph
from sitegen.model import Article, Quote, Speaker, name_key
from sitegen.related import related_stories
from sitegen.render.anchors import QuoteAnchors
from sitegen.render.bodies import ConvertedBodies, convert_bodies
from sitegen.render.fingerprint import Fingerprints, Group, Versions, group_fingerprints
from sitegen.render.output import Task
from sitegen.render.reading_time import reading_minutes
from sitegen.render.teasers import Teasers
from sitegen.tag_rules import load_tag_rules
from sitegen.taxonomy import Taxonomy, Term, tag_kinds
from sitegen.theme import load_theme
from sitegen.urls import urls_for

T = TypeVar("T")


@dataclass(frozen=True)
class Body:
    html: str
    paragraphs: tuple[Paragraph, ...]
    words: int = 0

    @property
    def minutes(self) -> int:
        """Reading time in whole minutes."""
        return reading_minutes(self.words)


@dataclass(frozen=True)
class QuoteLink:
    """A quote and the URL of the paragraph it comes from (the article when none matches)."""

    text: str
    url: str


@dataclass(frozen=True)
class PullQuote:
    """An article's leading quote as a page pulls it out: an excerpt (its first sentence when
    that is long enough, else cut at a word with an ellipsis), who said it (`slug` of their
    page, or None), their role in the article, and the paragraph it comes from."""

    text: str
    speaker: str | None
    role: str | None
    slug: str | None
    url: str


@dataclass(frozen=True)
class TermLink:
    """A tag or speaker as an article page shows it: its name and where its page is.

    Not the whole `Term`: an article page that carried the term's article list would have to be
    re-rendered whenever any story joins the tag.
    """

    name: str
    slug: str


@dataclass(frozen=True)
class Entry:
    """An article in a list: the record, its URL, and (on speaker pages) that speaker's quotes."""

    article: Article
    url: str
    quotes: tuple[QuoteLink, ...] = ()


_SENTENCE_END = re.compile(r"(?<=[.!?])[’”\"]?\s+(?=[A-Z“\"‘])")


def excerpt(text: str, limit: int = 200) -> str:
    """A quote short enough to pull out: its first sentence when that has five words or more
    and fits `limit` characters, else the text cut at a word before `limit` with "…"; a
    trailing comma (from `"…," he said`) dropped."""
    text = " ".join(text.split()).rstrip(" ,;:")
    first = _SENTENCE_END.split(text, maxsplit=1)[0].rstrip(" ,;:")
    if len(first.split()) >= 5 and len(first) <= limit:
        return first
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:-–—")
    return f"{cut}…"


def _term_link(term: Term | None) -> TermLink | None:
    return TermLink(term.name, term.slug) if term else None


def plain_speakers(speakers: Sequence[tuple[Speaker, TermLink | None]]) -> tuple[object, ...]:
    """An article's speakers and their links (`SiteContext.speaker_links`) as plain values, for
    the sources of an output that shows them (they are repr'd to fingerprint)."""
    return tuple((s.name, s.role, t and (t.name, t.slug)) for s, t in speakers)


def known_tag_kinds(cache: Store, taxonomy: Taxonomy, structure: str | None) -> dict[str, str]:
    """`tag_kinds(taxonomy)`, or the last build's while `structure` (`snapshot.Model.structure`:
    every file's front matter, where the kinds are) is unchanged: 0.1 s at 10,000 articles."""
    if structure is not None:
        stored = cache.load("kinds", structure, Fields({"kinds": Map(str, str)})).get("kinds")
        if isinstance(stored, dict):
            return stored
    kinds = tag_kinds(taxonomy)
    if structure is not None:
        cache.save("kinds", structure, {"kinds": kinds})
    return kinds


def _keyed_groups(taxonomy: Taxonomy) -> list[tuple[Group, str | None]]:
    """Every (group, kind) pair, in the order their digests are stored (`group_fingerprints`)."""
    return [*((t, "tags") for t in taxonomy.tags),
            *((t, "speakers") for t in taxonomy.speakers),
            *((y, None) for y in taxonomy.years),
            *((m, None) for y in taxonomy.years for m in y.months)]


def term_owner(kind: str, term: Term) -> tuple[str, str]:
    """What owns a term's outputs (`SiteContext.owners`): its kind and slug."""
    return kind, term.slug


class SiteContext:
    """Shared state of one render: config, URLs, the Jinja environment and article bodies."""

    def __init__(self, articles: Sequence[Article], taxonomy: Taxonomy, config: Config,
                 versions: Versions | None, cache: ShardedStore) -> None:
        self.config = config
        self.taxonomy = taxonomy
        self.urls = urls_for(config)   # its memo kept while the settings stay
        self.env = load_theme(config, cache.folder("jinja"))
        structure = versions.structure if versions else None
        # related stories and tag kinds are made of no title: reused while the layout stays
        layout = (versions.layout or versions.structure) if versions else None
        # Cached by text hash in .sitegen-cache/, the rest converted over processes, which
        # start now: related stories, group digests and the render's tasks are made here
        # meanwhile (`take_bodies`)
        converting = convert_bodies(cache, config, [a.body for a in articles])
        self.related = related_stories(cache, taxonomy, layout)   # reused while terms stay
        self.templates: set[str] = set()   # the templates pages were given, to compile once
        self.fp = Fingerprints(versions.version if versions else None)
        # each list entry's HTML made once per article version (`teasers.py`)
        self.teasers = Teasers(cache, config, self.env, self.fp.article)
        self.env.globals["teaser_html"] = self.teasers.html
        if versions is not None and structure is not None:   # reused while the structure stays
            groups = _keyed_groups(taxonomy)
            earlier = versions.grouped_from
            self.fp.know_groups(groups, group_fingerprints(
                cache, structure, groups, lambda keyed: self.fp.group(*keyed),
                self.fp.know_groups,
                (_keyed_groups(earlier[0]), earlier[1]) if earlier is not None else None))
        self._numbers = {a.path: n for n, a in enumerate(articles)}   # by article file
        self._bodies: dict[Path, Body] = {}
        self._taking: tuple[Sequence[Article], Callable[[], ConvertedBodies],
                            Versions | None] | None = (articles, converting, versions)
        self._cache, self._structure = cache, layout
        self._kinds: dict[str, str] | None = None
        # Whether the output at a path is kept as the last build made it, known without its
        # sources (`render._keeps`); the page functions then give a `kept_task`.
        self.kept: Callable[[str], bool] = _never
        # The outputs of one article (its page, its card) or one term (its pages, feed, card)
        # are its "owner"'s: `only`, when set, names the owners whose outputs are made at all
        # (a held body edit, `render._narrow`; the others' files are kept without a task), and
        # `origins`, when set, is told each such output's owner (for the next build's `only`).
        self.only: frozenset[object] | set[object] | None = None
        self.origins: dict[str, object] | None = None
        self.pages: list[str] = []   # the site's pages in order (`render._outputs`)
        # On a frame edit with `only` set, the last build's owner of each output: the pages of
        # the owners walked are found again (`render._moved_pages`), the others' are `pages`.
        self.moved: dict[str, object] | None = None

    def owners(self, items: Sequence[T], owner: Callable[[T], object]) -> Sequence[T]:
        """`items` whose outputs are made: all of them, or those `only` names."""
        only = self.only
        return items if only is None else [item for item in items if owner(item) in only]

    def owned_articles(self) -> Sequence[Article]:
        """The articles whose outputs are made (`owners` of the articles, owned by their
        file): all, or those `only` names, in order, found by number: a held body edit names a
        few of 10,000, which are not walked."""
        only, articles = self.only, self.taxonomy.articles
        if only is None:
            return articles
        numbers = self._numbers
        return [articles[n] for n in sorted(numbers[o] for o in only if o in numbers)]

    def owned(self, path: str, owner: object) -> str:
        """`path`, an output of `owner`, noted in `origins` (when a build asks for them)."""
        if self.origins is not None:
            self.origins[path] = owner
        return path

    def tag_kinds(self) -> dict[str, str]:
        """Each tag's kind by slug (`taxonomy.tag_kinds`), worked out once per build, and taken
        from the last build's while the structure (all front matter) is unchanged; a kind
        `content/tags.toml` gives a tag (`[kinds]`) wins."""
        if self._kinds is None:
            kinds = dict(known_tag_kinds(self._cache, self.taxonomy, self._structure))
            for name, kind in load_tag_rules(self.config.content_path).kinds.items():
                slug = self.taxonomy.tag_slugs.get(name_key(name))
                if slug is not None:   # a name no article tags says nothing
                    kinds[slug] = kind
            self._kinds = kinds
        return self._kinds

    def take_bodies(self) -> None:
        """The converted bodies taken (waiting for the Markdown workers) and the quote anchors
        found: what pages are rendered from, not what their tasks are made of, so the caller
        makes its tasks while the workers convert, and calls this before rendering (else the
        first page rendered does, in each renderer forked)."""
        if self._taking is not None:
            articles, converting, versions = self._taking
            self._taking = None
            self._converted = converting()
            self._anchors = QuoteAnchors(self._cache, articles, versions, self._paragraphs,
                                         self._numbers)

    def body(self, article: Article) -> Body:
        found = self._bodies.get(article.path)
        if found is None:   # read from the cache only for the pages rendered
            self.take_bodies()
            found = self._bodies[article.path] = Body(
                *self._converted[self._numbers[article.path]])
        return found

    def _paragraphs(self, article: Article) -> tuple[Paragraph, ...]:
        """`article`'s paragraphs, its body not kept (anchors are found for every article)."""
        found = self._bodies.get(article.path)
        return found.paragraphs if found else self._converted[self._numbers[article.path]][1]

    def entry(self, article: Article) -> Entry:
        return Entry(article, self.urls.article(article))

    def quote_link(self, article: Article, quote: Quote) -> QuoteLink:
        url = self.urls.article(article)
        self.take_bodies()
        anchor = self._anchors.of(article, quote)
        return QuoteLink(quote.text, f"{url}#{anchor}" if anchor else url)

    def lead_quote(self, article: Article) -> Quote | None:
        """The quote to pull out of `article`, of those with a speaker (an unattributed quote is
        never pulled out): one of five words or more (else any), the one whose paragraph comes
        first (a quote found in no paragraph last), then the first listed."""
        said = [(n, q) for n, q in enumerate(article.quotes) if q.speaker]
        if not said:
            return None
        paragraphs = self.body(article).paragraphs   # (bodies and anchors taken)
        order = {p.id: n for n, p in enumerate(paragraphs)}

        def rank(numbered: tuple[int, Quote]) -> tuple[bool, int, int]:
            n, quote = numbered
            anchor = self._anchors.of(article, quote)
            return (len(quote.text.split()) < 5,
                    order.get(anchor, len(order)) if anchor else len(order), n)

        return min(said, key=rank)[1]

    def speaker_links(self, article: Article) -> tuple[tuple[Speaker, TermLink | None], ...]:
        """Each speaker of `article` and the page of theirs it links to (None without one)."""
        linked = "speakers" in self.config.taxonomies
        return tuple((s, _term_link(self.taxonomy.speaker_for(s.name)) if linked else None)
                     for s in article.speakers)

    def pull_quote(self, article: Article,
                   speakers: Sequence[tuple[Speaker, TermLink | None]]) -> PullQuote | None:
        """`lead_quote(article)` as pages show it: its speaker's role and page are those of
        `speakers` (`speaker_links(article)`, which a page showing it fingerprints), so it
        depends on nothing else."""
        quote = self.lead_quote(article)
        if quote is None:
            return None
        said = name_key(quote.speaker) if quote.speaker else None
        speaker, link = next(((s, t) for s, t in speakers if name_key(s.name) == said),
                             (None, None))
        return PullQuote(excerpt(quote.text), quote.speaker, speaker.role if speaker else None,
                         link.slug if link else None, self.quote_link(article, quote).url)

    def term_url(self, kind: str, term: Term) -> str:
        return self.urls.term(kind, term.slug)

    @property
    def site(self) -> dict[str, Any]:
        """The `site` variable of every template."""
        c = self.config
        return {"title": c.title, "description": c.description, "language": c.language,
                "url": c.site_url, "base_path": c.base_path, "author": c.author,
                "taxonomies": [t for t in ("tags", "speakers") if t in c.taxonomies],
                "search": c.search,
                "extra": c.extra}

    def page(self, template: str, url: str, sources: tuple[object, ...],
             values: Callable[[], dict[str, Any]]) -> Task:
        """The page at `url`, rendered from `template` with `values()` when it is rendered at all.

        `values()` must depend on nothing but `sources` and the settings: the page's fingerprint
        is taken from `sources`, so it is rendered again only when they change. Besides what the
        template uses, `values()` gives `title` and optionally `description`, `kind`, `feed`,
        `jsonld`, `image` (the absolute URL of its card image) and `image_alt` (the `page`
        variable).
        """
        self.templates.add(template)
        return Task(self.urls.output_file(url), (template, url, *sources),
                    partial(self.render, template, url, values))

    def render(self, template: str, url: str, values: Callable[[], dict[str, Any]]) -> bytes:
        given = dict(values())
        meta = {"title": given.pop("title"),
                "description": given.pop("description", "") or self.config.description,
                "url": url, "canonical": self.urls.absolute(url),
                "type": given.pop("kind", "website"), "feed": given.pop("feed", None),
                "jsonld": given.pop("jsonld", None), "image": given.pop("image", None),
                "image_alt": given.pop("image_alt", None)}
        html = self.env.get_template(template).render(
            site=self.site, urls=self.urls, page=meta, **given)
        return html.encode("utf-8")


def _never(path: str) -> bool:
    return False
