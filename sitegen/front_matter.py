"""Front matter: a file's text split into its YAML front matter and body, and the front matter
parsed into data, each key with its YAML nodes (for line numbers). Editors write it by hand and a
file may be hostile, so nesting and aliases are measured before anything is built."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler

from sitegen.errors import Problem

_HANDLER = YAMLHandler()

# libyaml's parser is several times faster; every new or changed article goes through here.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_SafeLoader):  # type: ignore[valid-type,misc]
    """SafeLoader that keeps impossible dates (2022-13-45) as text so they get a located error."""

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


def split_front_matter(path: Path, text: str) -> tuple[str, str, int] | Problem:
    """Front matter text, body, and the file line number where the front matter text starts."""
    if not _HANDLER.detect(text):
        return Problem(path, "no front matter: the file must start with a '---' line, then "
                       "'key: value' lines such as 'title: ...', then another '---' line", 1)
    try:
        fm, body = _HANDLER.split(text)
    except ValueError:
        return Problem(path, "front matter is not closed: add a '---' line after the last key", 1)
    opening = _HANDLER.FM_BOUNDARY.match(text)
    assert opening is not None
    return fm, body, text[: opening.end()].count("\n") + 1


@dataclass
class FrontMatter:
    """The front matter as data, plus its YAML nodes (for line numbers)."""

    data: dict[str, Any]
    nodes: dict[str, tuple[yaml.Node, yaml.Node]]
    duplicates: list[tuple[str, int]]  # (key, 0-based line in the front matter) of repeats
    text: str = ""                      # the front matter, for line numbers

    def line_of(self, node: yaml.Node) -> int:
        """0-based line of a node, counting only "\n" as editors do (YAML also breaks lines
        at U+0085, U+2028 and U+2029, which would point past the file's end)."""
        return _text_line(self.text, node.start_mark)


def _text_line(text: str, mark: yaml.Mark) -> int:
    return text.count("\n", 0, mark.index)


MAX_DEPTH = 64  # nesting of front-matter values: deeper breaks pickling and rendering alike
# What aliases (`*name`) may add to a front matter, counted as one per value plus the characters
# of each text: a page of speaker names given once and used in every quote adds a few thousand.
# An alias bomb (aliases of lists of aliases) adds 9**9 in 350 bytes, and anything that walks
# the data copies it in full (`record_bytes` pickles without sharing), so it is refused before.
MAX_EXPANSION = 100_000


# Each list or mapping owns at least one of these indicators of its own: a block list's "-", a
# block mapping's ":" (or "?" before a key), a flow list's "[", a flow mapping's "{" (a pair in
# a flow list, "[a: b]", its ":"). So a front matter holding fewer of them, in any role, nests
# fewer than that many levels: 0.02 ms a file of walking the nodes saved (`_shape_problem`).
_OPENERS = ("-", ":", "?", "[", "{")

_TOO_DEEP = (f"front matter nests lists or mappings more than {MAX_DEPTH} levels deep; "
             "flatten it")


def _shape_problem(root: yaml.Node, fm: str) -> tuple[str, int] | None:
    """Why the front matter under `root` is too deep, loops or expands too far through aliases,
    and the 0-based front-matter line to point at; None when it is fine. Nothing is constructed
    yet, and the work is linear in the front matter however far aliases would expand it."""
    if "&" not in fm and sum(map(fm.count, _OPENERS)) < MAX_DEPTH:
        return None   # no anchor, so no alias, and fewer lists and mappings than the limit
    depth = _tree_depth(root)
    if depth is None:   # aliases: measure the graph
        return _graph_problem(root, fm)
    return (_TOO_DEEP, 0) if depth > MAX_DEPTH else None


def _tree_depth(root: yaml.Node) -> int | None:
    """How deep lists and mappings nest under `root` (iteratively: no recursion to blow); None
    when some node is reached twice, through an alias. The usual front matter has none, and this
    walk costs half of `_graph_problem`."""
    deepest, stack, seen = 0, [(root, 1)], set()
    while stack:
        node, level = stack.pop()
        if id(node) in seen:
            return None
        seen.add(id(node))
        if level > deepest:
            deepest = level
            if deepest > MAX_DEPTH:
                return deepest
        if isinstance(node, yaml.SequenceNode):
            stack.extend((child, level + 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend((child, level + 1) for pair in node.value for child in pair)
    return deepest


def _graph_problem(root: yaml.Node, fm: str) -> tuple[str, int] | None:
    """`_shape_problem` for a front matter with aliases: one iterative walk measuring each node
    once (shared ones by identity), its nesting and its size with every alias written out."""
    height: dict[int, int] = {}     # levels under a finished node, itself included
    expanded: dict[int, int] = {}   # its size with every alias written out
    distinct = 0                    # the size counting each node once: what the text spells out
    first_shared: yaml.Node | None = None
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, list[yaml.Node]]] = []

    def enter(node: yaml.Node) -> str | None:
        nonlocal distinct, first_shared
        key = id(node)
        if key in on_path:
            return "loop"
        if key in height:   # an alias of a finished node: measured already
            if first_shared is None or node.start_mark.index < first_shared.start_mark.index:
                first_shared = node
            return "deep" if len(stack) + height[key] > MAX_DEPTH else None
        if len(stack) >= MAX_DEPTH:
            return "deep"
        if isinstance(node, yaml.ScalarNode):
            size = 1 + len(node.value)
            distinct += size
            height[key], expanded[key] = 1, size
            return None
        children: list[yaml.Node] = (
            list(node.value) if isinstance(node, yaml.SequenceNode)
            else [child for pair in node.value for child in pair])
        distinct += 1
        on_path.add(key)
        stack.append((node, children[::-1]))
        return None

    outcome = enter(root)
    while stack and outcome is None:
        node, todo = stack[-1]
        if todo:
            child = todo.pop()
            outcome = enter(child)
            if outcome == "loop":
                first_shared = child
            continue
        stack.pop()
        on_path.discard(id(node))
        children = (node.value if isinstance(node, yaml.SequenceNode)
                    else [child for pair in node.value for child in pair])
        height[id(node)] = 1 + max((height[id(c)] for c in children), default=0)
        expanded[id(node)] = 1 + sum(expanded[id(c)] for c in children)
    if outcome == "deep":
        return _TOO_DEEP, 0
    if outcome == "loop":
        assert first_shared is not None
        return ("front matter holds an alias (*name) inside the list or mapping it names, a "
                "loop without end; write the values out"), _text_line(fm, first_shared.start_mark)
    added = expanded[id(root)] - distinct
    if added > MAX_EXPANSION:
        assert first_shared is not None
        return (f"front matter aliases (*name) expand it by {added:,} values and characters, "
                f"more than the {MAX_EXPANSION:,} allowed; write the values out instead of "
                "aliases of aliases"), _text_line(fm, first_shared.start_mark)
    return None


def load_front_matter(path: Path, fm: str, first_line: int) -> FrontMatter | Problem:
    """Parse the front matter once, keeping nodes so errors can point at the offending line."""
    loader = _Loader(fm)
    try:
        node = loader.get_single_node()
        shape = _shape_problem(node, fm) if node is not None else None
        if shape is not None:   # before construction, which would build what it describes
            return Problem(path, shape[0], shape[1] + first_line)
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = _text_line(fm, mark) + first_line if mark is not None else first_line
        what = exc.problem or exc.context or "syntax error"
        return Problem(path, f"front matter is not valid YAML: {what}", line)
    except yaml.reader.ReaderError as exc:   # a raw control character such as NUL
        line = fm[: exc.position].count("\n") + first_line
        code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1])
        return Problem(path, f"front matter holds a control character (U+{code:04X}) that "
                       "YAML does not allow; remove it", line)
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as exc:
        return Problem(path, f"front matter is not valid YAML: {exc}", first_line)
    finally:
        loader.dispose()
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        shown = "empty" if data is None else f"a {type(data).__name__}"
        return Problem(path, f"front matter must be 'key: value' lines, but it is {shown}",
                       first_line)
    nodes: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    duplicates: list[tuple[str, int]] = []
    for key_node, value_node in node.value:
        name = str(key_node.value)
        if name in nodes:
            duplicates.append((name, _text_line(fm, key_node.start_mark)))
        else:
            nodes[name] = (key_node, value_node)
    return FrontMatter({str(k): v for k, v in data.items()}, nodes, duplicates, fm)
