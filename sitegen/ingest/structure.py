"""Raw article text -> its parts: title, standfirst, dateline, body paragraphs and headings.

Pure functions over `str` (no I/O), so every wire layout is tested with plain strings. The
front matter contract (docs/DESIGN.md) decides what is content: site chrome ("All news",
"Updated at:") is not, the dateline becomes fields and leaves the body, a short unpunctuated line
between paragraphs is a section heading.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sitegen.ingest.outlets import (
    DATE,
    MONTH,
    RUSSIAN_MONTHS,
    WEEKDAY,
    agencies,
    byline_patterns,
    dateline_patterns,
    stamp_labels,
)

MAX_TITLE = 300
MAX_SUBTITLE = 600
MAX_HEADING = 80
MAX_HEADING_WORDS = 12
_END_PUNCT = tuple('.!?:;,"”»…\')’')

MONTHS = {name: number for number, names in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
    ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
    ("oct", "october"), ("nov", "november"), ("dec", "december")), start=1) for name in names}
MONTHS.update({name: number for number, name in enumerate(RUSSIAN_MONTHS, start=1)})
_FULL_DATE = re.compile(
    rf"\b\d{{1,2}}[./-]\d{{1,2}}[./-](?:19|20)\d\d\b|\b(?:19|20)\d\d-\d\d-\d\d\b"
    rf"|{MONTH}\.?\s+\d{{1,2}},?\s+(?:19|20)\d\d|\b\d{{1,2}}[\s-]+{MONTH}\.?,?[\s-]+(?:19|20)\d\d")
# Wikinews: a paragraph that is only a date, "Friday, January 4, 2019".
_DATE_ONLY = re.compile(rf"(?:{WEEKDAY},?\s+)?{DATE}(?:\s*$|\s+(?=[^\W\d_]))")
_SMALL_WORDS = {"de", "da", "do", "dos", "das", "del", "la", "le", "les", "du", "of", "on",
                "upon", "am", "an", "der", "di", "y", "el", "en", "sur", "na", "and", "es"}

_CHROME_TOP = {"all news", "news", "latest news", "share", "print", "advertisement", "menu",
               "home", "read more", "subscribe", "close", "skip to content", "top stories"}
_CHROME_END = {"reuter", "reuters", "ends", "end", "(end)", "###", "-0-", "(reuters)"}
_STAMP = re.compile(r"(?i)(?:last\s+)?(?:updated|published)(?:\s+(?:at|on))?\s*:\s*(?P<s>.*)"
                    r"|(?:updated|published)\s+(?:at|on)\s+(?P<t>.*)")
_SEGMENTS = re.compile(r"\s[·|]\s")
FURNITURE = "\x00"   # stands where a timestamp line was, until the head is read
_UPDATED = re.compile(r"(?i)\bupdat|\bmodif")
_PUBLISHED = re.compile(r"(?i)\bpublish|\bposted|\bissued")
_CREDIT_WORDS = 5
_HEAD_PARAGRAPHS = 4   # bylines are looked for among the first paragraphs only
_HEAD_LINES = 12       # timestamp lines are looked for among the first lines only
MAX_STAMP = 100
_STAMP_OTHER_WORDS = 2
_WORD = re.compile(r"[^\W\d_]+")
_TIME_WORDS = frozenset({"am", "pm", "a", "p", "m", "utc", "gmt", "est", "edt", "cst", "cdt",
                         "pst", "pdt", "cet", "cest", "bst", "msk", "jst", "kst", "ist", "aedt",
                         "aest", "ast", "eet", "eest", "mon", "tue", "wed", "thu", "fri", "sat",
                         "sun", "monday", "tuesday", "wednesday", "thursday", "friday",
                         "saturday", "sunday"})
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
# Zero-width characters, and control characters (never text; the content loader drops them too,
# so a title made only of them would be an empty title).
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Archive text (NYT, LexisNexis) writes double quote marks as two apostrophes: ''Yes,'' he said.
_TWO_APOSTROPHES = re.compile(r"(?<!')''(?!')")


class StructureError(ValueError):
    """The text has no recognisable article in it; the message is one line for the user."""


@dataclass(frozen=True)
class Dateline:
    """What the dateline said; absent parts are None (most datelines carry no year)."""

    text: str
    location: str | None = None
    source: str | None = None
    month: int | None = None
    day: int | None = None
    year: int | None = None


@dataclass(frozen=True)
class Block:
    """One body block: a paragraph, or a section heading (rendered as `## text`)."""

    text: str
    heading: bool = False


@dataclass(frozen=True)
class ParsedArticle:
    """An article's parts, chrome and dateline removed from the body."""

    title: str
    blocks: tuple[Block, ...]
    subtitle: str | None = None
    dateline: Dateline | None = None
    updated_stamp: str | None = None   # the text after "Updated at:", when there was any
    published_stamp: str | None = None  # a "Published ..." or unlabelled timestamp line's text
    credit: str | None = None   # the agency a credit line names ("The Canadian Press")

    @property
    def paragraphs(self) -> tuple[str, ...]:
        """Body paragraphs without headings: what quote attribution and tagging read."""
        return tuple(b.text for b in self.blocks if not b.heading)

    @property
    def location(self) -> str | None:
        return self.dateline.location if self.dateline else None

    @property
    def source(self) -> str | None:
        return (self.dateline.source if self.dateline else None) or self.credit

    def all_text(self) -> str:
        """Title, standfirst and body as one string, for searches such as years named."""
        return "\n".join([self.title, self.subtitle or "", *(b.text for b in self.blocks)])


