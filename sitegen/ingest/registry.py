"""Who is who in one article: one canonical person per name, surname, pronoun and role noun.

"Russian Foreign Minister Sergey Lavrov" ... "Lavrov said" ... "the minister said" ... "he said"
must all land on one person; two people sharing a surname must stay apart (a bare surname goes to
the one mentioned most recently, a first name picks one).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from sitegen.ingest.frames import ABBREV_RE, SPEECH_VERBS, Subject
from sitegen.ingest.gazetteer import is_demonym
from sitegen.ingest.names import (
    NAME_PARTICLES,
    NON_NAME_WORDS,
    PARTY_NOUNS,
    ROLE_ADJECTIVES,
    ROLE_NOUNS,
    ROLE_SYNONYMS,
    NameParts,
    clean_role,
    guess_gender,
    has_role_head,
    is_cap,
    is_given_name,
    is_group,
    is_honorific,
    is_title,
    looks_like_org,
    norm,
    org_not_person,
    role_gender,
    role_like,
    split_name,
)
from sitegen.ingest.persons import not_a_person

PAR_STRIDE = 1_000_000  # a global position is paragraph index * PAR_STRIDE + offset
_WORD_RE = re.compile(r"[\w.'’-]+|[^\w\s]")
_PREPOSITION_WORDS = """
in at from to of for with by on about against than like between into over under near across
through within without toward towards
"""
_PREPOSITIONS = frozenset(_PREPOSITION_WORDS.split())
# "Blair claiming ..." is a participle, not Blair speaking: only finite forms make a subject.
_FINITE_SPEECH = frozenset(v for v in SPEECH_VERBS if not v.endswith("ing"))
# Roles news rarely names ("the spokesman said"): no fallback to someone named earlier.
_UNNAMED_ROLES = frozenset(
    {"spokesman", "spokeswoman", "spokesperson", "aide", "source", "sources"}
)
_MODIFIED_WORD_LIST = """
campaign campaigns administration camp aides supporters surrogates team foundation family era
presidency voters allies rally rallies organization transition
"""
_MODIFIED_NOUNS = frozenset(_MODIFIED_WORD_LIST.split())
_AUX_WORDS = "is was has had have can could will would may might must should also then did does do"
_AUX = frozenset(_AUX_WORDS.split())
# Irregular past tenses ("Ms LaBelle got a huge roar"): a name before one is a clause subject.
_IRREGULAR_PAST_WORDS = """
got gave took made came went won lost led left met ran saw sat stood held kept became began
brought bought built caught felt found fought grew heard knew meant sold spent struck taught
thought threw understood wore drew drove fell flew forgot hid rode sought slept stole woke
chose wrote spoke rose broke froze shook swore tore bore paid laid lay lit shot shut spun
spread stuck swung withdrew
"""
_IRREGULAR_PAST = frozenset(_IRREGULAR_PAST_WORDS.split())


@dataclass
class Person:
    """A person of the article, with the role the article gave them and where they were named."""

    name: str
    role: str | None
    gender: str | None
    first_pos: int
    last_pos: int
    roles: list[str] = field(default_factory=list)
    surname_refs: int = 0  # times named by the bare surname ("Clinton said")
    introduced: bool = False  # named with a title, an honorific or a role somewhere
    apposed_at: int = -1  # where an apposition introduced them ("X, president of Y,")

    @property
    def words(self) -> list[str]:
        return [norm(w) for w in self.name.split()]


class Registry:
    """People named so far in reading order; resolves names, pronouns and role nouns."""

    def __init__(
        self,
        sentence_key: Callable[[int], int] | None = None,
        near: Callable[[int, int], bool] | None = None,
    ) -> None:
        self.people: list[Person] = []
        self.log: list[tuple[int, Person]] = []
        self.salient: list[tuple[int, Person]] = []  # mentions as a clause subject or speaker
        self.spoke: list[tuple[int, Person]] = []  # people a frame attributed a quote to
        self.unnamed: list[tuple[int, str]] = []  # indefinite role frames: "a spokesman said"
        self.indefinite: list[tuple[int, str | None]] = []  # "A spokesman for X defended it."
        self.sentence_key = sentence_key or (lambda pos: pos)
        self.near = near or (lambda at, pos: True)  # whether at is close enough to pos

    def _touch(
        self, person: Person, pos: int, role: str | None, gender: str | None, subject: bool = True,
        introduced: bool = False,
    ) -> Person:
        role = clean_role(role)
        # an employer as role ("of the World Health Organization") shows no person
        person.introduced = person.introduced or introduced or bool(
            role and has_role_head(role.split()))
        if subject:
            self.salient.append((pos, person))
        person.last_pos = max(person.last_pos, pos)
        if role:
            if person.role is None:
                person.role = role
            person.roles.append(role)
        person.gender = person.gender or gender
        self.log.append((pos, person))
        return person

    def _recent(self, people: list[Person], pos: int) -> Person | None:
        before = [p for p in people if p.first_pos <= pos]
        pool = before or people
        return max(pool, key=lambda p: p.last_pos) if pool else None

    def _by_surname(self, people: list[Person], pos: int) -> Person | None:
        """Of several people sharing a surname, the one the article already calls by the bare
        surname (news style names the others in full: 'Rafael Cruz', 'Bill Clinton'), else the
        most recent."""
        called = [p for p in people if p.surname_refs and p.first_pos <= pos]
        if called:
            return max(called, key=lambda p: (p.surname_refs, p.last_pos))
        before = [p for p in people if p.first_pos <= pos]
        leads = [p for p in before if any(
            q is p and self.sentence_key(at) == self.sentence_key(p.first_pos)
            for at, q in self.salient)]
        if len(before) > 1 and leads:  # news names its main person first, as a subject
            return min(leads, key=lambda p: p.first_pos)  # ("Donald Trump reported he and
        return self._recent(people, pos)  # his wife ..."), relatives after ("Ivanka Trump")

    def name(self, parts: NameParts, pos: int, subject: bool = True) -> Person:
        """Resolve (or introduce) the person a name mention refers to."""
        found = self._find(parts, pos)
        if found is None:
            found = Person(parts.name, clean_role(parts.role), parts.gender, pos, pos)
            self.people.append(found)
        if parts.apposed and found.apposed_at < 0:
            found.apposed_at = pos
        return self._touch(found, pos, parts.role, parts.gender, subject, parts.introduced)

    def _find(self, parts: NameParts, pos: int) -> Person | None:
        """The person already named whom this mention names (keeping the fuller name), if any."""
        words = [norm(w) for w in parts.name.split()]
        if len(words) >= 2:
            same = [p for p in self.people if p.words[0] == words[0] and p.words[-1] == words[-1]]
            if same:
                return same[0]
            bare = [p for p in self.people if p.words == words[-1:]]
            if bare:
                bare[0].name = parts.name
                return bare[0]
            longer = [p for p in self.people if len(p.words) > len(words)
                      and p.words[-len(words):] == words]
            if longer:  # "Suu Kyi" after "Aung San Suu Kyi"
                return longer[0]
            shorter = [p for p in self.people if 1 < len(p.words) < len(words)
                       and words[-len(p.words):] == p.words]
            if shorter:  # "Aung San Suu Kyi" after "Suu Kyi": keep the full name
                shorter[0].name = parts.name
                return shorter[0]
            return None
        word = words[0]
        matches = [p for p in self.people if word in (p.words[-1], p.words[0])]
        if parts.gender and len(matches) > 1:  # "Mr. Bush" after George W. and Laura Bush
            matches = [p for p in matches if p.gender in (None, parts.gender)] or matches
        if not matches:  # "McLenney" after "Tyresha McClenney": a typo in the copy
            matches = [p for p in self.people if len(p.words) > 1 and _typo(word, p.words[-1])]
        by_surname = [p for p in matches if p.words[-1] == word]
        found = self._by_surname(by_surname, pos) or self._recent(matches, pos)
        if found is not None and by_surname:
            found.surname_refs += 1
        return found

    def mention(self, parts: NameParts, pos: int, subject: bool = False) -> None:
        """Note a name seen in running text; a bare unknown word (a place?) introduces no one."""
        if len(parts.name.split()) == 1 and not (parts.role or parts.gender or parts.speaks):
            word = norm(parts.name)
            if not any(word in (p.words[-1], p.words[0]) for p in self.people):
                return
        self.name(parts, pos, subject)

    def someone(self, pos: int, gender: str | None) -> None:
        """An unnamed person opens a sentence at pos ('A spokesman for the ministry said')."""
        self.indefinite.append((pos, gender))

    def pronoun(self, gender: str | None, pos: int) -> Person | None:
        """The person a he/she refers to: the latest sentence naming someone whose gender fits,
        and in it the first clause subject, else the first such person; no one when an unnamed
        person ('a spokesman') was introduced after that sentence."""
        fits = self._fits(self.log, gender, pos)
        if not fits:
            return None
        if any(fits[-1][0] < at < pos and (gender is None or g in (None, gender))
               and self.near(at, pos) for at, g in self.indefinite):
            return None
        key = self.sentence_key(fits[-1][0])
        same = [p for at, p in fits if self.sentence_key(at) == key]
        person = same[0]
        salient = [p for at, p in self._fits(self.salient, gender, pos)
                   if self.sentence_key(at) == key]
        people = [p for p in salient if not not_a_person(p.name)]
        salient = people or salient  # "Before Newcastle said ..., Bellamy insisted he ...": a
        # club is no he, but a sentence naming no one else keeps the quote from anyone
        spoke = [p for at, p in self._fits(self.spoke, gender, pos)
                 if self.sentence_key(at) == key and not not_a_person(p.name)]
        new = [p for at, p in fits if self.sentence_key(at) == key and p.roles
               and self.sentence_key(p.first_pos) == key == self.sentence_key(p.apposed_at)]
        if spoke:
            person = spoke[0]  # whoever spoke in that sentence, before a mere subject
        elif new and salient and key // PAR_STRIDE < pos // PAR_STRIDE and \
                self.sentence_key(salient[0].first_pos) < key:
            person = new[-1]  # "..., which concerns Henry Crespo, president of ...": a quote
            # opening the next paragraph is the newcomer's, not the known subject's
        elif salient:
            person = salient[0]
        else:  # only objects named there: a recent speaker who fits keeps the floor
            speaker = self._last_speaker(gender, pos)
            if speaker is not None and self.near(speaker[0], pos):
                person = speaker[1]
        if gender and person.gender is None and len({id(p) for p in same}) == 1:
            person.gender = gender
        return person

    def _last_speaker(self, gender: str | None, pos: int) -> tuple[int, Person] | None:
        fits = self._fits(self.spoke, gender, pos)
        return fits[-1] if fits else None

    @staticmethod
    def _fits(
        log: list[tuple[int, Person]], gender: str | None, pos: int
    ) -> list[tuple[int, Person]]:
        return [
            (at, p) for at, p in log
            if at < pos and not looks_like_org(p.name)
            and (gender is None or p.gender in (None, gender))
        ]

    def role(self, head: str, pos: int, phrase: str | None = None) -> Person | None:
        """Most recently named person whose role fits a role noun ('the minister'); for a
        definite title with no such person ('the official'), the speaker just before if the
        article gave them no role, else the latest speaker with a role."""
        if phrase and " " not in phrase and phrase[:1].isupper():
            named = [p for p in self.people if p.words[-1] == head and p.first_pos < pos]
            if named:  # "Dean said": Howard Dean, a surname that is also a title
                return self._recent(named, pos)
        words = (phrase or "").lower().split()
        if words[:1] and words[0] in {"a", "an", "one", "another"}:
            self.unnamed.append((pos, head))  # "a city official said": someone new
            return None
        keys = ROLE_SYNONYMS.get(head, (head,))
        for at, person in reversed(self.log):
            if at >= pos:
                continue
            text = " ".join(person.roles).lower()
            if any(re.search(rf"\b{re.escape(k)}", text) for k in keys):
                return person
        described = len(words) >= 3 and head in ROLE_NOUNS  # "the New York businessman"
        nationality = phrase is not None and is_demonym(phrase.split()[-1])  # "the American"
        titled = is_title(head) or head in PARTY_NOUNS or described or nationality
        if words[:1] != ["the"] or not titled or head in _UNNAMED_ROLES:
            return None
        gender = role_gender(phrase)
        if (described or nationality) and not is_title(head):
            here = self.sentence_key(pos)  # not someone named earlier in its own sentence
            floor = [(at, p) for at, p in self._fits(
                sorted(self.salient + self.spoke, key=lambda e: e[0]), gender, pos)
                if self.sentence_key(at) != here]
            if floor and any(floor[-1][0] < at < pos
                             for at, _ in [*self.unnamed, *self.indefinite]):
                return None  # "A spokesman for the club said ...; '...,' said the Scot": the
                # unnamed newcomer, whom the article does not name
            if floor and self.near(floor[-1][0], pos):
                key = self.sentence_key(floor[-1][0])  # "Roddick was left frustrated. '...,'
                # said the American": a description refers back to whoever holds the floor,
                # the first subject of the latest sentence naming one ("Yelling said the team
                # would understand if Radcliffe opted out" is Yelling's)
                return next(p for at, p in floor if self.sentence_key(at) == key)
        since = max((at for at, h in self.unnamed if h == head and at < pos), default=-1)
        fits = [(at, p) for at, p in self.spoke if since < at < pos and gender in (None, p.gender)]
        if since >= 0 and not fits:
            return None  # "the official" is the unnamed one introduced since
        if fits and self.near(fits[-1][0], pos) and not fits[-1][1].roles:
            return fits[-1][1]  # "the Vermont senator" right after Bernie Sanders spoke
        spoken = next((p for _, p in reversed(fits) if p.roles), None)
        if spoken is not None:
            return spoken
        subjects = [(at, p) for at, p in self._fits(self.salient, gender, pos) if at > since]
        near = subjects and self.near(subjects[-1][0], pos)
        return subjects[-1][1] if near else None  # no one has spoken yet: the latest subject

    def resolve(self, subj: Subject, pos: int, speaks: bool = True) -> Person | None:
        """The person a frame subject refers to, or None (organisations never speak as people)."""
        if subj.kind == "name":
            if org_not_person(subj.text) and not self._known(subj.text):
                return None
            parts = NameParts(subj.text, subj.role, subj.gender, introduced=subj.introduced)
            found: Person | None = self.name(parts, pos)
        elif subj.kind == "pronoun":
            found = self.pronoun(subj.gender, pos)
        elif subj.kind == "role":
            found = self.role(subj.text, pos, subj.role)
        else:
            return None
        if found is not None:
            if subj.kind != "name":
                self.log.append((pos, found))
                self.salient.append((pos, found))
            if speaks:
                self.spoke.append((pos, found))
        return found

    def _known(self, name: str) -> bool:
        """Whether a name that looks like a place or body is someone already named ('Jordan'
        after 'Rep. Jim Jordan')."""
        words = [norm(w) for w in name.split()]
        return any(p.words[-len(words):] == words for p in self.people)

    def others_named(self, person: Person | None, lo: int, hi: int) -> bool:
        """Whether anyone but person was named between lo and hi as a clause subject (an object,
        as in '..., he said, referring to Clinton.', does not take the floor)."""
        return any(lo < at < hi and p is not person for at, p in self.salient)


def _typo(word: str, surname: str) -> bool:
    """Whether word is surname with one letter dropped, added or changed (both 6+ letters, same
    first letter): a misspelt later mention, not another person."""
    if min(len(word), len(surname)) < 6 or word[0] != surname[0] or word == surname:
        return False
    if len(word) == len(surname):
        return sum(a != b for a, b in zip(word, surname, strict=True)) == 1
    short, long = sorted((word, surname), key=len)
    if len(long) - len(short) != 1:
        return False
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))


def name_mentions(text: str) -> list[tuple[int, NameParts, bool]]:
    """Person-like name phrases in plain (unquoted) text: offset, parts, and whether the name is
    the subject of its clause (it opens a sentence or a verb follows), which makes it salient."""
    found: list[tuple[int, NameParts, bool]] = []
    words = _words(text)
    shared: tuple[str, int] | None = None  # a plural role a list of names shares, and its end
    i = 0
    while i < len(words):
        j = i
        while j < len(words) and (_run_token(words[j][1]) or _title_of(words, i, j)
                                  or _role_modifier(words, i, j)):
            j += 1
        if j == i:
            i += 1
            continue
        run = words[i:j]
        while run and not is_cap(run[-1][1]):
            run = run[:-1]
        prev = words[i - 1][1] if i > 0 else "."
        k = _skip_parenthetical(words, i + len(run))  # "Sen. David Perdue (R-Ga.) said"
        nxt = words[k][1] if k < len(words) else "."
        after = words[k + 1][1] if k + 1 < len(words) else "."
        subject = norm(prev) not in _PREPOSITIONS and (
            _verbish(nxt, prev) or prev.lower() in _FINITE_SPEECH or _appositive(nxt, after)
        )
        plural = len(run) == 1 and is_group(run[0][1])
        speaks = (  # "Lavrov said"; not "Critics say" nor "the Commission on Debates announced"
            nxt.lower() in _FINITE_SPEECH and not plural and norm(prev) not in _PREPOSITIONS
        )
        if len(run) > 1 and run[0][1] == "The" and prev not in {".", "!", "?", ":", "|", "“", '"'} \
                and not any(norm(t) in ROLE_NOUNS or is_title(t) for _, t in run[1:]):
            i = j  # "presents The Weakest Link": a capital "The" inside a sentence opens a title
            continue  # (not "The Aviator star Leonardo DiCaprio")
        if nxt in _MODIFIED_NOUNS or (prev.lower() == "the" and len(run) == 1):
            i = j  # "the Clinton campaign": a modifier; "the Scot", "the Belgian": a role
            continue
        parts = _person_parts([w for _, w in run], subject, speaks)
        if parts is not None and clean_role(parts.role) is None and _appositive(nxt, after):
            # (an age or a stray word before the name is no role: "Fourteen-year-old X, a ...")
            parts = NameParts(parts.name, _appositive_role(words, k + 1), parts.gender,
                              apposed=True)
        if parts is not None and " " not in parts.name and is_given_name(parts.name):
            family = _family_name(words, i, found)
            if family:  # "George W. Bush ... and his wife, Laura": Laura Bush
                parts = NameParts(f"{parts.name} {family[1]}", parts.role or family[0],
                                  parts.gender or role_gender(family[0]), parts.speaks,
                                  introduced=True)
        if parts is not None and norm(prev) in {"named", "called"}:
            named = _named_role(words, i - 1)
            if named:  # "a university student named Wong": a person, with that role
                parts = NameParts(parts.name, parts.role or named, parts.gender, parts.speaks,
                                  introduced=True)
        if parts is not None and clean_role(parts.role) is None:
            role = _apposed_role(words, i, k)
            if role:  # "Ofsted chief, David Bell," / "Julie Howell, policy manager at the RNIB,"
                parts = NameParts(parts.name, role, parts.gender, parts.speaks, parts.introduced)
        if parts is not None and parts.role and _plural_role(parts.role.split()[-1]) and not (
                k < len(words) and words[k][1] in {",", "and"}):
            i = j  # "market analysts Chart-Track": a plural before one name names a body
            continue
        if parts is not None and parts.role is None:
            role = _listed_role(words, i, k, shared)
            if role:  # "NASA astronauts Bob Behnken and Doug Hurley", "two voters, A and B"
                parts = NameParts(parts.name, role, parts.gender, parts.speaks)
        shared = _shared_role(parts, run, k, shared)
        if parts is not None and parts.gender is None and subject:
            gender = _pronoun_after(words, i + len(run))
            parts = NameParts(parts.name, parts.role, gender, parts.speaks)
        if parts is not None:
            found.append((run[0][0], parts, subject))
        i = j
    return found


_KIN_WORDS = """
wife husband son daughter brother sister mother father widow widower stepson stepdaughter
grandson granddaughter
"""
_KIN = frozenset(_KIN_WORDS.split())


def _family_name(words: list[tuple[int, str]], i: int,
                 found: list[tuple[int, NameParts, bool]]) -> tuple[str, str] | None:
    """(relation, surname) for a given name alone after 'his wife,' / 'her son' when the
    sentence named the family's man or woman before it ('George W. Bush ... and his wife,
    Laura'), else None."""
    k = i - 1
    if k >= 0 and words[k][1] == ",":
        k -= 1
    if k < 1 or norm(words[k][1]) not in _KIN or norm(words[k - 1][1]) not in {"his", "her"}:
        return None
    start = words[k - 1][0]
    for m in range(k - 2, -1, -1):
        if words[m][1] in {".", "!", "?", "|"}:
            break
        start = words[m][0]
    before = [p for at, p, _ in found if start <= at < words[k - 1][0] and " " in p.name]
    if not before:
        return None
    want = "m" if norm(words[k - 1][1]) == "his" else "f"
    owner = before[-1]
    if owner.gender not in (None, want):
        return None
    return f"{norm(words[k][1])} of {owner.name}", owner.name.split()[-1]


