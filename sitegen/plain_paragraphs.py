"""The tree Python-Markdown parses a document of plain paragraphs into, made directly.

Most stories are paragraphs of text with at most a few `*emphasis*`: no line begins with block
syntax and no inline pattern but emphasis can match. For such a document Python-Markdown's
preprocessors, block parser and inline processor (about two thirds of a conversion) only split
the text at blank lines and pair the asterisks. `paragraph_tree` does just that, and returns None
for any document it cannot be sure of, which Python-Markdown then parses as before.
`markup.MarkdownRenderer` runs the rest (tree processors, serializer, postprocessors) on the tree
either way; tests/test_markup_pruning.py holds the HTML to Python-Markdown's, byte for byte.

What makes a document plain, and why each rule is enough:
- every line that is not empty begins with a letter, a digit (but not `12.` or `12)`, a list
  item) or a quote, bracket, dash or sign (`_OPENING`): block syntax (headings, rules,
  underlines, lists, quotes, code, definitions, footnotes, references, abbreviations, fences,
  raw HTML) begins a line with a space, a digit and a dot, or one of `#=-*+_>:[<~``|`; a line of
  only spaces (one the preprocessor empties) begins with a space;
- no `|` (tables; their underline begins a line with `|`, `-` or `:` anyway), no `_` (the
  other emphasis delimiter) and, checked by the caller, no inline pattern but emphasis that can
  match and, with raw HTML allowed, no `&` (its preprocessor completes a character reference,
  `&#12 ` as `&#12; `) (`markup._PlainParagraphs`);
- every run of asterisks is a single `*`, and they pair in order: an opening one (by
  Python-Markdown's own delimiter rules, `boundary`), then a closing one, and so on. A stray,
  doubled or nested asterisk is left to Python-Markdown.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

# What else may begin a line of a plain paragraph: quotes, brackets, dashes and signs that
# no block syntax begins with (a hyphen does: lists, rules, underlines).
_OPENING = frozenset("\"'“”‘’«»„‚(—–$€£¥…¿¡")
_LIST_ITEM = re.compile(r"\d+[.)]")
_ASTERISK = re.compile(r"\*")


def paragraph_tree(text: str, boundary: re.Pattern[str]) -> ET.Element | None:
    """The `<div>` of `<p>`s (with `<em>`s) Python-Markdown's block parser and inline processor
    make of `text`, or None when `text` is not plain paragraphs (see above).

    `boundary`: Python-Markdown's pattern telling an opening `*` (group `start` or
    `ambiguous`) from a closing one (`end` or `ambiguous`)."""
    if "|" in text or "_" in text:
        return None
    root = ET.Element("div")
    lines: list[str] = []
    for line in text.split("\n"):
        if not line:
            if lines:
                if not _paragraph(root, "\n".join(lines), boundary):
                    return None
                lines = []
            continue
        first = line[0]
        if not (first.isalpha() or first in _OPENING
                or (first.isdigit() and _LIST_ITEM.match(line) is None)):
            return None
        lines.append(line)
    if lines and not _paragraph(root, "\n".join(lines), boundary):
        return None
    return root if len(root) else None


def _paragraph(root: ET.Element, text: str, boundary: re.Pattern[str]) -> bool:
    """Add `text` as a paragraph; False when its asterisks do not pair plainly."""
    paragraph = ET.SubElement(root, "p")
    if "*" not in text:
        paragraph.text = text
        return True
    marks = [found.start() for found in _ASTERISK.finditer(text)]
    if len(marks) % 2:
        return False
    last: ET.Element | None = None
    done = 0
    for opening, closing in zip(marks[::2], marks[1::2], strict=True):
        if closing == opening + 1 or _kind(boundary, text, opening) not in ("start", "ambiguous") \
                or _kind(boundary, text, closing) not in ("end", "ambiguous"):
            return False
        lead = text[done:opening]
        if last is None:
            paragraph.text = lead
        else:
            last.tail = lead
        last = ET.SubElement(paragraph, "em")
        last.text = text[opening + 1:closing]
        done = closing + 1
    assert last is not None
    last.tail = text[done:]
    return True


def _kind(boundary: re.Pattern[str], text: str, at: int) -> str | None:
    """What Python-Markdown takes the single `*` at `at` for; None for a run of more."""
    found = boundary.match(text, at)
    if found is None or found.end() != at + 1:
        return None
    return found.lastgroup
