"""The build cache is data, never code, and damage to it is a miss (issue 18, item 4).

Every kind of file in `.sitegen-cache/` (each top-level cache, the shards of the sharded ones,
compiled templates) is damaged in five ways, crafted with a valid checksum but values of the
wrong types, and replaced by a pickle that runs a command. After each, a rebuild with an edit
must exit 0, equal a clean build byte for byte, and run nothing. Before, 16 bytes overwritten
in a shard gave a traceback on every build, 8 bytes of 0xff in the compiled templates crashed
the interpreter (exit 139), and a crafted `stamps.pickle` ran `os.system`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import marshal
import os
import pickle
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sitegen.cli import main
from sitegen.content import _Parsed
from sitegen.errors import Problem
from sitegen.incremental import store
from sitegen.incremental.inputs import CACHE_DIR
from sitegen.markup import Paragraph
from sitegen.model import Article, Quote, Speaker
from tests.conftest import REPO, snapshot, write_article, write_config

ALL_RECORDS = (Article, Speaker, Quote, Paragraph, _Parsed, Problem)


def flip(data: bytes) -> bytes:
    out = bytearray(data)
    for at in (len(out) // 4, len(out) // 2, 3 * len(out) // 4):
        for i in range(at, min(at + 8, len(out))):
            out[i] ^= 0x5A
    return bytes(out)


DAMAGE: dict[str, Callable[[bytes], bytes]] = {
    "flipped": flip,
    "truncated": lambda data: data[:len(data) // 2],
    "empty": lambda data: b"",
    "0xff head": lambda data: b"\xff" * 16 + data[16:],
    "garbage tail": lambda data: data + b"\x00\xff" * 64,
}


def write_story(root: Path, n: int, *, body: str | None = None,
                title: str | None = None) -> None:
    write_article(root / "content", f"a{n}", body or f"Story {n}.\n\n\"Words {n},\" she said.",
                  title=title or f"Story {n}", date=f"2022-12-{n + 1:02d}T10:00:00+03:00",
                  tags=["Russia", f"T{n % 3}"],
                  speakers=[{"name": f"Anna Smith{n % 2}", "role": "minister"}],
                  quotes=[{"text": f"Words {n},", "speaker": f"Anna Smith{n % 2}"}])


def edit(root: Path, round_: int) -> None:
    """A body edit and a title edit: both the snapshot and the full load are read."""
    write_story(root, 2, body=f"Story 2, edited {round_}.\n\n\"Words 2,\" she said.")
    write_story(root, 5, title=f"Story 5 v{round_}")


@pytest.fixture
def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A site built twice (every cache kind written), with its own user cache folder."""
    monkeypatch.setenv("SITEGEN_CACHE_DIR", str(tmp_path / "user-cache"))
    root = tmp_path / "site"
    (root / "content" / "articles").mkdir(parents=True)
    write_config(root, 'title = "Damage"\nper_page = 3\nsearch = false\n')
    for n in range(8):
        write_story(root, n)
    assert main(["build", "--site", str(root), "--quiet"]) == 0
    edit(root, 0)
    assert main(["build", "--site", str(root), "--quiet"]) == 0
    return root


def cache_kinds(root: Path) -> list[Path]:
    """One file of every kind: each top-level cache file, and the first two files of each
    folder (shards, compiled templates)."""
    cache = root / CACHE_DIR
    kinds = sorted(p for p in cache.iterdir() if p.is_file())
    for folder in sorted(p for p in cache.rglob("*") if p.is_dir()):
        kinds += sorted(p for p in folder.iterdir() if p.is_file())[:2]
    names = {p.relative_to(cache).parts[0] for p in kinds}
    assert {"stamps.msgpack", "site.msgpack", "pages.msgpack", "snapshot.msgpack",
            "related.msgpack", "groups.msgpack", "kinds.msgpack", "markdown-index.msgpack",
            "markdown", "snapshot-bodies",
            "articles", "jinja"} <= names, names
    return kinds


def clean_build(root: Path, where: Path) -> dict[str, bytes]:
    """What a clean build of `root`'s content with the next edit (`edit(..., 1)`) gives."""
    where.mkdir()
    shutil.copy(root / "sitegen.toml", where / "sitegen.toml")
    shutil.copytree(root / "content", where / "content")
    edit(where, 1)
    assert main(["build", "--site", str(where), "--quiet"]) == 0
    return snapshot(where / "_site")


