"""Load and validate front-matter Markdown articles (the contract in docs/DESIGN.md).

Editors write these files by hand, so every problem is reported with its file and line, and all
files are checked before failing: one run shows everything that needs fixing.
"""

from __future__ import annotations

import difflib
import hashlib
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from frontmatter.default_handlers import YAMLHandler

from sitegen.config import Config
from sitegen.errors import Problem, SitegenError, recorded
from sitegen.lookalikes import clean_name
from sitegen.model import Article, Quote, Speaker, record_bytes
from sitegen.slugs import is_safe_slug, slugify, unique_slug
from sitegen.walk import files_below

if TYPE_CHECKING:
    from sitegen.incremental.parses import ParseCache
    from sitegen.incremental.stores import ShardedStore

log = logging.getLogger("sitegen.content")

_HANDLER = YAMLHandler()
_KNOWN = ("title", "subtitle", "date", "updated", "location", "source", "tags", "speakers",
          "quotes", "slug", "origin", "date_from", "draft")
# Where the importer found an article's date: read from its text, the raw file's first commit,
# or the raw file's modification time (a guess). `sitegen check` lists the last two.
DATE_SOURCES = ("text", "git", "file")
_DATE_HELP = "a date like 2022-12-10 or a date and time like 2022-12-10T18:21:00+03:00"
_TAGS_HELP = "'tags' must be a list of strings or a comma-separated string"
_DRIVE = re.compile(r"^[A-Za-z]:")
# Invisible characters that XML 1.0 (feeds, sitemap) forbids and HTML calls parse errors; \x02 and
# \x03 would also collide with Python-Markdown's placeholders. Never content, so never kept.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


# libyaml's parser is several times faster; every new or changed article goes through here.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_SafeLoader):  # type: ignore[valid-type,misc]
    """SafeLoader that keeps impossible dates (2022-13-45) as text so they get a located error."""

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


# ---------------------------------------------------------------------------------------------
# Loading a whole content folder


@dataclass(frozen=True)
class LoadedFile:
    """What loading one article file gave besides the article: its front matter as parsed
    (`header`: a digest of everything but the body, slug flags included) and the warnings it
    logged. `sitegen.snapshot` reuses the last build when only bodies changed."""

    header: bytes
    warnings: tuple[tuple[int, str], ...] = ()


def load_articles(config: Config, *, drafts: bool = False,
                  files: dict[str, LoadedFile] | None = None,
                  cache: ShardedStore | None = None) -> list[Article]:
    """Every article under `content/articles/`, newest first; raises listing every bad file.

    `files`, when given, is filled with a `LoadedFile` for each file parsed without problems.
    With a `cache` (the build's), a file whose bytes are unchanged is not parsed again.
    """
    folder = config.content_path / "articles"
    if not folder.is_dir():
        log.warning("no articles folder at %s; the site has no articles", folder)
        return []
    from sitegen.incremental.parses import ParseCache
    from sitegen.incremental.stores import BuildCache

    # a parse depends on the file and the settings; a result is made of these records
    parses = ParseCache(cache or BuildCache(None), repr(config), log, _Parsed,
                        (Article, Speaker, Quote, Problem))
    problems: list[Problem] = []
    parsed: list[_Parsed] = []
    for path in article_files(folder, config.content_path):
        result = _load_file(path, config, parses)
        problems.extend(result.problems)
        if result.article is not None and not result.problems:
            parsed.append(result)
            if files is not None:
                files[str(path)] = LoadedFile(_header(result), tuple(parses.warnings))
    parses.save()
    articles = _assign_slugs(parsed, config, problems)
    if problems:
        raise SitegenError(problems)
    kept = [a for a in articles if drafts or not a.draft]
    return sort_articles(kept)


def load_file(path: Path, config: Config) -> tuple[Article, LoadedFile] | None:
    """One article file parsed afresh, as `load_articles` parses it before slugs are made unique
    (its warnings are returned, not logged); None when it has problems (a full load reports
    them)."""
    with recorded(log, held=True) as records:
        result = _load_file(path, config)
    if result.article is None or result.problems:
        return None
    return result.article, LoadedFile(_header(result), tuple(records))


