"""Faults half-way: a broken template on a late page, a full disk, a read-only folder, Ctrl-C in
the middle of rendering or of an import batch, a crash after a kill mid-swap, and git failing in
`deploy`. Whatever happens, the previous site stays byte-for-byte, no staging folder is left
behind, no article is half-written, and the user's git branches stay where they were.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sitegen import write
from sitegen.cli import main
from sitegen.config import load_config
from sitegen.content import load_articles
from sitegen.errors import SitegenError
from sitegen.site import build_site
from tests.conftest import REPO, SAMPLE_RAW, snapshot, write_article, write_config
from tests.test_deploy import checkout_state, git_identity, repo  # noqa: F401  (fixtures)

# --- the build ---------------------------------------------------------------------------------


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A site with a few articles, already built once (the 'previous site')."""
    root = tmp_path / "site"
    (root / "content" / "articles").mkdir(parents=True)
    write_config(root, 'title = "Faults"\nper_page = 2\n')
    for day in range(1, 6):
        write_article(root / "content", f"a{day}", f"Story {day}.", title=f"Story {day}",
                      date=f"2022-12-{day:02d}", tags=["Russia", f"T{day}"])
    assert main(["build", "--site", str(root), "--quiet"]) == 0
    return root


def previous(root: Path) -> dict[str, bytes]:
    return snapshot(root / "_site")


def strays(root: Path) -> list[str]:
    """Anything beside _site that a build left behind (staging or retired folders)."""
    return sorted(p.name for p in root.iterdir() if p.name.startswith("._site"))


def change_content(root: Path) -> None:
    """Make the next build differ from the previous one, so a swap would be visible."""
    write_article(root / "content", "new", "New story.", title="Brand new", date="2022-12-20")


