"""Bytes -> text: encodings, line endings, and the inputs that are not articles."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.ingest.decode import MAX_LINE, UnreadableText, decode_text, read_text

RUSSIAN = "МОСКВА, 10 декабря. /ТАСС/. Министр иностранных дел России Сергей Лавров заявил."


def test_utf8_and_bom_are_read() -> None:
    assert decode_text("Café\n".encode()) == "Café\n"
    assert decode_text(codecs.BOM_UTF8 + "Café\n".encode()) == "Café\n"
    assert decode_text("Café\n".encode("utf-16")) == "Café\n"


def test_crlf_and_cr_become_lf() -> None:
    assert decode_text(b"Title\r\n\r\nBody.\r\n") == "Title\n\nBody.\n"
    assert decode_text(b"Title\r\rBody.\r") == "Title\n\nBody.\n"


@pytest.mark.parametrize("text", [RUSSIAN, "Кремль", "Лавров заявил о попытках Запада"])
def test_cp1251_is_detected(text: str) -> None:
    assert decode_text(text.encode("cp1251")) == text


PARAGRAPH = ("Министр иностранных дел России Сергей Лавров заявил в субботу, что западные страны "
             "ищут любую зацепку, чтобы поссорить Москву и Астану.")


@pytest.mark.parametrize("encoding", ["koi8-r", "cp866", "cp1251"])
@pytest.mark.parametrize("text", [
    RUSSIAN,
    "Лавров: Запад ищет любой повод, чтобы вбить клин между Россией и Казахстаном",
    PARAGRAPH,
    PARAGRAPH.lower(),   # no capitals: the detector's letter frequencies decide
    "Ёлка и ёж. Съезд. Объявление.",
])
def test_russian_in_each_cyrillic_code_page_is_read_right(text: str, encoding: str) -> None:
    """KOI8-R and cp1251 read each other's Russian as Cyrillic letters with the case flipped
    ("мБЧТПЧ" for "Лавров"); cp866 read as either comes out with symbols inside words."""
    assert decode_text(text.encode(encoding)) == text


@pytest.mark.parametrize("text", ["Chelsea paid £15.8m for Mutu.",
                                  "Café in Zürich — très cher, naïve façade.",
                                  "Stade de France", "Müller scored twice.",
                                  "Ça coûte 5 € — «très» cher.", "Straße, Grüße, Öl, Äpfel"])
def test_latin1_and_cp1252_are_detected(text: str) -> None:
    encoding = "cp1252" if "—" in text else "latin-1"
    assert decode_text(text.encode(encoding)) == text


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "empty file"),
    (b"  \n\t\r\n  ", "only whitespace"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    (bytes(range(1, 32)) * 200, "binary"),
    (b"x" * (MAX_LINE + 1), "single line"),
])
def test_bad_input_gives_one_line_reason(data: bytes, reason: str) -> None:
    with pytest.raises(UnreadableText) as info:
        decode_text(data)
    assert reason in str(info.value)
    assert "\n" not in str(info.value)


def test_read_text_returns_bytes_for_hashing(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(RUSSIAN.encode("cp1251") + b"\r\n")
    data, text = read_text(path)
    assert data == path.read_bytes()
    assert text == RUSSIAN + "\n"


def test_unreadable_path_is_reported(tmp_path: Path) -> None:
    with pytest.raises(UnreadableText, match="cannot read"):
        read_text(tmp_path / "missing.txt")


@given(st.binary(max_size=600))
@settings(max_examples=300, deadline=None)
def test_any_bytes_decode_or_are_rejected_cleanly(data: bytes) -> None:
    try:
        text = decode_text(data)
    except UnreadableText as exc:
        assert "\n" not in str(exc)
        return
    assert "\r" not in text and text.strip()
