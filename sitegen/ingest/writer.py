"""A parsed article -> front-matter Markdown text, fields in the contract's order.

The output is what editors open and edit, so it must read well: fields in the order of the
contract in docs/DESIGN.md, every field present (null when unknown) so editors see what they can
fill in, Unicode kept as typed, long lines never folded, tags as one `[a, b]` line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import yaml

from sitegen.ingest.dates import ArticleDates
from sitegen.ingest.structure import Block, ParsedArticle
from sitegen.model import Quote, Speaker

FIELD_ORDER = ("title", "subtitle", "date", "updated", "location", "source", "tags", "tag_kinds",
               "speakers", "quotes", "slug", "origin", "date_from", "draft")
# A paragraph opening that Markdown would read as structure (heading, quote, list, rule, table).
_BLOCK_START = re.compile(r"^(?:#|>|[-+*](?=\s|$)|\d{1,9}(?=[.)](?:\s|$))|=+\s*$|\||```|~~~)")


class _FlowList(list[Any]):
    """A list dumped on one line: `tags: [Russia, Kazakhstan]`."""


class _Dumper(yaml.SafeDumper):
    """SafeDumper with ISO datetimes ("T" separator), one-line tag lists, indented lists."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_datetime(dumper: yaml.SafeDumper, value: datetime) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat())


class _FlowMap(dict[str, str]):
    """A mapping dumped on one line, in insertion order: `tag_kinds: {Russia: place}`."""


def _represent_flow_map(dumper: yaml.SafeDumper, value: _FlowMap) -> yaml.MappingNode:
    node = dumper.represent_mapping("tag:yaml.org,2002:map", value.items(), flow_style=True)
    return node


def _represent_flow(dumper: yaml.SafeDumper, value: _FlowList) -> yaml.SequenceNode:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=True)


_Dumper.add_representer(datetime, _represent_datetime)
_Dumper.add_representer(_FlowList, _represent_flow)
_Dumper.add_representer(_FlowMap, _represent_flow_map)


def render_markdown(article: ParsedArticle, dates: ArticleDates, *, tags: Sequence[str],
                    speakers: Sequence[Speaker], quotes: Sequence[Quote], slug: str,
                    origin: str, draft: bool = False,
                    tag_kinds: Mapping[str, str] | None = None) -> str:
    """The complete Markdown file: `---` front matter `---` then the body. `tag_kinds` (tag ->
    person, organisation, place or topic, for the tags whose kind the importer knows) is written
    as one `{tag: kind, ...}` line, in the tags' order, and left out when empty."""
    fields: dict[str, Any] = {
        "title": article.title,
        "subtitle": article.subtitle,
        "date": dates.date,
        "updated": dates.updated,
        "location": article.location,
        "source": article.source,
        "tags": _FlowList(tags),
        **({"tag_kinds": _FlowMap(tag_kinds)} if tag_kinds else {}),
        "speakers": [{"name": s.name, "role": s.role} for s in speakers],
        "quotes": [{"speaker": q.speaker, "text": q.text} for q in quotes],
        "slug": slug,
        "origin": origin,
        "date_from": dates.source,
        "draft": draft,
    }
    return f"---\n{front_matter(fields)}---\n{markdown_body(article.blocks)}"


def front_matter(fields: dict[str, Any]) -> str:
    """YAML for the fields in FIELD_ORDER (safe dump: no Python tags, nothing executable)."""
    ordered = {key: fields[key] for key in FIELD_ORDER if key in fields}
    return yaml.dump(ordered, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     width=1_000_000, default_flow_style=False)


def markdown_body(blocks: Sequence[Block]) -> str:
    """Paragraphs separated by blank lines; headings as `## text`."""
    parts = [f"## {b.text.rstrip('#').strip()}" if b.heading else escape_paragraph(b.text)
             for b in blocks]
    return "\n\n".join(parts) + "\n"


def escape_paragraph(text: str) -> str:
    """Backslash a line start Markdown would take for structure ("1. ", "# ", "> ", "- ")."""
    match = _BLOCK_START.match(text)
    if match is None:
        return text
    if match.group(0)[:1].isdigit():
        end = match.end()
        return text[:end] + "\\" + text[end:]
    return "\\" + text

