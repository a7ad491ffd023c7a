"""Robustness of the importer's reading and structure stages over every article of ../shared.

    .venv/bin/python -m bench.import_robustness [--show N] [--no-pipeline]

Reads ../shared/corpus at run time (its text is never copied into the project):
- BBC: every `bbc-fulltext/<category>/*.txt`, as raw bytes (one file is Latin-1).
- Reuters-21578: each SGML document with a <BODY>, reassembled into raw wire text
  ("TITLE", blank line, "DATELINE - body..." with the original hard wrapping).
- Wikinews: each CSV row as "title", blank line, text.
- PolNeAR: every dev and test article text, as raw bytes.
Each article goes through `decode_text` and `parse_article`, then `infer_dates`, and, when
`sitegen.ingest.quotes` and `sitegen.ingest.tags` exist, quotes, tags and `render_markdown`
re-loaded with python-frontmatter. It counts crashes (any exception other than the importer's own
one-line rejections) and articles left without a title or body. Target: zero of both.
Where the corpus knows the real date (Reuters <DATE>, Wikinews `date`) it also scores the date,
once with the file's time years after publication (only the text can date it) and once with the
file's time the day after publication (a file imported when it arrived).
"""

from __future__ import annotations

import argparse
import csv
import html
import re
import sys
import time
import traceback
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sitegen.ingest.dates import infer_dates
from sitegen.ingest.decode import UnreadableText, decode_text
from sitegen.ingest.structure import ParsedArticle, StructureError, parse_article

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
FILE_TIME = datetime(2026, 1, 1, tzinfo=UTC)
_DOC = re.compile(r"<REUTERS\b.*?</REUTERS>", re.S)
_FIELD = {name: re.compile(rf"<{name}>(.*?)</{name}>", re.S)
          for name in ("DATE", "TITLE", "DATELINE", "BODY")}
csv.field_size_limit(10_000_000)


@dataclass(frozen=True)
class Sample:
    """One corpus article as raw bytes, with its real date when the corpus gives one."""

    corpus: str
    ident: str
    data: bytes
    real_date: date | None = None
    empty_source: bool = False   # the corpus itself has no body text for this article


@dataclass
class Tally:
    """Counts for one corpus."""

    articles: int = 0
    crashes: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    empty_in_source: int = 0
    datelines: int = 0
    locations: int = 0
    subtitles: int = 0
    headings: int = 0
    dated: int = 0
    date_right: int = 0
    date_right_fresh: int = 0
    year_guessed: int = 0
    quotes: int = 0
    tags: int = 0
    seconds: float = 0.0
    reasons: Counter[str] = field(default_factory=Counter)


def bbc(root: Path) -> Iterator[Sample]:
    for path in sorted((root / "bbc-fulltext").glob("*/*.txt")):
        yield Sample("bbc", f"{path.parent.name}/{path.name}", path.read_bytes())


def reuters(root: Path) -> Iterator[Sample]:
    for sgm in sorted((root / "reuters21578-sample").glob("*.sgm")):
        text = sgm.read_bytes().decode("latin-1")
        for number, doc in enumerate(_DOC.findall(text)):
            parts = {k: (m.group(1) if (m := rx.search(doc)) else None) for k, rx in _FIELD.items()}
            if parts["BODY"] is None:
                continue   # title-only briefs: nothing to import
            body = html.unescape(parts["BODY"]).replace("\x03", "").rstrip()
            raw = f"{html.unescape(parts['TITLE'] or '')}\n\n{parts['DATELINE'] or ''}{body}\n"
            real = _reuters_date(parts["DATE"])
            yield Sample("reuters", f"{sgm.name}#{number}", raw.encode("utf-8"), real)


def _reuters_date(value: str | None) -> date | None:
    try:
        return datetime.strptime((value or "").split()[0], "%d-%b-%Y").date()
    except (ValueError, IndexError):
        return None


