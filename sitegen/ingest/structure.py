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

MAX_TITLE = 300
MAX_SUBTITLE = 600
MAX_HEADING = 80
MAX_HEADING_WORDS = 12
_END_PUNCT = tuple('.!?:;,"”»…\')’')

MONTHS = {name: number for number, names in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
    ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
    ("oct", "october"), ("nov", "november"), ("dec", "december")), start=1) for name in names}
# Russian sources (TASS, Interfax in Russian) write the genitive: "10 декабря".
_RUSSIAN_MONTHS = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
                   "сентября", "октября", "ноября", "декабря")
MONTHS.update({name: number for number, name in enumerate(_RUSSIAN_MONTHS, start=1)})
_MONTH = (r"(?i:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|"
          + "|".join(_RUSSIAN_MONTHS) + ")")
_WEEKDAY = r"(?i:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
# A dateline place: up to six letter-words ("ST. PETERSBURG", "RIO DE JANEIRO", "KAMEN-NA-OBI").
_PLACE = r"(?P<loc>[^\W\d_][^\W\d_]*(?:[ ./'’-]+[^\W\d_]+){0,5}\.?)\s?"
_REGION = r"(?:,\s*(?P<region>[A-Z][A-Za-z.]*(?:\s[A-Z][A-Za-z.]*)?))?"
_DATE = (rf"(?:(?P<month>{_MONTH})\.?\s+(?P<day>\d{{1,2}})"
         rf"|(?P<day2>\d{{1,2}})\s+(?P<month2>{_MONTH})\.?)(?:,?\s+(?P<year>(?:19|20)\d\d))?")
_AGENCY = r"(?P<agency>[^\W\d_][\w .&-]{0,30}?)"
_DASH = r"(?:-{1,2}|[–—])"

# Most specific first. `caps` means the place must be written in capitals (wire style), which is
# what tells "PARIS, May 5 - ..." from an ordinary sentence.
_DATELINES: tuple[tuple[re.Pattern[str], bool], ...] = (
    # TASS: "MOSCOW, December 10. /TASS/."
    (re.compile(rf"{_PLACE},\s+{_DATE}\.?\s*/(?P<slashagency>[^\W\d_][\w-]{{1,19}})/\.?\s*"),
     False),
    # Reuters "LONDON, March 3 (Reuters) -", Interfax, Xinhua "BEIJING, Dec. 10 (Xinhua) --"
    (re.compile(rf"{_PLACE}{_REGION},?\s+{_DATE}\s*\({_AGENCY}\)\s*(?:{_DASH}|:)\s*"), False),
    # AP "WASHINGTON (AP) —", "SPRINGFIELD, Ill. (AP) —"
    (re.compile(rf"{_PLACE}{_REGION}\s*\({_AGENCY}\)\s*{_DASH}\s*"), True),
    # agency-less wire: "SALVADOR, Feb 26 - ", "PORTLAND, Ore., Feb 26 - " (Reuters 1987)
    (re.compile(rf"{_PLACE}{_REGION},?\s+{_DATE},?\s*{_DASH}\s*"), False),
    # BBC Monitoring: "Moscow, 10 December: "
    (re.compile(rf"{_PLACE},\s+(?P<day2>\d{{1,2}})\s+(?P<month2>{_MONTH})"
                rf"(?:\s+(?P<year>(?:19|20)\d\d))?\s*:\s*"), False),
)
# Wikinews: a paragraph that is only a date, "Friday, January 4, 2019".
_DATE_ONLY = re.compile(rf"(?:{_WEEKDAY},?\s+)?{_DATE}(?:\s*$|\s+(?=[^\W\d_]))")
_AGENCIES = {"tass": "TASS", "itar-tass": "TASS", "reuters": "Reuters", "reuter": "Reuters",
             "ap": "AP", "afp": "AFP", "interfax": "Interfax", "xinhua": "Xinhua",
             "upi": "UPI", "dpa": "dpa", "ria novosti": "RIA Novosti", "bloomberg": "Bloomberg",
             "bbc": "BBC", "kyodo": "Kyodo", "yonhap": "Yonhap", "anadolu": "Anadolu",
             "efe": "EFE", "ansa": "ANSA", "pti": "PTI", "ani": "ANI", "cna": "CNA",
             "тасс": "TASS", "итар-тасс": "TASS", "интерфакс": "Interfax",
             "риа новости": "RIA Novosti", "синьхуа": "Xinhua"}
