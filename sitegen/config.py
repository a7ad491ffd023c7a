"""Read and validate `sitegen.toml`: every key optional, typos caught with a suggestion.

Each key is declared once, as a field of `Config`: its type (the annotation), its default, the
check its value must pass beyond that type and its one-line doc (`setting()`). `SETTINGS` is read
from those fields; validation and the table of docs/CONFIG.md (`settings_table()`, written with
`python -m sitegen.config docs/CONFIG.md`, checked by a test) are made from it, so the record,
the checks and the doc cannot drift apart.
"""

# No `from __future__ import annotations`: `SETTINGS` reads each key's type from `Config`'s
# annotations, evaluated once as the class is made (get_type_hints would compile their text
# again on every run, about 0.3 ms of the import).
import re
import tomllib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import Field, dataclass, field, fields, replace
from pathlib import Path
from types import NoneType, UnionType
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar, get_args, get_origin
from urllib.parse import urlsplit

from sitegen.errors import Problem, SitegenError

if TYPE_CHECKING:   # imported where used: a build with nothing to do needs neither
    from zoneinfo import ZoneInfo

CONFIG_NAME = "sitegen.toml"
DEFAULT_PERMALINK = "/{year}/{month}/{slug}/"
PERMALINK_FIELDS = ("year", "month", "day", "slug")
DEFAULT_MARKDOWN_EXTENSIONS = ("extra", "toc", "sane_lists")
KNOWN_TAXONOMIES = ("tags", "speakers")

# What a key's value must pass beyond its type: the problems, each said after "'key' ".
Check = Callable[[Any], Iterable[str]]
_T = TypeVar("_T")


def setting(default: _T, doc: str, *, check: Check | None = None,
            shown_type: str | None = None) -> _T:
    """A `Config` field that is a key of `sitegen.toml`; `doc` is its line in docs/CONFIG.md and
    `shown_type` names its type there when `check` narrows the annotation's ("integer ≥ 1")."""
    return field(default=default, metadata=_about(doc, check, shown_type))


def _about(doc: str, check: Check | None = None,
           shown_type: str | None = None) -> dict[str, Any]:
    """The metadata `SETTINGS` reads from a field, for fields `setting()` cannot make."""
    return {"doc": doc, "check": check, "shown_type": shown_type}


def _at_least_one(value: int) -> Iterator[str]:
    if value < 1:
        yield "must be at least 1"


def _absolute_url(value: str) -> Iterator[str]:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        yield "must be an absolute http(s) URL such as 'https://USER.github.io/REPO/'"
    elif parts.query or parts.fragment:
        yield "must not have a '?query' or '#fragment'"


def _known_zone(value: str) -> Iterator[str]:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        yield f"is not a known time zone: {value!r}" + _zone_hint(str(value))


def _usable_permalink(value: str) -> Iterator[str]:
    message = permalink_problem(value)
    if message:
        yield message


def _known_taxonomies(value: list[Any]) -> Iterator[str]:
    for name in value:
        if isinstance(name, str) and name not in KNOWN_TAXONOMIES:
            yield f"has unknown taxonomy {name!r} (known: {', '.join(KNOWN_TAXONOMIES)})"


def _inside_site(value: str) -> Iterator[str]:
    if Path(value).is_absolute() or ".." in Path(value).parts:
        yield "must be a folder inside the site, without '..'"


