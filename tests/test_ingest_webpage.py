"""Saved web pages import as articles (issue 14); other non-text formats are refused, naming the
file, with the one step that fixes it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import frontmatter

from sitegen.ingest.importer import import_paths

WEB = Path(__file__).parent / "fixtures" / "ingest" / "web"
NOW = datetime(2026, 11, 29, tzinfo=UTC)


def _import(tmp_path: Path, *files: Path) -> tuple[Path, object]:
    content = tmp_path / "content"
    report = import_paths(list(files), content, progress=False, now=NOW)
    return content, report


def test_a_saved_news_page_becomes_an_article(tmp_path: Path) -> None:
    _, report = _import(tmp_path, WEB / "flood-news-page.html")
    assert not report.failed  # type: ignore[attr-defined]
    [written] = report.written  # type: ignore[attr-defined]
    post = frontmatter.load(written)
    assert post["title"] == "Flood defences fail in Calderbrook"
    assert post["date"] == date(2024, 2, 3)
    assert post["origin"] == "flood-news-page.html"
    body = post.content
    assert body.startswith("Flood defences in the town of Calderbrook gave way")
    for chrome in ("<", "cookies", "Most read", "Disgraceful", "All rights reserved", "Home"):
        assert chrome not in body
    assert [s["name"] for s in post["speakers"]] == ["Ann Kerr", "Tom Reed"]
    assert post["quotes"][0]["speaker"] == "Ann Kerr"


def test_a_folder_import_takes_web_pages_too(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "story.htm").write_bytes((WEB / "flood-news-page.html").read_bytes())
    (raw / "notes.docx").write_bytes(b"PK\x03\x04 not a story")
    _, report = _import(tmp_path, raw)
    assert [p.name for p in report.written] == [  # type: ignore[attr-defined]
        "flood-defences-fail-in-calderbrook.md"]


def test_word_and_pdf_files_are_refused_with_the_fix(tmp_path: Path) -> None:
    files = []
    for name, data in (("story.docx", b"PK\x03\x04"), ("story.pdf", b"%PDF-1.7"),
                       ("story.rtf", b"{\\rtf1 hello}")):
        path = tmp_path / name
        path.write_bytes(data)
        files.append(path)
    content, report = _import(tmp_path, *files)
    messages = {p.path.name: p.message for p in report.failed}  # type: ignore[attr-defined]
    assert set(messages) == {"story.docx", "story.pdf", "story.rtf"}
    assert all("save the story as plain text (.txt)" in m for m in messages.values())
    assert "Word document" in messages["story.docx"]
    assert not (content / "articles").exists()


def test_a_page_with_no_article_is_refused(tmp_path: Path) -> None:
    page = tmp_path / "menu.html"
    page.write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    _, report = _import(tmp_path, page)
    [problem] = report.failed  # type: ignore[attr-defined]
    assert problem.path == page
    assert not report.written  # type: ignore[attr-defined]
