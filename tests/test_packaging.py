"""An installed sitegen (a wheel, not this checkout) can scaffold and build a site."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import REPO


def test_wheel_carries_every_subpackage_and_the_default_theme(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    # verbose, so the build backend's own output is seen: a clean install says nothing alarming
    # (setuptools' deprecation warnings were about 220 lines of `make site`, issue 17)
    made = subprocess.run([sys.executable, "-m", "pip", "wheel", "-v", "--no-deps", "-w",
                           str(wheels), str(REPO)], check=True, timeout=300, capture_output=True,
                          text=True)
    said = made.stdout + made.stderr
    assert "deprecat" not in said.lower() and "BackendWarning" not in said, said
    wheel = next(wheels.glob("sitegen-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for init in (REPO / "sitegen").rglob("__init__.py"):
        assert str(init.relative_to(REPO)) in names, f"{init} missing from the wheel"
    for theme_file in (REPO / "themes" / "default").rglob("*"):
        if theme_file.is_file():
            inside = "sitegen/default_theme/" + str(theme_file.relative_to(REPO / "themes/default"))
            assert inside in names, f"{theme_file} missing from the wheel"

    unpacked = tmp_path / "installed"
    zipfile.ZipFile(wheel).extractall(unpacked)
    env = {**os.environ, "PYTHONPATH": str(unpacked)}
    site = tmp_path / "newsite"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "sitegen", *args], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=120, check=False)

    where = subprocess.run([sys.executable, "-c", "import sitegen; print(sitegen.__file__)"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    assert where.stdout.startswith(str(unpacked))
    assert run("new", str(site)).returncode == 0
    built = run("build", "--site", str(site))
    assert built.returncode == 0, built.stderr
    assert (site / "_site" / "index.html").is_file()
