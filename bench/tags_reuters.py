"""Tags against Reuters-21578's own index terms (PLACES, PEOPLE, ORGS, TOPICS), read at run time.

    .venv/bin/python -m bench.tags_reuters [--show N]

Each story of ../shared/corpus/reuters21578-sample with a body is imported as raw wire text
(`bench.import_robustness.reuters`) and its tags and speakers are compared with the editors'
index terms. A place (other than the US) is found when a tag names it; a person when a tag or a
speaker holds the surname; an organisation when a tag names it or its acronym; a topic through
the table below from Reuters' topic codes to sitegen's topic tags (codes with no topic of ours
are counted apart). Also: stories without tags. The mapping is the bench's, not the tagger's.
"""

from __future__ import annotations

import argparse
import html
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench.import_robustness import _DOC, CORPUS
from sitegen.ingest.decode import decode_text
from sitegen.ingest.quotes import attribute_quotes
from sitegen.ingest.structure import parse_article
from sitegen.ingest.tags import TagRules, extract_tags

TOPICS = {
    "crude": "Oil", "nat-gas": "Natural gas", "interest": "Interest rates", "cpi": "Inflation",
    "gnp": "Economy", "jobs": "Unemployment", "trade": "Trade", "bop": "Trade",
    "money-fx": "Currencies", "dlr": "Currencies", "yen": "Currencies",
    "earn": "Company results", "acq": "Mergers and acquisitions", "grain": "Grain",
    "wheat": "Grain", "corn": "Grain", "oat": "Grain", "barley": "Grain", "rice": "Grain",
    "sorghum": "Grain", "soybean": "Grain", "coffee": "Coffee", "cocoa": "Cocoa",
    "sugar": "Sugar", "gold": "Gold", "copper": "Metals", "alum": "Metals", "tin": "Metals",
    "zinc": "Metals", "nickel": "Metals", "iron-steel": "Metals", "ship": "Shipping",
    "livestock": "Agriculture", "carcass": "Agriculture", "housing": "Housing",
}
PLACES = {"uk": "United Kingdom", "west-germany": "Germany", "ussr": "Soviet Union",
          "hong-kong": "Hong Kong", "south-korea": "South Korea", "new-zealand": "New Zealand",
          "saudi-arabia": "Saudi Arabia", "south-africa": "South Africa", "uae": "United Arab "
          "Emirates", "taiwan": "Taiwan", "ec": "European Community"}
ORGS = {"ec": ("European Community", "EC", "European Union", "EEC"), "opec": ("OPEC",),
        "gatt": ("GATT",), "imf": ("IMF", "International Monetary Fund"),
        "worldbank": ("World Bank",), "fed": ("Federal Reserve", "Fed"),
        "bundesbank": ("Bundesbank",), "oecd": ("OECD",), "adb-asia": ("Asian Development Bank",),
        "adb-africa": ("African Development Bank",),
        "ico-coffee": ("International Coffee Organization", "ICO"),
        "fao": ("Food and Agriculture Organization", "FAO"),
        "atpc": ("Association of Tin Producing Countries", "ATPC")}
_FIELD = re.compile(r"<(PLACES|PEOPLE|ORGS|TOPICS)>(.*?)</\1>", re.S)


@dataclass
class Found:
    total: int = 0
    found: int = 0
    missed: Counter[str] = field(default_factory=Counter)


def _terms(doc: str, name: str) -> list[str]:
    block = next((m.group(2) for m in _FIELD.finditer(doc) if m.group(1) == name), "")
    return re.findall(r"<D>(.*?)</D>", block)


def _has(words: str, tags: list[str]) -> bool:
    want = words.casefold()
    return any(want == t.casefold() or re.search(rf"\b{re.escape(want)}\b", t.casefold())
               for t in tags)


@dataclass
class Measured:
    stories: int = 0
    untagged: int = 0
    kinds: dict[str, Found] = field(
        default_factory=lambda: {k: Found() for k in ("places", "people", "orgs", "topics")})
    unmapped: Counter[str] = field(default_factory=Counter)


def measure(root: Path) -> Measured:
    """Every story of the sample with a body, tagged and compared with its index terms."""
    res = Measured()
    kinds = res.kinds
    for sgm in sorted(root.glob("*.sgm")):
        for doc in _DOC.findall(sgm.read_bytes().decode("latin-1")):
            body = re.search(r"<BODY>(.*?)</BODY>", doc, re.S)
            if body is None:
                continue
            title = re.search(r"<TITLE>(.*?)</TITLE>", doc, re.S)
            dateline = re.search(r"<DATELINE>(.*?)</DATELINE>", doc, re.S)
            raw = (f"{html.unescape(title.group(1) if title else '')}\n\n"
                   f"{dateline.group(1) if dateline else ''}"
                   f"{html.unescape(body.group(1)).replace(chr(3), '')}\n")
            try:
                article = parse_article(decode_text(raw.encode("utf-8")))
            except ValueError:
                continue
            people = [s.name for s in attribute_quotes(article.paragraphs).speakers]
            tags = extract_tags(article.title, article.subtitle, article.paragraphs,
                                location=article.location, rules=TagRules(), people=people)
            res.stories += 1
            res.untagged += not tags
            for code in _terms(doc, "PLACES"):
                if code == "usa":
                    continue
                name = PLACES.get(code, code.replace("-", " ").title())
                _score(kinds["places"], code, _has(name, tags))
            for code in _terms(doc, "PEOPLE"):
                surname = code.split("-")[-1]
                _score(kinds["people"], code, _has(surname, [*tags, *people]))
            for code in _terms(doc, "ORGS"):
                names = ORGS.get(code, (code.upper(),))
                _score(kinds["orgs"], code, any(_has(n, tags) for n in names))
            for code in _terms(doc, "TOPICS"):
                topic = TOPICS.get(code)
                if topic is None:
                    res.unmapped[code] += 1
                    continue
                _score(kinds["topics"], code, topic in tags)
    return res


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", type=int, default=0)
    args = parser.parse_args(argv)
    root = CORPUS / "reuters21578-sample"
    if not root.is_dir():
        print(f"{root}: shared corpus is absent; nothing to measure", file=sys.stderr)
        return 0
    res = measure(root)
    stories, untagged = res.stories, res.untagged
    print(f"reuters: {stories} stories, {untagged} without tags ({untagged / stories:.1%})")
    for kind, found in res.kinds.items():
        rate = found.found / found.total if found.total else 0.0
        print(f"  {kind:7} recall {rate:.3f} ({found.found}/{found.total})")
        if args.show:
            print("    most missed:", ", ".join(f"{k} {v}" for k, v in found.missed.most_common(
                args.show)))
    print("  topic codes with no sitegen topic:", sum(res.unmapped.values()),
          "(" + ", ".join(f"{k} {v}" for k, v in res.unmapped.most_common(8)) + ")")
    return 0


def _score(res: Found, code: str, hit: bool) -> None:
    res.total += 1
    res.found += hit
    if not hit:
        res.missed[code] += 1


if __name__ == "__main__":
    sys.exit(main())
