"""`import_paths` on real files: the sample, wire styles, bad input, re-import rules, dry run."""

from __future__ import annotations

import json
import os
import shutil
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import frontmatter
import pytest

from tests.conftest import SHARED, requires_shared
from tests.ingest_helpers import (
    CONTRACT_FIELDS,
    SAMPLE,
    SAMPLE_NAME,
    SAMPLE_SUBTITLE,
    SAMPLE_TITLE,
    WIRE,
    contract_fields,
)

if TYPE_CHECKING:
    from sitegen.ingest.importer import ImportReport

NOW = datetime(2026, 11, 29, tzinfo=UTC)


def run(paths: list[Path], content: Path, *, force: bool = False,
        dry_run: bool = False) -> ImportReport:
    from sitegen.ingest.importer import import_paths

    return import_paths(paths, content, force=force, dry_run=dry_run, progress=False, now=NOW)


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    folder = tmp_path / "raw"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / SAMPLE_NAME)
    return folder


@pytest.fixture
def content(tmp_path: Path) -> Path:
    return tmp_path / "content"


def articles(content: Path) -> list[Path]:
    return sorted((content / "articles").rglob("*.md"))


def check_sample(path: Path) -> frontmatter.Post:
    post = frontmatter.load(path)
    assert contract_fields(post.metadata) == CONTRACT_FIELDS
    assert post["title"] == SAMPLE_TITLE
    assert post["subtitle"] == SAMPLE_SUBTITLE
    assert post["date"] == date(2022, 12, 10)
    assert post["location"] == "Moscow"
    assert post["source"] == "TASS"
    assert post["origin"] == SAMPLE_NAME
    assert post["draft"] is False
    assert post["slug"] == path.stem and path.parent.name == "2022"
    assert "\n## Use of US dollar\n" in post.content
    assert "All news" not in post.content and "Updated at" not in post.content
    assert "/TASS/" not in post.content
    assert post.content.startswith("The West is trying to find any clues")
    return post


def test_sample_is_imported(raw: Path, content: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("INFO", logger="sitegen")
    report = run([raw], content)
    assert report.failed == [] and len(report.written) == 1
    check_sample(report.written[0])
    assert f"{SAMPLE_NAME}: year 2022 inferred from weekday 'Saturday'" in caplog.text
    state = json.loads((content / ".sitegen-import.json").read_text(encoding="utf-8"))
    entry = state["files"][SAMPLE_NAME]
    assert set(entry) == {"raw_sha256", "markdown_sha256", "path", "source"}
    assert report.summary().startswith("import: 1 written, 0 unchanged")


@requires_shared()
def test_shared_seed_is_imported(tmp_path: Path, content: Path) -> None:
    seed = SHARED / "seed" / SAMPLE_NAME
    if not seed.exists():
        pytest.skip(f"{seed} is absent")
    shutil.copy(seed, tmp_path / SAMPLE_NAME)
    report = run([tmp_path / SAMPLE_NAME], content)
    check_sample(report.written[0])


def test_every_wire_style_gives_a_loadable_article(tmp_path: Path, content: Path) -> None:
    wire = shutil.copytree(WIRE, tmp_path / "wire")  # outside git: undated files use their time
    report = run([wire], content)
    assert report.failed == []
    assert len(report.written) == len(list(WIRE.glob("*.txt")))
    for path in report.written:
        post = frontmatter.load(path)
        assert contract_fields(post.metadata) == CONTRACT_FIELDS
        assert post["title"] and post.content.strip()
        assert isinstance(post["date"], date)
        assert post["origin"].endswith(".txt")
    by_origin = {frontmatter.load(p)["origin"]: frontmatter.load(p) for p in report.written}
    assert by_origin["reuters.txt"]["date"] == date(2023, 3, 3)
    assert by_origin["interfax.txt"]["date"] == date(2021, 12, 10)
    assert by_origin["wikinews_magnitogorsk.txt"]["date"] == date(2019, 1, 4)
    assert "\n## Construction plans\n" in by_origin["plain.txt"].content
    assert any("ap.txt" in w and "modification time" in w for w in report.warnings)
    assert by_origin["ap.txt"]["date_from"] == "file"
    assert by_origin["reuters.txt"]["date_from"] == "text"


def test_crlf_cp1251_and_latin1_files(tmp_path: Path, content: Path) -> None:
    folder = tmp_path / "enc"
    folder.mkdir()
    ru = "Лавров: Запад ищет повод\r\n\r\nМОСКВА, 10 декабря. /ТАСС/. Текст статьи.\r\n"
    (folder / "ru.txt").write_bytes(ru.encode("cp1251"))
    (folder / "fr.txt").write_bytes("Café prices rise\r\n\r\nThe café charged £5.\r\n"
                                    .encode("latin-1"))
    report = run([folder], content)
    assert report.failed == []
    posts = {frontmatter.load(p)["origin"]: frontmatter.load(p) for p in report.written}
    assert posts["ru.txt"]["title"] == "Лавров: Запад ищет повод"
    assert posts["ru.txt"]["location"] == "Москва"
    assert posts["ru.txt"]["source"] == "TASS"
    assert posts["ru.txt"].content.strip() == "Текст статьи."
    assert posts["fr.txt"].content.strip() == "The café charged £5."
    assert not any(b"\r" in p.read_bytes() for p in report.written)


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "empty file"),
    (b"   \n\n \t\n", "only whitespace"),
    (b"\x7fELF\x02\x01\x01\x00\x00\x00" * 50, "binary"),
    (b"word " * 600_000, "single line"),
    (b"MOSCOW, December 10. /TASS/. No headline above this.\n\nMore.\n", "no title"),
])
def test_bad_file_is_one_problem_and_the_batch_goes_on(raw: Path, content: Path, data: bytes,
                                                        reason: str) -> None:
    bad = raw / "bad.txt"
    bad.write_bytes(data)
    report = run([raw], content)
    assert len(report.failed) == 1
    problem = report.failed[0]
    assert problem.path == bad and reason in problem.message
    assert str(problem).startswith(str(bad)) and "\n" not in str(problem)
    assert len(report.written) == 1 and articles(content) == report.written
    state = json.loads((content / ".sitegen-import.json").read_text(encoding="utf-8"))
    assert list(state["files"]) == [SAMPLE_NAME]


