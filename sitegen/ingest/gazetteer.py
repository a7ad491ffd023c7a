"""Name tables for tag extraction: countries, demonyms, known organisations, places, stop words.

Kept as data in one module so the matcher in `tags` stays small, and built once per process
(`gazetteer()` is cached): thousands of articles share the same tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pycountry

from sitegen.ingest.data import table


def _words(text: str) -> list[str]:
    """Split a whitespace-separated word table (keeps the tables compact and readable)."""
    return text.split()


# Canonical country names where pycountry's name is the formal one ("Russian Federation").
_COUNTRY_CANON: dict[str, str] = {
    "RU": "Russia", "US": "United States", "GB": "United Kingdom", "KR": "South Korea",
    "KP": "North Korea", "IR": "Iran", "SY": "Syria", "VN": "Vietnam", "TW": "Taiwan",
    "BO": "Bolivia", "VE": "Venezuela", "TZ": "Tanzania", "MD": "Moldova", "LA": "Laos",
    "CZ": "Czech Republic", "CD": "Democratic Republic of the Congo",
    "CG": "Republic of the Congo", "CI": "Ivory Coast", "PS": "Palestine", "VA": "Vatican City",
    "FM": "Micronesia", "BN": "Brunei", "CV": "Cape Verde", "TR": "Turkey",
    "MK": "North Macedonia", "SZ": "Eswatini",
}

# Extra spellings and short forms a news text uses for a country (variant -> canonical).
_COUNTRY_VARIANTS: dict[str, str] = {
    "US": "United States", "U.S.": "United States", "USA": "United States",
    "U.S.A.": "United States", "America": "United States",
    "United States of America": "United States",
    "UK": "United Kingdom", "U.K.": "United Kingdom", "Britain": "United Kingdom",
    "Great Britain": "United Kingdom", "Russian Federation": "Russia", "Türkiye": "Turkey",
    "Czechia": "Czech Republic", "DR Congo": "Democratic Republic of the Congo",
    "DRC": "Democratic Republic of the Congo", "Holland": "Netherlands", "Burma": "Myanmar",
    "Côte d'Ivoire": "Ivory Coast", "Swaziland": "Eswatini", "Macedonia": "North Macedonia",
    "Soviet Union": "Soviet Union", "USSR": "Soviet Union", "PRC": "China",
    "UAE": "United Arab Emirates", "Vatican": "Vatican City", "East Timor": "Timor-Leste",
    "Republic of Korea": "South Korea", "Hong Kong": "Hong Kong",
    "Surinam": "Suriname", "West Germany": "West Germany", "East Germany": "East Germany",
    "Federal Republic of Germany": "West Germany", "German Democratic Republic": "East Germany",
    "Zaire": "Democratic Republic of the Congo",
}

# Demonyms and adjectives: they count as a weaker mention of the country.
_DEMONYMS: dict[str, str] = {}
for _canon, _names in {
    "Russia": "Russian Russians", "Kazakhstan": "Kazakh Kazakhs Kazakhstani",
    "United States": "American Americans", "United Kingdom": "British Briton Britons",
    "China": "Chinese", "France": "French", "Germany": "German Germans",
    "Italy": "Italian Italians",
    "Spain": "Spanish Spaniard Spaniards", "Japan": "Japanese", "India": "Indian Indians",
    "Ukraine": "Ukrainian Ukrainians", "Belarus": "Belarusian Belarusians",
    "Poland": "Polish Poles", "Turkey": "Turkish Turks", "Iran": "Iranian Iranians",
    "Iraq": "Iraqi Iraqis", "Israel": "Israeli Israelis", "Syria": "Syrian Syrians",
    "Egypt": "Egyptian Egyptians", "Canada": "Canadian Canadians",
    "Mexico": "Mexican Mexicans", "Brazil": "Brazilian Brazilians",
    "Argentina": "Argentine Argentinian Argentinians", "Australia": "Australian Australians",
    "Netherlands": "Dutch", "Belgium": "Belgian Belgians", "Sweden": "Swedish Swede Swedes",
    "Norway": "Norwegian Norwegians", "Denmark": "Danish Dane Danes",
    "Finland": "Finnish Finn Finns", "Greece": "Greek Greeks", "Ireland": "Irish",
    "Portugal": "Portuguese", "Switzerland": "Swiss", "Austria": "Austrian Austrians",
    "Hungary": "Hungarian Hungarians", "Romania": "Romanian Romanians",
    "Bulgaria": "Bulgarian Bulgarians", "Serbia": "Serbian Serbians Serb Serbs",
    "Croatia": "Croatian Croatians Croat Croats", "Czech Republic": "Czech Czechs",
    "Slovakia": "Slovak Slovaks", "Georgia": "Georgians", "Armenia": "Armenian Armenians",
    "Azerbaijan": "Azerbaijani Azerbaijanis Azeri", "Uzbekistan": "Uzbek Uzbeks",
    "Kyrgyzstan": "Kyrgyz", "Tajikistan": "Tajik Tajiks", "Turkmenistan": "Turkmen",
    "Mongolia": "Mongolian Mongolians", "Afghanistan": "Afghan Afghans",
    "Pakistan": "Pakistani Pakistanis", "Bangladesh": "Bangladeshi Bangladeshis",
    "Saudi Arabia": "Saudi Saudis", "Qatar": "Qatari Qataris", "Lebanon": "Lebanese",
    "Jordan": "Jordanian Jordanians", "Palestine": "Palestinian Palestinians",
    "Yemen": "Yemeni Yemenis", "Libya": "Libyan Libyans", "Tunisia": "Tunisian Tunisians",
    "Algeria": "Algerian Algerians", "Morocco": "Moroccan Moroccans",
    "Nigeria": "Nigerian Nigerians", "Kenya": "Kenyan Kenyans", "Ethiopia": "Ethiopian Ethiopians",
    "Zimbabwe": "Zimbabwean Zimbabweans",
    "Sudan": "Sudanese", "Somalia": "Somali Somalis", "Ghana": "Ghanaian Ghanaians",
    "Vietnam": "Vietnamese", "Thailand": "Thai", "Indonesia": "Indonesian Indonesians",
    "Philippines": "Filipino Filipinos Philippine", "Malaysia": "Malaysian Malaysians",
    "Singapore": "Singaporean Singaporeans", "Myanmar": "Burmese",
    "Nepal": "Nepali Nepalese",
    "Chile": "Chilean Chileans",
    "Peru": "Peruvian Peruvians", "Colombia": "Colombian Colombians",
    "Venezuela": "Venezuelan Venezuelans", "Cuba": "Cuban Cubans", "Bolivia": "Bolivian Bolivians",
    "Ecuador": "Ecuadorian Ecuadorians", "Samoa": "Samoan Samoans", "Fiji": "Fijian Fijians",
    "Taiwan": "Taiwanese", "Estonia": "Estonian Estonians", "Latvia": "Latvian Latvians",
    "Lithuania": "Lithuanian Lithuanians", "Moldova": "Moldovan Moldovans",
    "Iceland": "Icelandic Icelanders", "Haiti": "Haitian Haitians",
}.items():
    for _w in _names.split(" "):
        _DEMONYMS[_w] = _canon
# Two-word demonyms cannot live in the space-separated table above.
_DEMONYMS.update({
    "South African": "South Africa", "South Africans": "South Africa",
    "Sri Lankan": "Sri Lanka", "Sri Lankans": "Sri Lanka",
    "North Korean": "North Korea", "North Koreans": "North Korea",
    "South Korean": "South Korea", "South Koreans": "South Korea",
    "New Zealander": "New Zealand", "New Zealanders": "New Zealand",
    "Soviet": "Soviet Union", "Soviets": "Soviet Union",
    "West German": "West Germany", "West Germans": "West Germany",
    "East German": "East Germany", "East Germans": "East Germany",
})

def _canonical(variants: dict[str, str]) -> dict[str, str]:
    """{canonical name: "variant|variant"} as {name or variant: canonical name}."""
    names: dict[str, str] = {}
    for canon, spelled in variants.items():
        names[canon] = canon
        for variant in filter(None, spelled.split("|")):
            names[variant] = canon
    return names


# Well-known organisations: every variant -> one canonical tag, the same in every article.
_ORGS: dict[str, str] = _canonical({
    "European Union": "EU|E.U.",
    "United Nations": "UN|U.N.",
    "NATO": "North Atlantic Treaty Organization|Nato|North Atlantic Alliance",
    "EAEU": "Eurasian Economic Union|EEU",
    "CIS": "Commonwealth of Independent States",
    "CSTO": "Collective Security Treaty Organization",
    "SCO": "Shanghai Cooperation Organisation|Shanghai Cooperation Organization",
    "BRICS": "",
    "OPEC": "Organization of the Petroleum Exporting Countries",
    "World Health Organization": "WHO|World Health Organisation",
    "International Monetary Fund": "IMF",
    "World Bank": "",
    "World Trade Organization": "WTO|World Trade Organisation",
    "OSCE": "Organization for Security and Co-operation in Europe"
            "|Organization for Security and Cooperation in Europe",
    "European Commission": "",
    "European Parliament": "",
    "European Central Bank": "ECB",
    "Council of Europe": "",
    "African Union": "",
    "ASEAN": "Association of Southeast Asian Nations",
    "G7": "G8",
    "G20": "",
    "UN Security Council": "United Nations Security Council|Security Council",
    "Federal Reserve": "Fed|Federal Reserve Board|Federal Reserve System",
    "FBI": "Federal Bureau of Investigation",
    "CIA": "Central Intelligence Agency",
    "US Congress": "Congress",
    "US State Department": "State Department|Department of State",
    "Pentagon": "",
    "Kremlin": "",
    "White House": "",
    "Taliban": "",
    "Hamas": "",
    "Hezbollah": "",
    "Islamic State": "ISIS|ISIL",
    "Red Cross": "International Committee of the Red Cross|ICRC",
    "Amnesty International": "",
    "Human Rights Watch": "",
    "International Criminal Court": "ICC",
    "International Olympic Committee": "IOC",
    "FIFA": "",
    "UEFA": "",
    "NASA": "",
    "Premier League": "",
    "UKIP": "UK Independence Party",
    # economic bodies of the wire's business and commodity pages
    "European Community": "EC|EEC|European Economic Community|Common Market",
    "OECD": "Organisation for Economic Co-operation and Development"
            "|Organization for Economic Cooperation and Development"
            "|Organisation for Economic Cooperation and Development"
            "|Organization for Economic Co-operation and Development",
    "GATT": "General Agreement on Tariffs and Trade",
    "Food and Agriculture Organization": "FAO|Food and Agriculture Organisation",
    "International Coffee Organization": "International Coffee Organisation",
    "International Cocoa Organization": "International Cocoa Organisation",
    "International Energy Agency": "IEA",
    "Bundesbank": "",
    "Bank of Japan": "",
    "Asian Development Bank": "",
    "African Development Bank": "",
    "Inter-American Development Bank": "",
    "Paris Club": "",
    "Gulf Cooperation Council": "GCC|Gulf Co-operation Council",
    "Securities and Exchange Commission": "SEC",
    "US Department of Agriculture": "USDA|U.S. Agriculture Department|US Agriculture Department"
                                    "|U.S. Department of Agriculture",
})

# Recurring events, competitions, awards and eras news names as one thing (variant -> canonical).
_EVENTS: dict[str, str] = _canonical({
    "COVID-19 pandemic": "COVID-19|Covid-19|COVID|Covid|Coronavirus pandemic|SARS-CoV-2",
    "World War II": "Second World War|WWII|WW2|World War Two",
    "World War I": "First World War|WWI|WW1|World War One|Great War",
    "Cold War": "",
    "Holocaust": "",
    "Brexit": "",
    "Arab Spring": "",
    "Olympic Games": "Olympics|Summer Olympics|Winter Olympics",
    "Paralympic Games": "Paralympics",
    "World Cup": "FIFA World Cup",
    "Six Nations": "Six Nations Championship",
    "Super Bowl": "",
    "Champions League": "UEFA Champions League",
    "Tour de France": "",
    "Academy Awards": "Oscars|Academy Award",
    "Grammy Awards": "Grammys|Grammy Award",
    "Golden Globe Awards": "Golden Globes|Golden Globe",
    "Brit Awards": "",
    "Eurovision Song Contest": "Eurovision",
    "Booker Prize": "Man Booker Prize",
    "Nobel Prize": "Nobel Peace Prize|Nobel prize",
    "Pulitzer Prize": "",
})

# Regions and places worth a tag when the story is about them (variant -> canonical).
_PLACES_TEXT = """
Central Asia|Middle East|Persian Gulf|Latin America|South America|North America|Central America|
Southeast Asia|South Asia|East Asia|Western Europe|Eastern Europe|Europe|Asia|Africa|
Arctic|Antarctica|Balkans|Caucasus|Crimea|Donbas|Gaza|Gaza Strip|West Bank|Kashmir|Tibet|Xinjiang|
Siberia|Chechnya|Scandinavia|Caribbean|Sahel|Kurdistan|Catalonia|Scotland|England|Wales|
Northern Ireland|Bavaria|Quebec|Ontario|British Columbia|Alberta|Queensland|Tasmania|
New South Wales|Hokkaido|Sicily|Sardinia|Corsica|Flanders|Transnistria|Abkhazia|Ossetia|
Moscow|St Petersburg|Saint Petersburg|Kiev|Kyiv|Minsk|Astana|Nur-Sultan|Almaty|Tashkent|Bishkek|
Baku|Tbilisi|Yerevan|London|Paris|Berlin|Madrid|Rome|Brussels|Vienna|Warsaw|Prague|Budapest|
Bucharest|Sofia|Athens|Lisbon|Dublin|Amsterdam|Stockholm|Oslo|Helsinki|Copenhagen|Geneva|Zurich|
Istanbul|Ankara|Tehran|Baghdad|Damascus|Beirut|Jerusalem|Tel Aviv|Cairo|Riyadh|Dubai|Doha|Kabul|
Islamabad|Karachi|Lahore|Delhi|New Delhi|Mumbai|Kolkata|Bangalore|Chennai|Dhaka|Colombo|Kathmandu|
Beijing|Shanghai|Wuhan|Shenzhen|Guangzhou|Tokyo|Osaka|Seoul|Pyongyang|Hanoi|Bangkok|Manila|
Jakarta|Kuala Lumpur|Sydney|Melbourne|Brisbane|Perth|Auckland|Wellington|Washington|New York|
New York City|Los Angeles|Chicago|Houston|San Francisco|Boston|Seattle|Miami|Atlanta|Detroit|
Philadelphia|Las Vegas|Toronto|Montreal|Vancouver|Ottawa|Mexico City|Havana|Caracas|Bogota|
Lima|Santiago|Buenos Aires|Rio de Janeiro|Sao Paulo|Brasilia|Lagos|Nairobi|Addis Ababa|
Johannesburg|Cape Town|Khartoum|Tripoli|Tunis|Algiers|Casablanca|Apia|Edinburgh|Glasgow|
Manchester|Liverpool|Birmingham|Leeds|Cardiff|Belfast|Milan|Munich|Hamburg|Frankfurt|Barcelona|
Hong Kong|Macau|Kaliningrad|Vladivostok|Sevastopol|Donetsk|Luhansk|Kharkiv|Odessa|Mariupol|
Aleppo|Idlib|Mosul|Basra|Kandahar|Benghazi|Srinagar|Taipei|Singapore
"""

_STATES = [*_words(
    "Alabama Alaska Arizona Arkansas California Colorado Connecticut Delaware Florida Hawaii "
    "Idaho Illinois Indiana Iowa Kansas Kentucky Louisiana Maine Maryland Massachusetts Michigan "
    "Minnesota Mississippi Missouri Montana Nebraska Nevada Ohio Oklahoma Oregon Pennsylvania "
    "Tennessee Texas Utah Vermont Virginia Wisconsin Wyoming"
),
    "New Hampshire", "New Jersey", "New Mexico", "North Carolina", "North Dakota",
    "Rhode Island", "South Carolina", "South Dakota", "West Virginia",
]

# Never tags: calendar words, wire services and site chrome (compared case-insensitively).
_WEEKDAYS = _words("monday tuesday wednesday thursday friday saturday sunday")
_MONTHS = _words("january february march april may june july august september october november "
                 "december")
CALENDAR_WORDS = frozenset(_WEEKDAYS + _MONTHS)
WIRE_SOURCES = frozenset(_words(
    "tass reuters ap afp upi xinhua interfax ria novosti ria dpa ansa efe kyodo yonhap "
    "bloomberg itar-tass sputnik wikinews associated press agence france-presse pa "
    "press association bbc news"
)) | frozenset({"associated press", "ria novosti", "agence france-presse", "press association",
               "itar-tass", "bbc news", "all news", "updated"})
STOP_TAGS: frozenset[str] = frozenset(_WEEKDAYS + _MONTHS) | WIRE_SOURCES | frozenset(
    {"updated", "all news", "west", "western", "east", "eastern", "north", "south", "today"}
)

# Words that mark a capitalised run as an organisation's name.
ORG_WORDS: frozenset[str] = frozenset(_words(
    "union council congress ministry department bank party commission organization organisation "
    "agency court parliament committee assembly senate duma federation association institute "
    "university college bureau authority corporation company fund foundation service office "
    "league alliance army navy police coalition front movement board centre center tribunal "
    "forum society trust guard forces program programme network group academy museum diocese "
    "archdiocese church"
))

# Lower-case words allowed inside a capitalised name ("Ministry of Health").
CONNECTORS: frozenset[str] = frozenset(_words("of for and the on de du des la le del da di und &"))

# Capitalised words that are never part of a name: they start sentences or qualify nouns.
COMMON_WORDS: frozenset[str] = frozenset(_words("""
the a an in on at to of for and but or nor so yet as by with from into after before during since
until while when where why how what which who whom whose this that these those there here it its
he she they we you i his her their our your my me him them us according meanwhile however also
although though if then than thus still even just only last next new old some many most more
all any each every both either neither no not one two three first second third several other
another such four five six seven eight nine ten western eastern northern southern former late
early later today yesterday tomorrow tonight mr mrs ms dr sir madam dear please yes thanks thank
despite because about over under
between among against without within across around through per via like unlike while whereas
""")) | frozenset(_WEEKDAYS) | frozenset(_MONTHS) | frozenset(table("name_words")["openers"])

# Common words that open a name when capitalised inside a sentence ("in New England", "the All
# Blacks"), names whose possessive is part of them ("International Women's Day", "McDonald's"),
# words that label a numbered thing ("Day 3", "Figure 4"), and the first words of named days
# ("Super Tuesday", "Black Friday"): data/name_words.toml.
NAME_OPENERS: frozenset[str] = frozenset(table("name_words")["name_openers"])
POSSESSIVE_NAMES: frozenset[str] = frozenset(table("name_words")["possessive_names"])
NUMBERED_LABELS: frozenset[str] = frozenset(table("name_words")["numbered_labels"])
DAY_NAMES: frozenset[str] = frozenset(table("name_words")["day_names"])
# nouns that introduce a person ("frontman Charlie Simpson") or a body ("chipmaker Intel")
ROLE_NOUNS: frozenset[str] = frozenset(table("name_words")["role_nouns"])
BODY_NOUNS: frozenset[str] = frozenset(table("name_words")["body_nouns"])

# Acronyms that are not organisations (or too generic to tag).
NON_ORG_ACRONYMS: frozenset[str] = frozenset(_words("""
TV CEO CFO COO CTO GDP PM AM OK ID DNA RNA HIV AIDS COVID SARS DVD CD PC IT DJ MP MPs FM AM VAT
GMT UTC BST EST PST IPO SMS PIN ATM USB GPS CCTV LGBT LGBTQ PR HQ RIP FAQ UFO AI VR AR
PHD MBA BBC TASS AP AFP UPI RIA EFE DPA ANSA II III IV VI VII VIII IX XI XII OMG LOL AKA ETA
ISBN URL HTML PDF MEP MSP HDTV NGO NGOS MW KW GW KM KG MPH NB PS Q A
FC AC AFC AS ST IC XL
"""))


@dataclass(frozen=True)
class Entry:
    """What a phrase names: its canonical tag, its kind, and how much one mention weighs."""

    tag: str
    kind: str  # "country", "org", "place"
    weight: float = 1.0


@dataclass(frozen=True)
class Gazetteer:
    """Phrase (exact case) -> entry, plus the longest phrase length in words, for the scanner."""

    phrases: dict[str, Entry]
    max_words: int


def is_demonym(word: str) -> bool:
    """'Scottish', 'Russian', 'Dutch', 'Turkish-Libyan': a nationality word (it opens no
    person's name)."""
    return word in _DEMONYMS or word in _NATIONALITY_EXTRA or (
        "-" in word and all(is_demonym(part) for part in word.split("-")))


# Nationality words of the home nations and regions that the country table leaves out.
_NATIONALITY_EXTRA = frozenset({"Scottish", "Welsh", "English", "Northern", "European", "African",
                                "Asian", "Arab", "Latin", "Western", "Eastern", "Southern",
                                "Catalan", "Basque", "Flemish", "Kurdish", "Georgian"})


def _country_phrases() -> dict[str, Entry]:
    """pycountry names, common and official names, plus the short forms news writers use."""
    out: dict[str, Entry] = {}
    for country in pycountry.countries:
        canon = _COUNTRY_CANON.get(country.alpha_2) or getattr(country, "common_name", None)
        canon = canon or country.name
        names = {country.name, canon, getattr(country, "common_name", None),
                 getattr(country, "official_name", None)}
        for name in filter(None, names):
            if "," not in name and "(" not in name:
                out[name.removeprefix("the ")] = Entry(canon, "country")
    for variant, canon in _COUNTRY_VARIANTS.items():
        out[variant] = Entry(canon, "country")
    for demonym, canon in _DEMONYMS.items():
        out[demonym] = Entry(canon, "country", 0.5)
    return out


@cache
def gazetteer() -> Gazetteer:
    """Every known phrase, built once per process."""
    phrases: dict[str, Entry] = {}
    for place in _PLACES_TEXT.replace("\n", "").split("|") + _STATES:
        phrases[place.strip()] = Entry(place.strip(), "place")
    phrases["St Petersburg"] = phrases["Saint Petersburg"] = Entry("Saint Petersburg", "place")
    phrases["Kiev"] = phrases["Kyiv"] = Entry("Kyiv", "place")
    phrases["Gaza Strip"] = Entry("Gaza", "place")
    phrases["New York City"] = Entry("New York", "place")
    phrases.update(_country_phrases())
    phrases.update({variant: Entry(canon, "org") for variant, canon in _ORGS.items()})
    phrases.update({variant: Entry(canon, "event") for variant, canon in _EVENTS.items()})
    longest = max(len(p.split()) for p in phrases)
    return Gazetteer(phrases, longest)