def _header(parsed: _Parsed) -> bytes:
    """A digest of everything parsed from a file but its body: equal digests, equal front
    matter."""
    assert parsed.article is not None
    header = record_bytes((replace(parsed.article, body=""), parsed.article.extra, parsed.slug,
                           parsed.explicit_slug, parsed.slug_line, parsed.draft))
    return hashlib.blake2b(header, digest_size=20).digest()


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


def _is_article(name: str) -> bool:
    return name.endswith(".md")


def _load_file(path: Path, config: Config, cache: ParseCache | None = None) -> _Parsed:
    """Read one file as UTF-8 (a BOM is fine) and parse it; unreadable files become problems."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return _Parsed(problems=[Problem(path, f"cannot read the file: {exc.strerror or exc}")])
    if cache is not None:
        hit: _Parsed | None = cache.get(path, raw)
        if hit is not None:
            return hit
        result: _Parsed = cache.parse(path, raw, lambda: _parse_raw(path, raw, config))
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


def _assign_slugs(parsed: list[_Parsed], config: Config, problems: list[Problem]) -> list[Article]:
    """Make every permalink unique: explicit slugs must not collide, derived ones get suffixes.

    Explicit slugs are claimed first (an editor chose them); derived slugs of published articles
    next and drafts last, each group in path order, so a draft without an explicit slug never
    renames a published URL, and `--drafts` does not change the URLs of published articles.
    """
    claimed: dict[str, _Parsed] = {}
    for item in sorted((p for p in parsed if p.explicit_slug), key=lambda p: str(p.path)):
        key = _permalink(config, item.date, item.slug)
        if key in claimed:
            other = claimed[key].path
            problems.append(Problem(item.path, f"slug '{item.slug}' is already used by {other} "
                                    f"(both would be {key}); choose another slug", item.slug_line))
            continue
        claimed[key] = item
    derived = [p for p in parsed if not p.explicit_slug]
    derived.sort(key=lambda p: (p.draft, str(p.path)))
    for item in derived:
        item.slug = _free_slug(config, item, claimed)
        claimed[_permalink(config, item.date, item.slug)] = item
    return [_finish(p) for p in parsed]


def _free_slug(config: Config, item: _Parsed, claimed: dict[str, _Parsed]) -> str:
    """The plain slug if its permalink is free, else the first free `-2`, `-3`, ... suffix."""
    tried: set[str] = set()
    slug = item.slug
    while _permalink(config, item.date, slug) in claimed:
        tried.add(slug)
        slug = unique_slug(item.slug, tried)
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
    split = _split(path, text)
    if isinstance(split, Problem):
        return _Parsed(problems=[split])
    fm, body, first_line = split
    body, removed = _without_control(body)
    if removed:
        log.warning("%s: removed %d control character(s) from the body: they are invisible, "
                    "and feeds cannot hold them", path, removed)
    loaded = _load_yaml(path, fm, first_line)
    if isinstance(loaded, Problem):
        return _Parsed(problems=[loaded])
    fields = _Fields(path, loaded, first_line, config)
    article = fields.article(body.strip("\n"))
    result = _Parsed(article=article, problems=fields.problems)
    result.explicit_slug, result.slug_line = fields.explicit_slug, fields.line("slug")
    return result


def _split(path: Path, text: str) -> tuple[str, str, int] | Problem:
    """Front matter text, body, and the file line number where the front matter text starts."""
    if not _HANDLER.detect(text):
        return Problem(path, "no front matter: the file must start with a '---' line, then "
                       "'key: value' lines such as 'title: ...', then another '---' line", 1)
    try:
        fm, body = _HANDLER.split(text)
    except ValueError:
        return Problem(path, "front matter is not closed: add a '---' line after the last key", 1)
    opening = _HANDLER.FM_BOUNDARY.match(text)
    assert opening is not None
    return fm, body, text[: opening.end()].count("\n") + 1


@dataclass
class _Yaml:
    """The front matter as data, plus its YAML nodes (for line numbers)."""

    data: dict[str, Any]
    nodes: dict[str, tuple[yaml.Node, yaml.Node]]
    duplicates: list[tuple[str, int]]  # (key, 0-based line in the front matter) of repeats
    text: str = ""                      # the front matter, for line numbers

    def line_of(self, node: yaml.Node) -> int:
        """0-based line of a node, counting only "\n" as editors do (YAML also breaks lines
        at U+0085, U+2028 and U+2029, which would point past the file's end)."""
        return _text_line(self.text, node.start_mark)


def _text_line(text: str, mark: yaml.Mark) -> int:
    return text.count("\n", 0, mark.index)


MAX_DEPTH = 64  # nesting of front-matter values: deeper breaks pickling and rendering alike
# What aliases (`*name`) may add to a front matter, counted as one per value plus the characters
# of each text: a page of speaker names given once and used in every quote adds a few thousand.
# An alias bomb (aliases of lists of aliases) adds 9**9 in 350 bytes, and anything that walks
# the data copies it in full (`record_bytes` pickles without sharing), so it is refused before.
MAX_EXPANSION = 100_000


_TOO_DEEP = (f"front matter nests lists or mappings more than {MAX_DEPTH} levels deep; "
             "flatten it")


def _shape_problem(root: yaml.Node, fm: str) -> tuple[str, int] | None:
    """Why the front matter under `root` is too deep, loops or expands too far through aliases,
    and the 0-based front-matter line to point at; None when it is fine. Nothing is constructed
    yet, and the work is linear in the front matter however far aliases would expand it."""
    depth = _tree_depth(root)
    if depth is None:   # aliases: measure the graph
        return _graph_problem(root, fm)
    return (_TOO_DEEP, 0) if depth > MAX_DEPTH else None


def _tree_depth(root: yaml.Node) -> int | None:
    """How deep lists and mappings nest under `root` (iteratively: no recursion to blow); None
    when some node is reached twice, through an alias. The usual front matter has none, and this
    walk costs half of `_graph_problem`."""
    deepest, stack, seen = 0, [(root, 1)], set()
    while stack:
        node, level = stack.pop()
        if id(node) in seen:
            return None
        seen.add(id(node))
        if level > deepest:
            deepest = level
            if deepest > MAX_DEPTH:
                return deepest
        if isinstance(node, yaml.SequenceNode):
            stack.extend((child, level + 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend((child, level + 1) for pair in node.value for child in pair)
    return deepest


def _graph_problem(root: yaml.Node, fm: str) -> tuple[str, int] | None:
    """`_shape_problem` for a front matter with aliases: one iterative walk measuring each node
    once (shared ones by identity), its nesting and its size with every alias written out."""
    height: dict[int, int] = {}     # levels under a finished node, itself included
    expanded: dict[int, int] = {}   # its size with every alias written out
    distinct = 0                    # the size counting each node once: what the text spells out
    first_shared: yaml.Node | None = None
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, list[yaml.Node]]] = []

    def enter(node: yaml.Node) -> str | None:
        nonlocal distinct, first_shared
        key = id(node)
        if key in on_path:
            return "loop"
        if key in height:   # an alias of a finished node: measured already
            if first_shared is None or node.start_mark.index < first_shared.start_mark.index:
                first_shared = node
            return "deep" if len(stack) + height[key] > MAX_DEPTH else None
        if len(stack) >= MAX_DEPTH:
            return "deep"
        if isinstance(node, yaml.ScalarNode):
            size = 1 + len(node.value)
            distinct += size
            height[key], expanded[key] = 1, size
            return None
        children: list[yaml.Node] = (
            list(node.value) if isinstance(node, yaml.SequenceNode)
            else [child for pair in node.value for child in pair])
        distinct += 1
        on_path.add(key)
        stack.append((node, children[::-1]))
        return None

    outcome = enter(root)
    while stack and outcome is None:
        node, todo = stack[-1]
        if todo:
            child = todo.pop()
            outcome = enter(child)
            if outcome == "loop":
                first_shared = child
            continue
        stack.pop()
        on_path.discard(id(node))
        children = (node.value if isinstance(node, yaml.SequenceNode)
                    else [child for pair in node.value for child in pair])
        height[id(node)] = 1 + max((height[id(c)] for c in children), default=0)
        expanded[id(node)] = 1 + sum(expanded[id(c)] for c in children)
    if outcome == "deep":
        return _TOO_DEEP, 0
    if outcome == "loop":
        assert first_shared is not None
        return ("front matter holds an alias (*name) inside the list or mapping it names, a "
                "loop without end; write the values out"), _text_line(fm, first_shared.start_mark)
    added = expanded[id(root)] - distinct
    if added > MAX_EXPANSION:
        assert first_shared is not None
        return (f"front matter aliases (*name) expand it by {added:,} values and characters, "
                f"more than the {MAX_EXPANSION:,} allowed; write the values out instead of "
                "aliases of aliases"), _text_line(fm, first_shared.start_mark)
    return None


def _load_yaml(path: Path, fm: str, first_line: int) -> _Yaml | Problem:
    """Parse the front matter once, keeping nodes so errors can point at the offending line."""
    loader = _Loader(fm)
    try:
        node = loader.get_single_node()
        shape = _shape_problem(node, fm) if node is not None else None
        if shape is not None:   # before construction, which would build what it describes
            return Problem(path, shape[0], shape[1] + first_line)
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = _text_line(fm, mark) + first_line if mark is not None else first_line
        what = exc.problem or exc.context or "syntax error"
        return Problem(path, f"front matter is not valid YAML: {what}", line)
    except yaml.reader.ReaderError as exc:   # a raw control character such as NUL
        line = fm[: exc.position].count("\n") + first_line
        code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1])
        return Problem(path, f"front matter holds a control character (U+{code:04X}) that "
                       "YAML does not allow; remove it", line)
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as exc:
        return Problem(path, f"front matter is not valid YAML: {exc}", first_line)
    finally:
        loader.dispose()
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        shown = "empty" if data is None else f"a {type(data).__name__}"
        return Problem(path, f"front matter must be 'key: value' lines, but it is {shown}",
                       first_line)
    nodes: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    duplicates: list[tuple[str, int]] = []
    for key_node, value_node in node.value:
        name = str(key_node.value)
        if name in nodes:
            duplicates.append((name, _text_line(fm, key_node.start_mark)))
        else:
            nodes[name] = (key_node, value_node)
    return _Yaml({str(k): v for k, v in data.items()}, nodes, duplicates, fm)