def test_reimport_of_unchanged_raw_is_a_no_op(raw: Path, content: Path) -> None:
    first = run([raw], content)
    written = first.written[0]
    before = written.read_bytes(), written.stat().st_mtime_ns
    second = run([raw], content)
    assert second.written == [] and second.unchanged == [raw / SAMPLE_NAME]
    assert (written.read_bytes(), written.stat().st_mtime_ns) == before
    assert articles(content) == [written]


def test_edited_article_is_kept_and_force_overwrites(raw: Path, content: Path) -> None:
    written = run([raw], content).written[0]
    edited = written.read_text(encoding="utf-8").replace("draft: false", "draft: true")
    written.write_text(edited, encoding="utf-8")
    sample = raw / SAMPLE_NAME
    sample.write_text(sample.read_text(encoding="utf-8") + "\nA correction was added.\n",
                      encoding="utf-8")
    kept = run([raw], content)
    assert kept.kept_edited == [written] and kept.written == []
    assert written.read_text(encoding="utf-8") == edited
    assert any("--force" in w for w in kept.warnings)
    assert "kept" in kept.summary()

    forced = run([raw], content, force=True)
    assert forced.written == [written]
    assert "A correction was added." in written.read_text(encoding="utf-8")
    assert "draft: false" in written.read_text(encoding="utf-8")
    assert articles(content) == [written]


def test_changed_raw_of_an_unedited_article_is_updated_in_place(raw: Path, content: Path) -> None:
    written = run([raw], content).written[0]
    sample = raw / SAMPLE_NAME
    sample.write_text(sample.read_text(encoding="utf-8") + "\nLate addition.\n",
                      encoding="utf-8")
    again = run([raw], content)
    assert again.written == [written]
    assert "Late addition." in written.read_text(encoding="utf-8")


def test_same_story_twice_gets_two_slugs(raw: Path, content: Path) -> None:
    shutil.copy(SAMPLE, raw / "copy_of_sample.txt")
    report = run([raw], content)
    assert len(report.written) == 2 and len(articles(content)) == 2
    slugs = sorted(frontmatter.load(p)["slug"] for p in report.written)
    assert slugs[1] == slugs[0] + "-2"
    assert {frontmatter.load(p)["origin"] for p in report.written} == {
        SAMPLE_NAME, "copy_of_sample.txt"}


def test_existing_article_with_the_same_slug_is_never_clobbered(raw: Path, content: Path
                                                                ) -> None:
    first = run([raw], content).written[0]
    other = raw.parent / "later"
    other.mkdir()
    shutil.copy(SAMPLE, other / "000_second.txt")
    second = run([other], content).written[0]
    assert second != first and second.stem == first.stem + "-2"
    assert frontmatter.load(first)["origin"] == SAMPLE_NAME


def test_moved_article_is_found_by_its_origin(raw: Path, content: Path) -> None:
    written = run([raw], content).written[0]
    moved = content / "articles" / "elsewhere" / written.name
    moved.parent.mkdir()
    written.rename(moved)
    sample = raw / SAMPLE_NAME
    sample.write_text(sample.read_text(encoding="utf-8") + "\nLate addition.\n",
                      encoding="utf-8")
    again = run([raw], content)
    assert again.written == [moved] and articles(content) == [moved]
    assert "Late addition." in moved.read_text(encoding="utf-8")


def test_dry_run_writes_nothing(raw: Path, content: Path) -> None:
    report = run([raw], content, dry_run=True)
    assert len(report.written) == 1 and report.written[0].name.endswith(".md")
    assert not content.exists()
    assert "dry run" in report.summary()


def test_missing_state_does_not_duplicate_articles(raw: Path, content: Path) -> None:
    written = run([raw], content).written[0]
    (content / ".sitegen-import.json").unlink()
    again = run([raw], content)
    assert again.written == [] and again.unchanged == [raw / SAMPLE_NAME]
    assert articles(content) == [written]


