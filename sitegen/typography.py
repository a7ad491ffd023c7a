"""Straight quote marks as a typesetter sets them: one rule for article bodies and headlines.

Bodies (`markup.py`) set direct speech, a pair of `"` within one stretch of text, as “...” and
an apostrophe inside a word as ’. Headlines and standfirsts (`typographic`, the theme's filter
of that name, feeds and card images) follow the same rule and add what headlines use more than
bodies: single quotes around a phrase ('knew what they were doing') as ‘...’, and an apostrophe
after a word (players') or before a number ('90s) as ’. A mark that pairs with nothing and is
not an apostrophe is left as it is, as in bodies. A leaf: imports nothing of sitegen.
"""

from __future__ import annotations

import re

# A pair of straight or typographic double quotes within one stretch of text, at least two
# characters apart (direct speech in a body); an unpaired mark is left alone.
SAID = re.compile(r'"([^"\n]{2,}?)"|“([^“”\n]{2,}?)”')
APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")   # Iran's, don't: a typographic ’

_DOUBLE = re.compile(r'"([^"\n]+?)"')
# 'a phrase': opened after a space or punctuation, closed before one, never empty.
_SINGLE = re.compile(r"(?<![\w'‘’])'(?=[^\s'])([^'\n]*?[^\s'])'(?!\w)")
_ELIDED = re.compile(r"(?<=\w)'|'(?=\d)")   # players', '90s


def typographic(text: str) -> str:
    """`text` with its straight quote marks typographic: "Putin says \"no\"" -> "Putin says
    “no”", "it's" -> "it’s", "'knew what they were doing'" -> "‘knew what they were doing’"."""
    if "'" in text:
        text = APOSTROPHE.sub("’", text)
        text = _SINGLE.sub(r"‘\1’", text)
        text = _ELIDED.sub("’", text)
    if '"' in text:
        text = _DOUBLE.sub(r"“\1”", text)
    return text


def quoted(text: str) -> str:
    """A quote's text as set inside “...”: `typographic`, a quote within it in single marks
    ("the \"interested parties\"" -> "the ‘interested parties’")."""
    return typographic(text).replace("“", "‘").replace("”", "’")
