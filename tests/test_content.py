"""Loading front-matter Markdown: real files on disk, exact user-facing messages."""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sitegen.config import Config
from sitegen.content import load_articles, parse_article
from sitegen.errors import SitegenError
from sitegen.model import Quote, Speaker

FULL = """\
---
title: West looks for any clue to drive a wedge between Russia and Kazakhstan, says Lavrov
subtitle: According to Russian Foreign Minister
date: 2022-12-10
updated: 2022-12-10T18:21:00+03:00
location: Moscow
source: TASS
tags: [Russia, Kazakhstan, russia, United States]
speakers:
  - name: Sergey Lavrov
    role: Russian Foreign Minister
  - Maria Zakharova
quotes:
  - speaker: Sergey Lavrov
    text: "In today's communications environment, any information ..."
  - speaker: null
    text: Unattributed words
origin: 000_09a015d091362e36.txt
draft: false
layout: wide
---
The West is trying to find any clues ...

## Use of US dollar
"""


def site(tmp_path: Path, timezone_name: str = "Europe/Moscow") -> Config:
    (tmp_path / "content" / "articles").mkdir(parents=True, exist_ok=True)
    return Config(root=tmp_path, timezone=timezone_name)


def write(config: Config, name: str, text: str) -> Path:
    path = config.content_path / "articles" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def article_text(title: str = "Hello", date: str = "2022-12-10", extra: str = "") -> str:
    return f"---\ntitle: {title}\ndate: {date}\n{extra}---\nBody.\n"


def problems(config: Config, **kwargs: bool) -> list[str]:
    with pytest.raises(SitegenError) as info:
        load_articles(config, **kwargs)
    root = config.content_path / "articles"
    return [f"{p.path.relative_to(root) if p.path else None}:{p.line}: {p.message}"
            for p in info.value.problems]


def one_problem(tmp_path: Path, extra: str) -> str:
    config = site(tmp_path)
    write(config, "a.md", article_text(extra=extra))
    [message] = problems(config)
    return message


# --- a complete article ----------------------------------------------------------------------


def test_full_article(tmp_path: Path) -> None:
    config = site(tmp_path)
    path = write(config, "2022/12/lavrov.md", FULL)
    [article] = load_articles(config)
    assert article.path == path
    assert article.title.startswith("West looks for any clue")
    assert article.date == datetime(2022, 12, 10, tzinfo=ZoneInfo("Europe/Moscow"))
    assert article.date_has_time is False
    assert article.updated == datetime(2022, 12, 10, 18, 21,
                                       tzinfo=timezone(timedelta(hours=3)))
    assert article.subtitle == "According to Russian Foreign Minister"
    assert (article.location, article.source) == ("Moscow", "TASS")
    assert article.tags == ("Russia", "Kazakhstan", "United States")
    assert article.speakers == (Speaker("Sergey Lavrov", "Russian Foreign Minister"),
                                Speaker("Maria Zakharova"))
    assert article.quotes == (
        Quote("In today's communications environment, any information ...", "Sergey Lavrov"),
        Quote("Unattributed words", None),
    )
    assert article.slug == ("west-looks-for-any-clue-to-drive-a-wedge-between-russia-and"
                            "-kazakhstan-says-lavrov")
    assert article.origin == "000_09a015d091362e36.txt"
    assert article.draft is False
    assert article.extra == {"layout": "wide"}
    assert article.body.startswith("The West is trying")


def test_parse_article_single_file(tmp_path: Path) -> None:
    article = parse_article(tmp_path / "x.md", article_text(title="Привет мир"), Config())
    assert article.slug == "privet-mir"
    assert article.date.tzinfo is not None


def test_parse_article_raises_with_all_problems(tmp_path: Path) -> None:
    with pytest.raises(SitegenError) as info:
        parse_article(tmp_path / "x.md", "---\ntitle: ''\ndate: soon\n---\n", Config())
    assert [(p.line, p.message) for p in info.value.problems] == [
        (2, "'title' must not be empty"),
        (3, "'date' must be a date like 2022-12-10 or a date and time like "
            "2022-12-10T18:21:00+03:00, not 'soon'"),
    ]


def test_crlf_and_bom_are_fine(tmp_path: Path) -> None:
    config = site(tmp_path)
    path = config.content_path / "articles" / "a.md"
    path.write_bytes("\ufeff---\r\ntitle: Hi\r\ndate: 2022-01-02\r\n---\r\nBody\r\n".encode())
    [article] = load_articles(config)
    assert article.title == "Hi"
    assert article.body == "Body"


