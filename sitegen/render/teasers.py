"""List entries as HTML, made once per article version and reused on every page that lists it.

A list page (a front page, a tag or speaker page, a month) is mostly entries another page showed
last build: a new story shifts ~1,900 of them by one at 10,000 articles. The theme still decides
an entry's markup: its `teaser(entry, heading_level)` macro in `_macros.html`, which
`article_list` calls through the `teaser_html` global. That macro is taken from the template
made with no page context (only its arguments, filters and globals), so its HTML depends on the
entry and the level alone, and on the templates and settings (`Teasers.key`). An entry without
quotes is kept between builds (`teasers/`, 256 shards, by its article's version, level and
URL); one with quotes (a speaker page's: unique to that speaker and story) only while the process
renders.

Pages render in forked workers: each loads the shards it needs and hands the entries it made back
with its pages (`take`); the building process writes them (`save`), dropping from each shard it
rewrites the entries of article versions the site no longer has.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from markupsafe import Markup

from sitegen.config import Config
from sitegen.incremental.inputs import digest
from sitegen.incremental.shape import Map
from sitegen.incremental.stores import Store
from sitegen.model import Article

if TYPE_CHECKING:
    import jinja2


class _Quote(Protocol):
    @property
    def text(self) -> str: ...
    @property
    def url(self) -> str: ...


class Entry(Protocol):
    """What a teaser is given: `render.context.Entry` (the article, its URL and, on a speaker
    page, that speaker's quotes), seen only as far as its key needs."""

    @property
    def article(self) -> Article: ...
    @property
    def url(self) -> str: ...
    @property
    def quotes(self) -> Sequence[_Quote]: ...

NAME = "teasers"
MACROS, MACRO = "_macros.html", "teaser"
_HEX = frozenset("0123456789abcdef")


def _shard_of(key: str) -> str:
    """The shard of an entry: the first two hex digits of its article's version (a digest of
    the key for any other version, so a shard name is always two hex digits)."""
    head = key[:2]
    return head if len(head) == 2 and _HEX.issuperset(head) else digest(key)[:2]


class Teasers:
    """The `teaser_html(entry, heading_level)` of one render: the theme's `teaser` macro for an
    entry, rendered once per entry (article version, URL, quotes, level) and reused."""

    def __init__(self, cache: Store, config: Config, env: jinja2.Environment,
                 version: Callable[[Article], str]) -> None:
        self._cache, self._config, self._env, self._version = cache, config, env, version
        self._key: str | None = None
        self._macro: Callable[[Any, int], str] | None = None
        self._shards: dict[str, dict[str, Any]] = {}   # loaded: entry key -> [version, html]
        self._quoted: dict[tuple[object, ...], Markup] = {}   # entries with quotes, this process
        self._made: dict[str, list[str]] = {}   # rendered here since the last `take`

    @property
    def key(self) -> str:
        """What an entry's HTML depends on besides the entry: the settings and every template
        the theme has (the one a name resolves to, site's first)."""
        if self._key is None:
            loader = self._env.loader
            names = sorted(self._env.list_templates())
            sources = [loader.get_source(self._env, name)[0] if loader else "" for name in names]
            self._key = digest(repr(self._config), *names, *sources)
        return self._key

    def html(self, entry: Entry, level: int = 2) -> Markup:
        """The theme's teaser of `entry` at heading `level`."""
        version = self._version(entry.article)
        if entry.quotes:
            plain = (version, entry.url, level, tuple((q.text, q.url) for q in entry.quotes))
            found = self._quoted.get(plain)
            if found is None:
                found = self._quoted[plain] = self._render(entry, level)
            return found
        key = f"{version} {level} {entry.url}"
        shard = self._shard(_shard_of(key))
        stored = shard.get(key)
        if type(stored) is list and len(stored) == 2 and type(stored[1]) is str \
                and stored[0] == version:
            return Markup(stored[1])
        made = self._render(entry, level)
        shard[key] = self._made[key] = [version, str(made)]
        return made

    def _render(self, entry: Entry, level: int) -> Markup:
        if self._macro is None:
            module = self._env.get_template(MACROS).module
            macro = getattr(module, MACRO, None)
            if not callable(macro):
                import jinja2

                raise jinja2.TemplateRuntimeError(
                    f"teaser_html needs a `{MACRO}(entry, heading_level)` macro in {MACROS}")
            self._macro = macro
        return Markup(self._macro(entry, level))

    def _shard(self, name: str) -> dict[str, Any]:
        shard = self._shards.get(name)
        if shard is None:   # a copy: the store may hold what it read for the next build
            shard = self._shards[name] = dict(self._cache.load(f"{NAME}/{name}", self.key,
                                                               Map(str, list)))
        return shard

    def take(self) -> dict[str, list[str]]:
        """The entries rendered in this process since the last call (to hand to `save`)."""
        made, self._made = self._made, {}
        return made

    def save(self, made: dict[str, list[str]], versions: Iterable[str]) -> None:
        """Write entries rendered in this build (here or in workers) into their shards, which
        keep only entries of the article `versions` the site has now."""
        if not made:
            return
        live = set(versions)
        by_shard: dict[str, dict[str, list[str]]] = {}
        for key, value in made.items():
            by_shard.setdefault(_shard_of(key), {})[key] = value
        for name, values in sorted(by_shard.items()):
            kept = {k: v for k, v in self._shard(name).items()
                    if type(v) is list and v and v[0] in live}
            kept.update(values)
            self._shards[name] = dict(kept)
            self._cache.save(f"{NAME}/{name}", self.key, kept)
