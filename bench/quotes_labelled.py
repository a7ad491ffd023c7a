"""Speakers, roles and quotes scored against our own labelled set of real stories.

    .venv/bin/python -m bench.quotes_labelled [--split tune|heldout|outlets|all] [--show N]

The set (`bench/labelled/labels.json`) holds 110 stories read and labelled by hand from
../shared/corpus (50 BBC, 40 Wikinews, 20 PolNeAR dev): the people whose words are reported with
the roles the text gives them, the organisations a careless reader might take for speakers, every
direct quote with its speaker (null for an unnamed spokesman or an organisation's statement) and
2-4 editor tags. Quotes are stored as character offsets into the story as the corpus loaders of
`bench.import_robustness` read it, so no corpus text is copied into the project.
`bench/labelled/outlets/` adds stories of our own in the house styles of outlets the importer was
never tuned on (their text is ours, so it lives here).

Each story was put in `tune` or `heldout` by a hash of its id before anything was scored. Rules
are tuned on `tune` only (`--show` lists its errors); `heldout` and `outlets` are reported as
aggregates and their errors are never printed.

Scores:
- quotes found: a labelled quote is found when a detected quote contains its words in order
  (or a detected quote of at least half its length lies inside it);
- quote speaker: of the quotes found, the share whose detected speaker is the labelled one
  (null counts as right only when the label is null);
- speaker precision, recall, F1: the article's `speakers` list against the labelled people, by
  full name (a surname alone or a name with a descriptor glued on is a miss and a false speaker);
- roles: of the speakers found, the share whose role is one the label accepts (null when the text
  gives none);
- error classes: non-people published as speakers (a labelled organisation, club, publication
  or stray word), name-form errors, roles that are fragments or bare honorifics, missing roles.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.import_robustness import CORPUS, Sample, bbc, polnear, wikinews
from sitegen.ingest.decode import decode_text
from sitegen.ingest.quotes import analyse
from sitegen.ingest.structure import parse_article

HERE = Path(__file__).resolve().parent / "labelled"
LABELS = HERE / "labels.json"
OUTLETS = HERE / "outlets"
_WORD = re.compile(r"\w+")
_HONORIFIC = re.compile(r"^(?:mr|mrs|ms|miss|dr|sir|dame|lord|lady|prof)\.?\s+", re.I)
_LEADING = re.compile(r"^(?:the|a|an|his|her|their|its)\s+", re.I)
# A role that ends like a clause or a dangling phrase, or is only an honorific.
_FRAGMENT_WORDS = ("of for to in at on by with from as and or the a an who which that said says "
                   "told was is were are has had have")
_FRAGMENT_END = frozenset(_FRAGMENT_WORDS.split())
_BARE_WORDS = "mr mrs ms miss dr sir dame lord lady prof rev"
_BARE = frozenset(_BARE_WORDS.split())


def split_of(ident: str) -> str:
    """tune or heldout, fixed by the id alone (decided before anything was scored)."""
    return "tune" if int(hashlib.sha256(ident.encode()).hexdigest(), 16) % 2 == 0 else "heldout"


def fold(text: str) -> str:
    """Lower-case, accents off, curly apostrophes straight: the form names are compared in."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return text.lower().replace("’", "'")


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def name_key(name: str) -> str:
    return " ".join(words(_HONORIFIC.sub("", name.strip())))


def role_key(role: str | None) -> str:
    if not role:
        return ""
    return " ".join(words(_LEADING.sub("", role.strip())))


# --- the set -------------------------------------------------------------------------------------


@dataclass
class Story:
    ident: str
    split: str
    text: str
    label: dict[str, Any]


def corpus_samples(root: Path = CORPUS) -> dict[str, Sample]:
    out: dict[str, Sample] = {}
    for source in (bbc, wikinews, polnear):
        for sample in source(root):
            out[f"{sample.corpus}:{sample.ident}"] = sample
    return out


def load(split: str, root: Path = CORPUS) -> Iterator[Story]:
    """The labelled stories of one split, quotes given back their text from the corpus."""
    if split in ("tune", "heldout", "all"):
        entries = json.loads(LABELS.read_text(encoding="utf-8"))
        samples = corpus_samples(root)
        for entry in entries:
            if split not in ("all", entry["split"]):
                continue
            text = samples[entry["id"]].data.decode("utf-8")
            label = dict(entry)
            label["quotes"] = [dict(q, text=text[q["start"]:q["end"]]) for q in entry["quotes"]]
            yield Story(entry["id"], entry["split"], text, label)
    if split in ("outlets", "all"):
        for path in sorted(OUTLETS.glob("*.json")):
            label = json.loads(path.read_text(encoding="utf-8"))
            text = path.with_suffix(".txt").read_text(encoding="utf-8")
            label["not_quotes"] = [list(w) for q in label.get("not_quotes", [])
                                   if (w := offsets(text, q))]
            yield Story(label["id"], "outlets", text, label)


