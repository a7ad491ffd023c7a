"""File digests reuse the last build's only when the file provably did not change."""

from __future__ import annotations

import builtins
import hashlib
import os
import time
from pathlib import Path

import pytest

from sitegen import stamps
from sitegen.stamps import FileDigests


def _real(path: Path) -> bytes:
    return hashlib.blake2b(path.read_bytes(), digest_size=20).digest()


def _digested(article: Path, monkeypatch: pytest.MonkeyPatch) -> FileDigests:
    """`article` written, settled and digested. Changes older than 10 ms count as settled
    (instead of 2 s), to keep the tests quick."""
    article.write_text("first text")
    monkeypatch.setattr(stamps, "RACY_NS", 10_000_000)
    time.sleep(0.05)
    first = FileDigests()
    first.digest(str(article))
    return first


def test_an_unchanged_file_is_not_read_again(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    article = tmp_path / "a.md"
    first = _digested(article, monkeypatch)
    expected = _real(article)

    def no_reading(*args: object, **kwargs: object) -> object:
        raise AssertionError("the file was read again")

    monkeypatch.setattr(builtins, "open", no_reading)
    assert FileDigests(first.records()).digest(str(article)) == expected


def test_an_edit_that_restores_size_and_mtime_is_still_seen(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    article = tmp_path / "a.md"
    first = _digested(article, monkeypatch)
    before = os.stat(article)
    article.write_text("other text")   # same size; mtime put back as `touch -d` or `cp -p` would
    os.utime(article, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert FileDigests(first.records()).digest(str(article)) == _real(article)


def test_a_file_replaced_by_a_move_is_read_again(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    article = tmp_path / "a.md"
    first = _digested(article, monkeypatch)
    saved = tmp_path / ".a.md.swp"   # how editors save: write a new file, move it over
    saved.write_text("other text")
    os.replace(saved, article)
    assert FileDigests(first.records()).digest(str(article)) == _real(article)


def test_a_file_changed_just_before_the_record_is_not_trusted(tmp_path: Path) -> None:
    """Within the racy window a second write can keep every stat field (coarse clocks)."""
    article = tmp_path / "a.md"
    article.write_text("first text")
    digests = FileDigests()
    digests.digest(str(article))
    assert digests.records()[str(article)][5] is False


def test_missing_and_unreadable_files_never_match_a_digest(tmp_path: Path) -> None:
    digests = FileDigests()
    assert digests.digest(str(tmp_path / "gone.md")) != _real(Path(__file__))
    assert str(tmp_path / "gone.md") not in digests.records()


def test_records_from_a_damaged_cache_are_ignored(tmp_path: Path) -> None:
    article = tmp_path / "a.md"
    article.write_text("text")
    assert FileDigests("not a dict").digest(str(article)) == _real(article)   # type: ignore[arg-type]


def test_a_file_asked_for_twice_in_a_build_gives_what_it_gave_until_again(
        tmp_path: Path) -> None:
    """The input key and the model ask for every article: one stat, and the model reads what
    the key hashed; after `again()` (the build's import wrote articles) the disk is asked."""
    article = tmp_path / "a.md"
    article.write_text("first text")
    digests = FileDigests()
    first = digests.digest(str(article))
    article.write_text("second, longer text")
    assert digests.digest(str(article)) == first
    digests.again()
    assert digests.digest(str(article)) == _real(article) != first


def test_the_bytes_read_of_kept_files_are_handed_over_once(tmp_path: Path) -> None:
    """What `keep` asks for: the bytes hashed of the files below a folder with a suffix, taken
    once; others, files not read (their record trusted) or of the bytes recorded (parsed by the
    last build) and anything after `again()` or `keep(None)` are not held."""
    folder = tmp_path / "articles"
    folder.mkdir()
    kept, other, beside = folder / "a.md", folder / "notes.txt", tmp_path / "b.md"
    for path in (kept, other, beside):
        path.write_text(f"text of {path.name}")
    digests = FileDigests()
    digests.keep(str(folder) + os.sep, ".md")
    for path in (kept, other, beside):
        digests.digest(str(path))
    kept.write_text("an edit after hashing")
    assert digests.take(str(kept)) == b"text of a.md"   # what was hashed, not the disk's
    assert digests.take(str(kept)) is None   # once
    assert digests.take(str(other)) is None and digests.take(str(beside)) is None
    digests.again()
    digests.digest(str(kept))
    digests.keep(None)
    assert digests.take(str(kept)) is None
    digests.keep(str(folder) + os.sep, ".md")
    digests.digest(str(kept))   # asked already since `again()`: not read, nothing held
    assert digests.take(str(kept)) is None
    digests.again()
    digests.digest(str(kept))
    digests.again()
    assert digests.take(str(kept)) is None
    records = digests.records()
    trusted = FileDigests({path: (*record[:5], True)   # as if taken long after the write
                           for path, record in records.items()})
    trusted.keep(str(folder) + os.sep, ".md")
    trusted.digest(str(kept))
    assert trusted.take(str(kept)) is None   # its record vouched for it: not read
    again = FileDigests(records)   # read again (a fresh checkout): the bytes the last build had
    again.keep(str(folder) + os.sep, ".md")
    assert again.digest(str(kept)) == records[str(kept)][4]
    assert again.take(str(kept)) is None
    kept.write_text("an edit since that build")
    edited = FileDigests(records)
    edited.keep(str(folder) + os.sep, ".md")
    edited.digest(str(kept))
    assert edited.take(str(kept)) == b"an edit since that build"