def rebuilt_after(root: Path, tmp_path: Path, name: str,
                  change: Callable[[Path], None]) -> tuple[dict[str, bytes], Path]:
    """A copy of the built site with `change` applied to its cache, edited and built again."""
    copy = tmp_path / name
    shutil.copytree(root, copy, symlinks=True)
    change(copy / CACHE_DIR)
    edit(copy, 1)
    assert main(["build", "--site", str(copy), "--quiet"]) == 0, name
    return snapshot(copy / "_site"), copy


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_every_cache_file_damaged_is_a_miss(built: Path, tmp_path: Path, damage: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    expected = clean_build(built, tmp_path / "clean")
    for n, path in enumerate(cache_kinds(built)):
        relative = path.relative_to(built / CACHE_DIR)

        def change(cache: Path, relative: Path = relative) -> None:
            target = cache / relative
            target.write_bytes(DAMAGE[damage](target.read_bytes()))

        site, _ = rebuilt_after(built, tmp_path, f"copy{n}", change)
        assert site == expected, f"{damage} {relative}"
    assert "Traceback" not in capsys.readouterr().err


def wrong_types(value: Any) -> Any:
    """The same structure with every plain value of another type (records left whole)."""
    if isinstance(value, dict):
        return {k: wrong_types(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(wrong_types(v) for v in value)
    if isinstance(value, bool | int):
        return "x"
    if isinstance(value, str | bytes):
        return 7
    return value


def test_cache_files_crafted_with_a_valid_checksum_and_wrong_types_are_a_miss(
        built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    expected = clean_build(built, tmp_path / "clean")
    crafted = 0
    for n, path in enumerate(cache_kinds(built)):
        if path.suffix != store.SUFFIX:
            continue
        relative = path.relative_to(built / CACHE_DIR)
        held = store.held(path, ALL_RECORDS)
        assert held, relative

        def change(cache: Path, relative: Path = relative, held: dict[str, Any] = held) -> None:
            store.write(cache / relative, held["key"], wrong_types(held["entries"]),
                        ALL_RECORDS)

        site, _ = rebuilt_after(built, tmp_path, f"copy{n}", change)
        assert site == expected, relative
        crafted += 1
    assert crafted >= 8
    assert "Traceback" not in capsys.readouterr().err


def test_a_parse_entry_holding_a_record_with_wrong_field_types_is_a_miss(
        built: Path, tmp_path: Path) -> None:
    """Inside a valid shard, parse results whose article's title is a number."""
    from sitegen.incremental import codec
    from sitegen.incremental.table import record_from_row, record_to_row

    expected = clean_build(built, tmp_path / "clean")

    def change(cache: Path) -> None:
        for shard in (cache / "articles").iterdir():
            held = store.held(shard)
            entries = {}
            for key, (encoded, warnings) in held["entries"].items():
                parsed = record_from_row(codec.decode(encoded), _Parsed)
                assert isinstance(parsed, _Parsed) and parsed.article is not None
                bad = dataclasses.replace(parsed.article, title=12345)
                entries[key] = (codec.encode(record_to_row(_Parsed(article=bad), _Parsed)),
                                warnings)
            store.write(shard, held["key"], entries)

    site, _ = rebuilt_after(built, tmp_path, "copy", change)
    assert site == expected


def test_a_pickle_in_the_cache_runs_nothing(built: Path, tmp_path: Path) -> None:
    """The attack that worked: a pickle whose loading runs a command, at every cache file's
    name and at the names the pickles had."""
    marker = tmp_path / "pwned"

    class Exploit:
        def __reduce__(self) -> tuple[Callable[..., Any], tuple[str]]:
            return os.system, (f"touch {marker}",)

    payload = pickle.dumps({"key": "x", "entries": Exploit()})
    expected = clean_build(built, tmp_path / "clean")

    def change(cache: Path) -> None:
        for path in [p for p in cache.rglob("*") if p.is_file()]:
            path.write_bytes(payload)
            path.with_suffix(".pickle").write_bytes(payload)

    site, _ = rebuilt_after(built, tmp_path, "copy", change)
    assert site == expected
    assert not marker.exists()


def forge_templates(cache: Path, key: bytes) -> None:
    """Every compiled template replaced by one that prints PWNED, signed with `key`."""
    import jinja2
    from jinja2.bccache import bc_magic

    code = jinja2.Environment().compile("PWNED", name="x", filename="x")
    for path in (cache / "jinja").rglob("*.cache"):
        body = path.read_bytes()[32:]
        assert body.startswith(bc_magic)
        checksum = pickle.loads(body[len(bc_magic):])   # the real source's, so Jinja takes it
        forged = bc_magic + pickle.dumps(checksum, 2) + marshal.dumps(code)
        path.write_bytes(hmac.new(key, forged, hashlib.sha256).digest() + forged)


@pytest.mark.parametrize("signed_here", [False, True])
def test_compiled_templates_signed_elsewhere_are_compiled_again(
        built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, signed_here: bool) -> None:
    """Compiled templates are code: one signed by another machine (a cache restored in CI, or
    crafted) is not run. The control (`signed_here`) shows the forgery would run otherwise."""
    key = (tmp_path / "user-cache" / "template-signing.key").read_bytes()
    expected = clean_build(built, tmp_path / "clean")
    if not signed_here:
        monkeypatch.setenv("SITEGEN_CACHE_DIR", str(tmp_path / "this-machine"))
    site, _ = rebuilt_after(built, tmp_path, "copy", lambda cache: forge_templates(cache, key))
    forged = any(b"PWNED" in page for page in site.values())
    assert forged == signed_here
    if not signed_here:
        assert site == expected


def test_eight_bytes_of_0xff_in_compiled_templates_do_not_crash_a_real_build(
        built: Path, tmp_path: Path) -> None:
    """Before: exit 139 (the interpreter crashed reading Jinja's bytecode)."""
    for path in (built / CACHE_DIR / "jinja").rglob("*.cache"):
        data = bytearray(path.read_bytes())
        data[40:48] = b"\xff" * 8
        path.write_bytes(bytes(data))
    expected = clean_build(built, tmp_path / "clean")
    edit(built, 1)
    done = subprocess.run([sys.executable, "-m", "sitegen", "build", "--site", str(built),
                           "--quiet"], cwd=REPO, capture_output=True, text=True, timeout=120,
                          env={**os.environ})
    assert done.returncode == 0, done.stderr
    assert snapshot(built / "_site") == expected