# --- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected", "has_time"),
    [
        ("2022-12-10", datetime(2022, 12, 10, tzinfo=ZoneInfo("Europe/Moscow")), False),
        ("'2022-12-10'", datetime(2022, 12, 10, tzinfo=ZoneInfo("Europe/Moscow")), False),
        ("2022-12-10T18:21:00+03:00",
         datetime(2022, 12, 10, 18, 21, tzinfo=timezone(timedelta(hours=3))), True),
        ("'2022-12-10T18:21:00+03:00'",
         datetime(2022, 12, 10, 18, 21, tzinfo=timezone(timedelta(hours=3))), True),
        ("2022-12-10T18:21:00", datetime(2022, 12, 10, 18, 21,
                                         tzinfo=ZoneInfo("Europe/Moscow")), True),
        ("2022-12-10 18:21", datetime(2022, 12, 10, 18, 21, tzinfo=ZoneInfo("Europe/Moscow")),
         True),
        ("2022-12-10T15:21:00Z", datetime(2022, 12, 10, 15, 21, tzinfo=UTC), True),
    ],
)
def test_dates(tmp_path: Path, value: str, expected: datetime, has_time: bool) -> None:
    config = site(tmp_path)
    write(config, "a.md", article_text(date=value))
    [article] = load_articles(config)
    assert article.date == expected
    assert article.date.tzinfo is not None
    assert article.date_has_time is has_time


def test_missing_title_and_date_point_at_front_matter_start(tmp_path: Path) -> None:
    config = site(tmp_path)
    write(config, "a.md", "---\nsource: TASS\n---\nBody\n")
    assert problems(config) == [
        "a.md:1: missing required key 'title'",
        "a.md:1: missing required key 'date'",
    ]


def test_bad_updated(tmp_path: Path) -> None:
    assert one_problem(tmp_path, "updated: 2022\n") == (
        "a.md:4: 'updated' must be a date like 2022-12-10 or a date and time like "
        "2022-12-10T18:21:00+03:00, not 2022")


# --- wrong types -----------------------------------------------------------------------------


def test_title_must_be_a_string(tmp_path: Path) -> None:
    config = site(tmp_path)
    write(config, "a.md", "---\ndate: 2022-01-01\ntitle: 1984\n---\n")
    assert problems(config) == ["a.md:3: 'title' must be a string, not 1984 (put it in quotes)"]


def test_tags_wrong_type(tmp_path: Path) -> None:
    assert one_problem(tmp_path, "tags: {a: b}\n") == (
        "a.md:4: 'tags' must be a list of strings or a comma-separated string, not a mapping")


def test_tags_bad_item_points_at_the_item(tmp_path: Path) -> None:
    assert one_problem(tmp_path, "tags:\n  - Russia\n  - 2022\n") == (
        "a.md:6: 'tags' must be a list of strings or a comma-separated string; "
        "item 2 is 2022 (put it in quotes)")


def test_tags_comma_separated_string(tmp_path: Path) -> None:
    config = site(tmp_path)
    write(config, "a.md", article_text(extra="tags: 'Russia, , Kazakhstan,RUSSIA,  EU '\n"))
    [article] = load_articles(config)
    assert article.tags == ("Russia", "Kazakhstan", "EU")


def test_speakers_problems(tmp_path: Path) -> None:
    extra = ("speakers:\n"
             "  - name: A\n"
             "  - role: Minister\n"
             "  - name: B\n"
             "    rol: Minister\n"
             "  - [x]\n")
    config = site(tmp_path)
    write(config, "a.md", article_text(extra=extra))
    assert problems(config) == [
        "a.md:6: 'speakers' item 2 needs a 'name'",
        "a.md:7: 'speakers' item 3 has unknown key 'rol' (did you mean 'role'?)",
        "a.md:9: 'speakers' items must be a name or a mapping with 'name' and 'role'; "
        "item 4 is a list",
    ]


def test_speakers_must_be_a_list(tmp_path: Path) -> None:
    assert one_problem(tmp_path, "speakers: Lavrov\n") == (
        "a.md:4: 'speakers' must be a list (each item a name or a mapping with 'name' and "
        "'role'), not 'Lavrov'")