def offsets(text: str, quote: str) -> tuple[int, int] | None:
    """Where a labelled quote sits in the story (exact, else with quote marks and spaces
    normalised)."""
    at = text.find(quote)
    if at >= 0:
        return at, at + len(quote)
    pattern = r"\s+".join(re.escape(w).replace("'", "['’]") for w in quote.split())
    m = re.search(pattern, text)
    return (m.start(), m.end()) if m else None


def build_labels(raw_dir: Path, root: Path = CORPUS) -> list[dict[str, Any]]:
    """Turn hand-written labels (quotes as text) into the stored form (quotes as offsets)."""
    samples = corpus_samples(root)
    entries: list[dict[str, Any]] = []
    for path in sorted(raw_dir.glob("*.json")):
        label = json.loads(path.read_text(encoding="utf-8"))
        text = samples[label["id"]].data.decode("utf-8")
        quotes = []
        for q in label.get("quotes", []):
            where = offsets(text, q["text"])
            if where is None:
                print(f"{label['id']}: quote not found: {q['text'][:40]!r}", file=sys.stderr)
                continue
            item = {"start": where[0], "end": where[1], "speaker": q.get("speaker"),
                    "kind": q.get("kind", "full")}
            if q.get("on_behalf_of"):
                item["on_behalf_of"] = q["on_behalf_of"]
            quotes.append(item)
        not_quotes = [w for s in label.get("not_quotes", []) if (w := offsets(text, s))]
        entries.append({
            "id": label["id"], "split": split_of(label["id"]),
            "speakers": label.get("speakers", []), "not_speakers": label.get("not_speakers", []),
            "quotes": quotes, "not_quotes": [list(w) for w in not_quotes],
            "tags": label.get("tags", []),
        })
    entries.sort(key=lambda e: e["id"])
    return entries


# --- scoring -------------------------------------------------------------------------------------


@dataclass
class Score:
    stories: int = 0
    quotes: int = 0
    found: int = 0
    partial: int = 0
    partial_found: int = 0
    speaker_right: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    roles_right: int = 0
    not_quotes: int = 0
    not_quotes_taken: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)

    def note(self, kind: str, text: str) -> None:
        self.errors[kind] += 1
        self.examples.setdefault(kind, []).append(text)


def _contains(outer: list[str], inner: list[str]) -> bool:
    if not inner:
        return False
    n = len(inner)
    return any(outer[i:i + n] == inner for i in range(len(outer) - n + 1))


def _matches(detected: list[str], gold: list[str]) -> bool:
    return _contains(detected, gold) or (
        len(detected) * 2 >= len(gold) and _contains(gold, detected))


def _person_index(label: dict[str, Any]) -> dict[str, str]:
    """Every accepted spelling of a labelled person -> that person's main name key."""
    index: dict[str, str] = {}
    for person in label.get("speakers", []):
        key = name_key(person["name"])
        for spelling in [person["name"], *person.get("aliases", [])]:
            index[name_key(spelling)] = key
    return index


def _is_fragment(role: str) -> bool:
    low = words(role)
    return bool(low) and (low[-1] in _FRAGMENT_END or all(w in _BARE for w in low))