_SMALL_WORDS = {"de", "da", "do", "dos", "das", "del", "la", "le", "les", "du", "of", "on",
                "upon", "am", "an", "der", "di", "y", "el", "en", "sur", "na", "and", "es"}

_CHROME_TOP = {"all news", "news", "latest news", "share", "print", "advertisement", "menu",
               "home", "read more", "subscribe", "close", "skip to content", "top stories"}
_CHROME_END = {"reuter", "reuters", "ends", "end", "(end)", "###", "-0-", "(reuters)"}
_STAMP = re.compile(r"(?i)(?:last\s+)?(?:updated|published)(?:\s+(?:at|on))?\s*:\s*(?P<s>.*)"
                    r"|(?:updated|published)\s+(?:at|on)\s+(?P<t>.*)")
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

    @property
    def paragraphs(self) -> tuple[str, ...]:
        """Body paragraphs without headings: what quote attribution and tagging read."""
        return tuple(b.text for b in self.blocks if not b.heading)

    @property
    def location(self) -> str | None:
        return self.dateline.location if self.dateline else None

    @property
    def source(self) -> str | None:
        return self.dateline.source if self.dateline else None

    def all_text(self) -> str:
        """Title, standfirst and body as one string, for searches such as years named."""
        return "\n".join([self.title, self.subtitle or "", *(b.text for b in self.blocks)])


def parse_article(text: str) -> ParsedArticle:
    """Split raw article text into its parts, or raise StructureError (no title / no body)."""
    lines = [_clean_line(line) for line in text.split("\n")]
    stamp, lines = _take_stamp(lines)
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
    subtitle, dateline, body = _split_lead(paragraphs, stacked=stacked)
    if not body:
        raise StructureError("no body text after the title")
    return ParsedArticle(title=title, subtitle=subtitle, dateline=dateline,
                         blocks=tuple(_mark_headings(body)), updated_stamp=stamp)


def _clean_line(line: str) -> str:
    """Keep leading indentation (it marks Reuters paragraphs); tidy everything else."""
    line = _TWO_APOSTROPHES.sub('"', _INVISIBLE.sub("", line)).rstrip()
    indent = len(line) - len(line.lstrip(" \t\u00a0"))
    return " " * min(indent, 8) + _SPACES.sub(" ", line.strip())


def _collapse(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _take_stamp(lines: list[str]) -> tuple[str | None, list[str]]:
    """Remove "Updated at: ..." lines; return the first stamp's text (None when empty)."""
    stamp: str | None = None
    kept: list[str] = []
    for line in lines:
        match = _STAMP.fullmatch(line.strip()) if len(line.strip()) <= 80 else None
        if match is None:
            kept.append(line)
            continue
        value = (match.group("s") or match.group("t") or "").strip()
        if stamp is None and value:
            stamp = value
    return stamp, kept


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
                ) -> tuple[str | None, Dateline | None, list[tuple[str, bool]]]:
    """Standfirst, dateline and the body that is left once both are taken out.

    `stacked`: the title line ended in ";" with a line under it, which is the standfirst.
    """
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
        return subtitle, dateline, before + after
    first = paragraphs[0][0] if paragraphs else ""
    if len(paragraphs) >= 2 and len(first) <= MAX_SUBTITLE and (stacked or _is_standfirst(first)):
        return paragraphs[0][0], None, paragraphs[1:]
    return None, None, paragraphs


def _is_byline(text: str) -> bool:
    return text.startswith("By ") and len(text) <= 60


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
    for pattern, caps in _DATELINES:
        match = pattern.match(paragraph)
        if match is None or not _plausible_place(match.group("loc"), caps):
            continue
        return _dateline(match), paragraph[match.end():].strip()
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
    return _AGENCIES.get(name.lower(), name)


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
