"""Speaker pages link each quote to its paragraph; the anchors are kept between builds so a
publish does not read every story's converted body again (`render/anchors.py`)."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sitegen import parallel
from sitegen.cli import main
from sitegen.incremental.stores import BuildCache
from sitegen.markup import Paragraph
from sitegen.model import Article, Quote
from sitegen.render import anchors as anchors_module
from sitegen.render.anchors import NAME, QuoteAnchors
from tests.conftest import write_article


def _article(name: str, *quotes: str) -> Article:
    return Article(Path(f"/content/articles/{name}.md"), name.title(),
                   datetime(2022, 12, 1, tzinfo=UTC), "body", name,
                   quotes=tuple(Quote(q, "Ann Lee") for q in quotes))


PARAGRAPHS = {"one": (Paragraph("p-1", "Intro."), Paragraph("p-2", "“We will respond,” she said.")),
              "two": (Paragraph("p-1", "“Talks are over,” she said."),)}


class _Versions:
    """An article version by slug (`render.fingerprint.Versions`); made from `base` by a body
    edit of the `edited` slugs when given (`changed_since`)."""

    def __init__(self, by_slug: dict[str, str], base: _Versions | None = None,
                 edited: tuple[str, ...] = ()) -> None:
        self.by_slug = dict(by_slug)
        self.versions = {_article(slug).path: v for slug, v in by_slug.items()}
        self.edited = (base.versions, {_article(s).path: by_slug[s] for s in edited}) \
            if base is not None else None

    def version(self, article: Article) -> str:
        return self.by_slug[article.slug]

    def changed_since(self, versions: dict[Path, str]) -> dict[Path, str] | None:
        if versions is self.versions:
            return {}
        return self.edited[1] if self.edited and self.edited[0] is versions else None


class _Bodies:
    """The paragraphs of each article, counting whose were asked for."""

    def __init__(self) -> None:
        self.read: list[str] = []

    def __call__(self, article: Article) -> tuple[Paragraph, ...]:
        self.read.append(article.slug)
        return PARAGRAPHS[article.slug]


def test_anchors_are_kept_by_article_version(tmp_path: Path) -> None:
    articles = [_article("one", "We will respond,"), _article("two", "Talks are over,"),
                _article("three")]
    versions = {"one": "v1", "two": "v2", "three": "v3"}
    first = _Bodies()
    anchors = QuoteAnchors(BuildCache(tmp_path), articles, _Versions(versions), first)
    assert first.read == ["one", "two"]   # a story without quotes needs no anchors
    assert anchors.of(articles[0], articles[0].quotes[0]) == "p-2"
    assert anchors.of(articles[1], articles[1].quotes[0]) == "p-1"

    again = _Bodies()
    kept = QuoteAnchors(BuildCache(tmp_path), articles, _Versions(versions), again)
    assert again.read == []   # nothing changed: no body is read
    assert kept.of(articles[0], articles[0].quotes[0]) == "p-2"

    versions["two"] = "v2-edited"
    edited = _Bodies()
    QuoteAnchors(BuildCache(tmp_path), articles, _Versions(versions), edited)
    assert edited.read == ["two"]   # only the edited story is looked at again


def test_a_body_edit_of_the_last_model_looks_at_the_files_edited_only(
        tmp_path: Path) -> None:
    """`serve`'s body edit (`Versions.changed_since`, the store as the last build left it):
    only the edited files' anchors are looked for again, and the anchors and the entries
    saved are those of a look at every article; once the store is not what that build left,
    or the versions not a body edit of its model, every article is looked at again (the
    entries are the same)."""
    articles = [_article("one", "We will respond,"), _article("two", "Talks are over,"),
                _article("three")]
    numbers = {a.path: n for n, a in enumerate(articles)}
    first = _Versions({"one": "v1", "two": "v2", "three": "v3"})
    cache = BuildCache(tmp_path)
    QuoteAnchors(cache, articles, first, _Bodies(), numbers)
    edited = [articles[0], _article("two", "Talks are over,", "Gone"), articles[2]]
    second = _Versions({"one": "v1", "two": "v2-edited", "three": "v3"}, first, ("two",))
    bodies = _Bodies()
    anchors = QuoteAnchors(cache, edited, second, bodies, numbers)
    assert bodies.read == ["two"]
    assert [anchors.of(a, q) for a in edited for q in a.quotes] == ["p-2", "p-1", None]
    saved = cache.load(NAME, "", anchors_module.SHAPE)
    assert saved == {"v1": ["p-2"], "v2-edited": ["p-1", None]}
    # a look at every article makes the same entries
    (tmp_path / ".sitegen-cache" / f"{NAME}.msgpack").unlink()
    QuoteAnchors(BuildCache(tmp_path), edited, _Versions(second.by_slug), _Bodies(), numbers)
    assert BuildCache(tmp_path).load(NAME, "", anchors_module.SHAPE) == saved
    third = _Versions({"one": "v1-edited", "two": "v2-edited", "three": "v3"}, second, ("one",))
    QuoteAnchors(BuildCache(tmp_path), edited, third, _Bodies(), numbers)   # every article
    assert BuildCache(tmp_path).load(NAME, "", anchors_module.SHAPE) == {
        "v1-edited": ["p-2"], "v2-edited": ["p-1", None]}


def test_many_anchors_are_found_over_workers(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A clean build's anchors (a second of CPU at 10,000 articles) are found in forked
    workers, not in the build's process alone, and are those found here."""
    articles = [_article("one", "We will respond,"), _article("two", "Talks are over,"),
                _article("three")]
    record = tmp_path / "read-by.txt"

    def paragraphs(article: Article) -> tuple[Paragraph, ...]:
        with record.open("a", encoding="utf-8") as out:
            out.write(f"{os.getpid()}\n")
        return PARAGRAPHS[article.slug]

    monkeypatch.setattr(parallel, "MIN_PARALLEL", 2)
    monkeypatch.setattr(anchors_module, "FIND_IN_WORKERS", 2, raising=False)
    parallel.set_jobs(2)
    try:
        anchors = QuoteAnchors(BuildCache(tmp_path), articles,
                               _Versions({"one": "one", "two": "two", "three": "three"}),
                               paragraphs)
    finally:
        parallel.set_jobs(None)
    pids = record.read_text(encoding="utf-8").split()
    assert len(pids) == 2 and str(os.getpid()) not in pids
    assert anchors.of(articles[0], articles[0].quotes[0]) == "p-2"
    assert anchors.of(articles[1], articles[1].quotes[0]) == "p-1"


