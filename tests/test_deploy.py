"""`sitegen deploy` against real git repositories on disk, a bare remote included."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from sitegen.cli import main
from sitegen.config import load_config
from sitegen.deploy import deploy
from sitegen.errors import SitegenError
from tests.conftest import SAMPLE_RAW, snapshot

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True,
                          check=True)
    return done.stdout.strip()


@pytest.fixture(autouse=True)
def git_identity(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Commits need an author; keep the tester's own git configuration out of the tests."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for who in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{who}_NAME", "Tester")
        monkeypatch.setenv(f"GIT_{who}_EMAIL", "tester@example.com")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A site (imported sample article, CNAME configured) committed on `main`, with a bare
    `origin`, uncommitted edits, a staged change and an untracked file."""
    root = tmp_path / "repo"
    (root / "content" / "raw").mkdir(parents=True)
    shutil.copy(SAMPLE_RAW, root / "content" / "raw")
    (root / "sitegen.toml").write_text(
        'title = "Deploy test"\nbase_url = "https://news.example.com/"\n'
        'cname = "news.example.com"\n', encoding="utf-8")
    (root / ".gitignore").write_text("_site/\n", encoding="utf-8")
    assert main(["build", "--site", str(root), "--quiet"]) == 0   # imports the raw article
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "site")
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    git(root, "remote", "add", "origin", str(remote))
    git(root, "push", "-q", "origin", "main")
    (root / "sitegen.toml").write_text(
        (root / "sitegen.toml").read_text(encoding="utf-8") + "# uncommitted edit\n",
        encoding="utf-8")
    (root / "notes.txt").write_text("untracked\n", encoding="utf-8")
    (root / "staged.txt").write_text("staged\n", encoding="utf-8")
    git(root, "add", "staged.txt")
    return root


def checkout_state(root: Path) -> dict[str, object]:
    """Everything deploy must not touch: work tree bytes, index bytes, HEAD, main, status."""
    status = git(root, "status", "--porcelain")   # may refresh the index; read bytes after it
    return {
        "status": status,
        "files": {k: v for k, v in snapshot(root).items() if not k.startswith(".git/")},
        "index": (root / ".git" / "index").read_bytes(),
        "HEAD": (root / ".git" / "HEAD").read_bytes(),
        "main": git(root, "rev-parse", "refs/heads/main"),
        "branch": git(root, "symbolic-ref", "HEAD"),
    }


def tree_files(root: Path, rev: str) -> set[str]:
    return set(git(root, "ls-tree", "-r", "--name-only", rev).splitlines())


def test_deploy_creates_gh_pages_and_leaves_the_checkout_alone(repo: Path) -> None:
    before = checkout_state(repo)
    index_before = (repo / ".git" / "index").read_bytes()
    report = deploy(load_config(repo))
    assert (repo / ".git" / "index").read_bytes() == index_before
    assert checkout_state(repo) == before

    assert report.parent is None and report.changed and report.pushed_to is None
    assert git(repo, "rev-parse", "refs/heads/gh-pages") == report.commit
    files = tree_files(repo, "gh-pages")
    assert {".nojekyll", "CNAME", "index.html", "feed.xml", "sitemap.xml"} <= files
    assert any(f.startswith("2022/12/") and f.endswith("/index.html") for f in files)
    assert ".sitegen-output" not in files
    assert report.files == len(files)
    assert git(repo, "show", "gh-pages:CNAME") == "news.example.com"
    assert git(repo, "show", "gh-pages:.nojekyll") == ""
    assert "https://news.example.com/" in git(repo, "show", "gh-pages:sitemap.xml")
    assert git(repo, "log", "--format=%s", "gh-pages") == \
        f"Publish site from {before['main'][:12]}"   # type: ignore[index]
    # Nothing was pushed, and the user's folder holds no build output.
    assert git(repo.parent / "remote.git", "branch", "--list", "gh-pages") == ""
    assert not (repo / "_site").exists() or before["files"] == checkout_state(repo)["files"]


def test_second_deploy_keeps_history(repo: Path) -> None:
    first = deploy(load_config(repo), message="first")
    (repo / "sitegen.toml").write_text(
        'title = "Renamed"\nbase_url = "https://news.example.com/"\n', encoding="utf-8")
    before = checkout_state(repo)
    second = deploy(load_config(repo), message="second")
    assert checkout_state(repo) == before
    assert second.parent == first.commit and second.changed
    assert git(repo, "rev-parse", "gh-pages^") == first.commit
    assert git(repo, "log", "--format=%s", "gh-pages") == "second\nfirst"
    assert "CNAME" not in tree_files(repo, "gh-pages")   # cname was dropped from the config


def test_push_updates_the_bare_remote(repo: Path) -> None:
    remote = repo.parent / "remote.git"
    assert main(["deploy", "--site", str(repo), "--push", "--quiet"]) == 0
    local = git(repo, "rev-parse", "refs/heads/gh-pages")
    assert git(remote, "rev-parse", "refs/heads/gh-pages") == local
    assert git(remote, "rev-parse", "refs/heads/main") == git(repo, "rev-parse", "main")
    assert main(["deploy", "--site", str(repo), "--push", "--quiet"]) == 0
    assert git(remote, "rev-parse", "refs/heads/gh-pages") == local  # unchanged: no new commit


def test_fresh_clone_builds_on_the_remote_branch(repo: Path, tmp_path: Path) -> None:
    first = deploy(load_config(repo), push=True)
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(repo.parent / "remote.git"), str(clone)],
                   check=True)
    (clone / "content" / "raw").mkdir(parents=True, exist_ok=True)
    second = deploy(load_config(clone), push=True)
    assert second.parent == first.commit
    assert git(repo.parent / "remote.git", "rev-parse", "gh-pages") == second.commit