def parse_article(text: str) -> ParsedArticle:
    """Split raw article text into its parts, or raise StructureError (no title / no body)."""
    lines = [_clean_line(line) for line in text.split("\n")]
    published, stamp, lines = _take_stamps(lines)
    lines = _drop_chrome(lines)
    groups = _line_groups(lines)
    if not groups:
        raise StructureError("no title: the file holds nothing but site chrome")
    title = _collapse(groups[0][0])
    _check_title(title)
    # "Headline;" with the sub-headline on the next line (USA Today, NYT layouts).
    stacked = title.endswith(";") and len(groups[0]) > 1
    title = title.rstrip(";").rstrip() or title
    rest = ([groups[0][1:]] if len(groups[0]) > 1 else []) + groups[1:]
    paragraphs = [(p, len(g) == 1) for g in rest for p in split_paragraphs(g)]
    subtitle, dateline, body, credit = _split_lead(paragraphs, stacked=stacked)
    if not body:
        raise StructureError("no body text after the title")
    return ParsedArticle(title=title, subtitle=subtitle, dateline=dateline,
                         blocks=tuple(_mark_headings(body)), updated_stamp=stamp,
                         published_stamp=published, credit=credit)


def _clean_line(line: str) -> str:
    """Keep leading indentation (it marks Reuters paragraphs); tidy everything else."""
    line = _TWO_APOSTROPHES.sub('"', _INVISIBLE.sub("", line)).rstrip()
    indent = len(line) - len(line.lstrip(" \t\u00a0"))
    return " " * min(indent, 8) + _SPACES.sub(" ", line.strip())