def test_unreadable_state_is_a_clear_error(raw: Path, content: Path) -> None:
    from sitegen.errors import SitegenError

    content.mkdir()
    (content / ".sitegen-import.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(SitegenError, match="import state"):
        run([raw], content)


def test_tampered_state_path_cannot_escape(raw: Path, content: Path, tmp_path: Path) -> None:
    run([raw], content)
    state_file = content / ".sitegen-import.json"
    state = json.loads(state_file.read_text(encoding="utf-8"))
    state["files"][SAMPLE_NAME] = {"raw_sha256": "0", "markdown_sha256": "0",
                                   "path": "../../escaped.md"}
    state_file.write_text(json.dumps(state), encoding="utf-8")
    run([raw], content, force=True)
    assert not (tmp_path / "escaped.md").exists()


def test_same_file_name_twice_in_a_batch(raw: Path, content: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(WIRE / "bbc.txt", other / SAMPLE_NAME)
    report = run([raw, other], content)
    assert len(report.written) == 1 and len(report.failed) == 1
    assert "same file name" in report.failed[0].message


def test_file_time_fallback_is_warned(tmp_path: Path, content: Path) -> None:
    path = tmp_path / "undated.txt"
    path.write_text("Headline\n\nBody without any date.\n", encoding="utf-8")
    stamp = datetime(2024, 5, 6, 12, tzinfo=UTC).timestamp()
    os.utime(path, (stamp, stamp))
    report = run([path], content)
    assert frontmatter.load(report.written[0])["date"] == date(2024, 5, 6)
    assert len(report.warnings) == 1 and "undated.txt" in report.warnings[0]


def test_progress_bar_goes_to_stderr_on_a_terminal_only(
        tmp_path: Path, content: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from sitegen.ingest.importer import import_paths

    for i in range(7):
        (tmp_path / f"a{i}.txt").write_text(f"Story {i}\n\nText {i} in 2020.\n", encoding="utf-8")
    report = import_paths([tmp_path], content, now=NOW)  # stderr is captured: no terminal
    assert len(report.written) == 7
    out, err = capsys.readouterr()
    assert out == "" and "import:" not in err  # plain log lines, no bar fragments
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    import_paths([tmp_path], tmp_path / "content2", now=NOW)
    out, err = capsys.readouterr()
    assert out == "" and "import:" in err


def test_missing_path_is_a_problem(tmp_path: Path, content: Path) -> None:
    report = run([tmp_path / "nope.txt"], content)
    assert report.failed[0].message == "no such file or folder"


def test_a_story_of_the_same_name_from_elsewhere_never_replaces_the_first(
        tmp_path: Path, content: Path) -> None:
    first, second = tmp_path / "d1", tmp_path / "d2"
    first.mkdir()
    second.mkdir()
    (first / "same.txt").write_text("Bridge reopens\n\nThe bridge reopened in 2021.\n",
                                    encoding="utf-8")
    (second / "same.txt").write_text("Floods close road\n\nFloods closed the road in 2022.\n",
                                     encoding="utf-8")
    [article] = run([first / "same.txt"], content).written
    report = run([second / "same.txt"], content)
    assert not report.written and len(report.failed) == 1
    assert "same file name" in report.failed[0].message and "d1" in report.failed[0].message
    assert frontmatter.load(article)["title"] == "Bridge reopens"  # the first story is kept
    (first / "same.txt").unlink()  # moved away: the name is free, the new story replaces it
    assert run([second / "same.txt"], content).written == [article]
    assert frontmatter.load(article)["title"] == "Floods close road"


def test_tags_take_the_form_the_site_already_uses(tmp_path: Path, content: Path) -> None:
    from sitegen.ingest.importer import site_tags
    folder = content / "articles" / "2024"
    folder.mkdir(parents=True)
    (folder / "old.md").write_text(
        "---\ntitle: Old\ndate: 2024-01-02\ntags: [Jarosław Kaczyński, Poland]\n---\nText.\n",
        encoding="utf-8")
    (folder / "block.md").write_text(
        "---\ntitle: Block\ndate: 2024-01-03\ntags:\n  - US Navy\n---\nText.\n", encoding="utf-8")
    known = site_tags(content / "articles")
    assert known["jaroslaw kaczynski"] == "Jarosław Kaczyński"
    assert known["us navy"] == "US Navy"
    raw = tmp_path / "new.txt"
    raw.write_text("Jaroslaw Kaczynski speaks in Warsaw\n\nWARSAW, May 2 (Reuters) - Jaroslaw "
                   "Kaczynski, the party leader, said on Thursday that the vote would go ahead. "
                   "Kaczynski told reporters the U.S. Navy visit was welcome.\n\n"
                   "Kaczynski said more talks would follow in June.\n", encoding="utf-8")
    report = run([raw], content)
    tags = frontmatter.load(report.written[0])["tags"]
    assert "Jarosław Kaczyński" in tags
    assert "Jaroslaw Kaczynski" not in tags
