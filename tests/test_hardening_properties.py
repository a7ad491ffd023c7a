"""Property-based tests: the importer, the front matter loader, slugs and URLs under any input.

Hypothesis feeds arbitrary Unicode, huge lines, unbalanced and nested quote marks, control
characters, NULs and mixed line endings. What must hold whatever comes in: no exception escapes
except `SitegenError` (or the importer's one-line `UnreadableText`/`StructureError`), every
imported article re-loads and validates with the content loader, and slugs stay ASCII, non-empty,
unique and inside the output folder. Example counts are modest so the suite stays fast on CI.
"""

from __future__ import annotations

import re
import tempfile
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sitegen.config import Config
from sitegen.content import load_articles, parse_article
from sitegen.errors import SitegenError
from sitegen.ingest.dates import infer_dates
from sitegen.ingest.decode import UnreadableText, decode_text
from sitegen.ingest.importer import import_paths
from sitegen.ingest.quotes import attribute_quotes
from sitegen.ingest.structure import StructureError
from sitegen.ingest.structure import parse_article as parse_raw
from sitegen.ingest.tags import TagRules, extract_tags
from sitegen.ingest.writer import render_markdown
from sitegen.model import Article
from sitegen.slugs import MAX_LENGTH, is_safe_slug, slugify, unique_slug
from sitegen.urls import Urls
from sitegen.write import safe_relative_path

FAST = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SLOW = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
NOW = datetime(2026, 11, 29, tzinfo=UTC)
XML_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

# --- strategies ------------------------------------------------------------------------------

QUOTES = ['"', "'", "“", "”", "‘", "’", "«", "»", "„", "‹", "›", "「", "」", '""', "«“", "”»"]
CONTROLS = ["\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x85",
            "\u2028", "\u2029", "\ufeff", "\u200b", "\u202e", "\ufffd", "\ud7ff", "\U0001f600"]
ENDINGS = ["\n", "\r\n", "\r", "\n\n", "\r\n\r\n", "\n\r"]
WIRE = ["MOSCOW, December 10. /TASS/.", "LONDON, March 3 (Reuters) -", "WASHINGTON (AP) —",
        "Updated at: December 10, 2022, 18:21", "All news", "said Sergey Lavrov.",
        "the minister said.", "he told reporters:", "## Heading", "- item", "1. one", "> q",
        "<script>alert(1)</script>", "[x](javascript:alert(1))", "---", "title: x", "{{ x }}",
        "Russian Foreign Minister Sergey Lavrov said", "C++", "&amp;", "\\", "*", "_", "`"]
WORDS = st.sampled_from(["The", "West", "looks", "for", "clue", "Russia", "Kazakhstan", "said",
                         "Lavrov", "minister", "on", "Saturday", "2022", "in", "Moscow", "EU"])

any_text = st.text(max_size=200)
piece = st.one_of(
    WORDS, st.sampled_from(QUOTES), st.sampled_from(CONTROLS), st.sampled_from(WIRE),
    st.text(max_size=12), st.just(" "),
    st.builds(lambda w, n: " ".join([w] * n), WORDS, st.integers(500, 2000)),  # huge line
)
line = st.lists(piece, min_size=0, max_size=12).map(" ".join)
wire_text = st.builds(
    lambda lines, ends: "".join(t + ends[i % len(ends)] for i, t in enumerate(lines)),
    st.lists(line, min_size=1, max_size=14), st.lists(st.sampled_from(ENDINGS), min_size=1,
                                                       max_size=4))
# Shaped like a story (title, blank line, paragraphs) so most examples reach every stage.
story_text = st.builds(
    lambda title, paras, end: (end * 2).join([title, *paras]) + end,
    st.lists(WORDS, min_size=1, max_size=12).map(" ".join),
    st.lists(line.filter(lambda t: t.strip() != ""), min_size=1, max_size=8),
    st.sampled_from(ENDINGS[:3]))
wire_text = st.one_of(story_text, wire_text)
raw_bytes = st.one_of(
    wire_text.map(lambda t: t.encode("utf-8", "surrogatepass")),
    wire_text.map(lambda t: t.encode("cp1251", "replace")),
    wire_text.map(lambda t: b"\xef\xbb\xbf" + t.encode("utf-8", "replace")),
    wire_text.map(lambda t: t.encode("utf-16", "replace")),
    st.binary(max_size=300),
)


def config(root: Path, **values: Any) -> Config:
    return Config(root=root, **values)


# --- slugs -----------------------------------------------------------------------------------


@FAST
@given(st.one_of(any_text, line, st.text(alphabet=st.characters(codec="utf-8"), max_size=400)))
@example("../../etc/passwd")
@example("C:\\Windows")
@example("\x00")
@example("")
@example("." * 300)
@example("/")
@example("Ⅻ ﬁ ǅ")
def test_slugify_is_ascii_non_empty_bounded_safe_and_stable(text: str) -> None:
    slug = slugify(text)
    assert slug and slug.isascii() and len(slug) <= MAX_LENGTH
    assert is_safe_slug(slug), slug
    assert slugify(text) == slug
    assert safe_relative_path(f"tags/{slug}/index.html").parts[1] == slug