def _named_role(words: list[tuple[int, str]], at: int) -> str | None:
    """'university student' from 'a university student named Wong' (at: the index of 'named'):
    an indefinite role phrase ending in a role noun, else None."""
    out: list[str] = []
    for m in range(at - 1, max(at - 6, -1), -1):
        tok = words[m][1]
        if norm(tok) in {"a", "an", "one"}:
            return " ".join(out) if out and norm(out[-1]) in ROLE_NOUNS else None
        if not tok.isalpha() and "-" not in tok:
            return None
        out.insert(0, tok)
    return None


_BARE_VERB_WORDS = "beat hit put set cut let quit bid win lose lead meet see make take give join"
_BARE_VERBS = frozenset(_BARE_VERB_WORDS.split())
_PLURAL_MODIFIER_WORDS = """
affairs sports arts news rights relations services resources operations sales communications
systems games markets events studies sciences works
"""
_PLURAL_MODIFIERS = frozenset(_PLURAL_MODIFIER_WORDS.split())
_MODIFIER_BOUNDARY = frozenset(
    {".", ",", ";", ":", "|", "(", "the", "a", "an", "his", "her", "their", "its", "our", "as"})


def _role_modifier(words: list[tuple[int, str]], i: int, j: int) -> bool:
    """'serial' in 'Toronto serial killer Bruce McArthur', 'committee' in 'Democratic committee
    chairman Jerrold Nadler': a lower-case word before a role noun, inside a run that began with
    a capitalised word or right after a determiner or punctuation (not 'beat champion X')."""
    tok = words[j][1]
    low = tok.lower()
    if not (tok.islower() and tok.replace("-", "").isalpha()) or low in NON_NAME_WORDS:
        return False
    if low in _PREPOSITIONS or low in _FINITE_SPEECH or low in _AUX or low in _IRREGULAR_PAST:
        return False
    if low.endswith(("ly", "ed", "ing")) and low not in ROLE_ADJECTIVES:
        return False
    if low in _BARE_VERBS or (low.endswith("s") and low not in _PLURAL_MODIFIERS):
        return False  # "Williams beat world champion X", "Smith hails coach X"
    if j == i and (i == 0 or norm(words[i - 1][1]) not in _MODIFIER_BOUNDARY):
        return False
    for k in (j + 1, j + 2):
        if k >= len(words):
            return False
        nxt = words[k][1]
        if nxt.islower() and (role_like(nxt) or norm(nxt) in ROLE_NOUNS):
            return k + 1 < len(words) and is_cap(words[k + 1][1])
        if not (nxt.islower() and nxt.isalpha()):
            return False
    return False


