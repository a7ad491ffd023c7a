"""A saved web page (.html, .htm) -> the plain text the importer reads, through trafilatura.

Pages saved from a browser carry navigation, cookie banners, share buttons and comments around
the story; trafilatura (a well-kept article extractor, with htmldate for the publication date)
finds the article's title, date and paragraphs. The result is written the way a pasted story
looks (title, a "Published on:" stamp line, paragraphs separated by blank lines), so every later
stage reads it exactly as it reads wire text.
"""

from __future__ import annotations

import logging
from typing import Any

import trafilatura

# trafilatura logs every page it finds too short at WARNING; its verdict reaches the user as
# the one-line reason below instead.
logging.getLogger("trafilatura").setLevel(logging.ERROR)


def page_text(data: bytes) -> str | None:
    """The article in a saved web page as raw story text, or None when it holds none."""
    doc = trafilatura.bare_extraction(data, with_metadata=True, include_comments=False,
                                      include_tables=False)
    found: dict[str, Any] = {} if doc is None else doc if isinstance(doc, dict) else doc.as_dict()
    body = str(found.get("text") or "").strip()
    if not body:
        return None
    title = " ".join(str(found.get("title") or "").split())
    date = found.get("date")
    paragraphs = [" ".join(line.split()) for line in body.splitlines() if line.strip()]
    if title and paragraphs and paragraphs[0] == title:
        paragraphs = paragraphs[1:]   # the page's own <h1>
    if not title:
        title, paragraphs = paragraphs[0], paragraphs[1:]
    head = [title, f"Published on: {date}"] if date else [title]
    return "\n\n".join([*head, *paragraphs]) + "\n"
