"""The output folder is replaced whole, or not at all."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from sitegen.errors import SitegenError
from sitegen.write import MARKER, write_site
from tests.conftest import snapshot


@dataclass(frozen=True)
class Out:
    path: str
    content: bytes | None


def test_writes_files_and_marker(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    count = write_site([Out("index.html", b"home"), Out("a/b/index.html", b"deep")], out)
    assert count == 2
    assert (out / "a/b/index.html").read_bytes() == b"deep"
    assert (out / MARKER).is_file()


def test_second_build_replaces_stale_files(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    write_site([Out("old/index.html", b"old"), Out("index.html", b"1")], out)
    write_site([Out("index.html", b"2")], out)
    assert not (out / "old").exists()
    assert (out / "index.html").read_bytes() == b"2"
    assert [p.name for p in tmp_path.iterdir()] == ["_site"]


def test_failure_half_way_leaves_previous_site_intact(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    write_site([Out("index.html", b"good"), Out("feed.xml", b"<feed/>")], out)
    before = snapshot(out)

    def failing() -> Iterator[Out]:
        yield Out("index.html", b"half")
        raise RuntimeError("template blew up on the last page")

    with pytest.raises(RuntimeError):
        write_site(failing(), out)
    assert snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["_site"]


def test_interrupt_leaves_previous_site_intact(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    write_site([Out("index.html", b"good")], out)

    def interrupted() -> Iterator[Out]:
        yield Out("index.html", b"half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_site(interrupted(), out)
    assert (out / "index.html").read_bytes() == b"good"


@pytest.mark.parametrize("bad", ["../escape.html", "/etc/passwd", "a/../../x", "C:/x", "a\\..\\x",
                                 "nul\x00.html", ""])
def test_output_paths_cannot_escape(tmp_path: Path, bad: str) -> None:
    out = tmp_path / "site" / "_site"
    with pytest.raises(SitegenError, match="outside the output folder"):
        write_site([Out(bad, b"x")], out)
    assert not out.exists()
    assert not (tmp_path / "escape.html").exists()


def test_refuses_foreign_folder(tmp_path: Path) -> None:
    out = tmp_path / "docs"
    out.mkdir()
    (out / "notes.md").write_text("mine", encoding="utf-8")
    with pytest.raises(SitegenError, match="did not create"):
        write_site([Out("index.html", b"x")], out)
    assert (out / "notes.md").read_text(encoding="utf-8") == "mine"


def test_empty_existing_folder_is_fine(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    out.mkdir()
    write_site([Out("index.html", b"x")], out)
    assert (out / "index.html").is_file()


def test_refuses_folder_holding_protected_content(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    with pytest.raises(SitegenError, match="refusing to build here"):
        write_site([Out("index.html", b"x")], tmp_path, protected=[content])
