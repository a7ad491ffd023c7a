"""Front matter is bounded before anything expands it: an alias bomb of a few hundred bytes
(issue 18: 42 s and 4.6 GB through `record_bytes`, a MemoryError at 451 bytes) is one located
problem in well under a second, wherever it sits; aliases loop or nest too deep, the same;
small honest anchors load exactly as the values written out."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from sitegen.config import Config
from sitegen.content import MAX_EXPANSION, parse_article
from sitegen.errors import SitegenError
from tests.conftest import REPO, write_config


def bomb(where: str, levels: int = 9) -> str:
    """A billion-laughs article: `levels` lists of 9 aliases of the list before (9**levels
    leaves), the last one under `where` (a path of keys, `->` between them)."""
    lines = ["a: &a [l,l,l,l,l,l,l,l,l]"]
    names = "abcdefghijklmnop"
    for i in range(1, levels):
        lines.append(f"{names[i]}: &{names[i]} [" + ",".join([f"*{names[i - 1]}"] * 9) + "]")
    keys = where.split("->")
    value = f"*{names[levels - 1]}"
    tail = keys[0] + ": " + "".join("{" + key + ": " for key in keys[1:]) + value \
        + "}" * (len(keys) - 1)
    return "---\ntitle: B\ndate: 2022-12-10\n" + "\n".join(lines) + f"\n{tail}\n---\nB\n"


def text_bomb() -> str:
    """Few values, long text: 250 characters aliased 12 x 12 x 12 times (1,700 values, 432,000
    characters: a limit counting values alone would let it through)."""
    return ("---\ntitle: B\ndate: 2022-12-10\n"
            f"a: &a {'x' * 250}\n"
            "b: &b [" + ",".join(["*a"] * 12) + "]\n"
            "c: &c [" + ",".join(["*b"] * 12) + "]\n"
            "d: [" + ",".join(["*c"] * 12) + "]\n---\nB\n")


# Runs `sitegen build` with its address space capped: the bomb before the fix needed 4.6 GB.
_BUILD = """
import resource, sys
limit = 1536 * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from sitegen.cli import main
sys.exit(main(["build", "--site", sys.argv[1]]))
"""


def build(root: Path) -> tuple[int, str, float]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", _BUILD, str(root)], capture_output=True,
                          text=True, env=env, timeout=120, check=False)
    return done.returncode, done.stdout + done.stderr, time.monotonic() - started


@pytest.mark.parametrize("text", [
    bomb("x"),                      # a key nothing reads: it was pickled in full
    bomb("tags"),
    bomb("quotes"),
    bomb("speakers"),
    bomb("extra->notes->more"),     # deep inside extra fields
    bomb("subtitle"),
    text_bomb(),
], ids=["unread-key", "tags", "quotes", "speakers", "nested-extra", "subtitle", "text"])
def test_alias_bomb_fails_the_build_fast_with_one_located_problem(tmp_path: Path,
                                                                  text: str) -> None:
    assert len(text.encode()) < 520, "the issue's size: a few hundred bytes"
    root = tmp_path / "site"
    (root / "content" / "articles").mkdir(parents=True)
    write_config(root, 'title = "Bomb"\nsearch = false\n')
    (root / "content" / "articles" / "good.md").write_text(
        "---\ntitle: Good\ndate: 2022-12-11\n---\nFine.\n", encoding="utf-8")
    bad = root / "content" / "articles" / "bomb.md"
    bad.write_text(text, encoding="utf-8")
    code, output, seconds = build(root)
    assert code == 1, output
    assert "Traceback" not in output and "MemoryError" not in output, output
    errors = [line for line in output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, output
    assert f"{bad}:4: front matter aliases (*name) expand it by" in errors[0]
    assert seconds < 15, f"{seconds:.1f} s"   # about 0.6 s; 80 s before the fix
    assert not (root / "_site").exists()


def parsed(text: str) -> Any:
    return parse_article(Path("a.md"), text, Config())


def test_alias_bomb_is_refused_before_construction(tmp_path: Path) -> None:
    started = time.monotonic()
    with pytest.raises(SitegenError) as info:
        parsed(bomb("x", levels=12))   # 9**12 leaves: only a walk that never expands survives
    [problem] = info.value.problems
    assert problem.line == 4 and "expand it by" in problem.message
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("front", ["x: &a [*a]\n", "x: &a {k: [1, *a]}\n",
                                   "y: 1\nx: &a [[[*a]]]\n", "tags: &a [a, *a]\n"])
def test_an_alias_inside_what_it_names_is_a_located_problem(front: str) -> None:
    text = f"---\ntitle: T\ndate: 2022-12-10\n{front}---\nB\n"
    with pytest.raises(SitegenError) as info:
        parsed(text)
    [problem] = info.value.problems
    assert "loop without end" in problem.message
    assert problem.line == 1 + text.split("\n").index(front.splitlines()[-1])


def test_aliases_cannot_hide_nesting_depth() -> None:
    # The anchored list sits 40 levels deep under `a`; `b`, walked first, reaches it at level
    # 2. Written out, `a` nests 40 + 30 levels: the old check (first visit wins) let it pass.
    inner = "&x " + "[" * 30 + "]" * 30
    text = (f"---\ntitle: T\ndate: 2022-12-10\na: {'[' * 39}{inner}{']' * 39}\nb: *x\n"
            "---\nB\n")
    with pytest.raises(SitegenError) as info:
        parsed(text)
    [problem] = info.value.problems
    assert "more than 64 levels deep" in problem.message


LEGIT = """---
title: Talks
date: 2022-12-10
speakers:
  - name: &lavrov Sergey Lavrov
    role: &role Foreign Minister
  - name: &zakharova Maria Zakharova