def wikinews(root: Path) -> Iterator[Sample]:
    for path in sorted((root / "wikinews-cc-by-2019-2020").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as stream:
            for number, row in enumerate(csv.DictReader(stream)):
                raw = f"{row['title']}\n\n{row['text']}\n"
                real = date.fromisoformat(row["date"]) if row.get("date") else None
                empty = len(row["text"].split()) <= 5   # a date line and nothing else
                yield Sample("wikinews", f"{path.name}#{number}", raw.encode("utf-8"), real,
                             empty)


def polnear(root: Path) -> Iterator[Sample]:
    for path in sorted((root / "polnear-attribution").glob("*/text/*.txt")):
        yield Sample("polnear", f"{path.parent.parent.name}/{path.name}", path.read_bytes())


def pipeline() -> Any | None:
    """quotes + tags + writer when they exist (written in parallel), else None."""
    try:
        import frontmatter

        from sitegen.ingest import quotes, tags, writer
    except ImportError:
        return None
    return (quotes, tags, writer, frontmatter)


def check(sample: Sample, tally: Tally, full: Any | None, rules: Any) -> None:
    started = time.perf_counter()
    try:
        article = parse_article(decode_text(sample.data))
        dates = infer_dates(article, file_time=FILE_TIME)
        if full is not None:
            _full(sample, article, dates, full, rules, tally)
    except (UnreadableText, StructureError) as exc:
        if sample.empty_source:
            tally.empty_in_source += 1   # rejecting it is right
            return
        tally.rejected.append(f"{sample.ident}: {exc}")
        tally.reasons[str(exc).split(":")[0]] += 1
        return
    except Exception as exc:
        where = traceback.extract_tb(exc.__traceback__)[-1]
        tally.crashes.append(f"{sample.ident}: {type(exc).__name__}: {exc} "
                             f"({Path(where.filename).name}:{where.lineno})")
        return
    finally:
        tally.seconds += time.perf_counter() - started
    if not article.title or not article.paragraphs:
        tally.rejected.append(f"{sample.ident}: empty title or body")
    tally.datelines += article.dateline is not None
    tally.locations += article.location is not None
    tally.subtitles += article.subtitle is not None
    tally.headings += sum(b.heading for b in article.blocks)
    tally.year_guessed += dates.warning
    if sample.real_date is not None:
        tally.dated += 1
        tally.date_right += dates.date == sample.real_date
        # As imported the day after publication (the file's time is then a fair clue).
        fresh = datetime.combine(sample.real_date + timedelta(days=1), datetime.min.time(), UTC)
        tally.date_right_fresh += infer_dates(article, file_time=fresh).date == sample.real_date


def _full(sample: Sample, article: ParsedArticle, dates: Any, full: Any, rules: Any,
          tally: Tally) -> None:
    quotes, tags, writer, frontmatter = full
    attribution = quotes.attribute_quotes(article.paragraphs)
    found = tags.extract_tags(article.title, article.subtitle, article.paragraphs,
                              location=article.location, rules=rules)
    text = writer.render_markdown(article, dates, tags=found, speakers=attribution.speakers,
                                  quotes=attribution.quotes, slug="s", origin="x.txt")
    post = frontmatter.loads(text)
    if list(post.metadata) != list(writer.FIELD_ORDER) or post["title"] != article.title:
        raise AssertionError("front matter does not round-trip")
    tally.quotes += len(attribution.quotes)
    tally.tags += len(found)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--show", type=int, default=5, help="examples of each failure kind")
    parser.add_argument("--no-pipeline", action="store_true", help="reading + structure only")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"{args.corpus}: shared corpus is absent; nothing to measure", file=sys.stderr)
        return 0
    full = None if args.no_pipeline else pipeline()
    rules = full[1].load_tag_rules(Path("content")) if full is not None else None
    print(f"stages: reading, structure, dates{', quotes, tags, writer' if full else ''}")
    tallies: dict[str, Tally] = {}
    for source in (bbc, reuters, wikinews, polnear):
        for sample in source(args.corpus):
            tally = tallies.setdefault(sample.corpus, Tally())
            tally.articles += 1
            check(sample, tally, full, rules)
    failed = False
    for name, t in tallies.items():
        n = max(t.articles, 1)
        line = (f"{name:9} {t.articles:5} articles  crashes {len(t.crashes)}  "
                f"no title/body {len(t.rejected)}  (empty in the corpus, rightly rejected "
                f"{t.empty_in_source})  dateline {t.datelines / n:.0%}  "
                f"location {t.locations / n:.0%}  subtitle {t.subtitles / n:.0%}  "
                f"headings {t.headings}  year guessed from file time {t.year_guessed}  "
                f"{1000 * t.seconds / n:.2f} ms/article")
        if t.dated:
            line += (f"  date right: file time years later {t.date_right}/{t.dated} "
                     f"({t.date_right / t.dated:.0%}), file time the next day "
                     f"{t.date_right_fresh}/{t.dated} ({t.date_right_fresh / t.dated:.0%})")
        if full:
            line += f"  quotes {t.quotes}  tags {t.tags}"
        print(line)
        for kind, items in (("crash", t.crashes), ("no title/body", t.rejected)):
            for item in items[:args.show]:
                print(f"    {kind}: {item}")
        if t.reasons:
            reasons = ", ".join(f"{k} {v}" for k, v in t.reasons.items())
            print(f"    rejections by reason: {reasons}")
        failed = failed or bool(t.crashes or t.rejected)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