@FAST
@given(st.lists(st.one_of(any_text, st.sampled_from(["C", "C++", "C#", "c", "Test", "test"])),
                max_size=30))
def test_unique_slugs_never_collide(names: list[str]) -> None:
    taken: set[str] = set()
    for name in names:
        slug = unique_slug(slugify(name), taken)
        assert slug not in taken and is_safe_slug(slug)
        taken.add(slug)
    assert len(taken) == len(names)


@FAST
@given(any_text)
def test_is_safe_slug_accepts_only_single_plain_path_parts(text: str) -> None:
    if is_safe_slug(text):
        assert text.isascii() and text == text.lower()
        assert "/" not in text and "\\" not in text and "\x00" not in text
        assert text not in (".", "..") and not text.startswith("-")


# --- URLs and output paths ---------------------------------------------------------------------

base_urls = st.sampled_from(["https://example.com/", "https://u.github.io/repo/",
                             "http://127.0.0.1:8000/", "https://x.org/a/b/"])
permalinks = st.sampled_from(["/{year}/{month}/{slug}/", "/{slug}/", "/news/{year}/{slug}.html",
                              "/{year}/{month}/{day}/{slug}/"])
dates = st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 30),
                     timezones=st.just(UTC))


def _article(slug: str, when: datetime) -> Article:
    return Article(path=Path("a.md"), title="t", date=when, body="", slug=slug)


def _inside(root: Path, rel: str) -> bool:
    target = (root / safe_relative_path(rel)).resolve()
    return target.is_relative_to(root.resolve())


@FAST
@given(base_urls, permalinks, st.one_of(any_text, st.sampled_from(
    ["..", ".", "../x", "/etc", "a/../../b", "C:x", "\x00", "%2e%2e", "a\\b"])), dates)
def test_article_urls_stay_inside_the_output_folder(base: str, permalink: str, slug: str,
                                                     when: datetime) -> None:
    urls = Urls(config(Path("/site"), base_url=base, permalink=permalink))
    url = urls.article(_article(slug, when))
    assert url.startswith(urls.base) and url.isascii()
    rel = urls.output_file(url)
    assert _inside(Path("/site/_site"), rel)
    assert urls.absolute(url).startswith(urls.site_url)


@FAST
@given(base_urls, any_text, st.integers(-5, 10_000))
def test_term_urls_from_any_name_stay_inside(base: str, name: str, page: int) -> None:
    urls = Urls(config(Path("/site"), base_url=base))
    slug = slugify(name)
    for url in (urls.tag(slug, page), urls.speaker(slug, page), urls.term_feed("tags", slug)):
        assert _inside(Path("/site/_site"), urls.output_file(url))


@FAST
@given(base_urls, st.text(max_size=60))
@example("https://example.com/", "/../../etc/passwd")
@example("https://example.com/", "/a/%2e%2e/b")
@example("https://example.com/", "/C:/x/")
@example("https://example.com/", "/a\\..\\b/")
def test_output_file_refuses_or_stays_inside(base: str, tail: str) -> None:
    urls = Urls(config(Path("/site"), base_url=base))
    try:
        rel = urls.output_file(urls.base + tail.lstrip("/"))
    except ValueError:
        return
    try:
        path = safe_relative_path(rel)
    except SitegenError:
        return  # the writer refuses it (drive letters, NUL): still never outside
    assert ".." not in path.parts and not PurePosixPath(rel).is_absolute()
    assert _inside(Path("/site/_site"), rel)


# --- the front matter loader -----------------------------------------------------------------


@FAST
@given(st.one_of(any_text, wire_text,
                 st.builds(lambda fm, body: f"---\n{fm}\n---\n{body}", any_text, any_text)))
@example("---\ntitle: [\n---\n")
@example("---\n---\n")
@example("---\ntitle: &a [*a]\n---\n")
@example("---\ntitle: !!python/object:os.system ls\ndate: 2022-01-01\n---\n")
@example("---\ntitle: x\ndate: 2022-13-45\n---\n")
@example("---\ntitle: x\ndate: 99999-01-01\n---\n")
@example("---\r\ntitle: x\r\ndate: 2022-01-01\r\n---\r\nbody")
@example("---\ntitle: \"\\0\\x01\"\ndate: 2022-01-01\n---\n")
def test_front_matter_loader_raises_only_sitegen_errors(text: str) -> None:
    try:
        article = parse_article(Path("a.md"), text, config(Path("/site")))
    except SitegenError as exc:
        assert exc.problems and all(p.path == Path("a.md") for p in exc.problems)
        return
    assert article.title.strip() and is_safe_slug(article.slug)
    assert article.date.tzinfo is not None


CHARS = [c for c in QUOTES + CONTROLS if len(c) == 1]
scalar = st.one_of(any_text, st.text(alphabet=st.sampled_from([*CHARS, "x", " "]),
                                     max_size=20),
                   st.integers(), st.booleans(), st.none(), st.dates(), st.floats())