def test_rejected_push_leaves_branches_as_they_were(repo: Path, tmp_path: Path) -> None:
    remote = repo.parent / "remote.git"
    # Someone else published first: our local gh-pages does not contain their commit.
    other = tmp_path / "other"
    subprocess.run(["git", "clone", "-q", str(remote), str(other)], check=True)
    git(other, "checkout", "-q", "--orphan", "gh-pages")
    git(other, "commit", "-q", "--allow-empty", "-m", "theirs")
    git(other, "push", "-q", "origin", "gh-pages")
    theirs = git(remote, "rev-parse", "gh-pages")
    before = checkout_state(repo)
    with pytest.raises(SitegenError, match="git: push to origin failed"):
        deploy(load_config(repo), push=True)   # no fetch: builds on nothing, not a fast-forward
    assert git(repo, "branch", "--list", "gh-pages") == ""
    assert git(remote, "rev-parse", "gh-pages") == theirs
    assert checkout_state(repo) == before


def test_refuses_the_checked_out_branch(repo: Path) -> None:
    before = checkout_state(repo)
    with pytest.raises(SitegenError, match="checked out"):
        deploy(load_config(repo), branch="main")
    assert checkout_state(repo) == before


def test_bad_branch_name_is_an_error(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["deploy", "--site", str(repo), "--branch", "no..dots", "--quiet"]) == 1
    assert "not a valid git branch name" in capsys.readouterr().err


def test_options_never_reach_git_as_options(repo: Path) -> None:
    for bad in ("--receive-pack=touch pwned", "-h"):
        with pytest.raises(SitegenError, match="not a remote name"):
            deploy(load_config(repo), remote=bad, push=True)
        with pytest.raises(SitegenError, match="not a valid git branch name"):
            deploy(load_config(repo), branch=bad)
    assert not (repo / "pwned").exists()


def test_unknown_remote_is_a_clear_error(repo: Path) -> None:
    with pytest.raises(SitegenError, match="git: push to nowhere failed"):
        deploy(load_config(repo), remote="nowhere", push=True)
    assert git(repo, "branch", "--list", "gh-pages") == ""


def test_outside_a_git_repository(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "plain"
    site.mkdir()
    (site / "sitegen.toml").write_text('title = "x"\n', encoding="utf-8")
    assert main(["deploy", "--site", str(site)]) == 1
    err = capsys.readouterr().err
    assert "not inside a git repository" in err and "Traceback" not in err
    assert sorted(p.name for p in site.iterdir()) == ["sitegen.toml"]


def test_git_missing(repo: Path, monkeypatch: pytest.MonkeyPatch,
                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PATH", str(repo / "no-such-bin"))
    assert main(["deploy", "--site", str(repo)]) == 1
    assert "git is not installed" in capsys.readouterr().err


def test_build_errors_stop_before_git(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = repo / "content" / "articles" / "bad.md"
    bad.write_text("---\ntitle: [unclosed\n---\nx\n", encoding="utf-8")
    assert main(["deploy", "--site", str(repo)]) == 1
    assert "bad.md" in capsys.readouterr().err
    assert git(repo, "branch", "--list", "gh-pages") == ""


def test_unimported_raw_files_are_a_warning(repo: Path) -> None:
    raw = repo / "content" / "raw"
    (raw / "second.txt").write_text(
        "Snow falls on Moscow\n\nMOSCOW, December 11. /TASS/. Another story about the "
        "weather in the city, the forecasters said on Sunday.\n",
        encoding="utf-8")
    report = deploy(load_config(repo))
    assert report.warnings and "not imported yet" in report.warnings[0]
    assert not any((repo / "content" / "articles").rglob("*snow*"))


def test_placeholder_base_url_is_refused(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A site fresh from `sitegen new` must get its real URL before it is published."""
    (repo / "sitegen.toml").write_text('base_url = "https://USER.github.io/REPO/"\n',
                                       encoding="utf-8")
    assert main(["deploy", "--site", str(repo)]) == 1
    assert "placeholder" in capsys.readouterr().err
    assert git(repo, "branch", "--list", "gh-pages") == ""


def test_published_bytes_are_exactly_the_built_bytes(repo: Path, tmp_path: Path) -> None:
    """Line-ending settings and attributes of the user's repository do not rewrite the site."""
    (repo / ".gitattributes").write_text("* text eol=crlf\n", encoding="utf-8")
    git(repo, "config", "core.autocrlf", "true")
    report = deploy(load_config(repo))
    out = tmp_path / "built"
    assert main(["build", "--site", str(repo), "--out", str(out), "--quiet"]) == 0
    for rel in tree_files(repo, report.commit) - {".nojekyll", "CNAME"}:
        blob = subprocess.run(["git", "-C", str(repo), "cat-file", "blob",
                               f"{report.commit}:{rel}"], capture_output=True, check=True).stdout
        assert blob == (out / rel).read_bytes(), rel


def test_an_unchanged_site_adds_no_empty_commit(repo: Path) -> None:
    first = deploy(load_config(repo))
    second = deploy(load_config(repo))
    assert not second.changed and second.commit == first.commit
    assert "no change" in second.summary()
    count = subprocess.run(["git", "-C", str(repo), "rev-list", "--count", "gh-pages"],
                           capture_output=True, text=True, check=True).stdout.strip()
    assert count == "1"