def _plural_role(tok: str) -> bool:
    """'astronauts', 'spokesmen': a lower-case plural of a role noun."""
    low = norm(tok)
    return tok.islower() and (
        (low.endswith("s") and low[:-1] in ROLE_NOUNS)
        or (low.endswith("men") and low[:-3] + "man" in ROLE_NOUNS))


def _listed_role(words: list[tuple[int, str]], i: int, k: int,
                 shared: tuple[str, int] | None) -> str | None:
    """The role a plural role noun gives each name of the list it introduces: the next name
    of 'NASA astronauts Bob Behnken and Doug Hurley', or every name of 'two voters, Ann Lee and
    Bo Park' (an apposition to a plural: only with a list, not 'met voters, Ann Lee said')."""
    if shared is not None and shared[1] < i and all(
            words[m][1] in {",", "and"} for m in range(shared[1], i)):
        return shared[0]
    if i < 2 or words[i - 1][1] != "," or not _plural_role(words[i - 2][1]):
        return None
    if k >= len(words) or words[k][1] not in {",", "and"}:
        return None
    if not (k + 1 < len(words) and is_cap(words[k + 1][1])):
        return None
    m = i - 2
    while m > 0 and (is_cap(words[m - 1][1]) or norm(words[m - 1][1]) in ROLE_ADJECTIVES) \
            and norm(words[m - 1][1]) not in NON_NAME_WORDS:
        m -= 1
    return " ".join(w for _, w in words[m: i - 1])


