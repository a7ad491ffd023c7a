"""`sitegen.toml` validation: real files, exact messages with line numbers."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from sitegen.config import SETTINGS, Config, load_config, settings_table, with_settings_table
from sitegen.errors import SitegenError


def messages(tmp_path: Path, toml: str) -> list[str]:
    (tmp_path / "sitegen.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(SitegenError) as info:
        load_config(tmp_path)
    return [f"{p.line}: {p.message}" for p in info.value.problems]


def test_no_config_means_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    assert config == Config(root=tmp_path)
    assert config.base_path == "/"


def test_valid_config(tmp_path: Path) -> None:
    (tmp_path / "sitegen.toml").write_text(
        'title = "Wire"\nbase_url = "https://user.github.io/news"\nper_page = 5\n'
        'timezone = "Europe/Moscow"\ntaxonomies = ["tags"]\n[extra]\ncolor = "red"\n',
        encoding="utf-8")
    config = load_config(tmp_path)
    assert config.title == "Wire"
    assert config.per_page == 5
    assert config.taxonomies == ("tags",)
    assert config.extra == {"color": "red"}
    assert config.tzinfo.key == "Europe/Moscow"


@pytest.mark.parametrize(
    ("base_url", "base_path", "site_url"),
    [
        ("https://user.github.io/REPO/", "/REPO/", "https://user.github.io/REPO/"),
        ("https://user.github.io/REPO", "/REPO/", "https://user.github.io/REPO/"),
        ("https://user.github.io", "/", "https://user.github.io/"),
        ("https://news.example.org/", "/", "https://news.example.org/"),
    ],
)
def test_base_path_of_user_and_project_sites(tmp_path: Path, base_url: str, base_path: str,
                                              site_url: str) -> None:
    (tmp_path / "sitegen.toml").write_text(f'base_url = "{base_url}"\n', encoding="utf-8")
    config = load_config(tmp_path)
    assert (config.base_path, config.site_url) == (base_path, site_url)


def test_override_replaces_file_value(tmp_path: Path) -> None:
    (tmp_path / "sitegen.toml").write_text('base_url = "https://a.org/"\n', encoding="utf-8")
    config = load_config(tmp_path, overrides={"base_url": "https://b.org/x/", "title": None})
    assert config.base_path == "/x/"
    assert config.title == "News"


def test_unknown_key_with_suggestion_and_line(tmp_path: Path) -> None:
    assert messages(tmp_path, 'title = "x"\n\ntitel = "y"\n') == [
        "3: unknown key 'titel' (did you mean 'title'?)"]


def test_unknown_key_without_suggestion(tmp_path: Path) -> None:
    assert messages(tmp_path, "zzzqqq = 1\n") == ["1: unknown key 'zzzqqq'"]


def test_unknown_table_points_at_its_header(tmp_path: Path) -> None:
    assert messages(tmp_path, 'title = "x"\n[markdwon]\na = 1\n') == ["2: unknown key 'markdwon'"]


def test_wrong_types_all_reported(tmp_path: Path) -> None:
    assert messages(tmp_path, 'per_page = "ten"\nunsafe_html = 1\ntaxonomies = "tags"\n'
                    "per_pag = 3\n") == [
        "1: 'per_page' must be an integer, not 'ten'",
        "2: 'unsafe_html' must be true or false, not 1",
        "3: 'taxonomies' must be a list, not 'tags'",
        "4: unknown key 'per_pag' (did you mean 'per_page'?)",
    ]


def test_boolean_is_not_an_integer(tmp_path: Path) -> None:
    assert messages(tmp_path, "per_page = true\n") == [
        "1: 'per_page' must be an integer, not True"]


def test_per_page_at_least_one(tmp_path: Path) -> None:
    assert messages(tmp_path, "per_page = 0\n") == ["1: 'per_page' must be at least 1"]


@pytest.mark.parametrize("url", ["user.github.io/news/", "ftp://x.org/", "/news/", "https://"])
def test_bad_base_url(tmp_path: Path, url: str) -> None:
    assert messages(tmp_path, f'base_url = "{url}"\n') == [
        "1: 'base_url' must be an absolute http(s) URL such as 'https://USER.github.io/REPO/'"]


def test_base_url_with_query_or_fragment(tmp_path: Path) -> None:
    assert messages(tmp_path, 'base_url = "https://u.github.io/r/?x"\n') == [
        "1: 'base_url' must not have a '?query' or '#fragment'"]


def test_bad_timezone(tmp_path: Path) -> None:
    assert messages(tmp_path, 'title = "x"\ntimezone = "Mars/Olympus"\n') == [
        "2: 'timezone' is not a known time zone: 'Mars/Olympus' (an IANA name such as "
        "'Europe/London')"]


def test_mistyped_timezone_suggests_the_closest_name(tmp_path: Path) -> None:
    assert messages(tmp_path, 'timezone = "Europe/Londn"\n') == [
        "1: 'timezone' is not a known time zone: 'Europe/Londn' (did you mean 'Europe/London'?)"]


@pytest.mark.parametrize("tz", ["", "../etc/passwd", "/etc/localtime"])
def test_timezone_paths_are_rejected(tmp_path: Path, tz: str) -> None:
    [message] = messages(tmp_path, f'timezone = "{tz}"\n')
    assert message.startswith("1: 'timezone' is not a known time zone")


PLAIN = "must use plain fields like {year}, without '!' conversions or ':' formats"


@pytest.mark.parametrize(
    ("permalink", "message"),
    [
        ("/{year}/{title}/", "uses unknown field {title} (known: year, month, day, slug)"),
        ("/{year}/{month}/", "must contain {slug} so that every article gets its own URL"),
        ("{year}/{slug}", "must start and end with '/', like '/{year}/{month}/{slug}/'"),
        ("/{year}/../../{slug}/", "must not contain '.', '..' or '\\' path parts"),
        ("/{slug!r}/", PLAIN),
        ("/{slug:>9}/", PLAIN),
    ],
)
def test_bad_permalink(tmp_path: Path, permalink: str, message: str) -> None:
    assert messages(tmp_path, f"permalink = '{permalink}'\n") == [f"1: 'permalink' {message}"]


def test_unbalanced_permalink(tmp_path: Path) -> None:
    [message] = messages(tmp_path, "permalink = '/{slug/'\n")
    assert message.startswith("1: 'permalink' is not a valid pattern: ")


def test_unknown_taxonomy(tmp_path: Path) -> None:
    assert messages(tmp_path, 'taxonomies = ["tags", "people"]\n') == [
        "1: 'taxonomies' has unknown taxonomy 'people' (known: tags, speakers)"]


@pytest.mark.parametrize("folder", ["/tmp/out", "../out", "a/../../b"])
def test_output_dir_must_stay_inside(tmp_path: Path, folder: str) -> None:
    assert messages(tmp_path, f'output_dir = "{folder}"\n') == [
        "1: 'output_dir' must be a folder inside the site, without '..'"]


def test_toml_syntax_error_has_line(tmp_path: Path) -> None:
    [message] = messages(tmp_path, 'title = "x"\nper_page = \n')
    assert message.startswith("2: not valid TOML: ")


def test_config_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "sitegen.toml").write_bytes('title = "Новости"\n'.encode("cp1251"))
    with pytest.raises(SitegenError) as info:
        load_config(tmp_path)
    assert [p.message for p in info.value.problems] == ["not UTF-8 text"]


def test_every_config_field_but_root_is_a_setting() -> None:
    assert [s.name for s in SETTINGS] == [f.name for f in dataclasses.fields(Config)][1:]


def test_settings_table_in_the_docs_is_current() -> None:
    doc = Path(__file__).parents[1] / "docs" / "CONFIG.md"
    text = doc.read_text(encoding="utf-8")
    assert with_settings_table(text) == text, (
        "docs/CONFIG.md's table of settings differs from the keys declared in sitegen/config.py; "
        "rewrite it with: python -m sitegen.config docs/CONFIG.md")


def test_settings_table_keeps_the_prose_around_it() -> None:
    stale = ("# Settings\n\nProse.\n\n| key | type | default | meaning |\n|---|---|---|---|\n"
             "| `title` | string | `\"Old\"` | gone |\n\nMore prose.\n")
    fresh = f"# Settings\n\nProse.\n\n{settings_table()}\nMore prose.\n"
    assert with_settings_table(stale) == fresh
    assert "| `per_page` | integer ≥ 1 | `10` | articles per page" in settings_table()
    assert "| `cname` | string | none |" in settings_table()