field_value = st.one_of(scalar, st.lists(scalar, max_size=4),
                        st.dictionaries(st.sampled_from(["name", "role", "text", "speaker", "x"]),
                                        scalar, max_size=3),
                        st.lists(st.dictionaries(
                            st.sampled_from(["name", "role", "text", "speaker"]), scalar,
                            max_size=3), max_size=3))
front = st.dictionaries(st.sampled_from(["title", "subtitle", "date", "updated", "location",
                                         "source", "tags", "speakers", "quotes", "slug",
                                         "origin", "draft", "tgas", "extra"]),
                        field_value, max_size=10)


@FAST
@given(front, any_text)
def test_any_yaml_front_matter_is_an_article_or_located_problems(fields: dict[str, Any],
                                                                 body: str) -> None:
    text = f"---\n{yaml.safe_dump(fields, allow_unicode=True)}---\n{body}\n"
    try:
        article = parse_article(Path("a.md"), text, config(Path("/site")))
    except SitegenError as exc:
        for problem in exc.problems:
            assert problem.path == Path("a.md")
            assert problem.line is None or 1 <= problem.line <= text.count("\n") + 1
        return
    assert is_safe_slug(article.slug)
    assert all(isinstance(t, str) and t for t in article.tags)
    shown = [article.title, article.subtitle or "", article.location or "", article.body,
             *article.tags, *(s.name + (s.role or "") for s in article.speakers),
             *(q.text for q in article.quotes)]
    assert not any(XML_FORBIDDEN.search(text) for text in shown), "feeds could not hold it"
    assert article.origin is None or ("/" not in article.origin and ".." not in article.origin)


# --- the importer pipeline -------------------------------------------------------------------


def _convert(text: str) -> str | None:
    """raw text -> Markdown through every importer stage, as `import_paths` runs them."""
    try:
        parsed = parse_raw(text)
    except StructureError:
        return None
    dates_ = infer_dates(parsed, file_time=NOW)
    attribution = attribute_quotes(parsed.paragraphs)
    tags = extract_tags(parsed.title, parsed.subtitle, parsed.paragraphs,
                        location=parsed.location, rules=TagRules())
    return render_markdown(parsed, dates_, tags=tags, speakers=attribution.speakers,
                           quotes=attribution.quotes, slug=slugify(parsed.title),
                           origin="raw.txt")


@SLOW
@given(raw_bytes)
@example(b"Title\n\nMOSCOW, December 10. /TASS/. \"He said \xe2\x80\x9cno\" she said.\n")
@example(b"T\r\n\r\nbody \x00 more\r")
@example("«Title «nested» »\n\n“unbalanced ‘quote.\n\n» reversed «\n".encode())
@example(b"---\ntitle: x\n---\n\n---\n")
def test_importer_pipeline_output_always_reloads(data: bytes) -> None:
    try:
        text = decode_text(data)
    except UnreadableText as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    markdown = _convert(text)
    if markdown is None:
        return
    article = parse_article(Path("a.md"), markdown, config(Path("/site")))  # must not raise
    assert article.title and is_safe_slug(article.slug) and article.origin == "raw.txt"
    for quote in article.quotes:
        assert quote.text.strip()


@settings(SLOW, max_examples=30)
@given(st.lists(raw_bytes, min_size=1, max_size=3))
@example([b"\x01\nThe\n\nBody \x07 text.\n"])   # a title of control characters only
def test_import_paths_on_real_files_writes_only_loadable_articles(files: list[bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        raw = root / "content" / "raw"
        raw.mkdir(parents=True)
        for index, content in enumerate(files):
            (raw / f"{index:03d}.txt").write_bytes(content)
        report = import_paths([raw], root / "content", progress=False, now=NOW)
        assert len(report.written) + len(report.failed) + len(report.unchanged) + \
            len(report.kept_edited) == len(files)
        for problem in report.failed:
            assert problem.path is not None and problem.path.parent == raw
            assert "please report this" not in problem.message, problem
        loaded = load_articles(config(root), drafts=True)   # raises if any is invalid
        assert len(loaded) == len(report.written)
        assert len({a.slug for a in loaded}) == len(loaded)
        for path in report.written:
            assert path.resolve().is_relative_to((root / "content" / "articles").resolve())
        assert not list(root.rglob("*.tmp"))
        again = import_paths([raw], root / "content", progress=False, now=NOW)
        assert not again.written and len(again.unchanged) == len(report.written)


@FAST
@given(st.lists(any_text, min_size=1, max_size=20))
def test_quote_attribution_never_raises(paragraphs: list[str]) -> None:
    attribution = attribute_quotes(paragraphs)
    for quote in attribution.quotes:
        assert isinstance(quote.text, str)


@pytest.mark.parametrize("offset", [timedelta(hours=-12), timedelta(hours=14)])
def test_extreme_offsets_load(offset: timedelta) -> None:
    """A date with an extreme UTC offset still loads and keeps its own calendar day."""
    when = datetime(2022, 12, 10, 23, 59, tzinfo=timezone(offset)).isoformat()
    article = parse_article(Path("a.md"), f"---\ntitle: x\ndate: {when}\n---\nb",
                            config(Path("/site")))
    assert article.date.date() == date(2022, 12, 10)