def _shared_role(parts: NameParts | None, run: list[tuple[int, str]], k: int,
                 shared: tuple[str, int] | None) -> tuple[str, int] | None:
    """What the next name of a list inherits: this name's role when it came from a plural
    role noun ('astronauts'), or the list's role this name inherited; else nothing."""
    if parts is None or not parts.role:
        return None
    if shared is not None and parts.role == shared[0]:
        return (shared[0], k)
    role_words = parts.role.split()
    if run and role_words and _plural_role(role_words[-1]):
        return (parts.role, k)
    return None


def _skip_parenthetical(words: list[tuple[int, str]], k: int) -> int:
    """Index after a short '(R-Ga.)' or '(D)' at k, else k."""
    if k >= len(words) or words[k][1] != "(":
        return k
    for m in range(k + 1, min(k + 8, len(words))):
        if words[m][1] == ")":
            return m + 1
    return k


def _title_of(words: list[tuple[int, str]], i: int, j: int) -> bool:
    """'Secretary of State John Kerry', 'Mayor of London Sadiq Khan', 'Chief Secretary to the
    Treasury Paul Boateng': 'of' or 'to' inside a title."""
    if j > i and words[j][1] == "the" and words[j - 1][1] in {"of", "to"} and is_title(
            words[j - 2][1]):
        return j + 1 < len(words) and is_cap(words[j + 1][1])  # "President of the United
    return (  # States Joe Biden"
        j > i and words[j][1] in {"of", "to"} and is_title(words[j - 1][1])
        and j + 1 < len(words) and (is_cap(words[j + 1][1]) or words[j + 1][1] == "the")
    )


