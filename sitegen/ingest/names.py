"""Person-name vocabulary: titles, role words, first-name genders, and the name/role split.

Rule-based on purpose: no NLP model can be downloaded for the importer, and news prose names people
in a few stable ways ("Russian Foreign Minister Sergey Lavrov", "Mr Smith", "X, a doctor,").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

import pycountry
from nameparser.config import CONSTANTS as _NAMEPARSER

from sitegen.ingest.data import table

# Honorifics: stripped from the name and not kept as a role, but they tell the gender.
HONORIFICS: dict[str, str | None] = {
    "mr": "m", "mrs": "f", "ms": "f", "miss": "f", "mx": None, "messrs": None,
}

# Titles: stripped from the name and kept (with what precedes them) as the role.
_TITLE_WORDS = """
president vice minister premier chancellor secretary gov governor sen senator rep representative
congressman congresswoman mayor judge justice chief gen general col colonel capt captain lt
lieutenant sgt sergeant maj major adm admiral cmdr commander officer detective inspector
ambassador envoy speaker chairman chairwoman chair chairperson ceo cfo coo director commissioner
attorney prosecutor sheriff lord lady sir dame king queen prince princess pope cardinal bishop
archbishop rev reverend father sister rabbi imam sheikh emir sultan dr prof professor coach
spokesman spokeswoman spokesperson host anchor correspondent editor columnist nominee candidate
leader founder deputy head manager adviser advisor strategist analyst economist surrogate
chairman pastor councillor councilman councilwoman councilmember assemblyman assemblywoman
delegate lawmaker legislator diplomat official aide executive minister-president mp mep
superintendent constable principal dean chancellor-elect president-elect
"""
TITLE_WORDS: frozenset[str] = frozenset(_TITLE_WORDS.split())

# Capitalised words that qualify a role ("Russian", "Democratic") rather than name a person.
_ROLE_ADJECTIVES = """
former acting interim deputy vice first senior top chief foreign defense defence finance interior
prime state federal national democratic democrat republican gop independent libertarian
conservative labour liberal tory socialist green presidential vice-presidential campaign white
house senate senior junior assistant associate executive general special u.s. us uk eu un nato
emeritus retired shadow home local government economics trade culture health education
environment transport justice energy banned veteran
managing operating sporting marketing founding presiding reigning outgoing incoming
"""
ROLE_ADJECTIVES: frozenset[str] = frozenset(_ROLE_ADJECTIVES.split())

# Lower-case nouns heading a role phrase ("the top diplomat", "Kremlin spokesman").
ROLE_NOUNS: frozenset[str] = frozenset(
    (_TITLE_WORDS + """
    businessman businesswoman doctor lawyer activist protester protesters voter teacher student
    expert researcher scientist historian author writer reporter journalist pollster consultant
    organizer organiser attorney owner resident witness victim mother father wife husband son
    daughter brother sister friend neighbor neighbour veteran worker employee officer police
    fighter soldier farmer pilot driver nurse physician surgeon billionaire entrepreneur
    politician operative staffer staffers source sources announcer narrator actor actress singer
    rapper comedian star player athlete sheriff governor-elect senator-elect man woman
    co-author fellow scientist boss astronaut sprinter meteorologist voter runner striker
    midfielder defender goalkeeper winger captain skipper manager chef campaigner volunteer
    legend ace fan colleague rival hero icon critic cleric medic relative native dignitary
    emissary adversary missionary functionary visionary luminary qc msp mla cto cio ally
    uncle aunt nephew niece cousin grandson granddaughter grandmother grandfather partner
    girlfriend boyfriend fiancee fiance widow widower stepfather stepmother child
    advocate graduate magistrate laureate associate pundit poet architect midwife
    pupil teen boy girl mum dad peer scholar vicar tsar czar guide nun monk priest academic
    cadet umpire jockey mogul tycoon heir baron magnate specialist apprentice champion
    finalist holder contender rookie prodigy teammate team-mate running-mate international dj
    mc fly-half
    scrum-half full-back half-back centre-back center-back wing-back centre-forward
    film-maker filmmaker policy-maker policymaker peacemaker dressmaker matchmaker kingmaker
    programme-maker documentary-maker
    taoiseach tanaiste tánaiste td paramedic bursar headmistress steward consul plaintiff
    inmate hostage vet marine forward monarch duke duchess earl countess baroness
    baronet viscount marquess emir governor-general first-minister
    """).split()
)

# nameparser's table of titles and occupations (about 800, kept up by its maintainers) adds the
# role words news puts before a name ("Broadcaster Piers Morgan", "NASA Administrator Jim
# Bridenstine"); its adjectives, fields and function words are left out.
_NOT_ROLE_TITLE_WORDS = """
her his me us uk united states state first most right rear high grand royal national federal
foreign civil military political social special senior supreme private petty prime vice air
army navy police radio television film rock opera theater theatre soccer baseball ballet blues
burlesque business classical advertising analytics behavioral biblical blessed award-winning
banner bench computer corporate credit criminal customs designated discovery district division
docket excellent family field flag flying group hereditary information intelligence judicial
kingdom knowledge legal literary marketing mathematics municipal mystery operating personality
presiding resident revenue risk saint sainte security software staff strategy superior tax
technical travel voice warrant wing model master member english british financial count charge
canon prior primate heir heiress servant printer banker marcher bearer woodman goodman
"""
_NOT_ROLE_TITLES = frozenset(_NOT_ROLE_TITLE_WORDS.split())
ROLE_NOUNS = ROLE_NOUNS | frozenset(
    t for t in _NAMEPARSER.titles
    if re.fullmatch(r"[a-z][a-z-]{3,}", t) and t not in _NOT_ROLE_TITLES
)

# Capitalised nouns that end a role phrase, never a name ("the Ohio Republican said").
PARTY_NOUNS: frozenset[str] = frozenset(
    {"republican", "democrat", "libertarian", "tory", "gop", "conservative", "socialist"}
)

# Role nouns that refer to the same office by another word ("the top diplomat" = foreign minister).
ROLE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "diplomat": ("foreign minister", "secretary of state", "ambassador", "envoy", "diplomat"),
    "minister": ("minister",),
    "spokesman": ("spokes", "press secretary"),
    "spokeswoman": ("spokes", "press secretary"),
    "spokesperson": ("spokes", "press secretary"),
    "senator": ("sen", "senator"),
    "governor": ("gov", "governor"),
    "congressman": ("rep", "congressman", "representative"),
    "congresswoman": ("rep", "congresswoman", "representative"),
    "lawmaker": ("rep", "sen", "congress", "lawmaker", "legislator", "mp"),
    "president": ("president",),
    "premier": ("premier", "prime minister"),
    "nominee": ("nominee", "candidate"),
    "candidate": ("candidate", "nominee"),
    "businessman": ("businessman", "billionaire", "mogul", "nominee"),
    "billionaire": ("billionaire", "businessman", "mogul"),
    "republican": ("republican", "gop"),
    "democrat": ("democrat", "democratic"),
    "chancellor": ("chancellor",),
    "mayor": ("mayor",),
    "chief": ("chief",),
}

_FEMALE_ROLES = """
spokeswoman congresswoman chairwoman businesswoman councilwoman assemblywoman queen princess lady
dame actress wife mother daughter sister woman mrs ms miss
"""
_MALE_ROLES = """
spokesman congressman chairman businessman councilman assemblyman king prince lord sir father
husband son brother man mr
"""
FEMALE_ROLE_WORDS: frozenset[str] = frozenset(_FEMALE_ROLES.split())
MALE_ROLE_WORDS: frozenset[str] = frozenset(_MALE_ROLES.split())

_FEMALE_NAMES = """
hillary chelsea melania ivanka michelle nancy elizabeth kellyanne huma donna debbie loretta
sarah susan mary patricia jennifer linda barbara margaret karen lisa betty dorothy sandra ashley
kimberly emily carol michelle amanda melissa deborah stephanie rebecca laura helen sharon cynthia
kathleen amy shirley angela anna ruth brenda pamela nicole katherine catherine samantha christine
emma rachel carolyn janet maria heather diane julie joyce victoria kelly christina joan evelyn
lauren judith olivia martha cheryl megan andrea hannah jacqueline ann jean alice kathryn gloria
teresa doris sara janice julia marie madison grace judy theresa beverly denise marilyn amber
danielle abigail brittany rose diana natalie sophia alexis lori kayla jane jessica condoleezza
angela theresa marine nicola jacinda kamala alexandria ilhan rashida kirsten tammy dianne
claire jeanne marsha jeanine megyn rosie katie mika greta tulsi valentina maria olga tatiana
natalia svetlana irina elena ekaterina yulia anastasia oksana lyudmila galina marina
maria anne mary-jane jill keisha keeley bernadette sonya pamela jacklyn melanie ava
mary susanne ursula christine federica ngozi kristalina janet sheila beyonce oprah madonna
karen kathy cathy peggy nora norah ellen eleanor frances margaret meg molly ruth naomi esther
leah miriam dana tina gina tara cara kara paula wendy holly hope faith joy april june
"""
_MALE_NAMES = """
donald mike michael barack joe john james robert william david richard thomas charles christopher
daniel matthew anthony mark paul steven andrew kenneth joshua kevin brian george edward ronald
timothy jason jeffrey ryan jacob gary nicholas eric jonathan stephen larry justin scott brandon
benjamin samuel frank gregory raymond alexander patrick jack dennis jerry tyler aaron jose adam
henry nathan douglas zachary peter kyle walter ethan jeremy harold keith christian roger noah
gerald carl terry sean austin arthur lawrence jesse dylan bryan jordan billy bruce albert willie
gabriel logan alan juan wayne roy ralph randy eugene vincent russell elijah louis bobby philip
johnny bill bernie ted marco chris newt rudy rudolph reince kellyanne paul mitch harry tim
jeb ben rand lindsey reince sean corey jared eric vladimir sergey sergei dmitry dmitri
alexei alexey nikolai ivan igor andrei andrey yuri mikhail boris viktor victor oleg pavel
maxim anatoly kassym-jomart nursultan xi emmanuel francois françois angela recep bashar
benjamin abdel justin narendra shinzo moon kim rodrigo jair nicolas evo hassan ali mohammed
muhammad ahmed omar hamid ashraf volodymyr petro jens antonio pedro carlos luis jorge
mohammad abdullah salman tayyip rex jim jeff chuck elijah flynn kellan hank mitt newt
al bob tom dick ron ken jon jim steve tony dave dan matt pat greg rick ray nick andy doug
norman kevin dante quentin cornell curtis marcus derek travis shawn troy leon lloyd glenn
howard stanley herbert franklin martin luther abraham warren earl clarence fred frederick
hugh ian neil colin graham malcolm duncan stuart gordon alistair nigel rupert boris
hillel jamal tyrone darnell reggie reginald marvin melvin calvin vernon elliot elliott
"""
# More common English given names (US and UK name lists); names used for both sexes
# (Jordan, Taylor, Leslie, Robin, Jamie, Morgan, Lindsey) stay out of the lists.
_MORE_FEMALE_NAMES = """
abby adele adrienne agnes aileen alana alexandra alicia alison allison alma amelia amelie anastasia
andrea angelica angelina anita annabelle annette annie antoinette arlene audrey aurora barbra
becky belinda bella beth bethany betsy beverley bianca bonnie brenda bridget brooke camila
candace carla carmen caroline carrie cassandra cecilia celia charlene charlotte chloe christie
christy cindy claudia colleen connie constance courtney crystal daisy daphne darlene dawn debra
deirdre delia della delores diana dolores dominique dora edith edna eileen elaine eleanor elena
elise eliza ella ellie eloise elsa elsie emilia emily erica erika erin esperanza estelle ethel
eva evangeline eve fatima felicia fiona flora florence francesca gabriela gabrielle gail
genevieve georgia geraldine gertrude gillian ginger giselle gretchen gwen gwendolyn harriet
hazel heidi henrietta hilda ida imogen ingrid irene iris isabel isabella isabelle ivy jackie
jacqueline jan jana janelle janine jasmine jeanette jenna jenny jessie jo joann joanna joanne
jocelyn johanna josephine joy juanita judy julianne juliet justine kara karin karina kate
katelyn katharine katrina kay kayleigh kendra kerry kim kimberley kristen kristin kristina
kristy lana leah leila lena leona leslie-ann lillian lily linda lindsay lisa liz liza lois
lorraine louisa louise lucia lucille lucy luisa lydia lynn mabel madeleine madeline mae maggie
mandy marcia margarita margo maria mariah marian marianne maribel marie marion marjorie marla
marlene marta martina maureen maxine melinda mercedes meredith mia michaela mildred millie
mindy miranda mira monica monique muriel myra nadia nadine nancy natasha nell nellie nichole
nina noelle nora octavia olive opal paige pam patsy patty pauline pearl penelope penny phoebe
phyllis polly priscilla rachael ramona raquel rebekah regina renee rhonda rita roberta
rochelle rosa rosalind rosemary roxanne ruby sabrina sally samantha sandy selena serena
shannon sharon shauna sheryl sherry silvia simone sofia sonia sophie stacey stacy stella
stephanie sue susie suzanne sylvia tamara tammy tanya teresa terri tessa thelma tiffany
toni tracey tracy trisha ursula valerie vanessa vera veronica vicki vickie victoria viola
violet virginia vivian wanda whitney wilma yolanda yvonne zoe nikki haley liz betsy kirstjen
gina nikki elise lisa ayanna stacey gretchen amy hope sarah-huckabee kristi tulsi ruth bader
"""
_MORE_MALE_NAMES = """
aaron abe adrian alan albert alec alfred alfonso allen alvin ambrose andre angelo archie
armando arnold arthur augustus barry bart basil ben benny bernard bert blake brad bradley
brendan brent brett brian bruce bryce byron caleb calvin cameron carl carlos carlton cecil
cedric chad charlie chester clark claude clayton clifford clint clyde cody colin conor connor
cory craig curtis dale dallas damian damon danny darrell darren darryl dean derrick desmond
devin dexter dominic don donnie drew duane dustin dwayne dwight edgar edmund eddie edwin
eli elias elliot elmer emil emmett enrique ernest ernie erwin ethan evan everett felix
fernando floyd francis franco frank franklin freddie gavin gene geoffrey gilbert glen gordon
grady grant greg guy hal hank harlan harris harvey hector herman hugo isaac jackson jaime
jake jamie jared jarrod jasper javier jay jeffery jerome jessie jimmy joel johnnie jonah
jonas jordan josh julian julius karl keith kelvin kendall kenny kurt lance landon lane lee
leo leonard leroy lester lewis lincoln lonnie lorenzo louie lowell lucas luke lyle mack
manuel marc mario marshall marty mathew maurice max melvin micah miguel miles milton mitchell
morgan morris moses murray myron nathaniel ned neal nelson nick noel norbert oliver orlando
oscar otis owen pablo perry pete phil preston quincy rafael ralph ramon randall randolph raul
reggie rex ricardo richie rick ricky robbie roberto rod rodney roland roman ron ronnie ross
ruben rudy rufus russ salvador sam sammy saul sebastian seth shane shaun sheldon sherman sidney
simon solomon spencer stan stanley stefan sterling steve stewart sylvester ted teddy terrence
theodore tobias toby todd tomas tommy tony travis trent trevor troy tucker ty tyrone van vance
vernon vic vince wade wallace walt ward warren wesley wilbur will willard william wilson
winston xavier zach zachary beto rahm jerome jay-z kanye lamar mike mick mitch newt paul
reince rudolph sonny stephen steny kevin hakeem adam devin chuck dick lindsey marco orrin
rand thom tim trey jerrold elijah beto pete bernie joe hunter beau eric donald barron
"""
_UNISEX = """
jordan taylor leslie robin jamie morgan lindsey casey jessie kendall dallas lee lane jan kim kerry
drew terry alex sam pat jo kelly dana shannon
"""
_UNISEX_NAMES = frozenset(_UNISEX.split())
FEMALE_FIRST_NAMES: frozenset[str] = (
    frozenset((_FEMALE_NAMES + _MORE_FEMALE_NAMES).split()) - _UNISEX_NAMES
)
MALE_FIRST_NAMES: frozenset[str] = (
    frozenset((_MALE_NAMES + _MORE_MALE_NAMES).split()) - FEMALE_FIRST_NAMES - _UNISEX_NAMES
)

# Capitalised words that start sentences or name times and places, never a person.
_NON_NAME_WORDS = """
the a an and but or so yet if when while after before since as at in on of for from to by with
without about according also then still however meanwhile later earlier now today tonight
yesterday tomorrow this that these those there here his her their its our my your we i he she
they it you mr mrs ms monday tuesday wednesday thursday friday saturday sunday january february
march april may june july august september october november december asked speaking unlike
despite during like although though because instead indeed perhaps why what who how where
one two some many most all both each every other another no not nor just even only
"""
NON_NAME_WORDS: frozenset[str] = frozenset(_NON_NAME_WORDS.split())

# Words that make a capitalised run an organisation or place rather than a person.
_ORG_WORDS = """
union congress department party university committee council organization organisation news
times post journal bank ministry court house senate states street city county republic
federation economic commonwealth center centre institute agency service services foundation
association company corp inc ltd group network channel television radio press review magazine
office administration government army navy police school college club campaign fund church
league nations kingdom assembly parliament duma kremlin pentagon board commission federal
national international times-picayune tribune herald gazette daily weekly st
"""
ORG_WORDS: frozenset[str] = frozenset(_ORG_WORDS.split())

NAME_SUFFIXES: frozenset[str] = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
_POST_NOMINALS = frozenset({"qc", "kc", "mp", "msp", "mep", "am", "td", "obe", "mbe", "cbe", "kbe",
                            "dbe", "frs", "phd"})
NAME_PARTICLES: frozenset[str] = frozenset(
    {"de", "da", "di", "del", "della", "van", "von", "der", "den", "la", "le", "du", "bin", "al",
     "ibn", "el", "dos", "das", "ter", "y"}
)

_SENTENCE_ADVERB_WORDS = """
meanwhile however also then now still yet instead indeed perhaps later earlier today tonight
yesterday tomorrow but and
"""
_SENTENCE_ADVERBS = frozenset(_SENTENCE_ADVERB_WORDS.split())
_INITIAL_CHARS = 2  # "J." or "JK": initials stand for given names
_FEMALE_ENDINGS = ("a", "ie", "ine", "elle", "ette", "ique", "een", "lyn")
_CAP_RE = re.compile(r"^[A-ZÀ-ÖØ-ÞĀ-ſА-ЯЁ][\w.'’-]*$")
_INITIAL_RE = re.compile(r"^[A-Z]\.$")
_POSITION_RE = re.compile(r"^[A-Z][a-z]+(?:-[a-z]+)+$")  # "Fly-half", "Co-founder" before a name


_GROUP_WORDS = """
reports critics officials experts analysts sources democrats republicans supporters opponents
protesters residents witnesses observers scientists researchers authorities police investigators
prosecutors lawmakers leaders voters polls studies documents records estimates surveys
economists activists advocates aides allies members organizers organisers judges doctors
americans europeans russians britons conservatives liberals progressives
"""
GROUP_WORDS: frozenset[str] = frozenset(_GROUP_WORDS.split())


def is_group(word: str) -> bool:
    """'Critics', 'Officials', 'Reports': a plural subject, never one person."""
    low = norm(word)
    return low in GROUP_WORDS or (low.endswith("s") and low[:-1] in ROLE_NOUNS)


def norm(word: str) -> str:
    """Lower-case a token and drop the abbreviation dot, so 'Gov.' and 'gov' compare equal."""
    return word.lower().rstrip(".").replace("’", "'")


def is_cap(word: str) -> bool:
    """A capitalised word or an initial: the material of proper names."""
    return bool(_CAP_RE.match(word))


def is_title(word: str) -> bool:
    """A word that marks a role when it precedes a name ('Minister', 'Gov.', 'spokesman')."""
    low = norm(word)
    if "-" in low and low.split("-")[-1] in TITLE_WORDS:  # "Vice-President", "Co-Chairman"
        return True
    return low in TITLE_WORDS or word == "Del."


def is_honorific(word: str) -> bool:
    """Mr, Mrs, Ms: dropped from both the name and the role."""
    return norm(word) in HONORIFICS


def first_name_gender(word: str) -> str | None:
    """'m', 'f' or None from a small first-name list (enough to keep pronouns apart)."""
    low = norm(word)
    if low in FEMALE_FIRST_NAMES:
        return "f"
    if low in MALE_FIRST_NAMES:
        return "m"
    return None


def guess_gender(first: str) -> str | None:
    """The list's answer, else gender-guesser's table (a name used for both: None), else a guess
    from endings common in women's names for names neither knows ('Tyresha')."""
    known = first_name_gender(first)
    if known or len(first) < 3 or first.isupper():
        return known
    table = given_names().get(fold(first.rstrip(".")))
    if table is not None:  # gender-guesser's answer: "Ezra" m, "Stevie" and "Luca" either
        return table or None
    return "f" if norm(first).endswith(_FEMALE_ENDINGS) else None


