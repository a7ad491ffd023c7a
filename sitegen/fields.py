"""Front-matter fields: each key of one article's front matter checked and read into `Article`
fields, every problem collected with its file line, so one run shows all that needs fixing."""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import yaml

from sitegen.config import Config
from sitegen.errors import Problem
from sitegen.front_matter import FrontMatter
from sitegen.lookalikes import clean_name
from sitegen.model import Article, Quote, Speaker
from sitegen.slugs import is_safe_slug, slugify

# The loader's logger: `content` records what a parse logs there, to say it again on a cache hit.
log = logging.getLogger("sitegen.content")

_KNOWN = ("title", "subtitle", "date", "updated", "location", "source", "tags", "speakers",
          "quotes", "slug", "origin", "date_from", "draft")
# Keys the importer writes for themes: kept in `Article.extra` as they are, never taken for a
# typo ("tag_kinds" is close to "tags"). `tag_kinds` maps a tag to person, organisation, place
# or topic (docs/IMPORTER.md).
_FOR_THEMES = ("tag_kinds",)
# Where the importer found an article's date: read from its text, the raw file's first commit,
# or the raw file's modification time (a guess). `sitegen check` lists the last two.
DATE_SOURCES = ("text", "git", "file")
_DATE_HELP = "a date like 2022-12-10 or a date and time like 2022-12-10T18:21:00+03:00"
_TAGS_HELP = "'tags' must be a list of strings or a comma-separated string"
_DRIVE = re.compile(r"^[A-Za-z]:")
# Invisible characters that XML 1.0 (feeds, sitemap) forbids and HTML calls parse errors; \x02 and
# \x03 would also collide with Python-Markdown's placeholders. Never content, so never kept.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


class Fields:
    """Validates the keys of one front matter; collects every problem with its line."""

    def __init__(self, path: Path, fm: FrontMatter, first_line: int, config: Config) -> None:
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
            known = key in _KNOWN or key in _FOR_THEMES
            hint = difflib.get_close_matches(key, _KNOWN, n=1) if not known else []
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


def without_control(text: str) -> tuple[str, int]:
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