def _words(text: str) -> list[tuple[int, str]]:
    """Word tokens with offsets; a sentence-final dot is its own token, 'Mr.' keeps its dot."""
    words: list[tuple[int, str]] = []
    for m in _WORD_RE.finditer(text):
        tok = m.group()
        if tok.endswith(".") and len(tok) > 1 and not ABBREV_RE.search(tok):
            words.extend([(m.start(), tok[:-1]), (m.end() - 1, ".")])
        else:
            words.append((m.start(), tok))
    return words


_PRONOUN_GENDER = {"he": "m", "his": "m", "him": "m", "she": "f", "her": "f", "hers": "f"}


def _pronoun_after(words: list[tuple[int, str]], start: int) -> str | None:
    """Gender from the first he/his or she/her shortly after a subject name ('Ham made it clear
    he had ...'), unless another name or the end of the sentence comes first."""
    for _, tok in words[start: start + 8]:
        if tok in {".", "!", "?", "|"} or (is_cap(tok) and norm(tok) not in NON_NAME_WORDS):
            return None
        if tok.lower() in _PRONOUN_GENDER:
            return _PRONOUN_GENDER[tok.lower()]
    return None


_CLAUSE_WORDS = frozenset(["said", "says", "told", "added", "who", "which", "that", "is", "was"])
# words: "a tax lawyer and senior fellow at the Urban-Brookings Tax Policy Center"
_APPOSITION_REACH = 16