def role_gender(role: str | None) -> str | None:
    """Gender implied by a role phrase ('spokeswoman' -> 'f'), when it implies one."""
    if not role:
        return None
    words = {norm(w) for w in role.split()}
    if words & FEMALE_ROLE_WORDS:
        return "f"
    if words & MALE_ROLE_WORDS:
        return "m"
    return None


_ROLE_STOP_WORDS = """
who whom whose which that said says told tells added adds was were is are has had have will would
could can may might did does do when while after before because as if where
"""
_ROLE_STOPS = frozenset(_ROLE_STOP_WORDS.split())
_ROLE_TRAILING_WORDS = """
of for to in at on by with from and or the a an his her their its about into over after before
than as like under near across through during against since
"""
_ROLE_TRAILING = frozenset(_ROLE_TRAILING_WORDS.split())
_POSSESSIVE_STARTS = frozenset({"his", "her", "their", "its", "my", "our", "your"})


def clean_role(role: str | None) -> str | None:
    """A role as an editor prints it under a name: a noun phrase, cut before a clause ('...
    Sendmail said many organisations were' -> '... Sendmail'), without a dangling preposition
    or a trailing honorific ('Archbishop of Canterbury Dr'), never a bare honorific ('Sir'), a
    relation to someone else ('his coach') or a participle ('gasping facedown ...')."""
    if not role:
        return None
    words = role.split()
    for i, word in enumerate(words):
        low = norm(word).strip(",;:")
        if i and (low in _ROLE_STOPS or word.endswith((",", ";", ":"))):
            words = words[: i + 1] if word.endswith((",", ";", ":")) else words[:i]
            break
    words = [w.rstrip(",;:") for w in words if not w.lower().endswith(_AGE_ENDINGS)]
    for i in range(1, len(words) - 1):  # "attorney general announcing the legal action"
        if (words[i].islower() and words[i].endswith("ing") and role_like(words[i - 1])
                and not role_like(words[i + 1])):
            words = words[:i]
            break
    while words and (norm(words[-1]) in _ROLE_TRAILING or is_honorific(words[-1])
                     or norm(words[-1]) in {"dr", "sir", "dame", "prof", "rev", "rt"}):
        words.pop()
    while words and norm(words[0]) in {"the", "a", "an", "fellow"}:
        words.pop(0)
    for i in range(len(words) - 2, -1, -1):  # "Committee chairman Labour MP": two roles glued
        head = words[i]
        if head.islower() and (head in ROLE_NOUNS or head in TITLE_WORDS) and is_cap(words[i + 1]):
            rest = words[i + 1:]
            if any(norm(w) in TITLE_WORDS or norm(w) in ROLE_NOUNS for w in rest):
                words = rest
            break
    if words and norm(words[0]) in {"of", "from", "in"}:  # "of Springfield": a home town
        return None
    while words and norm(words[0]) in _ROLE_LEADS:
        words.pop(0)  # "Yesterday Argentina's economy minister", "his father", "But"
    if not words or _participle_lead(words) or norm(words[0]) in {"of", "from", "in"}:
        return None
    if all(is_honorific(w) or norm(w) in {"dr", "sir", "dame", "lord", "lady"} for w in words):
        return None
    if not (has_role_head(words) or _affiliation(words)):  # "to 2004", "Georgia", "DRM systems"
        return None
    if all(norm(w) in _GENERIC_PEOPLE or norm(w) in _GENERIC_MODIFIERS for w in words):
        return None  # "The woman, Robin Lee,": who she is, not what she is
    words = [_TITLE_ABBREVIATIONS.get(w.lower(), w) for w in words]  # "Missouri Gov."

    return " ".join(_singular_head(words))