def test_quotes_problems(tmp_path: Path) -> None:
    extra = ("quotes:\n"
             "  - speaker: A\n"
             "  - text: 5\n"
             "  - just words\n")
    config = site(tmp_path)
    write(config, "a.md", article_text(extra=extra))
    assert problems(config) == [
        "a.md:5: 'quotes' item 1 needs a 'text'",
        "a.md:6: 'quotes' item 2: 'text' must be a string, not 5",
        "a.md:7: 'quotes' items must be mappings with 'text' and 'speaker'; "
        "item 3 is 'just words'",
    ]


def test_draft_must_be_boolean(tmp_path: Path) -> None:
    assert one_problem(tmp_path, "draft: maybe\n") == (
        "a.md:4: 'draft' must be true or false, not 'maybe'")


def test_duplicate_key(tmp_path: Path) -> None:
    assert one_problem(tmp_path, "title: Again\n") == (
        "a.md:4: key 'title' is set twice (first on line 2); remove one")


# --- slug and origin safety ------------------------------------------------------------------


@pytest.mark.parametrize("slug", ["../../etc", "Has Space", "-x", "a/b", "ÜBER"])
def test_unsafe_explicit_slug(tmp_path: Path, slug: str) -> None:
    message = one_problem(tmp_path, f"slug: '{slug}'\n")
    assert message.startswith(
        "a.md:4: 'slug' must use only a-z, 0-9 and '-', not start or end with '-', not ")


def test_unsafe_slug_message_suggests_one(tmp_path: Path) -> None:
    assert one_problem(tmp_path, "slug: My Article\n") == (
        "a.md:4: 'slug' must use only a-z, 0-9 and '-', not start or end with '-', "
        "not 'My Article' (try 'my-article')")


@pytest.mark.parametrize("origin", ["../x.txt", "a/b.txt", "a\\b.txt", "C:x.txt", ".."])
def test_unsafe_origin(tmp_path: Path, origin: str) -> None:
    message = one_problem(tmp_path, f"origin: '{origin}'\n")
    assert message == ("a.md:4: 'origin' must be the base name of the raw file, such as "
                       f"'000_09a015d091362e36.txt', not {origin!r}")


# --- broken files ----------------------------------------------------------------------------


def test_not_utf8(tmp_path: Path) -> None:
    config = site(tmp_path)
    path = config.content_path / "articles" / "a.md"
    path.write_bytes("---\ntitle: Привет\n".encode("cp1251"))
    assert problems(config) == [
        "a.md:2: not UTF-8 text (byte 0xcf cannot be decoded); save the file as UTF-8"]


def test_no_front_matter(tmp_path: Path) -> None:
    config = site(tmp_path)
    write(config, "a.md", "# Just Markdown\n")
    assert problems(config) == [
        "a.md:1: no front matter: the file must start with a '---' line, then 'key: value' "
        "lines such as 'title: ...', then another '---' line"]


def test_unclosed_front_matter(tmp_path: Path) -> None:
    config = site(tmp_path)
    write(config, "a.md", "---\ntitle: x\n")
    assert problems(config) == [
        "a.md:1: front matter is not closed: add a '---' line after the last key"]


def test_front_matter_not_a_mapping(tmp_path: Path) -> None:
    config = site(tmp_path)
    write(config, "a.md", "---\n- a\n- b\n---\n")
    write(config, "b.md", "---\n---\nbody\n")
    assert problems(config) == [
        "a.md:1: front matter must be 'key: value' lines, but it is a list",
        "b.md:1: front matter must be 'key: value' lines, but it is empty",
    ]


def test_yaml_syntax_error_line_is_a_file_line(tmp_path: Path) -> None:
    config = site(tmp_path)
    write(config, "a.md", "---\ntitle: ok\ndate: 2022-01-01\ntags: [a, b\n---\n")
    [message] = problems(config)
    assert message.startswith("a.md:5: front matter is not valid YAML: ")


def test_yaml_bad_indentation_line(tmp_path: Path) -> None:
    config = site(tmp_path)
    write(config, "a.md", "---\ntitle: ok\n  date: 2022-01-01\n---\n")
    [message] = problems(config)  # wording differs between libyaml and pure-Python PyYAML
    assert message.startswith(
        "a.md:3: front matter is not valid YAML: mapping values are not allowed")


def test_every_bad_file_is_reported(tmp_path: Path) -> None:
    config = site(tmp_path)
    write(config, "good.md", article_text())
    write(config, "x/bad1.md", "no front matter\n")
    write(config, "y/bad2.md", article_text(extra="draft: 3\n"))
    assert problems(config) == [
        "x/bad1.md:1: no front matter: the file must start with a '---' line, then "
        "'key: value' lines such as 'title: ...', then another '---' line",
        "y/bad2.md:4: 'draft' must be true or false, not 3",
    ]