def _appositive_role(words: list[tuple[int, str]], start: int) -> str | None:
    """'a spokeswoman for the ministry' from 'Anna Kim, a spokeswoman for the ministry, said'."""
    out: list[str] = []
    for _, tok in words[start: start + _APPOSITION_REACH]:
        if tok in {",", ".", ";", ":", "(", ")"}:
            break
        if out and is_cap(out[-1]) and tok.islower() and _verbish(tok, "") \
                and not role_like(tok) and tok not in _PLURAL_MODIFIERS:
            out.append("said")  # "manager at Snappy Snaps believes ...": a clause ends it
            break
        out.append(tok)
    else:  # no comma in reach: a role cut in the middle of a name, unless a clause ends it
        if start + _APPOSITION_REACH < len(words) and not any(
                norm(t) in _CLAUSE_WORDS for t in out):
            return None
    while out and norm(out[0]) in {"a", "an", "the"}:
        out = out[1:]
    return " ".join(out) or None


_OPENING_ADVERBS = frozenset({"now", "already", "formerly", "once", "still", "then"})
_RELATIVE = frozenset({"who", "whose", "whom", "which", "that", "where", "when", "while"})


def _headed(role: str | None) -> str | None:
    """A role phrase cleaned, when it has a head noun that names what someone is (a lone
    capitalised word must be a role word: 'Tveter' ends like an agent noun but is a name)."""
    if not role or norm(role.split()[0]) in _RELATIVE:
        return None  # "X, whose father ...", "X, who became the oldest player"
    role = clean_role(role)
    if not role or not has_role_head(role.split()):
        return None
    if " " not in role and not (norm(role) in ROLE_NOUNS or is_title(role)):
        return None
    return role


