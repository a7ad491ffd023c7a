"""The build cache in `<site>/.sitegen-cache/`: work a rebuild can skip when its inputs match.

Safe to delete at any time (the next build is a clean one), and versioned: every entry file is
keyed by the sitegen version and the hash of the code and settings that produced it, so an
upgrade or a settings change invalidates exactly that part. Entries are keyed by the hash of
their input bytes, never by mtimes, so a cached result is the result a clean build would give.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from sitegen import __version__
from sitegen.config import Config
from sitegen.errors import recorded
from sitegen.incremental import store
from sitegen.incremental.codec import Undecodable, decode, encode
from sitegen.incremental.shape import Each, Fields, Map, Maybe, Shape
from sitegen.stamps import FileDigests
from sitegen.walk import walk

if TYPE_CHECKING:   # Markdown is imported only by a build that converts something
    from sitegen.markup import MarkdownRenderer, Paragraph
    from sitegen.model import Article
    from sitegen.taxonomy import Taxonomy

log = logging.getLogger("sitegen.cache")

CACHE_DIR = ".sitegen-cache"
FORMAT = 2   # 2: data (`incremental.codec`) instead of pickles
_CODE = (Path(__file__).parent / "markup.py", Path(__file__).parent / "render" / "reading_time.py")

# A converted body: HTML, its top-level paragraphs (quote anchors) and its word count.
Converted: TypeAlias = "tuple[str, tuple[Paragraph, ...], int]"


def cache_dir(config: Config) -> Path:
    return config.root / CACHE_DIR


def digest(*parts: str | bytes) -> str:
    h = hashlib.blake2b(digest_size=20)
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def _markdown_key(config: Config) -> str:
    """What Markdown output depends on besides the text: code version, extensions, safety."""
    code = [p.read_bytes() for p in _CODE if p.is_file()]
    return digest(__version__, str(FORMAT), repr(config.markdown_extensions),
                  repr(config.unsafe_html), *code)


_enabled = True


@contextmanager
def disabled() -> Iterator[None]:
    """No cache read or written inside (a deploy leaves the site's folder as it was)."""
    global _enabled
    before, _enabled = _enabled, False
    try:
        yield
    finally:
        _enabled = before


def load(config: Config, name: str, key: str, shape: Shape,
         records: tuple[type, ...] = ()) -> dict[str, Any]:
    """The entries of cache file `name` when it was written under `key` and have `shape`
    (`incremental.shape`), else none. `records` are the record classes they may hold."""
    if not _enabled:
        return {}
    return store.read(cache_dir(config) / f"{name}{store.SUFFIX}", key, records, shape)


def save(config: Config, name: str, key: str, entries: dict[str, Any],
         records: tuple[type, ...] = ()) -> None:
    """Write cache file `name` atomically; a cache that cannot be written is only slower."""
    if not _enabled:
        return
    store.write(cache_dir(config) / f"{name}{store.SUFFIX}", key, entries, records)


def _remove(path: Path) -> None:
    """Delete a cache file if it is there. Never an error: on a read-only file system even a
    file that does not exist cannot be unlinked (EROFS, not ENOENT), and a cache that cannot be
    changed is only slower."""
    with suppress(OSError):
        path.unlink(missing_ok=True)


def compiled_templates(config: Config) -> Path | None:
    """The folder for Jinja's compiled templates, or None while the cache is disabled."""
    if not _enabled:
        return None
    # Jinja keys entries by template name and source; the environment's options are in theme.py
    folder = cache_dir(config) / "jinja" / digest(__version__,
                                                  (_PACKAGE / "theme.py").read_bytes())[:16]
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder


def load_sharded(config: Config, name: str, key: str, shape: Shape) -> dict[str, Any]:
    """The entries of sharded cache `name` written under `key`: a folder of up to 256 files
    `XX.msgpack`, an entry in the one named by the first two hex digits of its key."""
    if not _enabled:
        return {}
    folder = cache_dir(config) / name
    entries: dict[str, Any] = {}
    try:
        shards = [p for p in folder.iterdir() if p.suffix == store.SUFFIX]
    except OSError:
        return {}
    for shard in shards:
        entries.update(load(config, f"{name}/{shard.stem}", key, shape))
    return entries


def save_sharded(config: Config, name: str, key: str, entries: dict[str, Any],
                 before: dict[str, Any]) -> None:
    """Write the shards of `name` whose keys differ from `before` (the entries loaded): one edit
    rewrites one small file, not the whole cache."""
    if not _enabled:
        return
    new: dict[str, dict[str, Any]] = {}
    old: dict[str, set[str]] = {}
    for k, v in entries.items():
        new.setdefault(k[:2], {})[k] = v
    for k in before:
        old.setdefault(k[:2], set()).add(k)
    try:
        (cache_dir(config) / name).mkdir(parents=True, exist_ok=True)
        (cache_dir(config) / f"{name}{store.SUFFIX}").unlink(missing_ok=True)
    except OSError as exc:
        log.debug("cannot write %s: %s", name, exc)
        return
    for shard in new.keys() | old.keys():
        part = new.get(shard, {})
        if part.keys() != old.get(shard, set()):
            if part:
                save(config, f"{name}/{shard}", key, part)
            else:
                _remove(cache_dir(config) / name / f"{shard}{store.SUFFIX}")


_renderer: tuple[Config, MarkdownRenderer] | None = None


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


def _convert_chunk(bodies: Sequence[str]) -> list[Converted]:
    """Convert Markdown bodies with one renderer (also run in forked workers)."""
    from sitegen.render.reading_time import word_count  # sitegen.render imports this module

    assert _renderer is not None
    renderer = _renderer[1]
    out: list[Converted] = []
    for body in bodies:
        html = renderer.convert(body)
        out.append((html, renderer.paragraphs, word_count(html)))
    return out


def convert_bodies(config: Config, bodies: Sequence[str]) -> ConvertedBodies:
    """Markdown -> HTML for every body. Bodies not in the cache are converted now (over
    processes when there are many) and remembered; cached ones are read when first asked for, a
    shard at a time, so a rebuild that renders a few pages reads a few of the 256 shards.

    `markdown-index` lists the text hashes the shards hold; without it (a first build,
    or after damage) the shards are read to make it again.
    """
    key = _markdown_key(config)
    hashes = [digest(b) for b in bodies]
    converted = ConvertedBodies(config, key, hashes, bodies)
    index = load(config, "markdown-index", key, Fields({"hashes": Each(set, str)})).get("hashes")
    cached = index if isinstance(index, set) else set(
        load_sharded(config, "markdown", key, Map(str, list)))
    missing = sorted({h: b for h, b in zip(hashes, bodies, strict=True) if h not in cached}.items())
    if missing:
        from sitegen.parallel import map_chunks

        with _markdown(config):
            done = map_chunks(_convert_chunk, [b for _, b in missing])
        converted.add(dict(zip((h for h, _ in missing), done, strict=True)))
    used = set(hashes)
    if used != index:
        save(config, "markdown-index", key, {"hashes": used})
    return converted


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

    def __init__(self, config: Config, key: str, hashes: list[str],
                 bodies: Sequence[str]) -> None:
        self._config, self._key, self._hashes, self._bodies = config, key, hashes, bodies
        self._shards: dict[str, dict[str, Any]] = {}   # entries as `_stored` makes them

    def __getitem__(self, number: int) -> Converted:
        wanted = self._hashes[number]
        found = _from_stored(self._shard(wanted[:2]).get(wanted))
        if found is None:   # the index listed it, the shard lost it: convert, index again
            log.debug("body %s missing from the Markdown cache; converting it", wanted)
            _remove(cache_dir(self._config) / f"markdown-index{store.SUFFIX}")
            with _markdown(self._config):
                found = _convert_chunk([self._bodies[number]])[0]
            self._shards[wanted[:2]][wanted] = _stored(found)
        return found

    def _shard(self, name: str) -> dict[str, Any]:
        shard = self._shards.get(name)
        if shard is None:
            shard = self._shards[name] = load(self._config, f"markdown/{name}", self._key,
                                              Map(str, list))
        return shard

    def add(self, fresh: dict[str, Converted]) -> None:
        """Fresh conversions, written into their shards (which drop bodies no article has now)."""
        used = set(self._hashes)
        by_shard: dict[str, dict[str, Any]] = {}
        for wanted, value in fresh.items():
            by_shard.setdefault(wanted[:2], {})[wanted] = _stored(value)
        for name, values in sorted(by_shard.items()):
            shard = self._shard(name)
            kept = {h: v for h, v in shard.items() if h in used}
            kept.update(values)
            self._shards[name] = kept
            save(self._config, f"markdown/{name}", self._key, kept)


# ---------------------------------------------------------------------------------------------
# The no-op build: nothing that goes into the site changed, and the site is as we left it.

_PACKAGE = Path(__file__).resolve().parent


def _tree(h: Any, folder: Path, skip: frozenset[str], digests: FileDigests) -> None:
    """Add every file below `folder` (path and bytes, sorted) to hash `h`."""
    if not folder.is_dir():
        h.update(b"\0absent\0" + str(folder).encode("utf-8", "surrogateescape"))
        return
    top = os.fspath(folder)
    for dirpath, dirnames, filenames in os.walk(top):   # plain strings: no Path per file
        dirnames[:] = sorted(d for d in dirnames if d not in skip and d != "__pycache__")
        prefix = os.path.relpath(dirpath, top)
        for name in sorted(filenames):
            rel = (name if prefix == "." else os.path.join(prefix, name)).encode(
                "utf-8", "surrogateescape")
            h.update(len(rel).to_bytes(8, "little") + rel)
            h.update(digests.digest(os.path.join(dirpath, name)))


def file_digests(config: Config) -> FileDigests:
    """Digests of the site's input files, reusing the last build's where the stat allows."""
    shape = Fields({"files": Map(str, tuple)})   # FileDigests checks each record it uses
    return FileDigests(load(config, "stamps", str(FORMAT), shape).get("files"))


def remember_digests(config: Config, digests: FileDigests) -> None:
    if digests.changed():
        save(config, "stamps", str(FORMAT), {"files": digests.records()})


def render_key(config: Config, digests: FileDigests | None = None) -> str:
    """A hash of everything a page's bytes depend on besides the values it is given: settings,
    the site's templates, themes and static files, and sitegen's own code and default theme."""
    from sitegen.theme import DEFAULT_THEME

    digests = digests or FileDigests()
    h = hashlib.blake2b(digest_size=20)
    h.update(repr((__version__, FORMAT, config)).encode("utf-8", "surrogateescape"))
    for folder in (config.root / "templates", config.root / "themes", config.root / "static",
                   _PACKAGE, DEFAULT_THEME):
        _tree(h, folder, frozenset({config.output_dir, CACHE_DIR, ".git"}), digests)
    return h.hexdigest()


def input_key(config: Config, out: Path, digests: FileDigests, **options: object) -> str:
    """A hash of everything a build reads: the render key, build options, and the content folder
    (articles, raw text, alias files). Bytes are hashed (`digests` reads only files whose stat
    changed), not mtimes, so no edit can hide behind a coarse clock."""
    h = hashlib.blake2b(digest_size=20)
    h.update(repr((render_key(config, digests), str(out.resolve()), sorted(options.items()),
                   os.environ.get("SITEGEN_PAGEFIND"))).encode("utf-8", "surrogateescape"))
    for extra in (config.root / "sitegen.toml",):
        h.update(extra.read_bytes() if extra.is_file() else b"\0absent\0")
    _tree(h, config.content_path, frozenset({out.name, CACHE_DIR, ".git"}), digests)
    return h.hexdigest()


Listing: TypeAlias = "list[tuple[str, int, int]]"


def site_listing(out: Path) -> Listing | None:
    """Every file of the built site with size and mtime, or None when it is not there."""
    if not out.is_dir():
        return None
    found: list[tuple[str, int, int]] = []
    try:
        for prefix, entries, _ in walk(out):   # one scandir per folder, one stat per file
            for entry in entries:
                st = entry.stat(follow_symlinks=False)
                found.append((prefix + entry.name, st.st_size, st.st_mtime_ns))
    except OSError:
        return None
    found.sort()
    return found


def updated_listing(before: Listing | None, out: Path, whole: bool,
                    paths: set[str]) -> Listing | None:
    """`site_listing(out)` after a write that changed only `paths` of the site `before` listed
    (`whole`: it changed everything), stating only those."""
    if before is None or whole:
        return site_listing(out)
    found = {path: (size, mtime) for path, size, mtime in before}
    for path in paths:
        try:
            st = os.lstat(out / path)
        except FileNotFoundError:
            found.pop(path, None)
            continue
        except OSError:
            return site_listing(out)
        found[path] = (st.st_size, st.st_mtime_ns)
    return sorted((path, size, mtime) for path, (size, mtime) in found.items())


def unchanged_build(config: Config, out: Path, key: str,
                    listing: Listing | None) -> tuple[int, int] | None:
    """(articles, files) of the last build when its inputs had this key and its output folder
    (`listing`, from `site_listing`) is still exactly as that build left it; else None."""
    # the listing is only compared with one taken now: any other value is unequal
    last = load(config, "site", key, Fields({"out": str, "listing": list, "articles": int,
                                             "files": int}))
    if not last or last.get("out") != str(out.resolve()):
        return None
    if listing is None or listing != last.get("listing"):
        return None
    return int(last["articles"]), int(last["files"])


def remember_build(config: Config, out: Path, key: str, articles: int, files: int,
                   listing: Listing | None) -> None:
    """Record a finished build (`listing` is its site) so an identical next one can stop early."""
    if listing is not None:
        save(config, "site", key, {"out": str(out.resolve()), "listing": listing,
                                   "articles": articles, "files": files})


# ---------------------------------------------------------------------------------------------
# Parsed articles: a file whose bytes are unchanged is not parsed again.


class ParseCache:
    """Parse results of article files by (path, bytes), with the warnings the parse logged (they
    are logged again on a hit, so a cached build says what a clean one says). A result is a
    `result`, made of the record classes `records`; a stored one that is not is a miss."""

    def __init__(self, config: Config, logger: logging.Logger, result: type,
                 records: tuple[type, ...]) -> None:
        code = [(_PACKAGE / name).read_bytes()
                for name in ("content.py", "lookalikes.py", "slugs.py", "model.py")]
        self._config = config
        self._key = digest(__version__, str(FORMAT), repr(config), *code)
        self._old = load_sharded(config, "articles", self._key,
                                 Map(str, (bytes, Each(list, (int, str)))))
        self._new: dict[str, tuple[bytes, list[tuple[int, str]]]] = {}
        self._logger = logger
        self._result, self._records = result, (result, *records)
        self.warnings: list[tuple[int, str]] = []   # what the last file's parse logged

    def get(self, path: Path, raw: bytes) -> Any | None:
        key = digest(str(path), raw)
        hit = self._old.get(key)
        if hit is None:
            return None
        try:
            result = decode(hit[0], self._records)
        except Undecodable as exc:
            log.debug("parsing %s again: its cache entry does not decode (%s)", path, exc)
            return None
        if not isinstance(result, self._result):
            log.debug("parsing %s again: its cache entry is not a parse result", path)
            return None
        warnings = hit[1]
        self._new[key] = hit
        self.warnings = warnings
        for level, message in warnings:
            self._logger.log(level, "%s", message)
        return result

    def parse(self, path: Path, raw: bytes, parse: Any) -> Any:
        """`parse()`, remembered with the warnings it logs."""
        with recorded(self._logger) as records:
            result = parse()
        self.warnings = records
        try:
            self._new[digest(str(path), raw)] = (encode(result, self._records), records)
        except (TypeError, ValueError, OverflowError) as exc:
            log.debug("not caching the parse of %s: %s", path, exc)
        return result

    def save(self) -> None:
        save_sharded(self._config, "articles", self._key, self._new, self._old)


# ---------------------------------------------------------------------------------------------
# Rendered outputs: a page made from the same inputs as last time, whose file is still as that
# build left it, is not rendered again (and its file keeps its inode and mtime).


class PageMemo:
    """The fingerprint of every output of the last build, with the size and mtime its file had
    after that build (see `sitegen.render.fingerprint`)."""

    def __init__(self, config: Config, out: Path, listing: Listing | None,
                 digests: FileDigests | None = None) -> None:
        self._config = config
        self._out = str(out.resolve())
        self._key = render_key(config, digests)
        self._old: dict[str, str] = {}
        self._new: dict[str, str] = {}
        record = load(config, "pages", self._key, Fields({"out": str, "pages": dict}))
        if record.get("out") != self._out:
            return
        stored: dict[str, tuple[str, int, int]] = record.get("pages", {})
        for path, size, mtime in listing or ():   # the site as it is now
            hit = stored.get(path)
            if type(hit) is tuple and len(hit) == 3 and hit[1] == size and hit[2] == mtime:
                self._old[path] = hit[0]

    def unchanged(self, path: str, fingerprint: str) -> bool:
        """True when the site holds the file the last build made at `path` from these inputs."""
        self._new[path] = fingerprint
        return self._old.get(path) == fingerprint

    def save(self, listing: Listing | None) -> None:
        """Remember this build's outputs, once it is written (`listing` is the new site)."""
        if listing is None:
            return
        files = {path: (size, mtime) for path, size, mtime in listing}
        pages = {path: (fingerprint, *files[path]) for path, fingerprint in self._new.items()
                 if path in files}
        save(self._config, "pages", self._key, {"out": self._out, "pages": pages})


# ---------------------------------------------------------------------------------------------
# Related stories depend only on each article's terms and date: an edit to a body, a title or a
# quote reuses the last build's result.


class _KnownRelated:
    def __init__(self, related: dict[int, tuple[Article, ...]]) -> None:
        self._related = related

    def to(self, article: Article) -> tuple[Article, ...]:
        return self._related.get(id(article), ())


def related_stories(config: Config, taxonomy: Taxonomy,
                    structure: str | None = None) -> _KnownRelated:
    """`related.RelatedStories(taxonomy)`, or the last build's result when no article's date,
    tags or speakers changed (keyed by those and the code that computes it). With `structure`
    (`snapshot.Model.structure`) unchanged since that build, the articles are not even looked at."""
    from sitegen.related import RelatedStories, terms_of

    articles = taxonomy.articles
    code = [(_PACKAGE / name).read_bytes() for name in ("related.py", "taxonomy.py")]
    key = digest(__version__, str(FORMAT), *code)
    record = load(config, "related", key, Fields({
        "layout": str, "structure": Maybe(str), "related": Each(list, Each(list, int))}))
    stored = record.get("related")
    if stored is not None and (len(stored) != len(articles) or any(
            not 0 <= n < len(articles) for row in stored for n in row)):
        stored = None   # not a result for this many articles
    if stored is None or structure is None or record.get("structure") != structure:
        layout = digest(repr([(str(a.path), a.slug, a.date.timestamp(), terms_of(a, taxonomy))
                              for a in articles]))
        if record.get("layout") != layout:
            stored = None
        if stored is None:
            number = {id(a): n for n, a in enumerate(articles)}
            computed = RelatedStories(taxonomy)
            stored = [[number[id(r)] for r in computed.to(a)] for a in articles]
        save(config, "related", key, {"layout": layout, "structure": structure,
                                      "related": stored})
    assert isinstance(stored, list)
    return _KnownRelated({id(a): tuple(articles[n] for n in stored[i])
                          for i, a in enumerate(articles)})


def group_fingerprints(config: Config, structure: str, groups: Sequence[Any],
                       fingerprint: Callable[[Any], str]) -> list[str]:
    """`fingerprint(group)` of every group, or the last build's while `structure`
    (`snapshot.Model.structure`, which covers all a group is made from) is unchanged."""
    code = (_PACKAGE / "render" / "fingerprint.py").read_bytes()
    key = digest(__version__, str(FORMAT), structure, code)
    stored = load(config, "groups", key, Fields({"digests": Each(list, str)})).get("digests")
    if isinstance(stored, list) and len(stored) == len(groups):
        return stored
    computed = [fingerprint(group) for group in groups]
    save(config, "groups", key, {"digests": computed})
    return computed
