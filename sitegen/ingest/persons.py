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
    )


def not_a_person(name: str) -> bool:
    """Whether the vocabularies say the name is an organisation, club, company, publication,
    place or common word, whatever the article's wording ('Jim Press' is a person: a given name
    outweighs an organisation word)."""
    words = name.split()
    if not words:
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


def is_person_name(name: str, introduced: bool, gender: str | None = None) -> bool:
    """Whether a speaker's name may be published. Nothing in the vocabularies may say it is not
    a person, and the article must show it is one: an introduction with a title, an honorific
    or a role ('Mr Brown', 'NASA Administrator Jim Bridenstine'); for a full name, a given name
    first ('Tyresha McClenney') or a he/she that refers to it; for a single word, a common given
    name ('Melanie said'; the big table holds rare names that are also words: 'Armed', 'Md').
    'Overall', 'Sendmail' and 'Stop Stansted Expansion' show none of these: when unsure, the
    quote keeps speaker null."""
    if not_a_person(name):
        return False
    words = name.split()
    if introduced:
        return True
    if len(words) == 1:
        return first_name_gender(words[0]) is not None
    return gender is not None or is_given_name(words[0])