def test_error_string_has_file_and_line(tmp_path: Path) -> None:
    config = site(tmp_path)
    path = write(config, "a.md", article_text(extra="draft: 3\n"))
    with pytest.raises(SitegenError) as info:
        load_articles(config)
    assert str(info.value) == f"{path}:4: 'draft' must be true or false, not 3"


# --- drafts, order, slugs --------------------------------------------------------------------


def test_drafts_skipped_unless_asked(tmp_path: Path) -> None:
    config = site(tmp_path)
    write(config, "a.md", article_text(title="Published"))
    write(config, "b.md", article_text(title="Draft", extra="draft: true\n"))
    assert [a.title for a in load_articles(config)] == ["Published"]
    assert [a.title for a in load_articles(config, drafts=True)] == ["Draft", "Published"]


def test_sorted_newest_first_then_slug(tmp_path: Path) -> None:
    config = site(tmp_path)
    write(config, "1.md", article_text(title="Old", date="2021-01-01"))
    write(config, "2.md", article_text(title="Zed", date="2022-06-01"))
    write(config, "3.md", article_text(title="Alpha", date="2022-06-01"))
    write(config, "4.md", article_text(title="New", date="2022-06-01T10:00:00+00:00"))
    assert [a.slug for a in load_articles(config)] == ["new", "alpha", "zed", "old"]


def test_derived_slug_collisions_get_suffixes_in_path_order(tmp_path: Path) -> None:
    config = site(tmp_path)
    write(config, "b.md", article_text(title="Same title"))
    write(config, "a.md", article_text(title="Same Title"))
    write(config, "c.md", article_text(title="same title!"))
    write(config, "other-month.md", article_text(title="Same title", date="2022-11-01"))
    by_name = {a.path.name: a.slug for a in load_articles(config)}
    assert by_name == {"a.md": "same-title", "b.md": "same-title-2", "c.md": "same-title-3",
                       "other-month.md": "same-title"}


def test_explicit_slug_wins_over_derived(tmp_path: Path) -> None:
    config = site(tmp_path)
    write(config, "a.md", article_text(title="Hello"))
    write(config, "z.md", article_text(title="Other", extra="slug: hello\n"))
    by_name = {a.path.name: a.slug for a in load_articles(config)}
    assert by_name == {"a.md": "hello-2", "z.md": "hello"}


def test_drafts_never_rename_published_articles(tmp_path: Path) -> None:
    config = site(tmp_path)
    write(config, "a.md", article_text(title="Hello", extra="draft: true\n"))
    write(config, "b.md", article_text(title="Hello"))
    with_drafts = {a.path.name: a.slug for a in load_articles(config, drafts=True)}
    assert with_drafts == {"a.md": "hello-2", "b.md": "hello"}
    assert [a.slug for a in load_articles(config)] == ["hello"]


def test_same_explicit_slug_same_month_is_an_error(tmp_path: Path) -> None:
    config = site(tmp_path)
    first = write(config, "a.md", article_text(title="One", extra="slug: same\n"))
    write(config, "b.md", article_text(title="Two", date="2022-12-31", extra="slug: same\n"))
    write(config, "c.md", article_text(title="Three", date="2023-01-01", extra="slug: same\n"))
    assert problems(config) == [
        f"b.md:4: slug 'same' is already used by {first} (both would be /2022/12/same/); "
        "choose another slug"]


def test_permalink_without_dates_makes_slugs_site_wide(tmp_path: Path) -> None:
    (tmp_path / "content" / "articles").mkdir(parents=True)
    config = Config(root=tmp_path, permalink="/{slug}/")
    write(config, "a.md", article_text(title="Hello", date="2020-01-01"))
    write(config, "b.md", article_text(title="Hello", date="2022-01-01"))
    assert sorted(a.slug for a in load_articles(config)) == ["hello", "hello-2"]


def test_missing_articles_folder_is_an_empty_site(tmp_path: Path) -> None:
    assert load_articles(Config(root=tmp_path)) == []


# --- symlinks --------------------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlink_outside_content_is_skipped(tmp_path: Path,
                                            caplog: pytest.LogCaptureFixture) -> None:
    config = site(tmp_path / "site")
    outside = tmp_path / "secret.md"
    outside.write_text(article_text(title="Secret"), encoding="utf-8")
    inside = write(config, "real.md", article_text(title="Real"))
    (config.content_path / "articles" / "evil.md").symlink_to(outside)
    (config.content_path / "articles" / "alias.md").symlink_to(inside)
    with caplog.at_level(logging.WARNING, logger="sitegen.content"):
        titles = sorted(a.title for a in load_articles(config))
    assert titles == ["Real", "Real"]
    assert any("evil.md: skipped" in r.getMessage() for r in caplog.records)