# Titles news abbreviates before a name (AP style), printed in full in a role.
_TITLE_ABBREVIATIONS = {
    "gov.": "Governor", "sen.": "Senator", "rep.": "Representative", "lt.": "Lieutenant",
    "gen.": "General", "col.": "Colonel", "sgt.": "Sergeant", "capt.": "Captain",
    "cmdr.": "Commander", "adm.": "Admiral", "supt.": "Superintendent", "det.": "Detective",
    "insp.": "Inspector", "atty.": "Attorney", "sec.": "Secretary", "amb.": "Ambassador",
}
_GENERIC_PEOPLE_WORDS = """
man woman men women boy girl person people lady gentleman guy child teen teenager
"""
_GENERIC_PEOPLE = frozenset(_GENERIC_PEOPLE_WORDS.split())
_GENERIC_MODIFIER_WORDS = "young old elderly local other another same"
_GENERIC_MODIFIERS = frozenset(_GENERIC_MODIFIER_WORDS.split())


def _participle_lead(words: list[str]) -> bool:
    """Whether a phrase opens with a participle that takes an object or an adverb ('gasping
    facedown', 'announcing the lawsuit'), not one that modifies a noun ('managing director',
    'marketing vice president', 'acting chairman')."""
    if not words[0].lower().endswith("ing"):
        return False
    if len(words) == 1:
        return True
    if norm(words[0]) in ROLE_ADJECTIVES:
        return False
    nxt = norm(words[1])
    return not (words[1].islower() and role_like(nxt) and not nxt.endswith("s"))


