"""Find quoted spans in paragraphs: pair quote marks, tell apostrophes apart, join paragraphs.

Quote marks in wire text are messy: straight and curly marks mixed, guillemets, a closing mark
used to open, apostrophes that look like single quotes (don't, Lavrov's, '90s, Peoples'), and
quotes running over several paragraphs (the opening mark repeated, the closing one left out).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

DOUBLE_OPEN = "“„«‟"
DOUBLE_CLOSE = "”»"
DOUBLE_ANY = DOUBLE_OPEN + DOUBLE_CLOSE + '"'
_DOUBLE_RE = re.compile(f"[{DOUBLE_ANY}]")
_LEADING_QUOTE_RE = re.compile(rf"\s*[{DOUBLE_ANY}]")
_LINE_BREAK_RE = re.compile(
    rf"(?:(?<=[.!?:{DOUBLE_CLOSE}\"'’])[ \t\xa0]*\n|\n(?=[ \t\xa0]*[{DOUBLE_ANY}]))"
)
# A single quote opens after a space or bracket and before a letter; elisions like '90s, 'em,
# 'n' and 'tis are apostrophes.
_SINGLE_OPEN_RE = re.compile(
    r"(?:(?<=^)|(?<=[\s(\[—–\-/]))[‘'](?=[^\W\d_])(?!(?:em|n|tis|twas|til|cause|bout)\b)"
)
_SINGLE_CLOSE_RE = re.compile(r"(?<=[^\s‘'])[’'](?=$|[\s,.;:!?)\]—–\-])")


@dataclass(frozen=True)
class Segment:
    """One quoted stretch of one paragraph; start/end are the marks' offsets (end exclusive)."""

    par: int
    start: int
    end: int
    closed: bool

    def inner(self, paragraph: str) -> tuple[int, int]:
        """Offsets of the quoted text without its marks and surrounding blanks."""
        lo = self.start + 1
        hi = self.end - 1 if self.closed else self.end
        while lo < hi and paragraph[lo].isspace():
            lo += 1
        while hi > lo and paragraph[hi - 1].isspace():
            hi -= 1
        return lo, hi


@dataclass(frozen=True)
class QuoteSpan:
    """A quote as the reader sees it: one or more segments (several for a multi-paragraph one)."""

    segments: tuple[Segment, ...]
    single: bool = False

    def text(self, paragraphs: Sequence[str]) -> str:
        """The quoted words, segments joined by a space, trailing frame comma dropped."""
        parts = []
        for seg in self.segments:
            lo, hi = seg.inner(paragraphs[seg.par])
            parts.append(paragraphs[seg.par][lo:hi])
        return " ".join(parts).strip().rstrip(",").strip()


def _is_opening(par: str, i: int) -> bool:
    """Whether a straight or misused closing mark at i reads as an opening one."""
    before = par[i - 1] if i > 0 else " "
    after = par[i + 1] if i + 1 < len(par) else " "
    return (before.isspace() or before in "([—–-/") and not after.isspace()


def _double_segments(par: str, idx: int, lo: int, hi: int) -> list[Segment]:
    """Pair the double marks and guillemets of a line; an unclosed quote runs to its end."""
    segs: list[Segment] = []
    open_at: int | None = None
    skip_to = -1
    for m in _DOUBLE_RE.finditer(par, lo, hi):
        i, ch = m.start(), m.group()
        if i <= skip_to:
            continue
        if open_at is None:
            if ch in DOUBLE_OPEN or ch == '"' or _is_opening(par, i):
                open_at = i
        elif ch in DOUBLE_OPEN + '"' and i > open_at + 1 and _is_opening(par, i):
            if ch == "“" and _nested(par, i, hi):
                skip_to = par.index("”", i + 1)  # "... what he calls “hell” than ...": inside
                continue
            # an opening mark inside a quote: the previous quote was left open (a paragraph
            # break lost in the source, or a missing closing mark)
            segs.append(Segment(idx, open_at, i, False))
            open_at = i
        else:
            segs.append(Segment(idx, open_at, i + 1, True))
            open_at = None
    if open_at is not None:
        segs.append(Segment(idx, open_at, hi, False))
    return segs


def _nested(par: str, i: int, hi: int) -> bool:
    """Whether the curly opening mark at i, inside an open quote, starts a short quote nested
    in it: its closing mark comes soon, and the next mark after that closes the outer quote."""
    inner_end = par.find("”", i + 1, min(hi, i + 120))
    if inner_end < 0 or "“" in par[i + 1: inner_end]:
        return False
    following = _DOUBLE_RE.search(par, inner_end + 1, hi)
    return following is not None and following.group() == "”"


def _single_segments(
    par: str, idx: int, taken: list[Segment], lo: int, hi: int
) -> list[Segment]:
    """Top-level single-quoted stretches outside double quotes (BBC speech, TASS scare quotes)."""
    blocked = [(s.start, s.end) for s in taken]

    def free(pos: int) -> bool:
        return all(not lo <= pos < hi for lo, hi in blocked)

    segs: list[Segment] = []
    pos = lo
    while True:
        m = _SINGLE_OPEN_RE.search(par, pos, hi)
        if m is None:
            break
        if not free(m.start()):
            pos = m.end()
            continue
        close = _SINGLE_CLOSE_RE.search(par, m.end(), hi)
        if close is None or not free(close.start()) or "\n" in par[m.end():close.start()]:
            pos = m.end()
            continue
        if any(m.start() < lo < close.start() for lo, _ in blocked):
            pos = m.end()
            continue
        segs.append(Segment(idx, m.start(), close.end(), True))
        pos = close.end()
    return segs


def _lines(par: str) -> list[tuple[int, int]]:
    """Split a paragraph at line breaks that start a new quote or follow a finished sentence
    (lists of quotes, one per line); hard-wrapped lines stay together."""
    out: list[tuple[int, int]] = []
    lo = 0
    for m in _LINE_BREAK_RE.finditer(par):
        out.append((lo, m.start()))
        lo = m.end()
    out.append((lo, len(par)))
    return out


def find_spans(paragraphs: Sequence[str]) -> list[QuoteSpan]:
    """All quote spans of an article in reading order, multi-paragraph quotes joined."""
    spans: list[QuoteSpan] = []
    pending: list[Segment] = []
    for idx, par in enumerate(paragraphs):
        for lo, hi in _lines(par):
            pending = _scan_line(par, idx, lo, hi, pending, spans)
    if pending:
        spans.append(QuoteSpan(tuple(pending)))
    return spans


def _scan_line(
    par: str, idx: int, lo: int, hi: int, pending: list[Segment], spans: list[QuoteSpan]
) -> list[Segment]:
    """Add the spans of one line to spans; return the segments of a quote still open at its end."""
    doubles = _double_segments(par, idx, lo, hi)
    singles = _single_segments(par, idx, doubles, lo, hi)
    lead = _LEADING_QUOTE_RE.match(par, lo, hi)
    if pending and not (doubles and lead and doubles[0].start == lead.end() - 1):
        spans.append(QuoteSpan(tuple(pending)))
        pending = []
    merged = sorted(
        [(s, False) for s in doubles] + [(s, True) for s in singles],
        key=lambda pair: pair[0].start,
    )
    for seg, single in merged:
        if pending:
            pending.append(seg)
            if seg.closed:
                spans.append(QuoteSpan(tuple(pending)))
                pending = []
            continue
        if not seg.closed and seg is doubles[-1]:
            pending = [seg]
            continue
        spans.append(QuoteSpan((seg,), single))
    return pending
