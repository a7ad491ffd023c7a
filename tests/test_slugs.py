"""Slugs are public URLs and folder names: stable, ASCII, never empty, never escaping."""

from __future__ import annotations

import pytest

from sitegen.slugs import MAX_LENGTH, is_safe_slug, slugify, unique_slug


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("West looks for any clue", "west-looks-for-any-clue"),
        ("Сергей Лавров", "sergei-lavrov"),
        ("Zürich café", "zurich-cafe"),
        ("  European Union  ", "european-union"),
        ("C++", "c-plus-plus"),
        ("C#", "c-sharp"),
        ("AT&T", "at-and-t"),
    ],
)
def test_slugify_transliterates(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_symbol_names_do_not_collide_with_plain_names() -> None:
    assert slugify("C++") != slugify("C")
    assert slugify("C#") != slugify("C")


def test_case_variants_are_the_same_term() -> None:
    assert slugify("Test") == slugify("test") == "test"


@pytest.mark.parametrize("text", ["", "!!!", "   ", "……", "---"])
def test_slugify_never_empty_and_stable(text: str) -> None:
    slug = slugify(text)
    assert slug.startswith("item-")
    assert len(slug) == len("item-") + 6
    assert is_safe_slug(slug)
    assert slugify(text) == slug


def test_unusable_texts_get_different_fallbacks() -> None:
    assert slugify("!!!") != slugify("???")


def test_slugify_is_bounded_and_cuts_at_word_boundary() -> None:
    slug = slugify("word " * 40)
    assert len(slug) <= MAX_LENGTH
    assert not slug.endswith("-")
    assert slug.endswith("word")


def test_slugify_keeps_a_single_very_long_word() -> None:
    slug = slugify("a" * 120 + " b")
    assert slug == "a" * MAX_LENGTH


def test_slugify_output_is_always_safe() -> None:
    for text in ["../../etc/passwd", "a/b\\c", "x\x00y", ".", "..", "Hello, World!"]:
        assert is_safe_slug(slugify(text)), text


@pytest.mark.parametrize("s", ["a", "abc-123", "2022", "a--b"])
def test_safe_slugs(s: str) -> None:
    assert is_safe_slug(s)


@pytest.mark.parametrize(
    "s", ["", "-a", "a-", "A", "a b", "a/b", "a\\b", "..", ".", "a..b", "a.b", "é", "a_b", "a\n"]
)
def test_unsafe_slugs(s: str) -> None:
    assert not is_safe_slug(s)


def test_unique_slug_adds_numbered_suffixes() -> None:
    assert unique_slug("x", set()) == "x"
    assert unique_slug("x", {"x"}) == "x-2"
    assert unique_slug("x", {"x", "x-2", "x-3"}) == "x-4"


def test_unique_slug_does_not_modify_taken() -> None:
    taken = {"x"}
    unique_slug("x", taken)
    assert taken == {"x"}