def _singular_head(words: list[str]) -> list[str]:
    """One person's role from a plural one ('NASA astronauts' -> 'NASA astronaut')."""
    end = next((i for i, w in enumerate(words) if norm(w) in _HEAD_ENDS and i), len(words))
    head = words[end - 1]
    low = norm(head)
    if head.islower() and low.endswith("s") and low[:-1] in ROLE_NOUNS:
        return [*words[: end - 1], head[:-1], *words[end:]]
    if head.islower() and low.endswith("men") and low[:-3] + "man" in ROLE_NOUNS:
        return [*words[: end - 1], head[:-3] + "man", *words[end:]]
    return words


def _affiliation(words: list[str]) -> bool:
    """'World Health Organization', 'Ernst and Young', 'JCWI' from 'X of ...': an employer named
    as the role, which is no place, no person's name and no lone function word."""
    caps = [w for w in words if norm(w) not in {"of", "and", "the", "for", "&"}]
    if not caps or not all(is_cap(w) or w[1:2].isupper() for w in caps):
        return False
    if any(w.lower().endswith(("-based", "-born", "-led", "-owned")) for w in caps):
        return False  # "Frankfurt-based": a description, not an employer
    phrase = " ".join(w.rstrip(".,") for w in words).lower()
    if phrase in place_names() or norm(caps[0]) in NON_NAME_WORDS:
        return False
    if len(caps) == 1 and not (caps[0].isupper() or caps[0][1:2].isupper()
                               or any(c.isupper() for c in caps[0][1:])):
        return fold(phrase) in _known_bodies()  # "Intel", "Reuters"; not a surname ("Hale")
    return not (len(caps) > 1 and is_given_name(caps[0]))  # "Jonathan Wolpaw": a person


