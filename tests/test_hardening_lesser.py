"""The lesser faults of the second reliability run (issue 18, item 7): a read-only site folder,
a build killed with its render workers, a `static/` link out of the site, an importer killed
mid-write, KOI8-R text, and look-alike tag and speaker names. Real files and real processes
wherever the fault is real; see docs/TESTING.md.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from sitegen.cli import main
from sitegen.incremental.inputs import CACHE_DIR
from sitegen.incremental.stores import BuildCache
from tests.conftest import REPO, SAMPLE_RAW, write_article
from tests.test_hardening_faults import change_content, previous, site, strays  # noqa: F401

SITEGEN = [sys.executable, "-m", "sitegen"]


def sitegen(args: Sequence[str], *, prefix: Sequence[str] = (),
            timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the real command line in a fresh process (the repository's sitegen)."""
    return subprocess.run([*prefix, *SITEGEN, *args], cwd=REPO, capture_output=True, text=True,
                          timeout=timeout, check=False)


# --- 1. a read-only site, output or cache folder -----------------------------------------------

_BIND_READ_ONLY = ('mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" "$1" && shift '
                   '&& exec "$@"')


@contextmanager
def read_only(folder: Path) -> Iterator[list[str]]:
    """A command prefix under which `folder` is really read-only: a read-only bind mount in a
    private mount namespace (EROFS, for root too), or else, when not root, `chmod a-w` on every
    folder in it (EACCES). Root ignores file modes, so without namespaces the test is skipped."""
    bind = ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", _BIND_READ_ONLY,
            "sh", str(folder)]
    if shutil.which("unshare") and subprocess.run([*bind, "true"], capture_output=True,
                                                  check=False).returncode == 0:
        yield bind
        return
    if os.geteuid() == 0:
        pytest.skip("no mount namespace to make a folder read-only, and chmod does not stop root")
    folders = [folder, *(p for p in folder.rglob("*") if p.is_dir() and not p.is_symlink())]
    modes = {p: p.stat().st_mode for p in folders}
    for p in folders:
        p.chmod(modes[p] & ~0o222)
    try:
        yield []
    finally:
        for p in folders:
            p.chmod(modes[p])


def one_error(result: subprocess.CompletedProcess[str]) -> str:
    """The single error line of a failed run (no traceback, nothing else said)."""
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_a_read_only_site_folder_is_one_error_naming_it(site: Path) -> None:  # noqa: F811
    before = previous(site)
    change_content(site)
    with read_only(site) as prefix:
        line = one_error(sitegen(["build", "--site", str(site)], prefix=prefix))
    assert line.startswith(f"error: {site}: cannot write the site: "), line
    assert "Read-only file system" in line or "Permission denied" in line, line
    assert previous(site) == before and strays(site) == []
    assert main(["build", "--site", str(site), "--quiet"]) == 0   # writable again: it builds
    assert (site / "_site" / "2022" / "12" / "brand-new" / "index.html").is_file()


