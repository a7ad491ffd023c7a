"""The command line as users run it: real processes, exit codes, messages, no tracebacks."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import SAMPLE_RAW, write_article


def sitegen(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sitegen", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120, check=False)


def test_import_batch_with_bad_files(tmp_path: Path) -> None:
    raw = tmp_path / "incoming"
    raw.mkdir()
    shutil.copy(SAMPLE_RAW, raw / "good.txt")
    (raw / "empty.txt").write_bytes(b"")
    (raw / "binary.txt").write_bytes(bytes(range(256)) * 20)
    (raw / "oneline.txt").write_bytes(b"x" * 3_000_000)
    result = sitegen("import", "incoming", cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 3
    for name in ("empty.txt", "binary.txt", "oneline.txt"):
        assert sum(name in line for line in errors) == 1, errors
    written = list((tmp_path / "content" / "articles").rglob("*.md"))
    assert [p.name for p in written] == [
        "west-looks-for-any-clue-to-drive-a-wedge-between-russia-and-kazakhstan-says-lavrov.md"]
    assert "1 written" in result.stdout and "3 failed" in result.stdout


def test_import_dry_run_then_real_then_no_op(tmp_path: Path) -> None:
    shutil.copy(SAMPLE_RAW, tmp_path / "story.txt")
    dry = sitegen("import", "--dry-run", "story.txt", cwd=tmp_path)
    assert dry.returncode == 0, dry.stderr
    assert not (tmp_path / "content").exists()
    assert sitegen("import", "story.txt", cwd=tmp_path).returncode == 0
    article = next((tmp_path / "content" / "articles").rglob("*.md"))
    before = article.read_bytes()
    again = sitegen("import", "story.txt", cwd=tmp_path)
    assert again.returncode == 0 and "1 unchanged" in again.stdout
    assert article.read_bytes() == before


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    missing = sitegen("import", "nope.txt", cwd=tmp_path)
    assert missing.returncode == 2 and "nope.txt" in missing.stderr
    assert sitegen("frobnicate", cwd=tmp_path).returncode == 2
    assert sitegen("build", "--site", "no-such-dir", cwd=tmp_path).returncode == 2


def test_check_reports_broken_links(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "content" / "raw").mkdir(parents=True)
    shutil.copy(SAMPLE_RAW, site / "content" / "raw")
    assert sitegen("build", "--site", str(site), cwd=tmp_path).returncode == 0
    ok = sitegen("check", "--site", str(site), cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    home = site / "_site" / "index.html"
    home.write_text(home.read_text(encoding="utf-8").replace(
        "</main>", '<a href="/nowhere/">x</a></main>'), encoding="utf-8")
    broken = sitegen("check", "--site", str(site), cwd=tmp_path)
    assert broken.returncode == 1
    assert "index.html" in broken.stderr and "/nowhere/" in broken.stderr


def test_check_lists_articles_whose_date_was_not_read_from_the_text(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "content" / "raw").mkdir(parents=True)
    shutil.copy(SAMPLE_RAW, site / "content" / "raw")
    (site / "content" / "raw" / "undated.txt").write_text(
        "Bridge reopens after repairs\n\nThe old bridge reopened to traffic.\n", encoding="utf-8")
    assert sitegen("build", "--site", str(site), cwd=tmp_path).returncode == 0
    done = sitegen("check", "--site", str(site), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "1 article(s) with a date not read from their text" in done.stdout
    assert "bridge-reopens-after-repairs.md" in done.stderr
    assert "modification time" in done.stderr
    assert "west-looks-for" not in done.stderr  # the sample's date is in its dateline
    assert "tag(s) used once" in done.stderr  # two stories, few shared tags


def test_build_refuses_a_folder_that_is_no_site(tmp_path: Path) -> None:
    done = sitegen("build", cwd=tmp_path)
    assert done.returncode == 2
    assert "not a site" in done.stderr and "sitegen new" in done.stderr
    assert list(tmp_path.iterdir()) == []  # no _site/, no .sitegen-cache/ left behind


def test_an_unknown_flag_shows_the_subcommands_usage(tmp_path: Path) -> None:
    done = sitegen("build", "--output", "x", cwd=tmp_path)
    assert done.returncode == 2
    assert "usage: sitegen build" in done.stderr
    assert "unrecognized arguments: --output x" in done.stderr


def test_check_lists_speakers_with_no_role_and_tags_used_once(tmp_path: Path) -> None:
    """What an editor looks at before publishing, as the site would show it: a speaker no
    article gives a role (one that some article gives a role is fine), a tag on one story only
    (a tag on two is fine); a draft is on no page, so it counts for nothing."""
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "sitegen.toml").write_text('title = "Desk"\nsearch = false\n', encoding="utf-8")
    write_article(site / "content", "a", title="First", date="2024-05-01",
                  tags=["Russia", "Grain"], speakers=[{"name": "Anna Ivanova"},
                                                      {"name": "Sergey Lavrov"}])
    write_article(site / "content", "b", title="Second", date="2024-05-02",
                  tags=["Russia", "Ports"],
                  speakers=[{"name": "Sergey Lavrov", "role": "Foreign Minister"}])
    write_article(site / "content", "c", title="Draft", date="2024-05-03", draft=True,
                  tags=["Ports", "Drafted"], speakers=[{"name": "Draft Person"}])
    assert sitegen("build", "--site", str(site), "--quiet", cwd=tmp_path).returncode == 0
    done = sitegen("check", "--site", str(site), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if line.startswith("warning:")]
    assert "warning: 1 speaker(s) with no role: Anna Ivanova" in warnings
    assert "warning: 2 tag(s) used once: Grain, Ports" in warnings
    assert "Drafted" not in done.stderr and "Draft Person" not in done.stderr
