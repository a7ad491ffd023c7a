"""Every other text sitegen reads into Python objects is bounded too: settings, tag and speaker
aliases (TOML) and the import state (JSON) nested past what their recursive parsers can read are
one error naming the file, not a RecursionError traceback (issue 18, "bounded input")."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, SAMPLE_RAW, write_config

DEEP = 100_000   # the files below are 200 KB: nothing unusual in size, only in nesting


def run(*args: str) -> tuple[int, str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-m", "sitegen", *args], capture_output=True,
                          text=True, env=env, timeout=120, check=False)
    return done.returncode, done.stdout + done.stderr


def a_site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "content" / "articles").mkdir(parents=True)
    (root / "content" / "raw").mkdir()
    write_config(root, 'title = "Deep"\nsearch = false\n')
    return root


def one_error(code: int, output: str, path: Path) -> str:
    assert code == 1, output
    assert "Traceback" not in output and "RecursionError" not in output, output
    errors = [line for line in output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and str(path) in errors[0], output
    return errors[0]


@pytest.mark.parametrize("name", ["sitegen.toml", "content/speakers.toml"])
def test_deeply_nested_toml_fails_the_build_with_one_error(tmp_path: Path, name: str) -> None:
    root = a_site(tmp_path)
    path = root / name
    with path.open("a", encoding="utf-8") as f:
        f.write("\nx = " + "[" * DEEP + "]" * DEEP + "\n")
    error = one_error(*run("build", "--site", str(root)), path)
    assert "nest too deep to read" in error


def test_deeply_nested_tags_toml_fails_the_import_with_one_error(tmp_path: Path) -> None:
    root = a_site(tmp_path)
    shutil.copy(SAMPLE_RAW, root / "content" / "raw")
    path = root / "content" / "tags.toml"
    path.write_text("stop = " + "[" * DEEP + "]" * DEEP + "\n", encoding="utf-8")
    error = one_error(*run("import", "--site", str(root), str(root / "content" / "raw")), path)
    assert "nest too deep to read" in error


def test_deeply_nested_import_state_fails_the_import_with_one_error(tmp_path: Path) -> None:
    root = a_site(tmp_path)
    shutil.copy(SAMPLE_RAW, root / "content" / "raw")
    path = root / "content" / ".sitegen-import.json"
    path.write_text('{"files": ' + "[" * DEEP + "]" * DEEP + "}", encoding="utf-8")
    error = one_error(*run("import", "--site", str(root), str(root / "content" / "raw")), path)
    assert "import state is unreadable" in error
