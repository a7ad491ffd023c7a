"""`content/tags.toml`, a site's own tag rules: read by the importer (aliases, stop list, tags
always added: `ingest/tags.py`) and by the build (`kinds`, an editor's kind of a tag, over the
kinds the articles' `tag_kinds` give it: the tags index groups by them). Kept apart from the
importer's tagger so a build reads it without loading the importer's vocabularies.

    stop = ["Europe", "Khabar"]          # never emitted (case-insensitive)
    always = ["World"]                   # appended to every article's tags
    [aliases]                            # variant or tag -> the site's canonical tag
    "EAEU" = "Eurasian Economic Union"
    [kinds]                              # tag -> person, organisation, place or topic
    "Xbox" = "organisation"
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.config import loads_toml
from sitegen.errors import Problem, SitegenError
from sitegen.taxonomy import TAG_KINDS

RULES_FILE = "tags.toml"


@dataclass(frozen=True)
class TagRules:
    """A site's own tag rules from `content/tags.toml`: aliases, stop list, tags always added,
    each tag's kind on the site (`kinds`: the tag as written -> one of `TAG_KINDS`); and
    `known`, the tags the site's articles already use (`tag_key` -> the form they use), so a new
    story's tags take the site's spelling ("Jarosław Kaczyński", not "Jaroslaw Kaczynski")."""

    aliases: Mapping[str, str] = field(default_factory=dict)
    stop: frozenset[str] = frozenset()
    always: tuple[str, ...] = ()
    known: Mapping[str, str] = field(default_factory=dict)
    kinds: Mapping[str, str] = field(default_factory=dict)   # tag -> kind, an editor's say


def load_tag_rules(content_dir: Path) -> TagRules:
    """Read `content_dir/tags.toml` if present; a broken file is an error naming file and line."""
    path = content_dir / RULES_FILE
    if not path.is_file():
        return TagRules()
    try:
        data = loads_toml(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or _toml_error_line(str(exc))
        raise SitegenError(Problem(path, f"invalid TOML: {exc}", line)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SitegenError(Problem(path, f"cannot read tag rules: {exc}")) from None
    return _rules_from_data(path, data)


def _toml_error_line(message: str) -> int | None:
    """tomllib (before 3.14) puts the line only in the message: "... (at line 3, column 5)"."""
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None


def _rules_from_data(path: Path, data: dict[str, object]) -> TagRules:
    """Validate the parsed table; each wrong key is reported with the line it is on."""
    text = path.read_text(encoding="utf-8")
    unknown = sorted(set(data) - {"aliases", "stop", "always", "kinds"})
    if unknown:
        raise SitegenError(Problem(path, f"unknown key {unknown[0]!r} (expected aliases, stop, "
                                         "always, kinds)", _key_line(text, unknown[0])))
    aliases = data.get("aliases", {})
    if not isinstance(aliases, dict):
        raise SitegenError(Problem(path, "aliases must be a table: [aliases]",
                                   _key_line(text, "aliases")))
    for key, value in aliases.items():
        if not isinstance(value, str) or not value.strip():
            raise SitegenError(Problem(
                path, f"alias {key!r} must map to a non-empty tag string, "
                      'e.g. "EAEU" = "Eurasian Economic Union"', _key_line(text, key)))
    lists = {key: _string_list(path, text, data, key) for key in ("stop", "always")}
    return TagRules(
        aliases={k.strip(): v.strip() for k, v in aliases.items()},
        stop=frozenset(s.casefold() for s in lists["stop"]),
        always=tuple(lists["always"]),
        kinds=_kinds(path, text, data),
    )


def _kinds(path: Path, text: str, data: dict[str, object]) -> dict[str, str]:
    """`[kinds]`: a tag's name -> person, organisation, place or topic (any case)."""
    kinds = data.get("kinds", {})
    if not isinstance(kinds, dict):
        raise SitegenError(Problem(path, "kinds must be a table: [kinds]",
                                   _key_line(text, "kinds")))
    found = {}
    for key, value in kinds.items():
        kind = value.strip().casefold() if isinstance(value, str) else None
        if kind not in TAG_KINDS or not key.strip():
            raise SitegenError(Problem(
                path, f"the kind of {key!r} must be one of {', '.join(TAG_KINDS)}, "
                      'e.g. "Xbox" = "organisation"', _key_line(text, key)))
        found[key.strip()] = kind
    return found


def _string_list(path: Path, text: str, data: dict[str, object], key: str) -> list[str]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise SitegenError(Problem(path, f"{key} must be a list of tag strings",
                                   _key_line(text, key)))
    return [v.strip() for v in value]


def _key_line(text: str, key: str) -> int | None:
    """The line a top-level key or table is on, so the editor can jump to it."""
    name = re.escape(key)
    pattern = re.compile(rf"^[ \t]*(?:\[[ \t]*{name}[ \t]*\]|[\"']?{name}[\"']?[ \t]*=)", re.M)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else None