class _Fields:
    """Validates the keys of one front matter; collects every problem with its line."""

    def __init__(self, path: Path, fm: _Yaml, first_line: int, config: Config) -> None:
        self.path, self.fm, self.first_line, self.config = path, fm, first_line, config
        self.problems: list[Problem] = []
        self.said: set[tuple[str, str]] = set()   # look-alike names warned about
        self.explicit_slug = False

    def line(self, key: str, index: int | None = None) -> int | None:
        """File line of `key` (or of item `index` of its list value)."""
        if key not in self.fm.nodes:
            return None
        key_node, value_node = self.fm.nodes[key]
        node: yaml.Node = key_node
        if (index is not None and isinstance(value_node, yaml.SequenceNode)
                and 0 <= index < len(value_node.value)):
            node = value_node.value[index]
        return self.fm.line_of(node) + self.first_line

    def bad(self, key: str, message: str, index: int | None = None) -> None:
        self.problems.append(Problem(self.path, message, self.line(key, index)))

    def article(self, body: str) -> Article | None:
        data = self.fm.data
        self.duplicates()
        self.warn_typos()
        title = self.required_text("title")
        when, has_time = self.required_date("date")
        updated = self.optional_date("updated")
        slug = self.slug(title)
        article = Article(
            path=self.path, title=title or "", date=when or datetime.min, body=body,
            slug=slug or "", subtitle=self.text("subtitle"), updated=updated,
            location=self.text("location"), source=self.text("source"), tags=self.tags(),
            speakers=self.speakers(), quotes=self.quotes(), origin=self.origin(),
            draft=self.draft(), date_has_time=has_time, date_from=self.date_from(),
            extra={k: v for k, v in data.items() if k not in _KNOWN},
        )
        return None if self.problems else article

    # -- scalars ------------------------------------------------------------------------------

    def required_text(self, key: str) -> str | None:
        if key not in self.fm.data:
            self.missing(key)
            return None
        value = self.fm.data[key]
        if value is None or (isinstance(value, str) and not _one_line(value)):
            self.bad(key, f"'{key}' must not be empty")
            return None
        return self.text(key)

    def missing(self, key: str) -> None:
        """A required key is absent: point at the opening '---' line."""
        self.problems.append(Problem(self.path, f"missing required key '{key}'", 1))

    def warn_typos(self) -> None:
        """Unknown keys are kept for themes, but one close to a known key is likely a typo."""
        for key in self.fm.data:
            hint = difflib.get_close_matches(key, _KNOWN, n=1) if key not in _KNOWN else []
            if hint:
                log.warning("%s:%s: unknown key '%s' kept as extra data (did you mean '%s'?)",
                            self.path, self.line(key), key, hint[0])

    def duplicates(self) -> None:
        for key, line in self.fm.duplicates:
            first = self.line(key)
            self.problems.append(Problem(self.path, f"key '{key}' is set twice (first on line "
                                         f"{first}); remove one", line + self.first_line))

    def text(self, key: str) -> str | None:
        """An optional string; empty or null means absent."""
        value = self.fm.data.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            self.bad(key, f"'{key}' must be a string, not {_show(value)}{_quote_hint(value)}")
            return None
        return _one_line(value) or None

    def required_date(self, key: str) -> tuple[datetime | None, bool]:
        if key not in self.fm.data:
            self.missing(key)
            return None, False
        return self.date_value(key)

    def optional_date(self, key: str) -> datetime | None:
        if self.fm.data.get(key) is None:
            return None
        return self.date_value(key)[0]

    def date_value(self, key: str) -> tuple[datetime | None, bool]:
        parsed = _to_datetime(self.fm.data.get(key), self.config)
        if parsed is None:
            self.bad(key, f"'{key}' must be {_DATE_HELP}, not {_show(self.fm.data.get(key))}")
            return None, False
        return parsed

    def slug(self, title: str | None) -> str | None:
        value = self.fm.data.get("slug")
        if value is None or value == "":
            return slugify(title) if title else None
        if not isinstance(value, str):
            self.bad("slug", f"'slug' must be a string, not {_show(value)}{_quote_hint(value)}")
            return None
        if not is_safe_slug(value):
            self.bad("slug", "'slug' must use only a-z, 0-9 and '-', not start or end with '-', "
                     f"not {value!r} (try '{slugify(value)}')")
            return None
        self.explicit_slug = True
        return value

    def origin(self) -> str | None:
        raw = self.fm.data.get("origin")
        value = self.text("origin")
        if value is None:
            return None
        if ("/" in value or "\\" in value or ".." in value or _CONTROL.search(str(raw))
                or _DRIVE.match(value) or value == "."):
            self.bad("origin", "'origin' must be the base name of the raw file, such as "
                     f"'000_09a015d091362e36.txt', not {raw!r}")
            return None
        return value

    def date_from(self) -> str | None:
        value = self.text("date_from")
        if value is not None and value not in DATE_SOURCES:
            self.bad("date_from", "'date_from' must be one of " + ", ".join(DATE_SOURCES)
                     + f" (where the date came from), not {value!r}")
            return None
        return value

    def draft(self) -> bool:
        value = self.fm.data.get("draft", False)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.bad("draft", f"'draft' must be true or false, not {_show(value)}")
            return False
        return value

    # -- lists --------------------------------------------------------------------------------

    def tags(self) -> tuple[str, ...]:
        value = self.fm.data.get("tags")
        if value is None:
            return ()
        if isinstance(value, str):
            value = value.split(",")
        if not isinstance(value, list):
            self.bad("tags", f"{_TAGS_HELP}, not {_show(value)}")
            return ()
        names: list[str] = []
        for index, item in enumerate(value):
            if not isinstance(item, str):
                self.bad("tags", f"{_TAGS_HELP}; item {index + 1} is {_show(item)}"
                         f"{_quote_hint(item)}", index)
                continue
            names.append(self.name("tags", index, item))
        return _dedupe(names)

    def speakers(self) -> tuple[Speaker, ...]:
        speakers: list[Speaker] = []
        for name, role in self.pairs("speakers", ("name", "role"), bare=True,
                                     what="a name or a mapping with 'name' and 'role'"):
            if name and all(s.name.casefold() != name.casefold() for s in speakers):
                speakers.append(Speaker(name, role))
        return tuple(speakers)

    def quotes(self) -> tuple[Quote, ...]:
        quotes: list[Quote] = []
        for text, speaker in self.pairs("quotes", ("text", "speaker"), bare=False,
                                        what="a mapping with 'text' and 'speaker'",
                                        must="mappings with 'text' and 'speaker'"):
            if text:
                quotes.append(Quote(text, speaker))
        return tuple(quotes)

    def pairs(self, key: str, names: tuple[str, str], *, bare: bool, what: str,
              must: str | None = None) -> Iterator[tuple[str | None, str | None]]:
        """The two texts of each item of a list of two-key mappings (`speakers`, `quotes`), the
        first required, every bad item reported once; with `bare` an item may be the first text
        alone (a speaker's name). `must` words a bad item where `what` (the list's) does not."""
        first, second = names
        for index, item in self.items(key, what):
            if bare and isinstance(item, str):
                item = {first: item}
            if not isinstance(item, dict):
                self.bad(key, f"'{key}' items must be {must or what}; item {index + 1} is "
                         f"{_show(item)}", index)
                continue
            one = self.item_text(key, index, item, first, required=True)
            two = self.item_text(key, index, item, second, required=False)
            self.unknown_item_keys(key, index, item, names)
            yield one, two

    def items(self, key: str, what: str) -> list[tuple[int, Any]]:
        value = self.fm.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.bad(key, f"'{key}' must be a list (each item {what}), not {_show(value)}")
            return []
        return list(enumerate(value))

    def item_text(self, key: str, index: int, item: dict[Any, Any], name: str, *,
                  required: bool) -> str | None:
        value = item.get(name)
        if isinstance(value, str) and value.strip() and name in ("name", "speaker"):
            value = self.name(key, index, value)   # "" when only invisible characters
            if value:
                return value
        if isinstance(value, str) and value.strip():
            return _one_line(value) if name != "text" else _CONTROL.sub("", value).strip()
        if value is None or value == "":
            if required:
                self.bad(key, f"'{key}' item {index + 1} needs a '{name}'", index)
            return None
        self.bad(key, f"'{key}' item {index + 1}: '{name}' must be a string, not {_show(value)}",
                 index)
        return None

    def name(self, key: str, index: int, value: str) -> str:
        """A tag or person's name on one line, invisible characters dropped and look-alike
        letters of another script read in their word's (`lookalikes`), said once per file."""
        name, why = clean_name(_one_line(value))
        if why is not None and (value, why) not in self.said:
            self.said.add((value, why))
            log.warning("%s:%s: %s name %r %s; read as %r", self.path, self.line(key, index),
                        "tag" if key == "tags" else "speaker", value, why, name)
        return name

    def unknown_item_keys(self, key: str, index: int, item: dict[Any, Any],
                          known: tuple[str, ...]) -> None:
        for name in item:
            if name not in known:
                hint = difflib.get_close_matches(str(name), known, n=1)
                suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
                self.bad(key, f"'{key}' item {index + 1} has unknown key '{name}'{suggestion}",
                         index)