@dataclass(frozen=True)
class Config:
    """The site's settings; `root` is the folder holding `sitegen.toml`, every other field is one
    of its keys (see `setting()`)."""

    root: Path = field(default=Path("."), metadata={"setting": False})
    title: str = setting("News", "site title")
    description: str = setting("", "site description (meta, feeds)")
    language: str = setting("en", "`lang` of every page")
    base_url: str = setting(
        "http://127.0.0.1:8000/",
        "absolute URL the site is published at; its path is the base path of every link "
        "(`https://USER.github.io/REPO/` -> `/REPO/`). `sitegen build --base-url` overrides it",
        check=_absolute_url)
    theme: str = setting("default", "theme folder under `themes/`")
    per_page: int = setting(10, "articles per page on the front page, tag and speaker pages",
                            check=_at_least_one, shown_type="integer ≥ 1")
    permalink: str = setting(
        DEFAULT_PERMALINK,
        "article URL; fields `{year}`, `{month}`, `{day}`, `{slug}` (required)",
        check=_usable_permalink)
    timezone: str = setting("UTC", "IANA zone applied to plain dates (`Europe/Moscow`)",
                            check=_known_zone)
    taxonomies: tuple[str, ...] = setting(("tags", "speakers"), "which index pages to build",
                                          check=_known_taxonomies)
    cname: str | None = setting(None, "custom domain for GitHub Pages")
    markdown_extensions: tuple[str, ...] = setting(DEFAULT_MARKDOWN_EXTENSIONS,
                                                   "Python-Markdown extensions")
    unsafe_html: bool = setting(False, "when false, raw HTML in Markdown is escaped")
    author: str | None = setting(None, "default author / publisher for feeds and JSON-LD")
    content_dir: str = setting("content", "content folder inside the site", check=_inside_site)
    output_dir: str = setting("_site", "output folder inside the site", check=_inside_site)
    search: bool = setting(
        True,
        "full-text search: index the built site with Pagefind (`pip install 'pagefind[bin]'`, "
        "a dependency of sitegen) into `pagefind/` and show the search box. A missing binary is "
        "a warning (the site is built without an index; the box stays links to the tag and "
        "speaker indexes); a failing one fails the build and keeps the previous site. "
        "`SITEGEN_PAGEFIND=/path/to/pagefind` picks another binary. The index is split into parts "
        "by month, and the parts of each site's last build are cached in `$SITEGEN_CACHE_DIR` "
        "(else `$XDG_CACHE_HOME/sitegen`, else `~/.cache/sitegen`): a rebuild indexes only the "
        "parts whose article pages changed. `sitegen serve` indexes on its first build, and "
        "brings the index up to date once no edit came for a second (docs/SERVE.md)")
    cards: bool = setting(
        True,
        "card images for shared links: a 1200x630 PNG per article and per speaker (headline "
        "or name, dateline or role, the pull quote or latest quote, the site's title) at "
        "`<page>/card.png`, named by the page's `og:image` and `twitter:image`; drawn with "
        "Pillow, only for the articles and speakers that changed since the last build")
    extra: dict[str, Any] = field(
        default_factory=dict, compare=False, hash=False,
        metadata=_about("free-form values for themes (`config.extra` in templates)"))

    @property
    def base_path(self) -> str:
        """The URL path every link starts with: "/" for a user site, "/REPO/" for a project site."""
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    @property
    def site_url(self) -> str:
        """`base_url` with exactly one trailing slash."""
        return self.base_url.rstrip("/") + "/"

    @property
    def tzinfo(self) -> "ZoneInfo":
        from zoneinfo import ZoneInfo

        return ZoneInfo(self.timezone)

    @property
    def content_path(self) -> Path:
        return self.root / self.content_dir

    @property
    def output_path(self) -> Path:
        return self.root / self.output_dir


_TYPE_NAMES = {str: "a string", int: "an integer", bool: "true or false", list: "a list",
               dict: "a table"}
_ITEM_NAMES = {str: "strings", int: "integers"}
_DOC_TYPES = {str: "string", int: "integer", bool: "bool", list: "list", dict: "table"}
_TABLE_HEADER = "| key | type | default | meaning |"


class Setting(NamedTuple):
    """One key of `sitegen.toml`, as its `Config` field declares it."""

    name: str
    toml_type: type            # the TOML value it takes: str, int, bool, list or dict
    item_type: type | None     # a list's items
    default: Any
    check: Check | None
    doc: str
    shown_type: str | None