def test_a_template_error_on_a_late_page_keeps_the_previous_site(
        site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = previous(site)
    change_content(site)
    (site / "templates").mkdir()
    # 404.html is rendered after every article, term and archive page.
    (site / "templates" / "404.html").write_text("{% extends 'base.html' %}\n"
                                                 "{% block main %}\n{{ no_such_value }}\n"
                                                 "{% endblock %}\n", encoding="utf-8")
    assert main(["build", "--site", str(site)]) == 1
    assert "404.html:3: template error" in capsys.readouterr().err
    assert previous(site) == before and strays(site) == []


class Fault:
    """Raise `error` from the N-th file write into the staging folder (a full disk, say)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, error: BaseException,
                 after: int = 5) -> None:
        self.error, self.after, self.calls = error, after, 0
        original = Path.write_bytes

        def write_bytes(path: Path, data: Any) -> int:
            if ".new-" in str(path):
                self.calls += 1
                if self.calls > self.after:
                    raise self.error
            return original(path, data)

        monkeypatch.setattr(Path, "write_bytes", write_bytes)


def test_a_full_disk_half_way_is_one_error_and_keeps_the_previous_site(
        site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    before = previous(site)
    change_content(site)
    fault = Fault(monkeypatch, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)), after=8)
    assert main(["build", "--site", str(site)]) == 1
    err = capsys.readouterr().err
    assert "No space left on device" in err and "Traceback" not in err
    assert fault.calls > 8
    assert previous(site) == before and strays(site) == []


def test_a_read_only_output_parent_is_one_error_and_changes_nothing(
        site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Tests run as root, where chmod does not bite, so mkdir of the staging folder fails."""
    before = previous(site)
    change_content(site)
    original = Path.mkdir

    def mkdir(path: Path, *args: Any, **kwargs: Any) -> None:
        if ".new-" in path.name:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        original(path, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", mkdir)
    assert main(["build", "--site", str(site)]) == 1
    err = capsys.readouterr().err
    assert "Read-only file system" in err and "Traceback" not in err
    assert previous(site) == before and strays(site) == []


def test_ctrl_c_inside_rendering_keeps_the_previous_site(
        site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sitegen.render import context

    before = previous(site)
    change_content(site)
    original = context.SiteContext.page
    calls = {"n": 0}

    def page(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 12:
            raise KeyboardInterrupt
        return original(self, *args, **kwargs)

    monkeypatch.setattr(context.SiteContext, "page", page)
    assert main(["build", "--site", str(site), "--quiet"]) == 130
    assert calls["n"] == 12
    assert previous(site) == before and strays(site) == []


def test_ctrl_c_during_the_swap_puts_the_previous_site_back(
        site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = previous(site)
    change_content(site)
    monkeypatch.setattr(write, "SWAP_AT_LEAST", 0)   # a change to most of the site: swapped
    original = Path.rename

    def rename(path: Path, target: Any) -> Path:
        if ".new-" in path.name:   # the old site is already moved aside at this point
            raise KeyboardInterrupt
        return original(path, target)

    monkeypatch.setattr(Path, "rename", rename)
    with pytest.raises(KeyboardInterrupt):
        build_site(load_config(site))
    assert previous(site) == before and strays(site) == []


def test_the_next_build_cleans_up_after_a_build_killed_mid_swap(site: Path) -> None:
    """SIGKILL between the two renames leaves `_site` missing and the old site aside; the next
    build (even a failing one) puts it back and removes the dead build's staging folder."""
    before = previous(site)
    dead = 2 ** 22 + 12345   # above the default pid_max: no such process
    (site / "_site").rename(site / f"._site.old-{dead}")
    (site / f"._site.new-{dead}" / "2022").mkdir(parents=True)
    write_article(site / "content", "broken", title="", date="2022-12-21")
    assert main(["build", "--site", str(site), "--quiet"]) == 1
    assert previous(site) == before and strays(site) == []
    (site / "content" / "articles" / "broken.md").unlink()
    (site / f"._site.new-{dead}").mkdir()
    assert main(["build", "--site", str(site), "--quiet"]) == 0
    assert (site / "_site" / "index.html").is_file() and strays(site) == []


# --- the importer ------------------------------------------------------------------------------


def raw_batch(folder: Path, count: int) -> list[Path]:
    """`count` distinct raw stories (the sample with a different title each)."""
    text = SAMPLE_RAW.read_text(encoding="utf-8")
    title = text.lstrip().split("\n", 1)[0]
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        path = folder / f"story-{n:03d}.txt"
        path.write_text(text.replace(title, f"{title} number {n}", 1), encoding="utf-8")
        paths.append(path)
    return paths


def check_content_is_whole(content: Path) -> list[Path]:
    """No temp file, every article loads, and the import state is valid JSON naming them."""
    assert not [p for p in content.rglob("*") if p.name.endswith(".tmp")]
    articles = sorted((content / "articles").rglob("*.md"))
    root = content.parent
    write_config(root, 'title = "Import"\n')
    loaded = load_articles(load_config(root), drafts=True)
    assert len(loaded) == len(articles)
    state_file = content / ".sitegen-import.json"
    if state_file.exists():
        state = json.loads(state_file.read_text(encoding="utf-8"))
        for entry in state["files"].values():
            assert (content / entry["path"]).is_file()
    return articles


def test_ctrl_c_in_the_middle_of_an_article_write_leaves_no_partial_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Interrupted between writing the temp file and renaming it: no temp, no torn article."""
    from sitegen.ingest import importer

    raw = tmp_path / "raw"
    raw_batch(raw, 6)
    content = tmp_path / "site" / "content"
    real_fsync = os.fsync
    calls = {"n": 0}

    def fsync(fd: int) -> None:
        calls["n"] += 1
        if calls["n"] == 4:
            raise KeyboardInterrupt
        real_fsync(fd)

    monkeypatch.setattr(importer.os, "fsync", fsync)
    with pytest.raises(KeyboardInterrupt):
        importer.import_paths([raw], content, progress=False)
    monkeypatch.setattr(importer.os, "fsync", real_fsync)
    assert len(check_content_is_whole(content)) == 3
    report = importer.import_paths([raw], content, progress=False)
    assert len(report.written) == 3 and len(report.unchanged) == 3
    assert len(check_content_is_whole(content)) == 6


def test_sigint_to_a_real_import_batch_leaves_only_whole_articles(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    count = 150
    raw_batch(raw, count)
    content = tmp_path / "site" / "content"
    process = subprocess.Popen(   # Ctrl-C handled as at a terminal, even when this test
        # runs in a background job (which starts its children with SIGINT ignored)
        [sys.executable, "-m", "sitegen", "import", "--content-dir", str(content), str(raw)],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if len(list((content / "articles").rglob("*.md"))) >= 5:
            break
        time.sleep(0.01)
    assert process.poll() is None, "the batch finished before it could be interrupted"
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 130, err
    partial = check_content_is_whole(content)
    assert 5 <= len(partial) < count
    assert main(["import", "--content-dir", str(content), "--quiet", str(raw)]) == 0
    assert len(check_content_is_whole(content)) == count


# --- deploy ------------------------------------------------------------------------------------

GIT = shutil.which("git")
FAKE_GIT = """#!/bin/sh
# Fails (or kills its caller) on one git subcommand, runs the real git otherwise.
for arg in "$@"; do
  if [ "$arg" = "$SITEGEN_FAIL_GIT" ]; then
    if [ "$SITEGEN_FAIL_HOW" = "kill" ]; then kill -9 $PPID; sleep 1; fi
    echo "fatal: simulated failure in $arg" >&2
    exit 128
  fi
done
exec {git} "$@"
"""


@pytest.fixture
def fake_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str, str], None]:
    """Put a `git` wrapper first on PATH; call it with the subcommand to fail and how."""
    folder = tmp_path / "fakebin"
    folder.mkdir()
    script = folder / "git"
    script.write_text(FAKE_GIT.format(git=GIT), encoding="utf-8")
    script.chmod(0o755)

    def fail(subcommand: str, how: str = "fail") -> None:
        monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
        monkeypatch.setenv("SITEGEN_FAIL_GIT", subcommand)
        monkeypatch.setenv("SITEGEN_FAIL_HOW", how)

    return fail


@pytest.fixture
def deploy_repo(request: pytest.FixtureRequest) -> Path:
    """test_deploy's repository (uncommitted, staged and untracked changes) with a gh-pages."""
    request.getfixturevalue("git_identity")
    root: Path = request.getfixturevalue("repo")
    assert main(["deploy", "--site", str(root), "--quiet"]) == 0
    (root / "content" / "articles" / "extra.md").write_text(
        "---\ntitle: Extra\ndate: 2022-12-11\n---\nx\n", encoding="utf-8")
    return root


def refs(root: Path) -> str:
    return subprocess.run([GIT or "git", "-C", str(root), "for-each-ref"], capture_output=True,
                          text=True, check=True).stdout


def remote_refs(root: Path) -> str:
    return subprocess.run([GIT or "git", "-C", str(root.parent / "remote.git"), "for-each-ref"],
                          capture_output=True, text=True, check=True).stdout


@pytest.mark.skipif(GIT is None, reason="git is not installed")
@pytest.mark.parametrize("subcommand", ["hash-object", "update-index", "write-tree",
                                        "commit-tree", "update-ref", "push"])
def test_git_failing_at_any_step_of_deploy_moves_no_branch(
        deploy_repo: Path, fake_git: Callable[[str, str], None], subcommand: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    before, before_remote = refs(deploy_repo), remote_refs(deploy_repo)
    state = checkout_state(deploy_repo)
    fake_git(subcommand, "fail")
    args = ["deploy", "--site", str(deploy_repo), "--quiet"]
    if subcommand in ("push", "update-ref"):
        args.append("--push")
    assert main(args) == 1
    err = capsys.readouterr().err
    assert f"simulated failure in {subcommand}" in err and "Traceback" not in err
    assert refs(deploy_repo) == before and remote_refs(deploy_repo) == before_remote
    assert checkout_state(deploy_repo) == state


@pytest.mark.skipif(GIT is None, reason="git is not installed")
@pytest.mark.parametrize("subcommand", ["commit-tree", "update-ref"])
def test_deploy_killed_mid_way_moves_no_branch(deploy_repo: Path,
                                               fake_git: Callable[[str, str], None],
                                               subcommand: str, tmp_path: Path) -> None:
    before = refs(deploy_repo)
    state = checkout_state(deploy_repo)
    fake_git(subcommand, "kill")
    done = subprocess.run([sys.executable, "-m", "sitegen", "deploy", "--site",
                           str(deploy_repo), "--quiet"], cwd=REPO, capture_output=True,
                          timeout=60, env={**os.environ, "TMPDIR": str(tmp_path)})
    assert done.returncode == -signal.SIGKILL
    assert refs(deploy_repo) == before
    assert checkout_state(deploy_repo) == state


def test_a_sitegen_error_is_raised_not_an_oserror(site: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """`serve` and `deploy` call build_site directly: they must get a SitegenError too."""
    Fault(monkeypatch, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)), after=0)
    change_content(site)
    with pytest.raises(SitegenError) as caught:
        build_site(load_config(site))
    assert "No space left on device" in str(caught.value)