# ---------------------------------------------------------------------------------------------
# Values


def _to_datetime(value: object, config: Config) -> tuple[datetime, bool] | None:
    """A timezone-aware datetime and whether a time was given; None when not a date at all."""
    if isinstance(value, str):
        value = _parse_iso(value.strip())
        if value is None:
            return None
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=config.tzinfo)
        return aware, True
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=config.tzinfo), False
    return None


_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])


def _without_control(text: str) -> tuple[str, int]:
    """`_CONTROL.subn("", text)`, with a quick answer for the usual ASCII text holding none."""
    if text.isascii():
        data = text.encode("ascii")
        if len(data.translate(None, _CONTROL_BYTES)) == len(data):
            return text, 0
    return _CONTROL.subn("", text)


def _one_line(value: str) -> str:
    """Whitespace runs as one space, control characters (a YAML "\\x07" escape) dropped."""
    return " ".join(_CONTROL.sub("", value).split())


def _parse_iso(text: str) -> date | datetime | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _dedupe(names: list[str]) -> tuple[str, ...]:
    """Drop empty names and case-insensitive repeats, keeping the first spelling."""
    seen: set[str] = set()
    kept: list[str] = []
    for name in names:
        folded = name.casefold()
        if name and folded not in seen:
            seen.add(folded)
            kept.append(name)
    return tuple(kept)


def _show(value: object) -> str:
    """A value as the editor wrote it, shortened."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    shown = repr(value)
    return shown if len(shown) <= 60 else shown[:57] + "..."


def _quote_hint(value: object) -> str:
    if isinstance(value, int | float | bool | date):
        return " (put it in quotes)"
    return ""
