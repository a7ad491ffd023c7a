"""Word count and reading time of an article body, from its rendered text (not its Markdown).

Counting the HTML's text leaves out Markdown syntax and link URLs, so "[Lavrov](https://...)" is
one word, as a reader sees it.
"""

from __future__ import annotations

import html
import math
import re

WORDS_PER_MINUTE = 230   # a common figure for adults reading news on screen
_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"\w+(?:[-'’.]+\w+)*")


def word_count(body_html: str) -> int:
    """Words in the text of an HTML fragment."""
    text = html.unescape(_TAG.sub(" ", body_html))
    return len(_WORD.findall(text))


def reading_minutes(words: int) -> int:
    """Whole minutes to read `words`, at least 1 for any text."""
    return max(1, math.ceil(words / WORDS_PER_MINUTE)) if words else 0