def _apposed_role(words: list[tuple[int, str]], i: int, k: int) -> str | None:
    """The role an apposition gives the name words[i:k] when no role word opened it: after the
    name, up to the next comma ('Julie Howell, digital policy manager at the RNIB,', 'John
    Connors, Microsoft's chief financial officer said'); else before it, a whole comma chunk
    closed by a comma after the name ('Ofsted chief, David Bell, for', 'The chairman of the
    committee, Sher Khan, said', 'its Paris lawyer, Emmanuel Gaillard of X,'). The phrase must
    have a role's head noun; a plural ('voters, Ann Lee') is the list rule's."""
    if k < len(words) and words[k][1] == "," and k + 1 < len(words):
        start = k + 1
        if words[start][1].isdigit() and start + 2 < len(words) and words[start + 1][1] == ",":
            start += 2  # "John Smith, 45, a teacher,"
        first = words[start][1]
        verb = first.islower() and _verbish(first, "") and not role_like(first)
        role = None if verb else _headed(_appositive_role(words, start))
        if role and not _plural_role(role.split()[-1]):
            return role
    if i < 2 or words[i - 1][1] != ",":
        return None
    chunk: list[str] = []
    m = i - 2
    while m >= 0 and len(chunk) <= _APPOSITION_REACH:
        tok = words[m][1]
        if tok in {",", ".", ";", ":", "|", "!", "?", "(", ")", '"', "“", "”"}:
            break
        low = norm(tok)
        prev = norm(words[m - 1][1]) if m > 0 else "."
        if low in _PREPOSITIONS and (prev == "according" or not (
                role_like(words[m - 1][1]) or is_cap(words[m - 1][1]))):
            break  # "singled out by | Ofsted chief"; "chairman of the committee" goes on
        if (tok[:1].islower() and (low in _FINITE_SPEECH or low in _AUX
                                   or low in _IRREGULAR_PAST)) or any(
                c.isdigit() for c in tok) or (tok.endswith(".") and len(tok) > 2):
            return None  # a clause, a time ("4 a.m."), not an apposition
        if tok.islower() and _verbish(tok, "") and not role_like(tok) \
                and low not in _PLURAL_MODIFIERS and not tok.endswith(("'s", "’s")):
            return None  # "research suggests musician, X"
        chunk.insert(0, tok)
        m -= 1
    if not chunk or len(chunk) > 14 or _plural_role(chunk[-1]):
        return None
    if any(t.endswith(("ed", "ing")) and not role_like(t) and norm(t) not in ROLE_ADJECTIVES
           and "-" not in t and t[:1].islower() for t in chunk):  # ("highest-ranking",
        # "long-serving" are adjectives, "United" a name)
        return None  # "Asked about the coach, X said": a clause, not an apposition
    closed = k >= len(words) or words[k][1] in {",", ".", "of", "from", "at"}
    if len(chunk) > 2 and norm(chunk[0]) in _OPENING_ADVERBS:
        chunk = chunk[1:]  # "Now the highest-ranking prosecutor in the country, Lynch rose"
    opens = (m < 0 or words[m][1] in {".", "!", "?", "|", ":"}) and norm(chunk[0]) in {
        "a", "an", "the"}
    if not closed and not (opens and k < len(words) and (
            words[k][1] in _FINITE_SPEECH or (_verbish(words[k][1], "") and len(chunk) > 2))):
        return None  # "A member of the parliament, Ann Lee said"; "The chief inspector of
    return _headed(" ".join(chunk))  # schools, Ann Lee published ..."


