"""Load front-matter Markdown articles (the contract in docs/DESIGN.md): find the files, read
each (its front matter by `front_matter`, its fields by `fields`), make every permalink unique.

Editors write these files by hand, so every problem is reported with its file and line, and all
files are checked before failing: one run shows everything that needs fixing.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from sitegen.config import Config
from sitegen.errors import Problem, SitegenError, recorded
from sitegen.fields import DATE_SOURCES, Fields, without_control
from sitegen.front_matter import MAX_DEPTH, MAX_EXPANSION, load_front_matter, split_front_matter
from sitegen.model import Article
from sitegen.slugs import unique_slug
from sitegen.stamps import bytes_digest
from sitegen.walk import files_below

if TYPE_CHECKING:
    import logging as logging_types

    from sitegen.incremental.stores import ShardedStore

__all__ = ["DATE_SOURCES", "MAX_DEPTH", "MAX_EXPANSION", "LoadedFile", "SlugClaim",
           "article_files", "articles_inside", "load_articles", "load_changed", "load_file", "log",
           "parse_article", "sort_articles", "unique_slugs"]

log = logging.getLogger("sitegen.content")   # `fields` warns on it too: one logger per load

# ---------------------------------------------------------------------------------------------
# Loading a whole content folder


class Parses(Protocol):
    """Where parse results are kept between builds (`incremental.parses.ParseCache`, or the
    `HeldParses` of a process that builds again and again); `warnings` are what the last file's
    parse logged."""

    warnings: list[tuple[int, str]]

    def get(self, path: Path, content: bytes) -> Any | None: ...

    def knows(self, path: Path, content: bytes) -> bool:
        """Whether `get` would find a result (without making it)."""

    def parse(self, path: Path, content: bytes, parse: Any) -> Any: ...

    def save(self) -> None: ...


class HeldResults(Protocol):
    """Parse results held in memory between builds (`incremental.parses.HeldParses`)."""

    def layer(self, cache: ShardedStore, key: str, logger: logging_types.Logger,
              result: type) -> Parses: ...


@dataclass(frozen=True)
class SlugClaim:
    """What making a file's slug unique across files needs of it (`unique_slugs`): the slug it
    asks for, whether the editor chose it (and on which line), whether it is a draft, its date."""

    slug: str
    explicit: bool
    line: int | None
    draft: bool
    date: datetime


@dataclass(frozen=True)
class LoadedFile:
    """What loading one article file gave besides the article: its front matter as parsed
    (`header`: a digest of everything but the body, slug flags included), what its slug is made
    unique from (`claim`) and the warnings it logged. `sitegen.snapshot` reuses the last build's
    records of the files that did not change."""

    header: bytes
    claim: SlugClaim
    warnings: tuple[tuple[int, str], ...] = ()


def load_articles(config: Config, *, drafts: bool = False,
                  files: dict[str, LoadedFile] | None = None,
                  cache: ShardedStore | None = None,
                  digests: Mapping[str, bytes] | None = None,
                  held: HeldResults | None = None,
                  read: Callable[[str], bytes | None] | None = None) -> list[Article]:
    """Every article under `content/articles/`, newest first; raises listing every bad file.

    `files`, when given, is filled with a `LoadedFile` for each file parsed without problems.
    With a `cache` (the build's), a file whose bytes are unchanged is not parsed again; with
    `digests` too (each file of `article_files`, in its order, with its
    `stamps.bytes_digest` as the build hashed it: from its stat when that did not change), such
    a file is not even read, and the folder is not listed again. `held` keeps the results in this
    process, in front of the cache. `read` gives the bytes the build hashed of a file, when it
    read them (`stamps.FileDigests.take`): they are parsed, not read and hashed again.
    """
    folder = config.content_path / "articles"
    if not folder.is_dir():
        log.warning("no articles folder at %s; the site has no articles", folder)
        return []
    from sitegen.incremental.parses import ParseCache
    from sitegen.incremental.stores import BuildCache

    # a parse depends on the file and the settings
    store = cache or BuildCache(None)
    parses: Parses = (held.layer(store, repr(config), log, _Parsed) if held is not None
                      else ParseCache(store, repr(config), log, _Parsed))
    problems: list[Problem] = []
    parsed: list[_Parsed] = []
    known = digests or {}
    paths = ([Path(path) for path in digests] if digests is not None
             else article_files(folder, config.content_path))
    wanted = [(path, known[str(path)]) for path in paths
              if str(path) in known and not parses.knows(path, known[str(path)])]
    given = _given(wanted, read)
    with _ParsedAhead(config, wanted, given) as ahead:
        for path in paths:
            result = _load_file(path, config, parses, known.get(str(path)), ahead, given)
            problems.extend(result.problems)
            if result.article is not None and not result.problems:
                parsed.append(result)
                if files is not None:
                    files[str(path)] = LoadedFile(result.header, _claim(result),
                                                  tuple(parses.warnings))
    parses.save()
    articles = _assign_slugs(parsed, config, problems)
    if problems:
        raise SitegenError(problems)
    kept = [a for a in articles if drafts or not a.draft]
    return sort_articles(kept)


def load_changed(config: Config, paths: Sequence[str], digests: Mapping[str, bytes],
                 cache: ShardedStore, gone: Mapping[str, bytes],
                 read: Callable[[str], bytes | None] | None = None
                 ) -> dict[str, tuple[Article, LoadedFile]] | None:
    """The files `paths` (`digests` has each one's `stamps.bytes_digest`) parsed as
    `load_articles` parses them, before slugs are made unique (`unique_slugs`), their warnings
    returned, not logged; None when one has problems (a full load reports them) or is gone.
    Through the parse cache, reading only the shards they are in; `gone` are files removed or
    changed since the last build, with their digest then, whose entries it forgets; `read` as
    `load_articles` takes it."""
    from sitegen.incremental.parses import ParseCache

    parses = ParseCache(cache, repr(config), log, _Parsed,
                        ([(path, digests[path]) for path in paths], gone.items()))
    found: dict[str, tuple[Article, LoadedFile]] = {}
    given = _given([(Path(path), digests[path]) for path in paths], read)
    with recorded(log, held=True):
        for path in paths:
            result = _load_file(Path(path), config, parses, digests[path], None, given)
            if result.article is None or result.problems:
                return None
            found[path] = (result.article,
                           LoadedFile(result.header, _claim(result), tuple(parses.warnings)))
    parses.save()
    return found


def load_file(path: Path, config: Config, held: HeldResults | None = None,
              known: bytes | None = None) -> tuple[Article, LoadedFile] | None:
    """One article file parsed, as `load_articles` parses it before slugs are made unique (its
    warnings are returned, not logged); None when it has problems (a full load reports them).
    Parsed afresh, or through `held` (its result kept there) when given, with `known` the
    digest of its bytes."""
    from sitegen.incremental.stores import BuildCache

    parses = held.layer(BuildCache(None), repr(config), log, _Parsed) if held else None
    with recorded(log, held=True) as records:
        result = _load_file(path, config, parses, known)
    if result.article is None or result.problems:
        return None
    return result.article, LoadedFile(result.header, _claim(result), tuple(records))


def _header(path: Path, fm: str, first_line: int) -> bytes:
    """A digest of what everything parsed from a file but its body comes from: its path, its
    front matter as written and the line it starts on (the parse depends on nothing else but
    the settings and the code, in every key a header is kept under). Equal digests, equal front
    matter; the parse itself pickled and hashed took ten times longer (0.3 s at 10,000)."""
    given = b"%d\0%s\0%s" % (first_line, str(path).encode("utf-8", "surrogateescape"),
                              fm.encode("utf-8", "surrogatepass"))
    return hashlib.blake2b(given, digest_size=20).digest()


def sort_articles(articles: list[Article]) -> list[Article]:
    """Newest first; equal dates by slug, then path, so the order never depends on the disk."""
    ordered = sorted(articles, key=lambda a: (a.slug, str(a.path)))
    return sorted(ordered, key=lambda a: a.date, reverse=True)


def article_files(folder: Path, content_root: Path) -> list[Path]:
    """All `*.md` files below `folder`, sorted; symlinks leading out of the content are skipped."""
    found = files_below(folder, content_root, _is_article)
    for link, is_folder in found.outside:
        log.warning("%s: skipped: it is a link to a %s outside %s", link,
                    "folder" if is_folder else "file", content_root)
    return found.files


def articles_inside(folder: Path, content_root: Path) -> list[Path] | None:
    """`article_files`, or None when a link leads out of the content (it says so)."""
    found = files_below(folder, content_root, _is_article)
    return None if found.outside else found.files


def _is_article(name: str) -> bool:
    return name.endswith(".md")


def _load_file(path: Path, config: Config, cache: Parses | None = None,
               known: bytes | None = None, ahead: _ParsedAhead | None = None,
               given: Mapping[str, bytes] | None = None) -> _Parsed:
    """Read one file as UTF-8 (a BOM is fine) and parse it; unreadable files become problems,
    and a file removed since it was listed is no article (an editor deleting it while `serve`
    rebuilds). With `known`, the digest of its bytes, a parse the cache holds is taken unread,
    and so is one a worker made `ahead` from those bytes; those bytes in `given` (as the build
    read them to hash them) are parsed instead of the file read again. (Looked up only when
    needed: the workers share them, and a reference taken here while they run copies a page.)"""
    if cache is not None and known is not None:
        remembered: _Parsed | None = cache.get(path, known)
        if remembered is not None:
            return remembered
        done = ahead.take(path) if ahead is not None else None
        if done is not None:
            made: _Parsed = cache.parse(path, known, lambda: _said_again(*done))
            return made
    raw = given.get(str(path)) if given is not None and known is not None else None
    if raw is None:
        try:
            raw = path.read_bytes()
        except FileNotFoundError:   # removed since the folder was listed: as if never listed
            log.debug("%s was removed while loading", path)   # (the next build sees the change)
            return _Parsed()
        except OSError as exc:
            return _Parsed(problems=[Problem(path,
                                             f"cannot read the file: {exc.strerror or exc}")])
        content = bytes_digest(raw) if cache is not None else None
    else:
        content = known   # the bytes given are those hashed
    if cache is not None and content is not None:
        hit: _Parsed | None = cache.get(path, content) if content != known else None
        if hit is not None:
            return hit
        data = raw
        result: _Parsed = cache.parse(path, content, lambda: _parse_raw(path, data, config))
        return result
    return _parse_raw(path, raw, config)


def _parse_raw(path: Path, raw: bytes, config: Config) -> _Parsed:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        message = (f"not UTF-8 text (byte 0x{raw[exc.start]:02x} cannot be decoded); "
                   "save the file as UTF-8")
        return _Parsed(problems=[Problem(path, message, line)])
    return _parse(path, text, config)


def _given(items: Sequence[tuple[Path, bytes]],
           read: Callable[[str], bytes | None] | None) -> dict[str, bytes]:
    """The bytes the build read of the files `items` (path, digest) when it hashed them, by
    path (`read`: `stamps.FileDigests.take`)."""
    if read is None:
        return {}
    found = ((str(path), read(str(path))) for path, _ in items)
    return {path: raw for path, raw in found if raw is not None}


class _ParsedAhead:
    """The parses of the files `items` (path, digest of the bytes expected) made in forked
    workers (`parallel.stream_chunks`) while this process takes the others from the cache:
    YAML and field checks were the one serial stage of a clean build (about 5 s of CPU at
    10,000 articles). Results come back in order; `take` gives a file's, or None when the
    worker found other bytes than expected or none (the caller then reads and parses it).
    A file in `given` (its bytes as the build hashed them, inherited by the workers) is parsed
    from those bytes, not read and hashed again (0.25-0.4 s of their CPU at 10,000 articles)."""

    def __init__(self, config: Config, items: list[tuple[Path, bytes]],
                 given: Mapping[str, bytes]) -> None:
        from sitegen.parallel import stream_chunks

        global _parsing
        _parsing = config, given   # what the workers, forked at the first `take`, parse
        self._wanted = {str(path) for path, _ in items}
        self._results = stream_chunks(_parse_chunk, items)

    def take(self, path: Path) -> tuple[_Parsed, list[tuple[int, str]]] | None:
        if str(path) not in self._wanted:
            return None
        for done, result in self._results:   # in the order asked; skip what was not taken
            if done == str(path):
                return result
        return None

    def __enter__(self) -> _ParsedAhead:
        return self

    def __exit__(self, *exc: object) -> None:
        global _parsing
        self._results.close()   # stops the workers of a load that ended early
        _parsing = None


_parsing: tuple[Config, Mapping[str, bytes]] | None = None


def _parse_chunk(items: Sequence[tuple[Path, bytes]]
                 ) -> list[tuple[str, tuple[_Parsed, list[tuple[int, str]]] | None]]:
    """Each file parsed, with the records it logged (said again by the caller, in file order),
    if its bytes are still those expected (also run in forked workers); the bytes given are."""
    assert _parsing is not None
    config, given = _parsing
    out: list[tuple[str, tuple[_Parsed, list[tuple[int, str]]] | None]] = []
    for path, expected in items:
        raw = given.get(str(path))
        if raw is None:
            try:
                raw = path.read_bytes()
            except OSError:
                out.append((str(path), None))
                continue
            if bytes_digest(raw) != expected:
                out.append((str(path), None))
                continue
        with recorded(log, held=True) as records:
            result = _parse_raw(path, raw, config)
        out.append((str(path), (result, records)))
    return out


def _said_again(result: _Parsed, records: list[tuple[int, str]]) -> _Parsed:
    """A worker's parse, its log records said here, as if it had been parsed here."""
    for level, message in records:
        log.log(level, "%s", message)
    return result


def _assign_slugs(parsed: list[_Parsed], config: Config, problems: list[Problem]) -> list[Article]:
    """Every parse's article with its slug made unique (`unique_slugs`)."""
    slugs = unique_slugs({str(p.path): _claim(p) for p in parsed}, config, problems)
    for item in parsed:
        item.slug = slugs[str(item.path)]
    return [_finish(p) for p in parsed]


def unique_slugs(claims: Mapping[str, SlugClaim], config: Config,
                 problems: list[Problem]) -> dict[str, str]:
    """Make every permalink unique: explicit slugs must not collide, derived ones get suffixes.
    Gives each file's slug by path; a collision of explicit slugs is added to `problems`.

    Explicit slugs are claimed first (an editor chose them); derived slugs of published articles
    next and drafts last, each group in path order, so a draft without an explicit slug never
    renames a published URL, and `--drafts` does not change the URLs of published articles.
    """
    slugs = {path: claim.slug for path, claim in claims.items()}
    claimed: dict[str, str] = {}   # permalink -> the path claiming it
    for path in sorted(p for p, c in claims.items() if c.explicit):
        claim = claims[path]
        key = _permalink(config, claim.date, claim.slug)
        if key in claimed:
            message = (f"slug '{claim.slug}' is already used by {claimed[key]} "
                       f"(both would be {key}); choose another slug")
            problems.append(Problem(Path(path), message, claim.line))
            continue
        claimed[key] = path
    for path in sorted((p for p, c in claims.items() if not c.explicit),
                       key=lambda p: (claims[p].draft, p)):
        claim = claims[path]
        slugs[path] = _free_slug(config, claim, claimed)
        claimed[_permalink(config, claim.date, slugs[path])] = path
    return slugs


def _claim(parsed: _Parsed) -> SlugClaim:
    return SlugClaim(parsed.slug, parsed.explicit_slug, parsed.slug_line, parsed.draft,
                     parsed.date)


def _free_slug(config: Config, claim: SlugClaim, claimed: dict[str, str]) -> str:
    """The plain slug if its permalink is free, else the first free `-2`, `-3`, ... suffix."""
    tried: set[str] = set()
    slug = claim.slug
    while _permalink(config, claim.date, slug) in claimed:
        tried.add(slug)
        slug = unique_slug(claim.slug, tried)
    return slug


def _permalink(config: Config, when: datetime, slug: str) -> str:
    """The article's URL path under the site, used to detect collisions."""
    return config.permalink.format(year=f"{when.year:04d}", month=f"{when.month:02d}",
                                   day=f"{when.day:02d}", slug=slug)


# ---------------------------------------------------------------------------------------------
# Parsing one file


def parse_article(path: Path, text: str, config: Config) -> Article:
    """One article from its text; raises `SitegenError` listing every problem in it."""
    result = _parse(path, text, config)
    if result.problems or result.article is None:
        raise SitegenError(result.problems or [Problem(path, "not a valid article")])
    return _finish(result)


@dataclass
class _Parsed:
    """A parse result plus what slug de-duplication needs to know."""

    article: Article | None = None
    problems: list[Problem] = field(default_factory=list)
    path: Path = Path()
    slug: str = ""
    explicit_slug: bool = False
    slug_line: int | None = None
    draft: bool = False
    date: datetime = datetime.min
    # A digest of everything parsed but the body (`_header`), made with the parse and kept in the
    # parse cache: a fresh checkout hashed 10,000 front matters again (0.3 s) on every load.
    header: bytes = b""

    def __post_init__(self) -> None:
        if self.article is not None:
            self.path, self.slug = self.article.path, self.article.slug
            self.draft, self.date = self.article.draft, self.article.date


def _finish(item: _Parsed) -> Article:
    assert item.article is not None
    if item.article.slug == item.slug:
        return item.article
    return replace(item.article, slug=item.slug)


def _parse(path: Path, text: str, config: Config) -> _Parsed:
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    split = split_front_matter(path, text)
    if isinstance(split, Problem):
        return _Parsed(problems=[split])
    fm, body, first_line = split
    body, removed = without_control(body)
    if removed:
        log.warning("%s: removed %d control character(s) from the body: they are invisible, "
                    "and feeds cannot hold them", path, removed)
    loaded = load_front_matter(path, fm, first_line)
    if isinstance(loaded, Problem):
        return _Parsed(problems=[loaded])
    fields = Fields(path, loaded, first_line, config)
    article = fields.article(body.strip("\n"))
    result = _Parsed(article=article, problems=fields.problems)
    result.explicit_slug, result.slug_line = fields.explicit_slug, fields.line("slug")
    if article is not None:
        result.header = _header(path, fm, first_line)
    return result
