"""URL-safe ASCII slugs: transliterated, bounded, never empty, and safe to use as a path part.

Slugs become folder names in the output and parts of public URLs, so they must be stable (the
same text always gives the same slug) and unable to climb out of the output folder.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

from slugify import slugify as _slugify

MAX_LENGTH = 100
# Symbols that carry meaning in names ("C++" vs "C", "C#", "AT&T"); spelled out so they survive.
_REPLACEMENTS = [["+", " plus "], ["#", " sharp "], ["&", " and "], ["@", " at "]]
_SAFE = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")
# Every character used as an apostrophe in names and wire copy: typewriter ', curly ’ and ‘ (and
# the reversed ‛), the modifier letters ʼ and ʻ (Hawaiʻi), fullwidth ＇, backtick and acute accent
# typed for one, and the Armenian and N'Ko apostrophes. All are dropped, as Hugo,
# WordPress and Django drop the apostrophe ("Hague's" -> "hagues", "O'Rourke" -> "orourke").
# python-slugify alone gives "hague-s" for ' but "hagues" for ’: it makes the ASCII quote a
# separator before transliterating, and ’ only becomes ' afterwards, when it is deleted.
APOSTROPHES = "'\u2019\u2018\u201b\u02bc\u02bb\uff07`\u00b4\u055a\u07f4\u07f5"
_DROP_APOSTROPHES = str.maketrans(dict.fromkeys(APOSTROPHES))
_ONE_APOSTROPHE = str.maketrans(dict.fromkeys(APOSTROPHES, "'"))


@lru_cache(maxsize=65536)
def slugify(text: str) -> str:
    """Lower-case ASCII slug of `text`; a short stable hash when nothing usable is left.
    Apostrophes of every form are dropped, never read as a word break (`APOSTROPHES`).

    Cached because every tag, speaker and title of every article goes through here on each build.
    """
    slug = _slugify(text.translate(_DROP_APOSTROPHES), replacements=_REPLACEMENTS)
    if len(slug) > MAX_LENGTH:
        slug = _truncate(slug)
    if not slug:   # the same for every apostrophe form too
        plain = text.translate(_ONE_APOSTROPHE)
        digest = hashlib.sha1(plain.encode("utf-8", "surrogatepass")).hexdigest()[:6]
        slug = f"item-{digest}"
    return slug


def _truncate(slug: str) -> str:
    """Cut at a word boundary when that keeps most of the slug, else cut hard."""
    cut = slug[:MAX_LENGTH]
    boundary = cut.rfind("-")
    if boundary >= MAX_LENGTH // 2:
        cut = cut[:boundary]
    return cut.strip("-")


def is_safe_slug(s: str) -> bool:
    """True when `s` is usable as one path part: only a-z, 0-9 and inner '-'.

    Rejects empty strings, '.', '..', separators and anything a file system or URL could
    interpret, so an editor-written slug can never escape the output folder.
    """
    return len(s) <= 200 and _SAFE.fullmatch(s) is not None


def unique_slug(base: str, taken: set[str]) -> str:
    """`base`, or `base-2`, `base-3`, ...: the first one not in `taken` (deterministic).

    `taken` is not modified; callers add the result when they claim it.
    """
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
