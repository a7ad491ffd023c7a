"""Tag and speaker names that only look like another: invisible characters, and letters of
another script mixed into a word.

"Russ\u200bia" (a zero-width space) and "Russiа" (a Cyrillic "а") look exactly like "Russia" but
are other strings, so each got a page of its own beside Russia's, and a reader could not tell
which page holds which stories. Names are cleaned when an article is loaded, so every later stage
(speaker aliases, taxonomy, pages) sees one name: invisible format characters are dropped, and a
word mixing Latin, Cyrillic or Greek letters is read in one script when every other letter has a
look-alike there (Unicode's confusables, from `confusable_homoglyphs`). A word that cannot be read
in one script is kept as it is; either way the caller warns, naming the file.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache

# Invisible characters a name never needs: soft hyphen, Arabic letter mark, Mongolian vowel
# separator, zero-width space, non-joiner and joiner, direction marks, embeddings, overrides and
# isolates, word joiner and invisible operators, byte-order mark, variation selectors, the
# combining grapheme joiner, Hangul fillers (blank letters) and tag characters.
INVISIBLE = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e"
                       "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\U000e0000-\U000e007f]")
_WORD = re.compile(r"[^\W\d_]+")
# Scripts whose letters pass for each other's (a/а/α, P/Р/Ρ, x/х/χ...).
_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK")
# A letter of a script's everyday alphabet: a word is never read into small capitals ("ᴎ"),
# mathematical or phonetic letters.
_PLAIN_LETTER = re.compile(r"(LATIN|CYRILLIC|GREEK) (SMALL|CAPITAL) LETTER [A-Z-]+")


def clean_name(name: str) -> tuple[str, str | None]:
    """`name` without invisible characters and with look-alike letters read in their word's
    script, and why it changed (for a warning), or None when it did not."""
    if name.isascii():   # the usual name: nothing invisible, one script
        return name, None
    visible = INVISIBLE.sub("", name)
    reasons = ["holds invisible characters"] if visible != name else []
    words: list[str] = []
    last = 0
    for match in _WORD.finditer(visible):
        word = match.group()
        read, why = _one_script(word)
        if why is not None:
            reasons.append(why)
        words.append(visible[last:match.start()] + read)
        last = match.end()
    cleaned = "".join(words) + visible[last:]
    return cleaned, "; ".join(dict.fromkeys(reasons)) or None


def _script(char: str) -> str | None:
    if char.isascii():
        return "LATIN" if char.isalpha() else None
    script = unicodedata.name(char, "").partition(" ")[0]
    return script if script in _SCRIPTS else None


def _one_script(word: str) -> tuple[str, str | None]:
    """`word` in one script and why it changed; unchanged (with the reason) when some letter has
    no look-alike in any script of the word; unchanged and no reason when it is in one script."""
    counts = Counter(script for script in map(_script, word) if script is not None)
    if len(counts) < 2:
        return word, None
    # The script of most letters first ("Russiа" is Latin), then the order of _SCRIPTS.
    for target, _ in sorted(counts.items(), key=lambda kv: (-kv[1], _SCRIPTS.index(kv[0]))):
        read = [c if _script(c) in (None, target) else _look_alike(c, target) for c in word]
        if all(read):
            others = sorted(counts.keys() - {target}, key=_SCRIPTS.index)
            return "".join(c for c in read if c), (
                f"mixes {' and '.join(s.title() for s in others)} letters into a "
                f"{target.title()} word")
    shown = " and ".join(s.title() for s in sorted(counts, key=_SCRIPTS.index))
    return word, f"mixes {shown} letters in one word"


@lru_cache(maxsize=4096)
def _look_alike(char: str, script: str) -> str | None:
    """The letter of `script` that `char` is confusable with, or None."""
    from confusable_homoglyphs.confusables import confusables_data  # 80 ms: only when needed

    for glyph in confusables_data.get(char, ()):
        found = glyph["c"]
        if isinstance(found, str) and len(found) == 1 and _script(found) == script \
                and _PLAIN_LETTER.fullmatch(unicodedata.name(found, "")):
            return found
    return None
