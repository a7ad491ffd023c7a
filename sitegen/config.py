"""Read and validate `sitegen.toml`: every key optional, typos caught with a suggestion.

The schema is declared once (`FIELDS`) so validation, defaults and the docs cannot drift apart.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from sitegen.errors import Problem, SitegenError

if TYPE_CHECKING:   # imported where used: a build with nothing to do needs neither
    from zoneinfo import ZoneInfo

CONFIG_NAME = "sitegen.toml"
DEFAULT_PERMALINK = "/{year}/{month}/{slug}/"
PERMALINK_FIELDS = ("year", "month", "day", "slug")
DEFAULT_MARKDOWN_EXTENSIONS = ("extra", "toc", "sane_lists")


@dataclass(frozen=True)
class Config:
    """The site's settings; `root` is the folder holding `sitegen.toml`."""

    root: Path = Path(".")
    title: str = "News"
    description: str = ""
    language: str = "en"
    base_url: str = "http://127.0.0.1:8000/"
    theme: str = "default"
    per_page: int = 10
    permalink: str = DEFAULT_PERMALINK
    timezone: str = "UTC"
    taxonomies: tuple[str, ...] = ("tags", "speakers")
    cname: str | None = None
    markdown_extensions: tuple[str, ...] = DEFAULT_MARKDOWN_EXTENSIONS
    unsafe_html: bool = False
    author: str | None = None
    content_dir: str = "content"
    output_dir: str = "_site"
    search: bool = True          # full-text search with Pagefind (sitegen/search.py)
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

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
    def tzinfo(self) -> ZoneInfo:
        from zoneinfo import ZoneInfo

        return ZoneInfo(self.timezone)

    @property
    def content_path(self) -> Path:
        return self.root / self.content_dir

    @property
    def output_path(self) -> Path:
        return self.root / self.output_dir


# Key -> (accepted TOML types, description). `extra` is a free-form table for themes.
_TYPES: dict[str, tuple[type, ...]] = {
    "title": (str,),
    "description": (str,),
    "language": (str,),
    "base_url": (str,),
    "theme": (str,),
    "per_page": (int,),
    "permalink": (str,),
    "timezone": (str,),
    "taxonomies": (list,),
    "cname": (str,),
    "markdown_extensions": (list,),
    "unsafe_html": (bool,),
    "author": (str,),
    "content_dir": (str,),
    "output_dir": (str,),
    "search": (bool,),
    "extra": (dict,),
}
_TYPE_NAMES = {str: "a string", int: "an integer", bool: "true or false", list: "a list",
               dict: "a table"}
KNOWN_TAXONOMIES = ("tags", "speakers")


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
    """Validate a parsed configuration table; every problem is reported, not just the first."""
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in _TYPES:
            import difflib

            hint = difflib.get_close_matches(key, _TYPES, n=1)
            suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
            problems.append(Problem(path, f"unknown key '{key}'{suggestion}", _key_line(path, key)))
            continue
        expected = _TYPES[key]
        # bool is an int in Python; per_page = true is still a type error.
        if not isinstance(value, expected) or (int in expected and isinstance(value, bool)):
            want = " or ".join(_TYPE_NAMES[t] for t in expected)
            problems.append(Problem(path, f"'{key}' must be {want}, not {value!r}",
                                    _key_line(path, key)))
            continue
        values[key] = value

    problems.extend(_check_values(values, path))
    if problems:
        raise SitegenError(problems)
    for key in ("taxonomies", "markdown_extensions"):
        if key in values:
            values[key] = tuple(values[key])
    return replace(Config(root=root), **values)


def _check_values(values: dict[str, Any], path: Path | None) -> list[Problem]:
    problems: list[Problem] = []

    def bad(key: str, message: str) -> None:
        problems.append(Problem(path, f"'{key}' {message}", _key_line(path, key)))

    if "per_page" in values and values["per_page"] < 1:
        bad("per_page", "must be at least 1")
    if "base_url" in values:
        parts = urlsplit(values["base_url"])
        if parts.scheme not in ("http", "https") or not parts.netloc:
            bad("base_url", "must be an absolute http(s) URL such as 'https://USER.github.io/REPO/'")
        elif parts.query or parts.fragment:
            bad("base_url", "must not have a '?query' or '#fragment'")
    if "timezone" in values:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(values["timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            bad("timezone", f"is not a known time zone: {values['timezone']!r}"
                + _zone_hint(str(values["timezone"])))
    if "permalink" in values:
        message = permalink_problem(values["permalink"])
        if message:
            bad("permalink", message)
    for key in ("taxonomies", "markdown_extensions"):
        if key in values and not all(isinstance(v, str) for v in values[key]):
            bad(key, "must be a list of strings")
    for name in values.get("taxonomies", []):
        if isinstance(name, str) and name not in KNOWN_TAXONOMIES:
            known = ", ".join(KNOWN_TAXONOMIES)
            bad("taxonomies", f"has unknown taxonomy {name!r} (known: {known})")
    for key in ("content_dir", "output_dir"):
        if key in values and (Path(values[key]).is_absolute() or ".." in Path(values[key]).parts):
            bad(key, "must be a folder inside the site, without '..'")
    return problems


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
    return [f.name for f in fields(Config) if f.name != "root"]


def _zone_hint(name: str) -> str:
    """" (did you mean 'Europe/London'?)" for a mistyped IANA zone name, else an example."""
    import difflib
    from zoneinfo import available_timezones

    close = difflib.get_close_matches(name, sorted(available_timezones()), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else " (an IANA name such as 'Europe/London')"