def _collapse(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _take_stamps(lines: list[str]) -> tuple[str | None, str | None, list[str]]:
    """Remove timestamp lines ("Updated at: ...", and near the top "Published On 3 Mar 2025",
    "19.12.2024 | 10:35 CET", "Source: Xinhua | 2024-12-10 16:42"); return the first published
    and the first updated stamp's text (None when there is none) and the other lines."""
    stamps: dict[str, str] = {}
    kept: list[str] = []
    seen = 0
    for i, line in enumerate(lines):
        text = line.strip()
        seen += bool(text)
        # a line of its own: a wrapped paragraph's line ("Feb 26, 1992.") is no stamp
        alone = (i == 0 or not lines[i - 1].strip()) and (
            i + 1 == len(lines) or not lines[i + 1].strip())
        match = _STAMP.fullmatch(text) if len(text) <= 80 else None
        if match is not None:
            value = (match.group("s") or match.group("t") or "").strip()
            kind = "updated" if _UPDATED.search(text) else "published"
        elif alone and 1 < seen <= _HEAD_LINES and (value := _stamp_line(text) or ""):
            kind = "updated" if _UPDATED.search(text) and not _PUBLISHED.search(text) \
                else "published"
            kept.append(FURNITURE)  # where it stood tells the standfirst above it
        else:
            kept.append(line)
            continue
        if value:
            stamps.setdefault(kind, value)
    return stamps.get("published"), stamps.get("updated"), kept


def _stamp_line(text: str) -> str | None:
    """The date part of a short line that is a timestamp and nothing more: a full date (with a
    year), times, zones and the table's labels, at most two other words (a source, an editor).
    A line that is only a date is a Wikinews dateline, left to parse_dateline."""
    if not text or len(text) > MAX_STAMP or _DATE_ONLY.fullmatch(text):
        return None
    parts = [p.strip() for p in _SEGMENTS.split(text) if p.strip()]
    if len(parts) > 1:  # "Colleen MacIsaac · CBC News · Posted: Nov 21, 2024 5:00 AM AST | ..."
        stamps = [v for p in parts if (v := _stamp_part(p))]
        others = [p for p in parts if not _stamp_part(p)]
        return stamps[0] if stamps and all(len(o.split()) <= 4 for o in others) else None
    return _stamp_part(text)


def _stamp_part(text: str) -> str | None:
    found = _FULL_DATE.search(text)
    if found is None:
        return None
    labels = stamp_labels()
    words = [w for w in _WORD.findall(text) if w.lower() not in labels
             and w.lower().rstrip(".") not in MONTHS and w.lower() not in _TIME_WORDS]
    if len(words) > _STAMP_OTHER_WORDS:
        return None
    return text[found.start():] if _UPDATED.search(text[:found.start()]) is None else text


def _drop_chrome(lines: list[str]) -> list[str]:
    """Drop navigation lines above the title and sign-offs ("Reuter") below the body."""
    start = 0
    while start < len(lines) and (not lines[start].strip()
                                  or lines[start].strip().lower() in _CHROME_TOP):
        start += 1
    end = len(lines)
    while end > start and (not lines[end - 1].strip()
                           or lines[end - 1].strip().lower() in _CHROME_END):
        end -= 1
    return lines[start:end]


def _line_groups(lines: Sequence[str]) -> list[list[str]]:
    """Runs of non-blank lines (blank lines separate them)."""
    groups: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        if line.strip():
            current.append(line)
        elif current:
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    return groups


def split_paragraphs(lines: Sequence[str]) -> list[str]:
    """Paragraphs of one blank-line-separated group.

    Hard-wrapped wire text (every line at most ~100 columns) is joined, and a new paragraph
    starts only at an indented line (Reuters indents each paragraph). Long-line text starts a
    new paragraph after each line that ends a sentence (one paragraph per line).
    """
    wrapped = len(lines) > 1 and max(len(line) for line in lines) <= 100
    paragraphs: list[list[str]] = []
    for i, line in enumerate(lines):
        indented = line.startswith("  ")
        previous = lines[i - 1].strip() if i else ""
        new = (i == 0
               or (indented and not lines[i - 1].startswith("  "))
               or (indented and wrapped)
               or (not wrapped and previous.endswith(_END_PUNCT)))
        if new:
            paragraphs.append([])
        paragraphs[-1].append(line.strip())
    return [_join(p) for p in paragraphs]


def _join(lines: Sequence[str]) -> str:
    """Join wrapped lines; a line ending in a hyphen before a lower-case word was hyphenated."""
    text = lines[0]
    for line in lines[1:]:
        if text.endswith("-") and not text.endswith(" -") and line[:1].islower():
            text += line
        else:
            text += " " + line
    return _collapse(text)


def _check_title(title: str) -> None:
    if parse_dateline(title) is not None:
        raise StructureError("no title: the text starts with the dateline paragraph "
                             f"'{_clip(title)}'")
    if len(title) > MAX_TITLE:
        raise StructureError(f"no title: the first line is a {len(title):,}-character "
                             "paragraph, not a headline")


def _clip(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def _split_lead(paragraphs: list[tuple[str, bool]], *, stacked: bool = False
                ) -> tuple[str | None, Dateline | None, list[tuple[str, bool]], str | None]:
    """Standfirst, dateline, the body that is left once both are taken out, and the agency a
    credit line in the head names.

    `stacked`: the title line ended in ";" with a line under it, which is the standfirst.
    """
    furniture = _head_furniture([text for text, _ in paragraphs])
    credit = credit_agency([paragraphs[i][0] for i in sorted(furniture)])
    after_first = bool(furniture) and min(furniture) == 1  # the standfirst's place
    paragraphs = [p for i, p in enumerate(paragraphs) if i not in furniture]
    for index, (text, _) in enumerate(paragraphs[:3]):
        found = parse_dateline(text)
        if found is None:
            continue
        dateline, remainder = found
        before = paragraphs[:index]
        subtitle = None
        if before and len(before[0][0]) <= MAX_SUBTITLE:
            subtitle, before = before[0][0], before[1:]
        before = [p for p in before if not _is_byline(p[0])]
        after = ([(remainder, False)] if remainder else []) + paragraphs[index + 1:]
        return subtitle, dateline, before + after, credit
    first = paragraphs[0][0] if paragraphs else ""
    if len(paragraphs) >= 2 and len(first) <= MAX_SUBTITLE and (
            stacked or after_first or _is_standfirst(first)):
        return paragraphs[0][0], None, paragraphs[1:], credit
    return None, None, paragraphs, credit


def _head_furniture(texts: Sequence[str]) -> set[int]:
    """Indexes of the head's bylines, timestamp places and credit lines ("BBC Wales", "The
    Canadian Press", "Oliver Marsh, PA": short capitalised lines next to a byline or stamp)."""
    found = {i for i, t in enumerate(texts[:_HEAD_PARAGRAPHS + 2])
             if t == FURNITURE or _is_byline(t)}
    grew = True
    while grew:
        grew = False
        for i, text in enumerate(texts[:_HEAD_PARAGRAPHS + 2]):
            if i not in found and (i - 1 in found or i + 1 in found) and _is_credit(text):
                found.add(i)
                grew = True
    return found


def credit_agency(texts: Sequence[str]) -> str | None:
    """The agency a head's credit line names ("The Canadian Press", "Oliver Marsh, PA")."""
    for text in texts:
        for part in reversed(text.split(",")):
            name = agencies().get(_collapse(part).lower())
            if name:
                return name
    return None


def _is_credit(text: str) -> bool:
    words = text.replace(",", " ").split()
    return (0 < len(words) <= _CREDIT_WORDS and len(text) <= 50
            and not text.endswith(_END_PUNCT)
            and all(w[:1].isupper() or w.lower() in _SMALL_WORDS for w in words))


def _is_byline(text: str) -> bool:
    """"By Jane Smith", "By JANE SMITH Associated Press", "By Lars Ekdahl and Marta Wisniewska"."""
    return (len(text) <= 80 and not text.endswith(".")
            and any(p.match(text) for p in byline_patterns()))


def _is_standfirst(text: str) -> bool:
    """A lead without end punctuation and longer than a heading: the TASS standfirst shape."""
    return (not text.endswith(_END_PUNCT) and len(text) <= MAX_SUBTITLE
            and len(text.split()) > MAX_HEADING_WORDS)


def _mark_headings(paragraphs: Sequence[tuple[str, bool]]) -> Iterator[Block]:
    """A short unpunctuated one-line block between two ordinary paragraphs is a heading.

    The neighbours matter: a run of short lines is a list (fixtures, results), and a line whose
    next paragraph starts in lower case is a paragraph broken in two, not a heading.
    """
    texts = [text for text, _ in paragraphs]
    for i, (text, single_line) in enumerate(paragraphs):
        heading = (single_line and 0 < i < len(texts) - 1 and is_heading_text(text)
                   and text[:1].isupper() and _ends_paragraph(texts[i - 1])
                   and _starts_paragraph(texts[i + 1]))
        yield Block(text, heading=heading)


def _ends_paragraph(text: str) -> bool:
    return text.endswith(_END_PUNCT) and not is_heading_text(text)


def _starts_paragraph(text: str) -> bool:
    first = text[:1]
    return (first.isupper() or first.isdigit() or first in "\"“«'‘") and not is_heading_text(text)


def is_heading_text(text: str) -> bool:
    """Short, unpunctuated, not a quote, has letters: "Use of US dollar"."""
    return (len(text) <= MAX_HEADING and len(text.split()) <= MAX_HEADING_WORDS
            and not text.endswith(_END_PUNCT) and not text.startswith(('"', "“", "«", "'", "‘"))
            and any(c.isalpha() for c in text))


def parse_dateline(paragraph: str) -> tuple[Dateline, str] | None:
    """The dateline at the start of a paragraph and the paragraph text after it, or None."""
    for row in dateline_patterns():
        match = row.regex.match(paragraph)
        if match is None:
            continue
        if not row.no_place and not _plausible_place(match.group("loc"), row.caps):
            continue
        if row.known_agency and _collapse(match.group("agency")).lower() not in agencies():
            continue
        return _dateline(match, place=not row.no_place), paragraph[match.end():].strip()
    match = _DATE_ONLY.match(paragraph)
    rest = paragraph[match.end():].strip() if match else ""
    if match is not None and match.group("year") and (not rest or rest[0].isupper()):
        return _dateline(match, place=False), rest
    return None


def _plausible_place(place: str, caps: bool) -> bool:
    """Capitals when `caps`; otherwise at most five capitalised words ("Scarborough")."""
    letters = [c for c in place if c.isalpha()]
    words = place.replace("-", " ").split()
    if caps and not all(c.isupper() for c in letters):
        return False
    return (place[:1].isupper() and words[0].lower() not in MONTHS and len(words) <= 5
            and all(w[:1].isupper() or w.lower() in _SMALL_WORDS for w in words))


def _dateline(match: re.Match[str], *, place: bool = True) -> Dateline:
    groups = match.groupdict()
    month_name = groups.get("month") or groups.get("month2")
    day = groups.get("day") or groups.get("day2")
    agency = groups.get("agency") or groups.get("slashagency")
    location = title_case(groups["loc"].rstrip(".")) if place else None
    if location and groups.get("region"):
        location = f"{location}, {title_case(groups['region'])}"
    year = groups.get("year")
    return Dateline(text=match.group(0).strip(), location=location,
                    source=normalise_agency(agency) if agency else None,
                    month=MONTHS[month_name.lower()] if month_name else None,
                    day=int(day) if day else None, year=int(year) if year else None)


def normalise_agency(name: str) -> str:
    """House spelling of a wire agency: "REUTERS" -> "Reuters", "ITAR-TASS" -> "TASS"."""
    name = _collapse(name)
    return agencies().get(name.lower(), name)


def title_case(place: str) -> str:
    """"NEW YORK" -> "New York", "RIO DE JANEIRO" -> "Rio de Janeiro", "N.J." stays; a place
    already in mixed case is kept as written."""
    if not place.isupper():
        return place
    text = re.sub(r"(^|[\s/.'’-])([^\W\d_])", lambda m: m.group(1) + m.group(2).upper(),
                  place.lower())
    # Letters after an apostrophe are capitals only in O'Hare-style names ("N'djamena").
    text = re.sub(r"(?<=[^\WOo])(['’])([^\W\d_])", lambda m: m.group(1) + m.group(2).lower(),
                  text)
    words = text.split(" ")
    return " ".join(w.lower() if i and w.lower() in _SMALL_WORDS else w
                    for i, w in enumerate(words))
