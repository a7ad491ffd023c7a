"""Front matter is read with libyaml's loader when PyYAML has it, and without it the
pure-Python loader gives the same results."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sitegen import content


def test_works_without_libyaml(tmp_path: Path) -> None:
    """Without libyaml's CSafeLoader the pure-Python loader is used, with the same results."""
    script = (
        "import yaml\n"
        "if hasattr(yaml, 'CSafeLoader'):\n"
        "    del yaml.CSafeLoader\n"
        "from pathlib import Path\n"
        "from sitegen import content, front_matter\n"
        "from sitegen.config import Config\n"
        "assert front_matter._Loader.__mro__[1] is yaml.SafeLoader\n"
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
