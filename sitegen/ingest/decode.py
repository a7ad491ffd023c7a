"""Raw bytes -> clean text: the one place that guesses encodings and rejects non-articles.

Wire files arrive as UTF-8, UTF-8 with a BOM, cp1251 (Russian sources) or Latin-1/cp1252, now
and then in an older Cyrillic code page (KOI8-R from Unix mail and FidoNet archives, cp866 from
DOS), with CRLF or CR line endings. Everything later works on LF-only `str`, so decoding mistakes
are made (and caught) once, here, with a one-line reason a user can act on.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from itertools import pairwise
from pathlib import Path

import charset_normalizer

MAX_LINE = 200_000
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Single-byte code pages we try ourselves: detectors misjudge short cp1251 text (as Big5 etc.).
_FALLBACKS = ("cp1251", "cp1252", "latin-1")
# Older Cyrillic code pages, tried too. Each reads the others' Russian as Cyrillic letters, so the
# score below tells them apart by letter case and by symbols inside words.
_CYRILLIC = ("koi8-r", "cp866")
# The detector's pick, when it is one of these, breaks a tie first: it weighs letter frequencies,
# which is what decides between two all-Cyrillic readings of text without capitals.
_DETECTED_FIRST = frozenset({"cp1251", "koi8-r", "koi8-u", "cp866", "cp1125", "iso8859-5",
                             "mac-cyrillic"})
_WORD = re.compile(r"[^\W\d_]+")
# Control characters, and halfwidth katakana: what Shift-JIS makes of single-byte text (Japanese
# news is written in fullwidth kana).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufffd]")
_HALFWIDTH_KANA = re.compile(r"[\uff61-\uff9f]")


def _symbol_class() -> str:
    """The symbols (box drawing, ©, ±, ¤...) the tried code pages put where another code page
    has letters: read in the wrong code page, a word comes out with them inside."""
    found = set()
    for encoding in (*_FALLBACKS, *_CYRILLIC):
        for byte in range(0x80, 0x100):
            char = bytes([byte]).decode(encoding, errors="ignore")
            if char and unicodedata.category(char).startswith("S"):
                found.add(char)
    return "".join(sorted(found))


_SYMBOLS = re.escape(_symbol_class())
_SYMBOL_IN_WORD = re.compile(rf"(?<=[^\W\d_])[{_SYMBOLS}]|[{_SYMBOLS}](?=[^\W\d_])")


class UnreadableText(ValueError):
    """The file is not a readable text article; the message is one line for the user."""


def read_text(path: Path) -> tuple[bytes, str]:
    """The raw bytes of `path` (for hashing) and their decoded, LF-normalised text."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableText(f"cannot read file: {exc.strerror or exc}") from None
    return data, decode_text(data)


# What the importer reads, by file suffix: plain text, and web pages saved from a browser.
RAW_SUFFIXES = (".txt", ".html", ".htm")
_WEB_PAGES = frozenset({".html", ".htm"})
# Formats people save stories in that are not text: refused with the one step that fixes it.
_NOT_TEXT = {
    ".doc": "a Word document", ".docx": "a Word document", ".odt": "an OpenDocument file",
    ".rtf": "an RTF document", ".pdf": "a PDF", ".pages": "a Pages document",
    ".epub": "an e-book", ".mht": "a web archive", ".mhtml": "a web archive",
}


def raw_text(name: str, data: bytes) -> str:
    """The story text of a raw file, by its suffix: plain text decoded, a saved web page's
    article extracted; anything else that is not text refused with a one-line reason."""
    suffix = Path(name).suffix.lower()
    if suffix in _NOT_TEXT:
        raise UnreadableText(f"is {_NOT_TEXT[suffix]} ({suffix}), not text: save the story as "
                             "plain text (.txt) and import that")
    if suffix in _WEB_PAGES:
        from sitegen.ingest.webpage import page_text  # trafilatura loads only for web pages

        if not data.strip():
            raise UnreadableText("empty file")
        text = page_text(data)
        if text is None:
            raise UnreadableText("no article text found in this web page; save the story as "
                                 "plain text (.txt) and import that")
        return decode_text(text.encode("utf-8"))
    return decode_text(data)


def decode_text(data: bytes) -> str:
    """Decode and normalise article bytes, or raise UnreadableText saying why not."""
    if not data:
        raise UnreadableText("empty file")
    text = normalise_newlines(_decode(data))
    _check_text(text)
    return text


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR (old Mac) -> LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode(data: bytes) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                raise UnreadableText(f"starts with a {encoding} byte-order mark but is not "
                                     f"valid {encoding}") from None
    if b"\x00" in data:
        raise UnreadableText("binary file (contains NUL bytes), not a text article")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    return _best_guess(data)


def _best_guess(data: bytes) -> str:
    """The decoding that reads most like natural text (fewest mojibake signs)."""
    candidates: list[str] = []
    best = charset_normalizer.from_bytes(data[:200_000]).best()
    detected = _codec_name(best.encoding) if best is not None else None
    first = [detected] if detected in _DETECTED_FIRST else []
    order = [*first, *_FALLBACKS[:2], *([detected] if detected else []), *_CYRILLIC,
             _FALLBACKS[2]]
    for encoding in dict.fromkeys(order):
        try:
            candidates.append(data.decode(encoding))
        except (UnicodeDecodeError, LookupError):
            continue
    # min() keeps the first of equals, so ties go to the common wire code pages.
    return min(candidates, key=mojibake_score)


def _codec_name(name: str) -> str | None:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def mojibake_score(text: str) -> int:
    """How wrong a decoding looks: control characters, words mixing Cyrillic and Latin letters,
    words of accented Latin-1 letters only (cp1251 read as cp1252), stray letters of the
    document's minority script (a '£' read as the Cyrillic 'Ј'), words whose case flips from
    lower to upper ("мОСКВА": KOI8-R and cp1251 swap the cases of each other's letters), and
    symbols touching letters ("‹ ўа®ў": cp866 read as cp1251), and halfwidth katakana."""
    sample = text[:50_000]
    score = (5 * len(_CONTROL.findall(sample)) + 2 * len(_SYMBOL_IN_WORD.findall(sample))
             + len(_HALFWIDTH_KANA.findall(sample)))
    cyrillic = latin = 0
    for word in _WORD.findall(sample):
        if not word.isascii() and any(a.islower() and b.isupper() for a, b in pairwise(word)):
            score += 2
        cyr = sum(1 for c in word if "\u0400" <= c <= "\u04ff")
        ext = sum(1 for c in word if "\u00c0" <= c <= "\u00ff")
        lat = sum(1 for c in word if c.isascii()) + ext
        cyrillic += cyr
        latin += lat
        if cyr and lat:
            score += 3
        if ext >= 3 and ext * 2 > len(word):
            score += 1
    return score + min(cyrillic, latin)


def _check_text(text: str) -> None:
    if not text.strip():
        raise UnreadableText("contains only whitespace")
    controls = len(_CONTROL.findall(text[:100_000]))
    if controls > max(3, len(text[:100_000]) // 20):   # over 5%: not prose
        raise UnreadableText("binary file (mostly non-text bytes), not a text article")
    longest = max(len(line) for line in text.split("\n"))
    if longest > MAX_LINE:
        raise UnreadableText(f"has a single line of {longest:,} characters (limit {MAX_LINE:,});"
                             " not an article")
