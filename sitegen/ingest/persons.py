"""Is this a person's name? The check a speaker passes before it is published.

A wrong attribution is worse than none: a speaker page for "Chelsea" or "Overall" misleads every
reader of it. So a name must show that it names a person: its first word is a given name (a
table of about 45,000 from 50 countries, gender-guesser's data, read by `names.given_names`), or
the article introduced it with a title, an honorific or a role ("Mr Brown", "Foreign Minister
Heizo Takenaka"), or a he/she refers to it. A single word passes only with an introduction or
as a common given name ("Melanie said").

What looks like a name but is not (organisation suffixes and prefixes, clubs, companies,
publications, common words) is data in `data/non_people.toml`, matched without case or accents;
places and organisation words come from `names.looks_like_org`, nationality words from the
gazetteer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from sitegen.ingest.data import table
from sitegen.ingest.gazetteer import is_demonym
from sitegen.ingest.names import first_name_gender, fold, is_given_name, is_group, looks_like_org


@dataclass(frozen=True)
class NonPeople:
    """The vocabularies of names that are not people's."""

    suffixes: frozenset[str]
    strong: frozenset[str]  # suffixes that outweigh a given name ("Terrence Higgins Trust")
    prefixes: frozenset[str]
    names: frozenset[str]  # clubs, companies, publications and common words, whole
    possessions: tuple[str, ...]  # "X's shareholders", "X chief executive"
    before: tuple[str, ...]  # "shares in X"
    firms: tuple[str, ...]  # "retailer X", "X, the fashion retailer,"


@cache
def non_people() -> NonPeople:
    """`data/non_people.toml`, folded."""
    data = table("non_people")
    whole = [n for key in ("clubs", "companies", "publications", "common_words")
             for n in data.get(key, [])]
    return NonPeople(
        suffixes=frozenset(fold(s) for s in data.get("org_suffixes", [])),
        strong=frozenset(fold(s) for s in data.get("strong_org_suffixes", [])),
        prefixes=frozenset(fold(s) for s in data.get("org_prefixes", [])),
        names=frozenset(fold(n) for n in whole),
        possessions=tuple(data.get("org_possessions", [])),
        before=tuple(data.get("org_before", [])),
        firms=tuple(data.get("firm_nouns", [])),
    )


def _alternation(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+")
                    for w in sorted(words, key=len, reverse=True))


def _ampersand(words: list[str]) -> str:
    """'Ernst & Young' for the name 'Ernst Young' (a firm of partners)."""
    if len(words) < 2:
        return ""
    first, last = re.escape(words[0]), re.escape(words[-1])
    return rf"|\b{first}\s+&\s+(?:[\w.'’-]+\s+){{0,3}}{last}\b"


@cache
def _evidence_res(name: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The patterns that show the article writes name as an organisation, and as a person."""
    data = non_people()
    n = r"\s+".join(re.escape(w) for w in name.split())
    poss, firms = _alternation(data.possessions), _alternation(data.firms)
    org = (rf"(?:\b(?i:{_alternation(data.before)})\s+(?:the\s+)?{n}\b"
           rf"|\b{n}(?:['’]s?)?\s+(?:{poss})\b|\b{n}\s+shares\b"
           rf"|\b{n},\s+which\b{_ampersand(name.split())}"
           rf"|\b[Tt]he\s+{n}(?=\s*[,.;:]|\s+(?:is|was|has|had|will|would|said|says|"
           r"[a-z]+s|[a-z]+ed)\b)"
           rf"|\b{n}\s+(?:has\s+)?(?:said|says|added|announced)(?:\s+on\s+\w+)?"
           rf"(?:\s+that)?\s+its\b"
           rf"|(?<![\w-])(?:{firms})\s+{n}\b"
           rf"|\b{n},\s+(?:the|a|an)\s+(?:[\w-]+\s+){{0,3}}(?:{firms})"
           r"(?=\s*[,.;:)]|\s+(?:which|that|based)\b))")
    surname = re.escape(name.split()[-1])
    person = (rf"(?:\b(?:Mr|Mrs|Ms|Miss|Dr|Sir|Dame|Lord|Lady|Prof)\.?\s+(?:[A-Z][\w'’-]*\s+)?"
              rf"{surname}\b|\b{n},\s+(?:who\b|\d+,)|\b{n}\s+(?:said|says|added)\s+"
              rf"(?:that\s+)?(?:he|she)\b)")
    return re.compile(org), re.compile(person)


def org_evidence(name: str, text: str) -> bool:
    """Whether the article writes name as an organisation's ('shares in Laura Ashley',
    'Merrill Lynch's chief executive', 'retailer X', 'X, which', 'X said its') more often than
    as a person's ('Ms Ashley', 'X, who', 'X, 34,', 'X said she')."""
    if not text or not name.split():
        return False
    org, person = _evidence_res(name)
    found = len(org.findall(text))
    return found > 0 and found > len(person.findall(text))


# Words no person's name holds: a contraction ("So I'm"), a possessive before another word
# ("Robbie Williams' Angels", "Ladbrokes' Warren Lush") or a web address ("OneStat.com").
_CONTRACTION_RE = re.compile(r"^(?:I|.*['’](?:m|ve|ll|re|d|t))$|\.(?:com|net|org|uk)$", re.I)
_POSSESSIVE_RE = re.compile(r"^.+(?:['’]s|s['’])$")


def not_a_person(name: str) -> bool:
    """Whether the vocabularies say the name is an organisation, club, company, publication,
    place or common word, whatever the article's wording ('Jim Press' is a person: a given name
    outweighs an organisation word)."""
    words = name.split()
    if not words or any(_CONTRACTION_RE.search(w) for w in words) or any(
            _POSSESSIVE_RE.match(w) for w in words[:-1]):
        return True
    data = non_people()
    folded = fold(name)
    bare = folded[4:] if folded.startswith("the ") else folded
    if bare in data.names or is_demonym(words[0]) or is_demonym(name):  # "Scottish Water",
        return True  # "Dutch Telecom", "Sri Lankan"
    if len(words) > 1 and fold(words[-1]) in data.strong:
        return True
    if len(words) > 1 and first_name_gender(words[0]):
        return False
    if looks_like_org(name) or (len(words) == 1 and is_group(words[0])):
        return True
    return len(words) > 1 and (fold(words[-1]) in data.suffixes or fold(words[0]) in data.prefixes)


def is_person_name(
    name: str, introduced: bool, gender: str | None = None, text: str = ""
) -> bool:
    """Whether a speaker's name may be published. Nothing in the vocabularies may say it is not
    a person, and the article must show it is one: an introduction with a title, an honorific
    or a role ('Mr Brown', 'NASA Administrator Jim Bridenstine'); for a full name, a given name
    first ('Tyresha McClenney') or a he/she that refers to it; for a single word, a common given
    name ('Melanie said'; the big table holds rare names that are also words: 'Armed', 'Md').
    'Overall', 'Sendmail' and 'Stop Stansted Expansion' show none of these: when unsure, the
    quote keeps speaker null. An article that writes the name as an organisation's more often
    than as a person's (text: the article, `org_evidence`) outweighs a role or a given name."""
    if not_a_person(name) or org_evidence(name, text):
        return False
    words = name.split()
    if introduced:
        return True
    if len(words) == 1:
        return first_name_gender(words[0]) is not None
    return gender is not None or is_given_name(words[0])