def test_impossible_date_is_a_located_error(tmp_path: Path) -> None:
    config = site(tmp_path)
    write(config, "a.md", article_text(date="2022-13-45"))
    assert problems(config) == [
        "a.md:3: 'date' must be a date like 2022-12-10 or a date and time like "
        "2022-12-10T18:21:00+03:00, not '2022-13-45'"]


def test_yes_no_values_get_a_quoting_hint(tmp_path: Path) -> None:
    assert one_problem(tmp_path, "location: NO\n") == (
        "a.md:4: 'location' must be a string, not false (put it in quotes)")


def test_unknown_keys_are_extra_and_typos_warned(tmp_path: Path,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    config = site(tmp_path)
    write(config, "a.md", article_text(extra="tgas: [x]\nlayout: wide\n"))
    with caplog.at_level(logging.WARNING, logger="sitegen.content"):
        [article] = load_articles(config)
    assert article.extra == {"tgas": ["x"], "layout": "wide"}
    assert [r.getMessage().split(": ", 1)[1] for r in caplog.records] == [
        "unknown key 'tgas' kept as extra data (did you mean 'tags'?)"]


def test_hidden_files_and_folders_are_ignored(tmp_path: Path) -> None:
    config = site(tmp_path)
    write(config, "a.md", article_text())
    write(config, ".#a.md", "junk")
    write(config, ".git/b.md", "junk")
    write(config, "notes.txt", "junk")
    assert len(load_articles(config)) == 1


def test_numeric_slug_needs_quotes(tmp_path: Path) -> None:
    assert one_problem(tmp_path, "slug: 2022\n") == (
        "a.md:4: 'slug' must be a string, not 2022 (put it in quotes)")


def test_empty_slug_means_derived(tmp_path: Path) -> None:
    config = site(tmp_path)
    write(config, "a.md", article_text(title="Hello", extra="slug: ''\n"))
    assert [a.slug for a in load_articles(config)] == ["hello"]


def test_line_numbers_count_only_newlines(tmp_path: Path) -> None:
    # YAML also breaks lines at U+0085 (NEL); editors' line numbers count "\n" only.
    text = "---\ndate: '\x85\x85  '\nsubtitle: '\x85\x85  '\ntitle: null\n---\n\nBody.\n"
    with pytest.raises(SitegenError) as info:
        parse_article(tmp_path / "x.md", text, Config())
    lines = {p.message.split("'")[1]: p.line for p in info.value.problems}
    assert lines["title"] == 4 and lines["date"] == 2


@pytest.mark.parametrize("levels", [65, 700, 990])
def test_deeply_nested_front_matter_is_one_clear_problem(tmp_path: Path, levels: int) -> None:
    deep = "[" * levels + "]" * levels
    with pytest.raises(SitegenError) as info:
        parse_article(tmp_path / "x.md", f"---\ntitle: T\ndate: 2022-12-10\nextra: {deep}\n---\n",
                      Config())
    [problem] = info.value.problems
    assert "more than 64 levels deep" in problem.message


def test_front_matter_nesting_within_the_limit_loads(tmp_path: Path) -> None:
    deep = "[" * 63 + "]" * 63  # with the top mapping: 64 levels
    article = parse_article(tmp_path / "x.md",
                            f"---\ntitle: T\ndate: 2022-12-10\nextra: {deep}\n---\n", Config())
    assert article.title == "T"


def test_a_file_removed_while_loading_is_no_article_and_no_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An editor deletes an article while `serve` rebuilds: the folder listed it, reading it
    finds nothing. It is as if it had never been listed (the next build sees the change); it
    was a build failure shown in the browser."""
    import sitegen.content as content

    (tmp_path / "content" / "articles").mkdir(parents=True)
    kept = tmp_path / "content" / "articles" / "kept.md"
    kept.write_text("---\ntitle: Kept\ndate: 2022-12-10\n---\nBody.\n", encoding="utf-8")
    gone = kept.with_name("gone.md")
    listed = content.article_files
    monkeypatch.setattr(content, "article_files",
                        lambda folder, root: [*listed(folder, root), gone])
    assert [a.title for a in load_articles(Config(root=tmp_path))] == ["Kept"]
