"""A deterministic synthetic news corpus, written for sitegen, Pelican and Hugo alike.

The same seed gives the same bytes on every machine, so builds of the three generators (and of two
sitegen versions) are compared on identical input: N articles of 600-900 words, 200 tags and 300
speakers drawn with a skew (a few are everywhere, most are rare, as in real news), 2-4 quotes per
article, dates spread over ten years.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

TAGS = 200
SPEAKERS = 300
_SYLLABLES = ("ka", "lo", "mi", "ren", "sta", "vo", "tri", "de", "an", "po", "gul", "ser",
              "ni", "bra", "tol", "e", "qui", "mar", "os", "vel", "un", "cha", "dri", "fen")
_ROLES = ("minister", "spokesperson", "senator", "governor", "analyst", "mayor", "ambassador",
          "chief executive", "professor", "union leader")


@dataclass(frozen=True)
class Item:
    """One article, format-neutral."""

    slug: str
    title: str
    date: datetime
    tags: tuple[str, ...]
    speakers: tuple[tuple[str, str], ...]      # (name, role)
    quotes: tuple[tuple[str, str], ...]        # (speaker, text)
    body: str                                  # Markdown paragraphs


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.choice((1, 2, 2, 3))))


def _vocabulary(rng: random.Random, size: int = 3000) -> list[str]:
    words: list[str] = []
    seen: set[str] = set()
    while len(words) < size:
        w = _word(rng)
        if w not in seen:
            seen.add(w)
            words.append(w)
    return words


def _names(rng: random.Random, count: int, parts: int) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < count:
        name = " ".join(_word(rng).capitalize() + _word(rng) for _ in range(parts))
        if name not in seen:
            seen.add(name)
            out.append(name)
    return out


def _skewed(rng: random.Random, pool: list[str], k: int) -> tuple[str, ...]:
    """k distinct picks, the first items of the pool far more often (a Zipf-like skew)."""
    picks: list[str] = []
    while len(picks) < k:
        i = min(int(rng.paretovariate(0.8)) - 1, len(pool) - 1)
        i = i if rng.random() < 0.6 else rng.randrange(len(pool))
        if pool[i] not in picks:
            picks.append(pool[i])
    return tuple(picks)


def _sentence(rng: random.Random, vocab: list[str]) -> str:
    words = [rng.choice(vocab) for _ in range(rng.randint(8, 20))]
    words[0] = words[0].capitalize()
    if rng.random() < 0.2:
        words.insert(rng.randint(1, len(words) - 1), "*" + rng.choice(vocab) + "*")
    return " ".join(words) + rng.choice((".", ".", ".", "?", ";")).replace(";", ".")


def generate(n: int, seed: int = 6) -> list[Item]:
    """N articles, the same for the same (n, seed); article i does not depend on n."""
    meta = random.Random(seed)
    vocab = _vocabulary(meta)
    tags = [" ".join(_word(meta).capitalize() for _ in range(meta.choice((1, 1, 2))))
            for _ in range(TAGS * 2)]
    tags = list(dict.fromkeys(tags))[:TAGS]
    speakers = _names(meta, SPEAKERS, 2)
    start = datetime(2015, 1, 1, 6, 0, tzinfo=UTC)
    items: list[Item] = []
    for i in range(n):
        rng = random.Random(f"{seed}-{i}")
        when = start + timedelta(minutes=rng.randrange(10 * 365 * 24 * 60))
        said = _skewed(rng, speakers, rng.randint(1, 3))
        roles = tuple((s, f"{rng.choice(_ROLES)}") for s in said)
        quotes = tuple((rng.choice(said), " ".join(_sentence(rng, vocab)
                                                  for _ in range(rng.randint(1, 2))))
                       for _ in range(rng.randint(2, 4)))
        target = rng.randint(600, 900)
        paragraphs: list[str] = []
        words = 0
        qi = 0
        while words < target:
            if qi < len(quotes) and rng.random() < 0.3:
                who, text = quotes[qi]
                para = f'"{text}" {who} said.'
                qi += 1
            else:
                para = " ".join(_sentence(rng, vocab) for _ in range(rng.randint(2, 5)))
            paragraphs.append(para)
            words += len(para.split())
        for who, text in quotes[qi:]:
            paragraphs.append(f'"{text}" {who} said.')
        title_words = [rng.choice(vocab) for _ in range(rng.randint(4, 9))]
        title = " ".join(title_words).capitalize()
        items.append(Item(slug=f"a{i:06d}-{'-'.join(title_words[:4])}", title=title, date=when,
                          tags=_skewed(rng, tags, rng.randint(2, 6)), speakers=roles,
                          quotes=quotes, body="\n\n".join(paragraphs) + "\n"))
    return items


def _yaml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def sitegen_text(item: Item) -> str:
    """Front-matter Markdown as `sitegen import` writes it."""
    lines = ["---", f"title: {_yaml_str(item.title)}", f"date: {item.date.isoformat()}",
             "tags: [" + ", ".join(_yaml_str(t) for t in item.tags) + "]", "speakers:"]
    for name, role in item.speakers:
        lines += [f"  - name: {_yaml_str(name)}", f"    role: {_yaml_str(role)}"]
    lines.append("quotes:")
    for who, text in item.quotes:
        lines += [f"  - speaker: {_yaml_str(who)}", f"    text: {_yaml_str(text)}"]
    lines += [f"slug: {item.slug}", "---", item.body]
    return "\n".join(lines)


def pelican_text(item: Item) -> str:
    """Pelican Markdown metadata; speakers are Pelican's multi-valued authors (paginated pages
    and an Atom feed per author: the closest built-in match to a speaker taxonomy)."""
    return "\n".join([f"Title: {item.title}", f"Date: {item.date.strftime('%Y-%m-%d %H:%M')}",
                      f"Slug: {item.slug}", "Tags: " + ", ".join(item.tags),
                      "Authors: " + ", ".join(n for n, _ in item.speakers), "", item.body])


def hugo_text(item: Item) -> str:
    """Hugo YAML front matter with `tags` and `speakers` taxonomies."""
    lines = ["---", f"title: {_yaml_str(item.title)}", f"date: {item.date.isoformat()}",
             f"slug: {item.slug}", "tags: [" + ", ".join(_yaml_str(t) for t in item.tags) + "]",
             "speakers: [" + ", ".join(_yaml_str(n) for n, _ in item.speakers) + "]",
             "---", item.body]
    return "\n".join(lines)


def write_sitegen(items: list[Item], root: Path, search: bool = False,
                  cards: bool = True) -> Path:
    """A sitegen site in `root` (by default no search index, as the peers without Pagefind).
    The benchmark turns `cards` off: no peer draws card images (their cost is in
    docs/PERFORMANCE.md)."""
    arts = root / "content" / "articles"
    arts.mkdir(parents=True, exist_ok=True)
    (root / "sitegen.toml").write_text(
        'title = "Bench"\nbase_url = "https://bench.example/"\nper_page = 10\n'
        f'timezone = "UTC"\nsearch = {"true" if search else "false"}\n'
        f'cards = {"true" if cards else "false"}\n', encoding="utf-8")
    for item in items:
        add_sitegen(item, root)
    return arts


def add_sitegen(item: Item, root: Path) -> None:
    """One more article in a site `write_sitegen` made."""
    path = root / "content" / "articles" / f"{item.slug}.md"
    path.write_text(sitegen_text(item), encoding="utf-8")


def add_pelican(item: Item, root: Path) -> None:
    (root / "content" / f"{item.slug}.md").write_text(pelican_text(item), encoding="utf-8")


def add_hugo(item: Item, root: Path) -> None:
    path = root / "content" / "posts" / f"{item.slug}.md"
    path.write_text(hugo_text(item), encoding="utf-8")


def write_pelican(items: list[Item], root: Path) -> Path:
    content = root / "content"
    content.mkdir(parents=True, exist_ok=True)
    for item in items:
        add_pelican(item, root)
    theme = root / "theme" / "templates"
    theme.mkdir(parents=True, exist_ok=True)
    for name, text in PELICAN_TEMPLATES.items():
        (theme / name).write_text(text, encoding="utf-8")
    (root / "pelicanconf.py").write_text(PELICAN_CONF, encoding="utf-8")
    return content


def write_hugo(items: list[Item], root: Path) -> Path:
    content = root / "content" / "posts"
    content.mkdir(parents=True, exist_ok=True)
    for item in items:
        add_hugo(item, root)
    for name, text in HUGO_LAYOUTS.items():
        path = root / "layouts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "config.toml").write_text(HUGO_CONF, encoding="utf-8")
    return content


# Minimal equivalent templates: an article page, a paginated index, term pages paginated by 10,
# an Atom feed per term. Plain HTML on all three sides, so the generators' own speed is compared.

PELICAN_CONF = """\
SITENAME = "Bench"
SITEURL = "https://bench.example"
TIMEZONE = "UTC"
THEME = "theme"
DEFAULT_PAGINATION = 10
PAGINATED_TEMPLATES = {"index": None, "tag": None, "author": None, "category": None}
FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feeds/all.atom.xml"
TAG_FEED_ATOM = "feeds/tag/{slug}.atom.xml"
AUTHOR_FEED_ATOM = "feeds/speaker/{slug}.atom.xml"
AUTHOR_FEED_RSS = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
ARTICLE_URL = "{date:%Y}/{slug}/"
ARTICLE_SAVE_AS = "{date:%Y}/{slug}/index.html"
TAG_URL = "tags/{slug}/"
TAG_SAVE_AS = "tags/{slug}/index.html"
AUTHOR_URL = "speakers/{slug}/"
AUTHOR_SAVE_AS = "speakers/{slug}/index.html"
CATEGORY_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""
PAGE_SAVE_AS = ""
PAGINATION_PATTERNS = ((1, "{url}", "{save_as}"), (2, "{base_name}/page/{number}/",
                       "{base_name}/page/{number}/index.html"))
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CONTENT_CACHING_LAYER = "reader"
CACHE_PATH = "cache"
DELETE_OUTPUT_DIRECTORY = False
"""

_PELICAN_BASE = """<!doctype html><html><head><meta charset="utf-8"><title>{% block title %}\
{{ SITENAME }}{% endblock %}</title></head><body><header><a href="{{ SITEURL }}/">{{ SITENAME }}\
</a></header>{% block content %}{% endblock %}</body></html>
"""
_PELICAN_LIST = """{% extends "base.html" %}{% block content %}<ul>
{% for a in articles_page.object_list %}<li><a href="{{ SITEURL }}/{{ a.url }}">{{ a.title }}</a>
 {{ a.locale_date }}</li>
{% endfor %}</ul>
{% if articles_page.has_previous() %}<a href="{{ SITEURL }}/{{ \
articles_previous_page.url }}">newer</a>{% endif %}
{% if articles_page.has_next() %}<a href="{{ SITEURL }}/{{ articles_next_page.url }}">older</a>\
{% endif %}
{% endblock %}
"""
PELICAN_TEMPLATES = {
    "base.html": _PELICAN_BASE,
    "index.html": _PELICAN_LIST,
    "tag.html": _PELICAN_LIST,
    "author.html": _PELICAN_LIST,
    "category.html": _PELICAN_LIST,
    "article.html": """{% extends "base.html" %}{% block title %}{{ article.title }}\
{% endblock %}{% block content %}<article><h1>{{ article.title }}</h1><p>{{ article.locale_date }}\
</p>{{ article.content }}<p>{% for t in article.tags %}<a href="{{ SITEURL }}/{{ t.url }}">\
{{ t }}</a> {% endfor %}</p><p>{% for s in article.authors %}<a href="{{ SITEURL }}/{{ s.url }}">\
{{ s }}</a> {% endfor %}</p></article>{% endblock %}
""",
    "page.html": """{% extends "base.html" %}""",
    "tags.html": """{% extends "base.html" %}{% block content %}{% for t, _ in tags %}\