# Sentence adverbs and verbs that a capitalised run drags in before a role ("Then", "Said").
_ROLE_LEAD_WORDS = """
then now once formerly currently previously recently yesterday said says told added also but
and or so
"""
_QUANTIFIERS = frozenset(
    ["one", "two", "some", "many", "most", "all", "both", "each", "every", "other", "another"])
_ROLE_LEADS = frozenset(_ROLE_LEAD_WORDS.split()) | (NON_NAME_WORDS - _QUANTIFIERS)
# Where the head of a role phrase ends: "head of ...", "spokesman for ...", "lawyer and ...".
_HEAD_ENDS = frozenset(["of", "for", "at", "in", "to", "with", "from", "on", "and", "or", "&"])
# Agent-noun endings of English ("presenter", "sculptor", "novelist", "historian", "consultant",
# "resident", "chairman", "nominee", "bureaucrat"): a role's head noun, whatever the occupation.
_AGENT_ENDINGS = ("er", "or", "ist", "ian", "ant", "ent", "man", "woman", "person", "ee", "crat")
# Words with those endings that are no one: things, places, times, comparatives, adjectives.
_NOT_AGENT_WORDS = """
center water power number order other under after over never later former paper river matter
letter quarter border summer winter corner chapter theater sector factor error floor door motor
mirror labor minor senior junior interior exterior superior whether together rather either
neither ever offer answer cancer dinner corner tower computer register weather shelter filter
monster character meter cluster disaster percent event recent current
content different frequent silent present government parliament department movement agreement
statement restaurant plant giant important significant want grant instant constant relevant
committee degree guarantee jubilee coffee decree spree knee free three human german
woman-owned bigger better higher lower longer older younger larger greater newer faster earlier
harder stronger weaker broader wider tougher closer further another vendor
however whatever whenever wherever forever sooner remember consider deliver discover suffer
enter gather bother wonder cover recover differ prefer refer transfer went spent sent meant
prevent represent insist exist persist resist assist consist agree disagree christian chamber
"""
_NOT_AGENTS = frozenset(_NOT_AGENT_WORDS.split())


