"""Paths from content never leave their folders: hostile slugs and `origin` values are refused
with an error naming the file and line; symlinks in the content folder (articles and raw) that
lead outside it are not followed, and the user is told.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from sitegen.cli import main
from sitegen.config import Config
from sitegen.content import load_articles
from sitegen.errors import SitegenError
from sitegen.ingest.importer import import_paths
from tests.conftest import SAMPLE_RAW, snapshot, write_config

HOSTILE_PATHS = ["..", "../evil", "../../etc/passwd", "/etc/passwd", "/", "C:evil",
                 "C:\\Windows\\evil", "c:/evil", "a/b", "a\\b", "a\x00b", "%2e%2e", ".",
                 "..\\..\\x", "\\\\server\\share", "evil\n../x"]


def article_text(**fields: str) -> str:
    """Front matter with the values written as YAML double-quoted strings (NUL as \\0)."""
    def quoted(value: str) -> str:
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\x00", "\\0") \
            .replace("\n", "\\n") + '"'
    lines = [f"{key}: {quoted(value)}" for key, value in fields.items()]
    return "---\n" + "\n".join(lines) + "\n---\nBody.\n"


def site_with(tmp_path: Path, text: str) -> Path:
    root = tmp_path / "site"
    (root / "content" / "articles").mkdir(parents=True)
    write_config(root, 'title = "Paths"\n')
    (root / "content" / "articles" / "bad.md").write_text(text, encoding="utf-8")
    return root


def problems_of(root: Path) -> list[str]:
    with pytest.raises(SitegenError) as caught:
        load_articles(Config(root=root))
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize(("key", "value"), [(k, v) for k in ("slug", "origin")
                                            for v in HOSTILE_PATHS
                                            if not (k == "origin" and v == "%2e%2e")])
def test_hostile_slug_or_origin_is_refused_naming_file_and_line(tmp_path: Path, key: str,
                                                                value: str) -> None:
    root = site_with(tmp_path, article_text(title="Story", date="2022-12-10", **{key: value}))
    problems = problems_of(root)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{root / 'content' / 'articles' / 'bad.md'}:4: '{key}'")


@pytest.mark.parametrize("value", ["../../outside", "/tmp/evil", "C:evil", "a\x00b"])
def test_the_build_refuses_and_writes_nothing_anywhere(tmp_path: Path, value: str,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    root = site_with(tmp_path, article_text(title="Story", date="2022-12-10", slug=value))
    before = snapshot(tmp_path)
    assert main(["build", "--site", str(root)]) == 1
    assert "bad.md:4: 'slug'" in capsys.readouterr().err
    after = {k: v for k, v in snapshot(tmp_path).items()   # the build cache and lock aside
             if "/.sitegen-cache/" not in k and not k.endswith("/.sitegen.lock")}
    assert after == before and not (root / "_site").exists()


def test_a_raw_nul_in_front_matter_is_a_located_error(tmp_path: Path) -> None:
    root = site_with(tmp_path, "---\ntitle: Story\ndate: 2022-12-10\norigin: a\x00b.txt\n---\n")
    [problem] = problems_of(root)
    assert "bad.md:4: front matter holds a control character (U+0000)" in problem


# --- symlinks ----------------------------------------------------------------------------------


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the site with an article and a raw story an attacker would like pulled in."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.md").write_text("---\ntitle: SECRET OUTSIDE\ndate: 2022-12-10\n---\nx\n",
                                      encoding="utf-8")
    (folder / "secret.txt").write_bytes(SAMPLE_RAW.read_bytes())
    return folder


def test_article_links_leading_out_of_the_content_are_skipped_and_warned(
        tmp_path: Path, outside: Path, caplog: pytest.LogCaptureFixture) -> None:
    root = site_with(tmp_path, article_text(title="Inside", date="2022-12-10"))
    articles = root / "content" / "articles"
    (articles / "linked.md").symlink_to(outside / "secret.md")
    (articles / "linked-folder").symlink_to(outside, target_is_directory=True)
    (root / "content" / "inside.md").write_text(
        "---\ntitle: Linked inside\ndate: 2022-12-11\n---\nx\n", encoding="utf-8")
    (articles / "ok.md").symlink_to(root / "content" / "inside.md")   # inside: fine
    with caplog.at_level(logging.WARNING, logger="sitegen"):
        titles = {a.title for a in load_articles(Config(root=root))}
    assert titles == {"Inside", "Linked inside"}
    warned = caplog.text
    assert "linked.md: skipped" in warned and "linked-folder: skipped" in warned
    assert main(["build", "--site", str(root), "--quiet"]) == 0
    assert not any(b"SECRET OUTSIDE" in data for data in snapshot(root / "_site").values())


def test_raw_links_leading_out_of_the_raw_folder_are_not_imported(
        tmp_path: Path, outside: Path, caplog: pytest.LogCaptureFixture) -> None:
    content = tmp_path / "site" / "content"
    raw = content / "raw"
    raw.mkdir(parents=True)
    (raw / "linked.txt").symlink_to(outside / "secret.txt")
    (raw / "linked-folder").symlink_to(outside, target_is_directory=True)
    with caplog.at_level(logging.WARNING, logger="sitegen"):
        report = import_paths([raw], content, progress=False)
    assert report.written == [] and report.failed == []
    assert "linked.txt: skipped" in caplog.text and "linked-folder: skipped" in caplog.text
    assert not (content / "articles").exists()
    # Named on the command line, the same file is the user's explicit choice and is imported.
    explicit = import_paths([raw / "linked.txt"], content, progress=False)
    assert len(explicit.written) == 1


def test_raw_links_inside_the_raw_folder_are_imported_once(tmp_path: Path) -> None:
    content = tmp_path / "content"
    raw = content / "raw"
    (raw / "wire").mkdir(parents=True)
    (raw / "wire" / "story.txt").write_bytes(SAMPLE_RAW.read_bytes())
    os.symlink(raw / "wire", raw / "alias", target_is_directory=True)   # a loop-ish alias
    report = import_paths([raw], content, progress=False)
    assert len(report.written) == 1 and not report.failed
