"""Topic tags (oil, interest rates, elections, floods, ...) from a vocabulary that is data.

`data/topics.toml` names each topic and the words that say a story is about it. A story is about
a topic when its triggers weigh enough: the title counts 3, the standfirst and lead 2, the body 1
for each mention, and a topic needs 3 (the title alone, the lead and the body, or three body
mentions), so a passing word deep in the body tags nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from sitegen.ingest.data import table

MIN_TOPIC_SCORE = 3.0
MAX_TOPICS = 3


@dataclass(frozen=True)
class TopicHit:
    topic: str
    score: float
    first: int  # offset of the first mention in the weighted texts, for ordering ties


@cache
def _patterns() -> tuple[tuple[str, tuple[str, ...], re.Pattern[str]], ...]:
    """Each topic, the first words of its triggers (lower case, a quick test that a text may
    hold one before the pattern runs) and its pattern."""
    out = []
    for topic, triggers in table("topics")["topics"].items():
        # "=poll" is the word and its plural only (not "pollution"); "flood" starts a word
        words = "|".join(r"\s+".join(re.escape(w) for w in t.removeprefix("=").split())
                         + (r"(?:s|es)?\b" if t.startswith("=") else r"\w*")
                         for t in sorted(triggers, key=len, reverse=True))
        needles = tuple({t.removeprefix("=").split()[0].casefold() for t in triggers})
        out.append((topic, needles, re.compile(rf"(?<![\w-])(?:{words})", re.IGNORECASE)))
    return tuple(out)


def find_topics(texts: Sequence[tuple[str, float]]) -> list[TopicHit]:
    """Topics of (text, weight) pieces in reading order, strongest first, at most MAX_TOPICS."""
    hits: list[TopicHit] = []
    folded = [text.casefold() for text, _ in texts]
    for topic, needles, pattern in _patterns():
        score, first, offset = 0.0, -1, 0
        for (text, weight), low in zip(texts, folded, strict=True):
            if not any(n in low for n in needles):
                offset += len(text) + 1
                continue
            for m in pattern.finditer(text):
                score += weight
                if first < 0:
                    first = offset + m.start()
            offset += len(text) + 1
        if score >= MIN_TOPIC_SCORE:
            hits.append(TopicHit(topic, score, first))
    hits.sort(key=lambda h: (-h.score, h.first))
    return hits[:MAX_TOPICS]