def role_like(word: str) -> bool:
    """Whether a word can head a role phrase: a role noun or title ('spokesman', 'Senator'),
    a party noun ('Tory'), a plural of one, or an agent noun by its ending ('presenter')."""
    low = norm(word).strip("'’")
    if low in ROLE_NOUNS or low in TITLE_WORDS:  # "Tánaiste"
        return True
    if not low.isascii() or not low.replace("-", "").isalpha():
        return False
    if "-" in low:
        return low in ROLE_NOUNS or role_like(low.rsplit("-", 1)[-1]) or is_title(word)
    if low in _firm_nouns():  # "carmaker Maruti", "mortgage lender X": a company
        return False
    if low in ROLE_NOUNS or low in TITLE_WORDS or low in PARTY_NOUNS:
        return True
    if low.endswith("s") and low[:-1] in ROLE_NOUNS:
        return True
    return (len(low) > 4 and low.endswith(_AGENT_ENDINGS) and low not in _NOT_AGENTS
            and not low.endswith(("ment", "ness")) and word.islower())


def has_role_head(words: list[str]) -> bool:
    """Whether a role phrase has a head noun that names what someone is: the last word before
    'of', 'for', 'at', 'and', ... ('head of EA in Europe', 'economist and tax expert'), past
    trailing qualifiers ('Bishop Emeritus')."""
    part: list[str] = []
    for word in words:
        low = norm(word).strip(",;:")
        if low in _HEAD_ENDS and part:
            if low not in {"and", "or", "&"}:
                break
            if role_like(part[-1]):  # "founder and CEO", "economist and tax expert"
                return True
        part.append(word.strip(",;:"))
    while len(part) > 1 and not role_like(part[-1]) and norm(part[-1]) in ROLE_ADJECTIVES:
        part.pop()
    if len(part) == 1 and part[0][:1].isupper():  # "Broadcaster": capitalised to open a sentence
        return role_like(part[0].lower())
    return bool(part) and role_like(part[-1])


