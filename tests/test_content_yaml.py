"""The front matter fast path gives exactly what PyYAML's own constructor gives, with or without
libyaml, and hands every unusual document to it."""

from __future__ import annotations

import itertools
import pickle
import random
import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from sitegen import content

DOCUMENTS = [
    "title: Hello\ndate: 2022-12-10\ntags: [a, b]\nspeakers:\n  - name: A\n    role: B\n  - C\n",
    "a: 1\nb: [1, 2.5, true, null, ~, 2022-01-01, 2022-13-45, 2022-01-01T10:00:00Z, '', x]\n",
    "a: 0x1F\nb: 1_000\nc: .inf\nd: -.NaN\ne: 0o17\nf: 1:20\ng: Yes\nh: off\ni: +12\n",
    "a: !!str 12\nb: !!int '7'\n!!str c: 1\n",
    "a: {b: {c: [d, {e: f}]}}\n",
    "a: 1\na: 2\n",          # a repeated key: the last value, as PyYAML does
    "'': x\n1: one\nnull: n\n",
    "a:\n",
    "<<: {a: 1}\nb: 2\n",    # merge key: the full constructor
    "=: 3\n",                # value key
    "a: &x [1]\nb: *x\n",    # a shared list
    "a: &x 1\nb: *x\n",
    "a: &a [*a]\n",          # recursive
    "? [a]\n: 1\n",          # unhashable key: an error
    "a: !!binary aGVsbG8=\n",
    "a: !!set {x}\n",
    "a: !foo x\n",           # unknown tag: an error
    "a: !!str [x]\n",
    "- a\n- b\n",
    "just text\n",
    "",
]


def _outcome(run: Any) -> tuple[Any, ...]:
    try:
        data = run()
    except Exception as exc:
        return ("error", type(exc).__name__, str(exc))
    return ("data", repr(data), pickle.dumps(data))


def _both(text: str) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    fast, full = content._Loader(text), content._Loader(text)
    try:
        fast_node, full_node = fast.get_single_node(), full.get_single_node()
    except yaml.YAMLError:   # not a document at all: never reaches construction
        return ("syntax",), ("syntax",)
    if fast_node is None or full_node is None:
        return ("empty",), ("empty",)
    return (_outcome(lambda: content._construct_document(fast, fast_node)),
            _outcome(lambda: full.construct_document(full_node)))


@pytest.mark.parametrize("text", DOCUMENTS)
def test_fast_construction_matches_pyyaml(text: str) -> None:
    fast, full = _both(text)
    assert fast == full


_WORDS = ["Lavrov", "yes", "No", "null", "~", "12", "0x1F", "1.5", ".nan", "2022-12-10",
          "2022-13-45", "2022-12-10T18:21:00+03:00", "12:30", "<<", "=", "", " spaced ", "é",
          "a: b", "- x", "#", "'q'", "true", "1_000", "+7", "0o17"]


def _random_value(rng: random.Random, depth: int) -> Any:
    kind = rng.randrange(6 if depth < 3 else 3)
    if kind == 0:
        return rng.choice(_WORDS)
    if kind == 1:
        return rng.choice([None, True, False, rng.randint(-5, 10**6), rng.random(),
                           date(2022, 1, 2)])
    if kind == 2:
        return " ".join(rng.choices(_WORDS, k=rng.randint(1, 6)))
    if kind == 3:
        return [_random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {rng.choice(_WORDS): _random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))}


def test_fast_construction_matches_pyyaml_on_random_documents() -> None:
    rng = random.Random(20261129)
    for _ in range(400):
        data = {rng.choice([*_WORDS, "title", "tags", "speakers"]): _random_value(rng, 0)
                for _ in range(rng.randint(1, 8))}
        text = yaml.safe_dump(data, default_flow_style=rng.choice([None, True, False]),
                              allow_unicode=True)
        for variant in (text, text.replace("'", "")):   # unquoted: other types, some errors
            fast, full = _both(variant)
            assert fast == full, variant


class _Extended(content._Loader):
    """A loader with a resolver of its own: its own table, which `resolve` must notice."""


_Extended.add_implicit_resolver("tag:example.com,2026:word", re.compile("^xyzzy$"), list("x"))


@pytest.mark.parametrize("loader_class", [content._Loader, _Extended, content._Loader])
def test_resolve_matches_pyyaml(loader_class: type[content._Loader]) -> None:
    loader = loader_class("")
    values = ["", "~", "null", "Null", "true", "no", "1", "-1.5", "0x10", ".inf", "2022-01-01",
              "<<", "=", "!", "&", "*", "abc", "é", "12:30", "+1", "0b101", "1e3", "1_0", "xyzzy"]
    for value, implicit in itertools.product(values, itertools.product([True, False], repeat=2)):
        assert (loader.resolve(yaml.ScalarNode, value, implicit)
                == yaml.resolver.Resolver.resolve(loader, yaml.ScalarNode, value, implicit))
    for kind in (yaml.SequenceNode, yaml.MappingNode):
        assert (loader.resolve(kind, None, (False, False))
                == yaml.resolver.Resolver.resolve(loader, kind, None, (False, False)))


def test_works_without_libyaml(tmp_path: Path) -> None:
    """Without libyaml's CSafeLoader the pure-Python loader is used, with the same results."""
    script = (
        "import yaml\n"
        "if hasattr(yaml, 'CSafeLoader'):\n"
        "    del yaml.CSafeLoader\n"
        "from pathlib import Path\n"
        "from sitegen import content\n"
        "from sitegen.config import Config\n"
        "assert content._Loader.__mro__[1] is yaml.SafeLoader\n"
        "a = content.parse_article(Path('a.md'), '---\\ntitle: Hi\\ndate: 2022-12-10\\n"
        "tags: [x, y]\\n---\\nBody\\n', Config())\n"
        "print(a.title, a.date.isoformat(), a.tags)\n"
        "try:\n"
        "    content.parse_article(Path('b.md'), '---\\ntitle: ok\\ntags: [a, b\\n---\\n', "
        "Config())\n"
        "except Exception as exc:\n"
        "    print(exc)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True, cwd=tmp_path,
                          env={"PYTHONPATH": str(Path(content.__file__).parents[1])})
    lines = done.stdout.splitlines()
    assert lines[0] == "Hi 2022-12-10T00:00:00+00:00 ('x', 'y')"
    assert lines[1].startswith("b.md:4: front matter is not valid YAML: ")
