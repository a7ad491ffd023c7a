"""Article bodies as HTML: Markdown converted once per text, and kept between builds.

Bodies not in the cache are converted over processes when there are many (`parallel`); cached
ones are read when a page being rendered first asks for one, a shard at a time, so a rebuild that
renders a few pages reads a few of the 256 shards. Entries are plain lists, made into records
only when used.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING, Any, TypeAlias

from sitegen.config import Config
from sitegen.incremental.inputs import digest
from sitegen.incremental.shape import Each, Fields, Map
from sitegen.incremental.stores import ShardedStore, Store
from sitegen.render.reading_time import word_count

if TYPE_CHECKING:   # Markdown is imported only by a build that converts something
    from sitegen.markup import MarkdownRenderer, Paragraph

log = logging.getLogger("sitegen.render")

# A converted body: HTML, its top-level paragraphs (quote anchors) and its word count.
Converted: TypeAlias = "tuple[str, tuple[Paragraph, ...], int]"


_renderer: tuple[Config, MarkdownRenderer] | None = None
# The text hash of each body of the last `convert_bodies` in this process, by text: a process
# that keeps its model (`serve`) hands the same strings again, whose Python hash is kept in the
# string, so only an edited body is hashed again (10,000 blake2b hashes were 0.2-0.4 s of a
# body edit's rebuild). Replaced on every call, so it holds no body the model dropped.
_hashed: dict[str, str] = {}


@contextmanager
def _markdown(config: Config) -> Iterator[None]:
    """One Markdown renderer for `_convert_chunk` while inside (workers forked inside get it)."""
    global _renderer
    from sitegen.markup import MarkdownRenderer

    _renderer = (config, MarkdownRenderer(config))
    try:
        yield
    finally:
        _renderer = None


def _convert_chunk(bodies: Sequence[str]) -> list[list[Any]]:
    """Convert Markdown bodies with one renderer (also run in forked workers), each as its
    shard holds it (`_stored`): plain lists and strings, which a worker pickles and the
    building process unpickles in C, where 150,000 `Paragraph` records at 10,000 articles
    took a Python call each way (0.2-0.3 s of CPU over both), and which go into the shards
    as they come."""
    assert _renderer is not None
    renderer = _renderer[1]
    out: list[list[Any]] = []
    for body in bodies:
        html = renderer.convert(body)
        out.append(_stored((html, renderer.paragraphs, word_count(html))))
    return out


def convert_bodies(cache: ShardedStore, config: Config,
                   bodies: Sequence[str]) -> Callable[[], ConvertedBodies]:
    """Markdown -> HTML for every body. Bodies not in the cache start converting now (over
    processes when there are many), while the caller goes on: calling what this returns
    takes them, waiting for the last, and remembers them. Cached ones are read when first asked
    for, a shard at a time, so a rebuild that renders a few pages reads a few of the 256 shards.

    `markdown-index` lists the text hashes the shards hold; without it (a first build,
    or after damage) the shards are read to make it again.
    """
    # what Markdown output depends on besides the text and sitegen's code
    key = digest(repr(config.markdown_extensions), repr(config.unsafe_html))
    global _hashed
    known = _hashed
    hashes = [known.get(b) or digest(b) for b in bodies]
    _hashed = dict(zip(bodies, hashes, strict=True))
    converted = ConvertedBodies(cache, config, key, hashes, bodies)
    index = cache.load("markdown-index", key, Fields({"hashes": Each(set, str)})).get("hashes")
    cached = index if isinstance(index, set) else set(
        cache.load_sharded("markdown", key, Map(str, list)))
    missing = sorted({h: b for h, b in zip(hashes, bodies, strict=True) if h not in cached}.items())
    finish = _converting(config, converted, missing) if missing else None

    def taken() -> ConvertedBodies:
        if finish is not None:
            finish()
        used = set(hashes)
        if used != index:
            cache.save("markdown-index", key, {"hashes": used})
        return converted

    return taken


def _converting(config: Config, converted: ConvertedBodies,
                missing: list[tuple[str, str]]) -> Callable[[], None]:
    """`missing` (text hash, text; in hash order) converting from now on, over forked workers
    when there are many: they are forked here (it waits for the first results). What this
    returns takes the others into `converted`, each shard written once its last body comes,
    while the workers convert the next ones (a clean build's 256 shards are 0.4 s of CPU at
    10,000 articles)."""
    from sitegen.parallel import stream_chunks

    markdown = ExitStack()
    markdown.enter_context(_markdown(config))   # for the workers, and for this process's chunks
    done = stream_chunks(_convert_chunk, [b for _, b in missing])
    try:
        first = next(done)
    except BaseException:
        markdown.close()
        raise

    def finish() -> None:
        with markdown:
            converted.add(zip((h for h, _ in missing), itertools.chain([first], done),
                              strict=True))

    return finish


def _stored(converted: Converted) -> list[Any]:
    """A converted body as plain data: read back in C, made into records only when used."""
    html, paragraphs, words = converted
    return [html, [[p.id, p.text] for p in paragraphs], words]


def _from_stored(value: Any) -> Converted | None:
    """What `_stored` was given, or None for anything else."""
    from sitegen.markup import Paragraph

    if type(value) is not list or len(value) != 3:
        return None
    html, paragraphs, words = value
    if type(html) is not str or type(words) is not int or type(paragraphs) is not list \
            or not all(type(p) is list and len(p) == 2 and type(p[0]) is str
                       and type(p[1]) is str for p in paragraphs):
        return None
    return html, tuple(Paragraph(i, text) for i, text in paragraphs), words


class ConvertedBodies:
    """Converted bodies by position; cached ones are loaded from their shard of `markdown/` on
    first use, in whichever process renders the page."""

    def __init__(self, cache: Store, config: Config, key: str, hashes: list[str],
                 bodies: Sequence[str]) -> None:
        self._cache, self._config, self._key = cache, config, key
        self._hashes, self._bodies = hashes, bodies
        self._shards: dict[str, dict[str, Any]] = {}   # entries as `_stored` makes them

    def __getitem__(self, number: int) -> Converted:
        wanted = self._hashes[number]
        found = _from_stored(self._shard(wanted[:2]).get(wanted))
        if found is None:   # the index listed it, the shard lost it: convert, index again
            log.debug("body %s missing from the Markdown cache; converting it", wanted)
            self._cache.remove("markdown-index")
            with _markdown(self._config):
                stored = _convert_chunk([self._bodies[number]])[0]
            self._shards[wanted[:2]][wanted] = stored
            found = _from_stored(stored)
            assert found is not None
        return found

    def _shard(self, name: str) -> dict[str, Any]:
        shard = self._shards.get(name)
        if shard is None:
            shard = self._shards[name] = self._cache.load(f"markdown/{name}", self._key,
                                                          Map(str, list))
        return shard

    def add(self, fresh: Iterable[tuple[str, list[Any]]]) -> None:
        """Fresh conversions (as `_stored` makes them) by text hash, in its order, written into
        their shards (which drop bodies no article has now) as they come: each shard once its
        last body is converted."""
        used = set(self._hashes)
        for name, values in itertools.groupby(fresh, key=lambda item: item[0][:2]):
            shard = self._shard(name)
            kept = {h: v for h, v in shard.items() if h in used}
            kept.update(values)
            self._shards[name] = kept
            self._cache.save(f"markdown/{name}", self._key, kept)