<a href="{{ SITEURL }}/{{ t.url }}">{{ t }}</a> {% endfor %}{% endblock %}
""",
    "authors.html": """{% extends "base.html" %}{% block content %}{% for a, _ in authors %}\
<a href="{{ SITEURL }}/{{ a.url }}">{{ a }}</a> {% endfor %}{% endblock %}
""",
    "categories.html": """{% extends "base.html" %}""",
    "archives.html": """{% extends "base.html" %}""",
    "period_archives.html": """{% extends "base.html" %}""",
}

HUGO_CONF = """\
baseURL = "https://bench.example/"
title = "Bench"
disableKinds = ["RSS", "sitemap", "robotsTXT", "404"]
paginate = 10
[permalinks]
posts = "/:year/:slug/"
[taxonomies]
tag = "tags"
speaker = "speakers"
[mediaTypes."application/atom+xml"]
suffixes = ["xml"]
[outputFormats.Atom]
mediaType = "application/atom+xml"
baseName = "atom"
isPlainText = false
[outputs]
home = ["HTML", "Atom"]
section = ["HTML"]
taxonomy = ["HTML"]
term = ["HTML", "Atom"]
"""

_HUGO_LIST = """<!doctype html><html><head><meta charset="utf-8"><title>{{ .Title }}</title>\
</head><body><header><a href="{{ site.BaseURL }}">{{ site.Title }}</a></header><ul>
{{ $pages := .Pages }}{{ if .IsHome }}{{ $pages = site.RegularPages }}{{ end }}\
{{ $p := .Paginate $pages.ByDate.Reverse }}{{ range $p.Pages }}<li><a href="{{ .RelPermalink }}">\
{{ .Title }}</a> {{ .Date.Format "January 2, 2006" }}</li>
{{ end }}</ul>{{ if $p.HasPrev }}<a href="{{ $p.Prev.URL }}">newer</a>{{ end }}\
{{ if $p.HasNext }}<a href="{{ $p.Next.URL }}">older</a>{{ end }}</body></html>
"""
HUGO_LAYOUTS = {
    "_default/single.html": """<!doctype html><html><head><meta charset="utf-8"><title>\
{{ .Title }}</title></head><body><header><a href="{{ site.BaseURL }}">{{ site.Title }}</a></header>\
<article data-pagefind-body><h1>{{ .Title }}</h1><p data-pagefind-sort="date">\
{{ .Date.Format "January 2, 2006" }}</p>{{ .Content }}<p>\
{{ range .GetTerms "tags" }}<a href="{{ .RelPermalink }}" data-pagefind-filter="tag">\
{{ .LinkTitle }}</a> {{ end }}</p><p>{{ range .GetTerms "speakers" }}\
<a href="{{ .RelPermalink }}" data-pagefind-filter="speaker">{{ .LinkTitle }}</a> {{ end }}</p>\
</article></body></html>
""",
    "_default/list.html": _HUGO_LIST,
    "_default/term.html": _HUGO_LIST,
    "index.html": _HUGO_LIST,
    "_default/terms.html": """<!doctype html><html><head><meta charset="utf-8"><title>\
{{ .Title }}</title></head><body>{{ range .Data.Terms.Alphabetical }}<a href="\
{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> {{ end }}</body></html>
""",
    "_default/list.atom.xml": """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>{{ .Title }}</title><id>{{ .Permalink }}</id>\
<updated>{{ now.Format "2006-01-02T15:04:05Z07:00" }}</updated>
{{ $pages := .Pages }}{{ if .IsHome }}{{ $pages = site.RegularPages }}{{ end }}\
{{ range first 10 $pages.ByDate.Reverse }}<entry><title>{{ .Title }}</title><link href="\
{{ .Permalink }}"/><id>{{ .Permalink }}</id><updated>{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}\
</updated><content type="html">{{ .Content | html }}</content></entry>
{{ end }}</feed>
""",
}


def edit(path: Path, round_: int) -> None:
    """A one-article edit as an editor makes it: one sentence added to the body."""
    text = path.read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n") + f"\n\nCorrection number {round_} was added here.\n",
                    encoding="utf-8")