def _setting_of(f: Field[Any]) -> Setting:
    """`f`'s key: an annotation `X | None` takes an X (None is "not set"), `tuple[X, ...]` a list
    of X, `dict[...]` a table."""
    if "doc" not in f.metadata:
        raise TypeError(f"Config.{f.name} is no setting(): give it a doc, or "
                        "metadata={'setting': False}")
    hint = f.type
    if isinstance(hint, UnionType):
        [hint] = [arg for arg in get_args(hint) if arg is not NoneType]
    origin = get_origin(hint) or hint
    item = get_args(hint)[0] if origin is tuple else None
    toml_type = list if origin is tuple else origin
    if toml_type not in _TYPE_NAMES or (item is not None and item not in _ITEM_NAMES):
        raise TypeError(f"Config.{f.name}: {hint} is no type TOML gives")
    default = f.default_factory() if callable(f.default_factory) else f.default
    return Setting(f.name, toml_type, item, default, f.metadata["check"], f.metadata["doc"],
                   f.metadata["shown_type"])


SETTINGS: tuple[Setting, ...] = tuple(_setting_of(f) for f in fields(Config)
                                      if f.metadata.get("setting", True))
_BY_NAME = {s.name: s for s in SETTINGS}


def loads_toml(text: str) -> dict[str, Any]:
    """`tomllib.loads`, with nesting too deep for its recursive parser (a few hundred arrays or
    inline tables, never a real settings file) as a `TOMLDecodeError`, not a RecursionError
    traceback; the rest of its work is linear in the text."""
    try:
        return tomllib.loads(text)
    except RecursionError:
        raise tomllib.TOMLDecodeError("arrays or inline tables nest too deep to read; "
                                      "flatten them") from None