def test_anchors_of_another_shape_are_found_again(tmp_path: Path) -> None:
    articles = [_article("one", "We will respond,")]
    BuildCache(tmp_path).save(NAME, "", {"v1": "p-9"})   # not a list of anchors
    bodies = _Bodies()
    anchors = QuoteAnchors(BuildCache(tmp_path), articles, _Versions({"one": "v1"}), bodies)
    assert bodies.read == ["one"]
    assert anchors.of(articles[0], articles[0].quotes[0]) == "p-2"


def test_without_versions_anchors_are_found_when_asked(tmp_path: Path) -> None:
    articles = [_article("one", "We will respond,")]
    bodies = _Bodies()
    anchors = QuoteAnchors(BuildCache(tmp_path), articles, None, bodies)
    assert bodies.read == []
    assert anchors.of(articles[0], articles[0].quotes[0]) == "p-2"
    assert not (tmp_path / ".sitegen-cache" / f"{NAME}.msgpack").exists()


def test_a_quote_moved_by_an_edit_is_linked_to_its_new_paragraph(site: Path) -> None:
    """The speaker page of a cached rebuild links the quote where the edited body has it."""
    quote = {"speaker": "Ann Lee", "text": "We will respond,"}
    speakers = [{"name": "Ann Lee", "role": "minister"}]
    write_article(site / "content", "one", 'Intro.\n\n"We will respond," Ann Lee said.',
                  title="One", date="2022-12-01", speakers=speakers, quotes=[quote])
    write_article(site / "content", "two", "Text.", title="Two", date="2022-12-02",
                  speakers=speakers)
    assert main(["build", "--site", str(site), "--quiet"]) == 0
    page = site / "_site" / "speakers" / "ann-lee" / "index.html"
    assert re.search(r'href="/2022/12/one/#p-2"', page.read_text(encoding="utf-8"))

    write_article(site / "content", "one",
                  'Intro.\n\nMore context.\n\nAnd more.\n\n"We will respond," Ann Lee said.',
                  title="One", date="2022-12-01", speakers=speakers, quotes=[quote])
    assert main(["build", "--site", str(site), "--quiet"]) == 0
    html = page.read_text(encoding="utf-8")
    assert re.search(r'href="/2022/12/one/#p-4"', html)
    assert "#p-2" not in html