def score_story(story: Story, res: Score) -> None:
    article = parse_article(decode_text(story.text.encode("utf-8")))
    headline = [t for t in (article.title, article.subtitle) if t]
    found, speakers = analyse(article.paragraphs, headline)
    label = story.label
    people = _person_index(label)
    res.stories += 1
    where = story.ident
    # quotes
    detected = [(words(q.text), q.speaker) for q in found]
    for q in label["quotes"]:
        gold = words(q["text"])
        if not gold:
            continue
        res.quotes += 1
        partial = q.get("kind") == "partial"
        res.partial += partial
        hit = next((spk for w, spk in detected if _matches(w, gold)), "<missed>")
        if hit == "<missed>":
            res.note("quote missed" + (" (partial)" if partial else ""),
                     f"{where}: {q['text'][:70]!r}")
            continue
        res.found += 1
        res.partial_found += partial
        want = name_key(q["speaker"]) if q.get("speaker") else None
        got = people.get(name_key(hit), name_key(hit)) if hit else None
        if want == got:
            res.speaker_right += 1
        else:
            kind = ("quote speaker: should be none" if want is None
                    else "quote speaker: none given" if got is None
                    else "quote speaker: wrong person")
            res.note(kind, f"{where}: {q['text'][:50]!r} -> {hit!r}, labelled {q.get('speaker')!r}")
    for start, end in label.get("not_quotes", []):
        res.not_quotes += 1
        gold = words(story.text[start:end])
        if any(w == gold for w, _ in detected):
            res.not_quotes_taken += 1
            res.note("scare quote taken as speech", f"{where}: {story.text[start:end][:50]!r}")
    # speakers
    gold_people = {name_key(p["name"]): p for p in label.get("speakers", [])}
    not_people = {name_key(n) for n in label.get("not_speakers", [])}
    matched: set[str] = set()
    for spk in speakers:
        key = people.get(name_key(spk.name))
        if key is None or key in matched:
            res.fp += 1
            _classify_false(spk.name, gold_people, not_people, where, res)
            continue
        matched.add(key)
        res.tp += 1
        accepted = {role_key(r) for r in gold_people[key].get("roles", [])}
        got = role_key(spk.role)
        if (got in accepted) or (not accepted and not got):
            res.roles_right += 1
        elif not got:
            res.note("role missing", f"{where}: {spk.name}: labelled {sorted(accepted)}")
        elif _is_fragment(spk.role or ""):
            res.note("role fragment or honorific", f"{where}: {spk.name}: {spk.role!r}")
        elif not accepted:
            res.note("role where the text gives none", f"{where}: {spk.name}: {spk.role!r}")
        else:
            res.note("role wrong", f"{where}: {spk.name}: {spk.role!r}, labelled "
                     f"{sorted(accepted)}")
    for key, person in gold_people.items():
        if key not in matched:
            res.fn += 1
            res.note("speaker missed", f"{where}: {person['name']}")


def _classify_false(name: str, gold: dict[str, Any], not_people: set[str], where: str,
                    res: Score) -> None:
    key = name_key(name)
    mine = set(key.split())
    if key in not_people or any(key in n or n in key for n in not_people if n):
        res.note("non-person as speaker", f"{where}: {name!r}")
    elif any(mine & set(g.split()) for g in gold):
        res.note("name form (surname only, descriptor glued, split person)", f"{where}: {name!r}")
    else:
        res.note("false speaker (a person not labelled as speaking, or a stray word)",
                 f"{where}: {name!r}")


def score(stories: Iterable[Story]) -> Score:
    res = Score()
    for story in stories:
        score_story(story, res)
    return res


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.3f} ({a}/{b})" if b else "n/a"


def report(split: str, res: Score, show: int) -> str:
    p = res.tp / (res.tp + res.fp) if res.tp + res.fp else 0.0
    r = res.tp / (res.tp + res.fn) if res.tp + res.fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    lines = [
        f"split {split}: {res.stories} stories",
        f"  direct quotes found      {_ratio(res.found, res.quotes)}"
        f"  (short partial quotes {_ratio(res.partial_found, res.partial)})",
        f"  right speaker of found   {_ratio(res.speaker_right, res.found)}",
        f"  speakers: precision {p:.3f}  recall {r:.3f}  F1 {f1:.3f}"
        f"  (tp {res.tp}, fp {res.fp}, fn {res.fn})",
        f"  roles right              {_ratio(res.roles_right, res.tp)}",
        f"  scare quotes taken       {_ratio(res.not_quotes_taken, res.not_quotes)}",
        "  error classes:",
    ]
    for kind, count in sorted(res.errors.items()):
        lines.append(f"    {count:4}  {kind}")
        if show and split == "tune":
            lines.extend(f"          {ex}" for ex in res.examples[kind][:show])
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="tune", choices=["tune", "heldout", "outlets", "all"])
    parser.add_argument("--show", type=int, default=0, help="examples per error class (tune only)")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--build-from", type=Path, help="hand-written labels to convert")
    args = parser.parse_args(argv)
    if args.build_from:
        entries = build_labels(args.build_from, args.corpus)
        LABELS.parent.mkdir(parents=True, exist_ok=True)
        LABELS.write_text(json.dumps(entries, indent=1, ensure_ascii=False) + "\n",
                          encoding="utf-8")
        print(f"{len(entries)} stories -> {LABELS}")
        return 0
    if not args.corpus.is_dir() and args.split != "outlets":
        print(f"{args.corpus}: shared corpus is absent; nothing to measure", file=sys.stderr)
        return 0
    splits = ["tune", "heldout", "outlets"] if args.split == "all" else [args.split]
    for split in splits:
        print(report(split, score(load(split, args.corpus)), args.show))
    return 0


if __name__ == "__main__":
    sys.exit(main())