quotes:
  - {text: One., speaker: *lavrov}
  - {text: Two., speaker: *zakharova}
  - {text: Three., speaker: *lavrov}
tags: &tags [Russia, Kazakhstan]
related_tags: *tags
desk: &desk {editor: A, checked: [x, y]}
copy: [*desk, *desk, *role]
---
Body.
"""


class _NoAliases(yaml.SafeDumper):
    """Writes shared values out in full."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def test_small_honest_aliases_load_as_the_values_written_out() -> None:
    with_aliases = parsed(LEGIT)
    written_out = yaml.dump(yaml.safe_load(LEGIT.split("---\n")[1]), Dumper=_NoAliases,
                            sort_keys=False)
    assert "&" not in written_out and "*" not in written_out
    plain = parsed(f"---\n{written_out}---\nBody.\n")
    assert with_aliases == plain and with_aliases.extra == plain.extra
    assert with_aliases.quotes[2].speaker == "Sergey Lavrov"
    assert with_aliases.extra["copy"] == [{"editor": "A", "checked": ["x", "y"]}] * 2 \
        + ["Foreign Minister"]


def _size(value: Any, memo: dict[int, int]) -> int:
    """What the check counts: one per value plus the characters of each text, aliases written
    out (memoised by identity, or a bomb would take as long here as it did in sitegen)."""
    if isinstance(value, str):
        return 1 + len(value)
    if id(value) not in memo:
        items = value if isinstance(value, list) else [x for kv in value.items() for x in kv]
        memo[id(value)] = 1 + sum(_size(item, memo) for item in items)
    return memo[id(value)]


def _distinct(value: Any, seen: set[int]) -> int:
    """The same, each list or mapping counted once however often it is aliased."""
    if isinstance(value, str):
        return 1 + len(value)
    if id(value) in seen:
        return 0
    seen.add(id(value))
    items = value if isinstance(value, list) else [x for kv in value.items() for x in kv]
    return 1 + sum(_distinct(item, seen) for item in items)


words = st.builds(lambda s, n: "w" + s * n, st.text(alphabet="abcxyz ", max_size=3),
                  st.sampled_from([1, 10, 100]))


@st.composite
def shared_lists(draw: st.DrawFn) -> list[Any]:
    """Lists built from texts and earlier lists: safe_dump writes each reuse as an alias."""
    made: list[list[Any]] = [draw(st.lists(words, min_size=1, max_size=4))]
    # sampled_from draws sizes evenly (integers favour small ones): both sides of the limit
    for _ in range(draw(st.sampled_from(range(10)))):
        item = st.one_of(st.sampled_from(made[::-1]), words)   # the latest list: the largest
        made.append([draw(item) for _ in range(draw(st.sampled_from(range(1, 17))))])
    return made


def _aliased(times: int) -> list[Any]:
    """A list of ten 99-character texts, and a list of it `times` over."""
    texts = ["w" * 99] * 10
    return [texts, [texts] * times]


@settings(max_examples=60, deadline=None)
@given(shared_lists())
@example(_aliased(99))    # the expansion just under the limit: 99,099
@example(_aliased(100))   # and just over it: 100,100
def test_aliases_load_as_written_out_or_are_refused_by_their_expanded_size(
        made: list[Any]) -> None:
    data = {"title": "T", "date": "2022-12-10", "x": made}
    dumped = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10**6)
    text = f"---\n{dumped}---\nB\n"
    added = _size(data, {}) - _distinct(data, set())
    try:
        article = parsed(text)
    except SitegenError as exc:
        [problem] = exc.problems
        assert added > MAX_EXPANSION, problem
        assert "expand it by" in problem.message
        assert problem.line is not None and 2 <= problem.line <= text.count("\n")
        return
    assert added <= MAX_EXPANSION
    assert article.extra == {"x": made}