def load_config(root: Path, *, overrides: dict[str, Any] | None = None) -> Config:
    """Load `root/sitegen.toml` (absent means all defaults) and apply command-line overrides."""
    path = root / CONFIG_NAME
    data: dict[str, Any] = {}
    if path.exists():
        try:
            data = loads_toml(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            problem = Problem(path, f"not valid TOML: {exc}", _toml_error_line(exc))
            raise SitegenError(problem) from None
        except UnicodeDecodeError:
            raise SitegenError(Problem(path, "not UTF-8 text")) from None
    data.update({k: v for k, v in (overrides or {}).items() if v is not None})
    return config_from_dict(data, root=root, path=path)


def config_from_dict(data: dict[str, Any], *, root: Path, path: Path | None = None) -> Config:
    """Validate a parsed configuration table against `SETTINGS`; every problem is reported, not
    just the first: unknown keys and wrong types in the file's order, then each key's check."""
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in _BY_NAME:
            import difflib

            hint = difflib.get_close_matches(key, _BY_NAME, n=1)
            suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
            problems.append(Problem(path, f"unknown key '{key}'{suggestion}", _key_line(path, key)))
            continue
        expected = _BY_NAME[key].toml_type
        # bool is an int in Python; per_page = true is still a type error.
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            problems.append(Problem(path, f"'{key}' must be {_TYPE_NAMES[expected]}, not {value!r}",
                                    _key_line(path, key)))
            continue
        values[key] = value

    for known in SETTINGS:
        if known.name in values:
            problems.extend(Problem(path, f"'{known.name}' {message}", _key_line(path, known.name))
                            for message in _value_problems(known, values[known.name]))
    if problems:
        raise SitegenError(problems)
    # A TOML list is kept as a tuple: the record is frozen and hashable.
    settings: dict[str, Any] = {key: tuple(value) if _BY_NAME[key].toml_type is list else value
                                for key, value in values.items()}
    return replace(Config(root=root), **settings)


def _value_problems(known: Setting, value: Any) -> Iterator[str]:
    """What is wrong with a value of the right TOML type: its items, then its key's check."""
    if known.item_type is not None and not all(isinstance(v, known.item_type) for v in value):
        yield f"must be a list of {_ITEM_NAMES[known.item_type]}"
    if known.check is not None:
        yield from known.check(value)


def permalink_problem(pattern: str) -> str | None:
    """Why a permalink pattern is unusable, or None when it is fine."""
    import string

    try:
        parsed = [(f, spec, conv) for _, f, spec, conv in string.Formatter().parse(pattern)
                  if f is not None]
    except ValueError as exc:
        return f"is not a valid pattern: {exc}"
    names = [f for f, _, _ in parsed]
    if any(spec or conv for _, spec, conv in parsed):
        return "must use plain fields like {year}, without '!' conversions or ':' formats"
    unknown = [n for n in names if n not in PERMALINK_FIELDS]
    if unknown:
        return f"uses unknown field {{{unknown[0]}}} (known: {', '.join(PERMALINK_FIELDS)})"
    if "slug" not in names:
        return "must contain {slug} so that every article gets its own URL"
    if not pattern.startswith("/") or not pattern.endswith("/"):
        return "must start and end with '/', like '/{year}/{month}/{slug}/'"
    # Output paths come from the permalink: no part may climb out of the output folder.
    if "\\" in pattern or any(part in (".", "..") for part in pattern.split("/")):
        return "must not contain '.', '..' or '\\' path parts"
    return None


def _key_line(path: Path | None, key: str) -> int | None:
    """The line where a top-level key is set, so errors can point at it."""
    if path is None or not path.exists():
        return None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith((key + " ", key + "=", f'"{key}"', f"[{key}]", f"[{key}.",
                                f"[[{key}]]")):
            return number
    return None


def _toml_error_line(exc: tomllib.TOMLDecodeError) -> int | None:
    """The error's line: an attribute from Python 3.14, only in the message before that."""
    lineno = getattr(exc, "lineno", None)
    if isinstance(lineno, int):
        return lineno
    found = re.search(r"\(at line (\d+), column \d+\)", str(exc))
    return int(found.group(1)) if found else None


def config_field_names() -> list[str]:
    """Documented keys, for `sitegen new` and the docs."""
    return [s.name for s in SETTINGS]


def _zone_hint(name: str) -> str:
    """" (did you mean 'Europe/London'?)" for a mistyped IANA zone name, else an example."""
    import difflib
    from zoneinfo import available_timezones

    close = difflib.get_close_matches(name, sorted(available_timezones()), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else " (an IANA name such as 'Europe/London')"


def settings_table() -> str:
    """The Markdown table of every key for docs/CONFIG.md, made from `SETTINGS`."""
    rows = [_TABLE_HEADER, "|---|---|---|---|"]
    for known in SETTINGS:
        kind = known.shown_type or _DOC_TYPES[known.toml_type]
        default = "none" if known.default is None else f"`{_toml_text(known.default)}`"
        meaning = known.doc.replace("|", "\\|")
        rows.append(f"| `{known.name}` | {kind} | {default} | {meaning} |")
    return "\n".join(rows) + "\n"


def with_settings_table(markdown: str) -> str:
    """`markdown` (docs/CONFIG.md) with its table of keys replaced by `settings_table()`; the prose
    around it is kept."""
    lines = markdown.splitlines(keepends=True)
    starts = [n for n, line in enumerate(lines) if line.rstrip() == _TABLE_HEADER]
    if not starts:
        raise ValueError(f"no table of settings: no line {_TABLE_HEADER!r}")
    end = starts[0]
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    return "".join(lines[:starts[0]]) + settings_table() + "".join(lines[end:])


def _toml_text(value: object) -> str:
    """A default as it would be written in `sitegen.toml`."""
    import json

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(map(_toml_text, value)) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_toml_text(v)}" for k, v in value.items()) + "}"
    return json.dumps(value, ensure_ascii=False)   # a string in TOML's quotes, or a number


def _main(args: list[str]) -> int:
    """`python -m sitegen.config` prints the table of keys; `... docs/CONFIG.md` writes it there."""
    if not args:
        print(settings_table(), end="")
        return 0
    for name in args:
        doc = Path(name)
        doc.write_text(with_settings_table(doc.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(_main(sys.argv[1:]))