def test_a_read_only_output_parent_is_one_error_naming_it(
        site: Path, tmp_path: Path) -> None:  # noqa: F811
    public = tmp_path / "public"
    out = public / "news"
    assert main(["build", "--site", str(site), "--out", str(out), "--quiet"]) == 0
    before = previous(site)
    published = {p: p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    change_content(site)
    with read_only(public) as prefix:
        line = one_error(sitegen(["build", "--site", str(site), "--out", str(out)],
                                 prefix=prefix))
    assert line.startswith(f"error: {public}: cannot write the site: "), line
    assert {p: p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()} == published
    assert previous(site) == before
    assert sorted(p.name for p in public.iterdir()) == ["news"]


def test_a_read_only_cache_folder_only_makes_the_build_slower(site: Path) -> None:  # noqa: F811
    """Every cache file, compiled templates included, is best effort: the build succeeds."""
    change_content(site)
    (site / "templates").mkdir()
    theme = REPO / "themes" / "default" / "templates" / "404.html"
    (site / "templates" / "404.html").write_text(   # a template the cache has not compiled
        theme.read_text(encoding="utf-8").replace("Page not found", "Gone (edited)"),
        encoding="utf-8")
    with read_only(site / CACHE_DIR) as prefix:
        result = sitegen(["build", "--site", str(site), "--quiet"], prefix=prefix)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert (site / "_site" / "2022" / "12" / "brand-new" / "index.html").is_file()
    assert "Gone (edited)" in (site / "_site" / "404.html").read_text(encoding="utf-8")


def test_a_cache_file_on_a_read_only_file_system_is_skipped(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In process, on any machine: EROFS from open, and from the unlink of the temp file that
    open never made (Linux checks the mount before it looks the name up)."""
    root = tmp_path / "site"
    root.mkdir()
    cache = BuildCache(root)
    cache.digests.digest(str(root))   # a record, so the stamps are worth saving

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(args[0]))

    monkeypatch.setattr(Path, "open", refuse)
    monkeypatch.setattr(Path, "unlink", refuse)
    cache.save("site", "1", {"files": {}})
    cache.save_sharded("articles", "k", {}, {"ab12": 1})
    cache.remember_digests()
    cache.remove("markdown-index")
    assert not [p for p in (root / CACHE_DIR).rglob("*") if p.is_file()]


def test_importing_into_a_read_only_content_folder_names_the_folder(tmp_path: Path) -> None:
    content = tmp_path / "site" / "content"
    (content / "articles").mkdir(parents=True)
    raw = tmp_path / "story.txt"
    shutil.copy(SAMPLE_RAW, raw)
    with read_only(content) as prefix:
        result = sitegen(["import", "--quiet", "--content-dir", str(content), str(raw)],
                         prefix=prefix)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert f"{raw}: cannot import: cannot write in {content / 'articles'}" in result.stderr
    assert sorted(p.name for p in content.rglob("*")) == ["articles"]


# --- 2. render workers die with a build killed outright ----------------------------------------

_SLOW_BUILD = '''
import os, sys, time
from pathlib import Path
from sitegen import parallel
from sitegen.cli import main

site, marks, stage, how = sys.argv[1:]
real = parallel._run_chunk

def slow(chunk):   # a worker busy with its chunk, long enough to be killed in the middle
    if parallel._work.__name__ == stage:
        (Path(marks) / str(os.getpid())).touch()
        time.sleep(120)
    return real(chunk)

parallel._run_chunk = slow
parallel.MIN_PARALLEL = 2
if how == "poll":   # where Linux's parent-death signal is not there
    parallel._kill_on_parent_death = lambda: False
sys.exit(main(["build", "--site", site, "--jobs", "2", "--quiet"]))
'''


def _alive(pid: int, started: str | None) -> bool:
    """Whether process `pid` (started at `started`, its /proc start time) still runs; a zombie
    waiting for a reaper that does not reap (pid 1 in some containers) has exited."""
    stat = Path(f"/proc/{pid}/stat")
    if not stat.parent.parent.is_dir():
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    try:
        fields = stat.read_text().rpartition(")")[2].split()
    except OSError:
        return False
    return fields[0] != "Z" and (started is None or fields[19] == started)


def _children(pid: int) -> dict[int, str | None]:
    """The child processes of `pid` with their start times (from /proc; none elsewhere)."""
    found: dict[int, str | None] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found[int(stat.parent.name)] = fields[19]
    return found


@pytest.mark.parametrize("how", ["prctl", "poll"])
@pytest.mark.parametrize("stage", ["_parse_chunk", "_convert_chunk", "_render_chunk"])
def test_a_build_killed_with_sigkill_takes_its_workers_with_it(
        tmp_path: Path, stage: str, how: str) -> None:
    root = tmp_path / "site"
    (root / "content" / "articles").mkdir(parents=True)
    (root / "sitegen.toml").write_text("search = false\n", encoding="utf-8")
    for n in range(8):
        write_article(root / "content", f"a{n}", f"Story {n} body.", title=f"Story {n}",
                      date=f"2022-12-{n + 1:02d}")
    marks = tmp_path / "marks"
    marks.mkdir()
    script = tmp_path / "slow_build.py"
    script.write_text(_SLOW_BUILD, encoding="utf-8")
    log = tmp_path / "stderr.txt"   # a file, not a pipe: orphans would hold a pipe open
    with log.open("wb") as stderr:
        build = subprocess.Popen([sys.executable, str(script), str(root), str(marks), stage,
                                  how], cwd=REPO, stderr=stderr)
    workers: dict[int, str | None] = {}
    try:
        deadline = time.monotonic() + 60
        while not any(marks.iterdir()) and build.poll() is None:
            assert time.monotonic() < deadline, "the workers never started"
            time.sleep(0.05)
        assert build.poll() is None, log.read_text(encoding="utf-8")
        workers.update({int(p.name): None for p in marks.iterdir()})
        workers.update(_children(build.pid))
        assert len(workers) >= (2 if Path("/proc/self").is_dir() else 1)   # busy and idle ones
        build.kill()
        build.wait(timeout=10)
        deadline = time.monotonic() + 5
        while any(_alive(pid, started) for pid, started in workers.items()):
            assert time.monotonic() < deadline, f"orphaned workers: {workers}"
            time.sleep(0.05)
    finally:
        build.kill()
        build.wait(timeout=10)
        for pid, started in workers.items():   # never leave a stray process, even on failure
            if _alive(pid, started):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)


# --- 3. links in static/ that lead out of the site ---------------------------------------------

SECRET = "PRIVATE KEY, never publish"


def test_static_links_out_of_the_site_are_skipped_and_named(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outside = tmp_path / "outside"
    (outside / "folder").mkdir(parents=True)
    (outside / "id_rsa").write_text(SECRET, encoding="utf-8")
    (outside / "folder" / "notes.txt").write_text(SECRET, encoding="utf-8")
    root = tmp_path / "site"
    write_article(root / "content", "a", "Body.", title="A story", date="2022-12-01")
    (root / "sitegen.toml").write_text("search = false\n", encoding="utf-8")
    (root / "assets" / "img").mkdir(parents=True)
    (root / "assets" / "img" / "photo.jpg").write_bytes(b"JPEG")
    (root / "assets" / "logo.png").write_bytes(b"PNG")
    static = root / "static"
    static.mkdir()
    (static / "style.css").write_text("body{}", encoding="utf-8")
    (static / "id_rsa").symlink_to(outside / "id_rsa")            # a file out of the site
    (static / "shared").symlink_to(outside / "folder")            # a folder out of the site
    (static / "logo.png").symlink_to(Path("..") / "assets" / "logo.png")   # inside: fine
    (static / "img").symlink_to(Path("..") / "assets" / "img")    # a folder inside: fine
    (static / "loop").symlink_to(Path("."))                        # back up: entered once

    assert main(["build", "--site", str(root)]) == 0
    err = capsys.readouterr().err
    for link in (static / "id_rsa", static / "shared"):
        assert f"{link}: skipped: it is a link to " in err, err
    assert err.count("skipped") == 2, err
    out = root / "_site" / "static"
    assert (out / "style.css").read_text(encoding="utf-8") == "body{}"
    assert (out / "logo.png").read_bytes() == b"PNG"
    assert (out / "img" / "photo.jpg").read_bytes() == b"JPEG"
    assert not (out / "id_rsa").exists() and not (out / "shared").exists()
    assert not any(SECRET.encode() in p.read_bytes() for p in (root / "_site").rglob("*")
                   if p.is_file())


def test_a_static_folder_linked_from_outside_the_site_is_skipped_and_named(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outside = tmp_path / "home"
    outside.mkdir()
    (outside / "id_rsa").write_text(SECRET, encoding="utf-8")
    root = tmp_path / "site"
    write_article(root / "content", "a", "Body.", title="A story", date="2022-12-01")
    (root / "sitegen.toml").write_text('search = false\ntheme = "mine"\n', encoding="utf-8")
    (root / "static").symlink_to(outside)
    (root / "themes" / "mine").mkdir(parents=True)   # a theme linked in from outside, too
    (root / "themes" / "mine" / "static").symlink_to(outside)

    assert main(["build", "--site", str(root)]) == 0
    err = capsys.readouterr().err
    assert f"{root / 'static'}: skipped: it is a link to {outside}" in err, err
    assert f"{root / 'themes' / 'mine' / 'static'}: skipped: it is a link to {outside}" in err
    assert (root / "_site" / "static" / "style.css").is_file()   # the default theme's own
    assert not any(SECRET.encode() in p.read_bytes() for p in (root / "_site").rglob("*")
                   if p.is_file())


# --- 4. an importer killed between writing an article's temp file and renaming it -------------

_STUCK_IMPORT = '''
import os, sys, time
from pathlib import Path
from sitegen.ingest import importer
from sitegen.cli import main

mark = Path(sys.argv[1])
real = os.fsync
calls = 0

def fsync(fd):   # the third article's temp file is written: stop there, to be killed
    global calls
    real(fd)
    calls += 1
    if calls == 3:
        mark.touch()
        time.sleep(120)

importer.os.fsync = fsync
sys.exit(main(["import", "--quiet", "--content-dir", *sys.argv[2:]]))
'''


def test_a_temp_file_left_by_an_import_killed_with_sigkill_is_removed_by_the_next(
        tmp_path: Path) -> None:
    from tests.test_hardening_faults import check_content_is_whole, raw_batch

    raw = tmp_path / "raw"
    raw_batch(raw, 5)
    content = tmp_path / "site" / "content"
    script, mark = tmp_path / "stuck_import.py", tmp_path / "writing"
    script.write_text(_STUCK_IMPORT, encoding="utf-8")
    importing = subprocess.Popen([sys.executable, str(script), str(mark), str(content), str(raw)],
                                 cwd=REPO, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not mark.exists():
            assert importing.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        importing.kill()
        importing.wait(timeout=10)
    left = [p for p in content.rglob("*") if p.name.endswith(".tmp")]
    assert len(left) == 1 and left[0].name.startswith("."), left   # the fault, for real
    articles = content / "articles" / "2022"
    # Not ours, or not stale: a user's hidden file, and a temp file of a process still running.
    (articles / ".notes.tmp").write_text("mine", encoding="utf-8")
    busy = articles / f".busy.md.{os.getpid()}-abcd1234.tmp"
    busy.write_text("being written", encoding="utf-8")
    # the content loader never reads a temp file as an article
    (articles / ".busy.md.999999999-abcd1234.tmp").write_text("---\ntitle: [\n---\n",
                                                               encoding="utf-8")
    assert main(["build", "--site", str(content.parent), "--quiet"]) == 0
    assert len(list((content.parent / "_site").glob("2022/*/*/index.html"))) == 2

    assert main(["import", "--quiet", "--content-dir", str(content), str(raw)]) == 0
    assert sorted(p.name for p in content.rglob("*.tmp")) == sorted([".notes.tmp", busy.name])
    busy.unlink()
    (articles / ".notes.tmp").unlink()
    assert len(check_content_is_whole(content)) == 5


def test_temp_files_of_an_older_importer_go_once_nothing_can_be_writing_them(
        tmp_path: Path) -> None:
    """Before temp names held a pid: `.NAME.RANDOM.tmp`, removed when older than ten minutes."""
    from sitegen.ingest.importer import remove_stale_temps

    articles = tmp_path / "content" / "articles" / "2022"
    articles.mkdir(parents=True)
    old, fresh = articles / ".story.md.k2j4h6g8.tmp", articles / ".other.md.a1b2c3d4.tmp"
    state = tmp_path / "content" / ".sitegen-import.json.z9y8x7w6.tmp"
    raw = tmp_path / "content" / "raw" / ".draft.md.q1w2e3r4.tmp"   # not a folder we write
    for path in (old, fresh, state, raw):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", encoding="utf-8")
    hour_ago = time.time() - 3600
    for path in (old, state, raw):
        os.utime(path, (hour_ago, hour_ago))
    assert sorted(remove_stale_temps(tmp_path / "content")) == sorted([old, state])
    assert fresh.exists() and raw.exists()


# --- 5. Russian text in the older Cyrillic code pages ------------------------------------------

STORY = """\
Лавров: Запад ищет любой повод, чтобы вбить клин между Россией и Казахстаном

МОСКВА, 10 декабря. /ТАСС/. Министр иностранных дел России Сергей Лавров заявил в субботу, что \
западные страны ищут любую зацепку, чтобы поссорить Москву и Астану.

"Мы видим, как внимательно наши западные коллеги следят за событиями на постсоветском \
пространстве", - сказал Лавров в интервью телеканалу "Хабар-24".

По словам министра, отношения двух государств остаются союзническими, а совместные проекты в \
энергетике и транспорте будут продолжены в следующем году.
"""


@pytest.mark.parametrize("encoding", ["koi8-r", "cp866", "cp1251", "iso8859-5"])
def test_a_russian_story_imports_the_same_from_any_cyrillic_code_page(
        tmp_path: Path, encoding: str) -> None:
    from sitegen.ingest.importer import import_paths

    def imported(data: bytes, name: str) -> str:
        raw = tmp_path / name / "story.txt"
        raw.parent.mkdir()
        raw.write_bytes(data)
        os.utime(raw, (1670630400, 1670630400))
        content = tmp_path / name / "content"
        report = import_paths([raw], content, progress=False)
        assert not report.failed and len(report.written) == 1, report.failed
        return report.written[0].read_text(encoding="utf-8")

    markdown = imported(STORY.encode(encoding), encoding)
    assert markdown == imported(STORY.encode("utf-8"), "utf-8")
    title = STORY.split("\n", 1)[0]
    assert f"title: '{title}'" in markdown
    assert STORY.rsplit("\n\n", 1)[1] in markdown   # the last paragraph, word for word


# --- 6. look-alike tag and speaker names -------------------------------------------------------

LAVROV = "Sergey Lavrov"
LOOK_ALIKES = {   # file -> (tag, speaker), each looking exactly like "Russia" and LAVROV
    "zwsp": ("Russ\u200bia", "Sergey Lav\u200brov"),
    "zwnj": ("Rus\u200csia", "Sergey\u200c Lavrov"),
    "zwj": ("Russi\u200da", "Sergey Lavro\u200dv"),
    "word-joiner": ("\u2060Russia", "Sergey Lavrov\u2060"),
    "bom": ("Rus\ufeffsia", "Ser\ufeffgey Lavrov"),
    "soft-hyphen": ("Rus\u00adsia", "Ser\u00adgey Lavrov"),
    "cyrillic-a": ("Russi\u0430", "Sergey L\u0430vrov"),           # Cyrillic а
    "cyrillic-letters": ("\u0410ustralia", "S\u0435rg\u0435y Lavrov"),   # Cyrillic А, е
    "greek-o": ("Kosov\u03bf", "Sergey Lavr\u03bfv"),               # Greek ο
}


def test_look_alike_tags_and_speakers_share_one_page_and_are_named(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "site"
    (root).mkdir()
    (root / "sitegen.toml").write_text("search = false\n", encoding="utf-8")
    write_article(root / "content", "plain", "Body.", title="Plain", date="2022-12-01",
                  tags=["Russia", "Australia", "Kosovo"], speakers=[LAVROV],
                  quotes=[{"text": "Plain words.", "speaker": LAVROV}])
    for n, (name, (tag, speaker)) in enumerate(LOOK_ALIKES.items(), start=2):
        write_article(root / "content", name, "Body.", title=f"Story {name}",
                      date=f"2022-12-{n:02d}", tags=[tag], speakers=[{"name": speaker}],
                      quotes=[{"text": f"Words {name}.", "speaker": speaker}])
    # A word in another script only (not mixed) is a name of its own, and says nothing.
    write_article(root / "content", "russian", "Body.", title="Russian", date="2022-12-20",
                  tags=["Россия"], speakers=["Сергей Лавров"])

    assert main(["build", "--site", str(root)]) == 0
    err = capsys.readouterr().err
    out = root / "_site"
    tag_pages = sorted(p.name for p in (out / "tags").iterdir() if p.is_dir())
    assert tag_pages == ["australia", "kosovo", "rossiia", "russia"], tag_pages
    speaker_pages = sorted(p.name for p in (out / "speakers").iterdir() if p.is_dir())
    assert speaker_pages == ["sergei-lavrov", "sergey-lavrov"], speaker_pages
    lavrov = (out / "speakers" / "sergey-lavrov" / "index.html").read_text(encoding="utf-8")
    for name in ("plain", *LOOK_ALIKES):
        assert f"Story {name}" in lavrov or name == "plain"
        assert (f"Words {name}." if name != "plain" else "Plain words.") in lavrov
    russia = (out / "tags" / "russia" / "index.html").read_text(encoding="utf-8")
    assert all(f"Story {name}" in russia for name in list(LOOK_ALIKES)[:7])
    for name, (tag, speaker) in LOOK_ALIKES.items():   # each file named with the line, once
        path = root / "content" / "articles" / f"{name}.md"
        assert err.count(f"warning: {path}:") == 2, (name, err)
        assert f"{path}:5: tag name {tag!r}" in err, err   # the lines of the items
        assert f"{path}:7: speaker name {speaker!r}" in err, err
    assert "russian.md" not in err and "plain.md" not in err
    assert "mixes Cyrillic letters into a Latin word; read as 'Russia'" in err
    assert "mixes Greek letters into a Latin word; read as 'Kosovo'" in err
    assert "holds invisible characters; read as 'Sergey Lavrov'" in err
    # A rebuild that reuses the parse cache and the snapshot says the same.
    write_article(root / "content", "plain", "Body, edited.", title="Plain", date="2022-12-01",
                  tags=["Russia", "Australia", "Kosovo"], speakers=[LAVROV],
                  quotes=[{"text": "Plain words.", "speaker": LAVROV}])
    assert main(["build", "--site", str(root)]) == 0
    again = capsys.readouterr().err
    assert [line for line in again.splitlines() if line.startswith("warning:")] == \
        [line for line in err.splitlines() if line.startswith("warning:")]


@pytest.mark.parametrize(("name", "read", "why"), [
    ("Russia", "Russia", None),
    ("Müller", "Müller", None),                      # accents are Latin letters
    ("Россия", "Россия", None),                      # one script: a name of its own
    ("Ελλάδα", "Ελλάδα", None),
    ("β-blocker", "β-blocker", None),                # two words, each in one script
    ("P\u043e\u0441\u0441\u0438\u044f", "Россия", "mixes Latin letters into a Cyrillic word"),
    ("\u0420ussia", "Pussia", "mixes Cyrillic letters into a Latin word"),   # Р looks like P
    ("Tbili\u0441\u0438", "Tbili\u0441\u0438", "mixes Latin and Cyrillic letters in one word"),
    ("\u200b", "", "holds invisible characters"),
])
def test_names_are_read_in_one_script_only_where_letters_look_alike(
        name: str, read: str, why: str | None) -> None:
    from sitegen.lookalikes import clean_name

    assert clean_name(name) == (read, why)