def _appositive(nxt: str, after: str) -> bool:
    """'Henry Crespo, president of ...': a name introduced with its role."""
    low = norm(after)
    return nxt == "," and (low in {"a", "an", "the"} or low in ROLE_NOUNS or low in ROLE_ADJECTIVES)


def _verbish(nxt: str, prev: str) -> bool:
    """Whether the word after a name suggests the name is a clause subject."""
    low = nxt.lower()
    if nxt == ",":
        return prev in {".", ",", "―", "—", "|"} or prev[:1].isupper()  # | : a quote ended
    if not nxt[:1].islower():
        return False
    return low in _FINITE_SPEECH or low in _AUX or low in _IRREGULAR_PAST or low.endswith(
        ("ed", "ly")) or (
        low.endswith("s") and not low.endswith("ss") and len(low) > 3
    )


def _run_token(tok: str) -> bool:
    low = norm(tok)
    return (is_cap(tok) or low in NAME_PARTICLES or low in ROLE_ADJECTIVES or low in ROLE_NOUNS
            or _plural_role(tok)  # "NASA astronauts Bob Behnken and Doug Hurley"
            or (tok.islower() and role_like(tok)))  # "presenter Vic Galloway"


def _role_word(name: str) -> bool:
    """'The Republican', 'the Democrat': a one-word role, not a name."""
    low = norm(name)
    return " " not in name and (low in ROLE_ADJECTIVES or low in ROLE_NOUNS or is_title(name))


def _person_parts(run: list[str], subject: bool, speaks: bool = False) -> NameParts | None:
    """NameParts for a run that names a person (by first name, title or honorific, or as a
    two- or three-word clause subject), else None."""
    owners = [i for i, t in enumerate(run[:-1]) if t.endswith(("'s", "’s"))]
    if owners:  # "NBC's Dante Chinni": the owner is part of the role, not of the name
        run = run[owners[-1] + 1:]
    run = [t[:-2] if t.endswith(("'s", "’s")) else t for t in run]
    while run and norm(run[0]) in NON_NAME_WORDS and not is_honorific(run[0]):
        run = run[1:]
    if not run:
        return None
    parts = split_name(run)
    if parts is None or looks_like_org(parts.name) or _role_word(parts.name):
        return None
    titled = any(is_title(t) or is_honorific(t) for t in run[: len(run) - len(parts.name.split())])
    first = parts.name.split()[0]
    first_known = is_given_name(first) or guess_gender(first) is not None
    size = len(parts.name.split())
    if size >= 2 and (first_known or titled or (subject and size <= 3)):
        return parts
    if titled:
        return parts
    if size == 1 and speaks:  # "Lavrov said ...": someone who speaks is a person
        return NameParts(parts.name, None, None, speaks=True)
    return NameParts(parts.name, None, None) if size == 1 else None