@cache
def _firm_nouns() -> frozenset[str]:
    """Agent nouns that describe companies (`firm_nouns` of `data/non_people.toml`)."""
    return frozenset(table("non_people").get("firm_nouns", []))


@cache
def _known_bodies() -> frozenset[str]:
    """Companies and publications of `data/non_people.toml`, folded."""
    data = table("non_people")
    return frozenset(fold(n) for key in ("companies", "publications") for n in data.get(key, []))


def fold(text: str) -> str:
    """Lower case without accents, curly apostrophes straight: how names are compared here."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.lower().replace("’", "'").strip()


@cache
def given_names() -> dict[str, str]:
    """Given name (folded) -> 'm', 'f' or '' (used for both), from gender-guesser's table."""
    table: dict[str, str] = {}
    text = resources.files("gender_guesser").joinpath("data/nam_dict.txt").read_text("utf-8")
    for line in text.splitlines():
        if not line or line[0] in "#=":
            continue
        code, name = line[:2].strip(), line[3:29].strip().replace("+", "-")
        gender = "m" if code in ("M", "1M") else "f" if code in ("F", "1F") else ""
        key = fold(name)
        if key in table and table[key] != gender:
            gender = ""
        table[key] = gender
    return table


def is_given_name(word: str) -> bool:
    """Whether word is a given name (any country) or an initial standing for one."""
    bare = word.rstrip(".")
    if bare.isupper() and len(bare) <= _INITIAL_CHARS and bare.isalpha():
        return True
    return first_name_gender(word) is not None or fold(bare) in given_names()


@dataclass(frozen=True)
class NameParts:
    """A name phrase split into the person's name, their role, and what the words imply."""

    name: str
    role: str | None
    gender: str | None
    speaks: bool = False  # named as the subject of a speech verb
    introduced: bool = False  # shown to be a person (Mr, Mrs, Ms, ...) though the role is empty
    apposed: bool = False  # introduced by an apposition: "Henry Crespo, president of ...,"


def _name_start(tokens: list[str]) -> int:
    """Index where the personal name begins inside a title-plus-name token run."""
    start = 0
    for i, tok in enumerate(tokens[:-1]):
        low = norm(tok)
        role_word = (
            is_title(tok) or is_honorific(tok) or low in ROLE_ADJECTIVES or low in ROLE_NOUNS
            or bool(_POSITION_RE.match(tok))
        )
        place = i > 0 and norm(tokens[i - 1]) == "of" and tok.lower() in place_names()
        occupation = i == 0 and len(tokens) >= 3 and role_like(tok.lower()) and is_given_name(
            tokens[1])  # "Grocer Anita Flett", "Headteacher Rachel Amadi": an agent noun
        particle = low in NAME_PARTICLES and i > start and (is_cap(tokens[i - 1]) or norm(
            tokens[i - 1]) in NAME_PARTICLES)  # "Ali bin Tamim", "Ana de la Cruz"
        if role_word or place or occupation or (not is_cap(tok) and not particle):
            start = i + 1
    for i, tok in enumerate(tokens[start:-1], start):
        before = tokens[i - 1] if i > start else ""
        if first_name_gender(tok) and before and _adjective_like(before):
            return i  # "Democrat Tim Kaine"
        if before.lower().endswith(_AGE_ENDINGS) and is_given_name(tok):
            return i  # "Fourteen-year-old Zoe Baxter": an age is no part of a name
        if i > start and is_given_name(tok) and (" ".join(
                tokens[start:i]).lower() in place_names() or _title_object(tokens, start)):
            return i  # "President of the United States Joe Biden", "Minister of Information
            # Ana Cruz", "Chief Secretary to the Treasury Paul Boateng": the title's object
            # ends before the given name
    return start


_AGE_ENDINGS = ("-year-old", "-month-old", "-years-old")


def _title_object(tokens: list[str], start: int) -> bool:
    """Whether the capitalised words from start are the object of a title ('Minister of
    Information', 'Secretary to the Treasury'), not the start of a name."""
    at = start - 1
    if at > 0 and norm(tokens[at]) == "the":
        at -= 1
    return at > 0 and norm(tokens[at]) in {"of", "to"}


def _adjective_like(word: str) -> bool:
    """'Democrat', 'Russian', 'Pakistani', 'MSNBC': words that qualify rather than name."""
    return word.isupper() or word.lower().endswith(("an", "ic", "ese", "ish", "i", "crat"))


def split_name(tokens: list[str]) -> NameParts | None:
    """Split 'Russian Foreign Minister Sergey Lavrov' into name and role; None without a name."""
    tokens = [t for t in tokens if t]
    while tokens and norm(tokens[-1]) in NAME_SUFFIXES and len(tokens) > 1:
        tokens = tokens[:-1]
    while len(tokens) > 2 and tokens[-1].isupper() and norm(tokens[-1]) in _POST_NOMINALS:
        tokens = tokens[:-1]  # "Guy Mansfield QC", "Jo Lee MP": letters after a name
    while len(tokens) > 1 and norm(tokens[-1]) in _SENTENCE_ADVERBS:
        tokens = tokens[:-1]  # "Mika Brzezinski Meanwhile": the next sentence's first word
    surname_title = len(tokens) >= 2 and first_name_gender(tokens[-2]) is not None
    if not tokens or not is_cap(tokens[-1]) or (is_title(tokens[-1]) and not surname_title):
        return None  # ... but "Howard Dean", "Carole King" end in a surname
    if norm(tokens[-1]) in PARTY_NOUNS and not surname_title:  # "the Ohio Republican": a role
        return None
    start = _name_start(tokens)
    name_toks = tokens[start:]
    if any(ch.isdigit() for tok in name_toks for ch in tok):  # "COVID-19", "Khabar-24"
        return None
    while name_toks and (norm(name_toks[0]) in NON_NAME_WORDS or is_honorific(name_toks[0])):
        name_toks = name_toks[1:]
    if not name_toks:
        return None
    if start and norm(tokens[start - 1]) in {"of", "for", "at"}:
        return None  # "managing director of T-Mobile": the employer, no one's name
    role_toks = [t for t in tokens[:start] if not is_honorific(t)]
    while role_toks and norm(role_toks[0]) in {"the", "a", "an"}:
        role_toks = role_toks[1:]
    role = " ".join(role_toks) or None
    gender = guess_gender(name_toks[0]) if len(name_toks) > 1 else None
    honorific = False
    for tok in tokens[: len(tokens) - len(name_toks)]:
        if is_honorific(tok):
            honorific = True
            gender = gender or HONORIFICS[norm(tok)]
        elif is_title(tok) and tok[:1].isupper():  # "Lord Falconer", "Dr Okafor": a person
            honorific = True
    return NameParts(" ".join(name_toks), role, gender or role_gender(role),
                     introduced=honorific)


def looks_like_org(name: str) -> bool:
    """True for 'European Union', 'The New York Times', 'North Korea': capitalised, not a person."""
    words = [norm(w) for w in name.split()]
    if bool(set(words) & ORG_WORDS) or all(w.isupper() for w in name.split()):
        return True
    return name.lower() in place_names()


def org_not_person(name: str) -> bool:
    """'White House', 'IMF', 'Bath': a body or place; 'Jim Press' has a first name, a person."""
    words = name.split()
    return looks_like_org(name) and not (len(words) > 1 and first_name_gender(words[0]))


_EXTRA_PLACES = (
    "russia, america, europe, asia, africa, britain, england, scotland, wales, korea, china, "
    "iran, syria, gaza, washington, moscow, brussels, beijing, london, paris, berlin, kyiv, kiev, "
    "tehran, jerusalem, silicon valley, wall street, capitol hill, middle east, latin america, "
    "north america, south america, east asia, central asia, west bank"
)


# AP style's state abbreviations, as datelines and asides write them ("of Ashton, Md., said").
_AP_STATES = """
ala. ariz. ark. calif. colo. conn. fla. ga. ill. ind. kan. ky. la. md. mass. mich. minn. mo.
mont. neb. nev. n.h. n.j. n.m. n.y. n.c. n.d. okla. ore. pa. r.i. s.c. s.d. tenn. vt. va.
wash. w.va. wis. wyo. ariz calif colo conn fla md mich minn mont neb nev okla tenn va wyo
"""


@cache
def place_names() -> frozenset[str]:
    """Country names (pycountry), US/UK/Canadian/Australian subdivisions and AP's state
    abbreviations, lower-cased."""
    names = {place.strip() for place in _EXTRA_PLACES.split(",")} | set(_AP_STATES.split())
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value:
                names.add(str(value).lower())
    for sub in pycountry.subdivisions:
        if sub.country_code in {"US", "GB", "CA", "AU"}:
            names.add(str(sub.name).lower())
    return frozenset(names)
