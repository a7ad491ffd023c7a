"""Publish the built site as one new commit on the `gh-pages` branch, with git plumbing only.

The site is built into a temporary folder, its files are hashed into the repository's object
store, a tree is written through a throw-away index file, and `commit-tree` + `update-ref` move
the branch. The user's working tree, index, HEAD and current branch are never read or written,
so uncommitted work is safe, and a failure at any step leaves every branch where it was.
Every git call is an argument list (`subprocess.run([...])`); nothing goes through a shell.
"""

from __future__ import annotations

import logging
import os
import shutil
import stat
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.config import CONFIG_NAME, Config
from sitegen.errors import Problem, SitegenError
from sitegen.write import MARKER

log = logging.getLogger("sitegen.deploy")

DEFAULT_REMOTE = "origin"
DEFAULT_BRANCH = "gh-pages"
NOJEKYLL = ".nojekyll"   # GitHub Pages would otherwise run Jekyll and hide `_`-prefixed files


@dataclass(frozen=True)
class DeployReport:
    """What a deploy did: the new commit on `branch`, its parent, and whether it was pushed."""

    branch: str
    commit: str
    parent: str | None
    files: int
    changed: bool
    pushed_to: str | None = None
    warnings: tuple[str, ...] = field(default=())

    def summary(self) -> str:
        if self.changed:
            line = f"published {self.files} files as {self.commit[:12]} on {self.branch}"
        else:
            line = (f"no change since the last deploy: {self.branch} stays at "
                    f"{self.commit[:12]} ({self.files} files)")
        if self.pushed_to:
            return f"{line}, pushed to {self.pushed_to}"
        return f"{line} (not pushed; `sitegen deploy --push` or `git push <remote> {self.branch}`)"


def deploy(config: Config, *, remote: str = DEFAULT_REMOTE, branch: str = DEFAULT_BRANCH,
           message: str | None = None, push: bool = False) -> DeployReport:
    """Build the site for `config.base_url` and commit it onto `branch`; push when asked."""
    from sitegen.site import build_site

    if "://USER.github.io" in config.base_url:
        raise SitegenError(Problem(config.root / CONFIG_NAME, f"base_url {config.base_url!r} "
                                   "is still the placeholder; set your site's real URL"))
    if not remote or remote.startswith("-"):
        raise SitegenError(f"--remote {remote!r} is not a remote name or URL")
    git = Git.for_folder(config.root)
    ref = git.branch_ref(branch)
    git.refuse_checked_out(ref)
    warnings = tuple(_unimported_raw(config))
    for warning in warnings:
        log.warning(warning)

    with tempfile.TemporaryDirectory(prefix="sitegen-deploy-") as tmp:
        out = Path(tmp) / "site"
        # writes nothing in the checkout: no build cache, not even the lock file
        build_site(config, out_dir=out, import_raw=False, locked=False, cached=False)
        (out / MARKER).unlink(missing_ok=True)   # sitegen's own bookkeeping, not the site's
        (out / NOJEKYLL).write_bytes(b"")
        if config.cname:
            (out / "CNAME").write_text(config.cname.strip() + "\n", encoding="utf-8")
        files = _site_files(out)
        tree = git.write_tree(out, files, index_file=Path(tmp) / "index")

    old = git.rev(f"{ref}^{{commit}}")
    # A fresh clone may only have the remote's branch: build on it so the push fast-forwards.
    parent = old or git.rev(f"refs/remotes/{remote}/{branch}^{{commit}}")
    changed = parent is None or git.rev(f"{parent}^{{tree}}") != tree
    if changed:
        commit = git.commit_tree(tree, parent, message or _default_message(git))
    else:  # the same site as the last deploy: no empty commit, the branch stays where it is
        assert parent is not None
        commit = parent
    if commit != old:
        git.run(["update-ref", "-m", "sitegen deploy", ref, commit, old or ""],
                what=f"update {ref}")
    if push:
        # Local branch first, then the remote: a failed or interrupted push moves the local
        # branch back, so both stay where they were (a failed update-ref pushes nothing).
        try:
            git.run(["push", remote, f"{commit}:{ref}"], what=f"push to {remote}")
        except BaseException:
            git.restore_ref(ref, old, commit)
            raise
    return DeployReport(branch=branch, commit=commit, parent=parent, files=len(files),
                        changed=changed, pushed_to=remote if push else None, warnings=warnings)


class Git:
    """A git repository addressed only through its git folder, so no work tree is involved."""

    def __init__(self, git_dir: Path, cwd: Path) -> None:
        self.git_dir = git_dir
        self.cwd = cwd

    @classmethod
    def for_folder(cls, folder: Path) -> Git:
        """The repository that contains `folder`, or a clear error."""
        if shutil.which("git") is None:
            raise SitegenError("git is not installed (or not on PATH); deploy needs it")
        folder = folder.resolve()
        result = _git(["-C", str(folder), "rev-parse", "--absolute-git-dir"], env=_clean_env())
        if result.returncode != 0:
            raise SitegenError(Problem(folder, "not inside a git repository; `git init` it "
                                       "(and add a GitHub remote) before deploying"))
        return cls(Path(result.stdout.strip()), folder)

    def run(self, args: list[str], *, what: str, stdin: str | None = None,
            env: dict[str, str] | None = None) -> str:
        """Run one git command against the repository; its stderr becomes the error message."""
        result = _git(["--git-dir", str(self.git_dir), *args], cwd=self.cwd, stdin=stdin,
                      env=env or _clean_env())
        if result.returncode != 0:
            detail = (result.stderr or result.stdout).strip() or f"exit {result.returncode}"
            raise SitegenError(f"git: {what} failed: {detail}")
        return result.stdout

    def rev(self, name: str) -> str | None:
        """The object id `name` (say `refs/heads/x^{commit}`) names, or None when there is none."""
        result = _git(["--git-dir", str(self.git_dir), "rev-parse", "--verify", "--quiet", name],
                      cwd=self.cwd, env=_clean_env())
        if result.returncode != 0:
            return None
        return result.stdout.strip() or None

    def branch_ref(self, branch: str) -> str:
        """`refs/heads/BRANCH`, after git agrees that BRANCH is a valid branch name."""
        result = _git(["check-ref-format", "--branch", branch], cwd=self.cwd, env=_clean_env())
        if result.returncode != 0 or branch.startswith("-"):
            raise SitegenError(f"--branch {branch!r} is not a valid git branch name")
        return f"refs/heads/{branch}"

    def refuse_checked_out(self, ref: str) -> None:
        """Moving a branch that a work tree has checked out would change that checkout."""
        listing = self.run(["worktree", "list", "--porcelain"], what="list work trees")
        for line in listing.splitlines():
            if line == f"branch {ref}":
                raise SitegenError(
                    f"refusing to publish onto {ref.removeprefix('refs/heads/')}: it is checked "
                    "out in a work tree; switch to another branch or choose another --branch")

    def write_tree(self, root: Path, files: list[tuple[str, str]], *, index_file: Path) -> str:
        """Store `files` (relative path, mode) under `root` as blobs and return their tree id.

        `hash-object --no-filters` stores bytes exactly as built (no line-ending or LFS
        filters); a throw-away GIT_INDEX_FILE keeps the user's index out of it.
        """
        paths = "".join(f"{root / rel}\n" for rel, _ in files)
        blobs = self.run(["hash-object", "-w", "--no-filters", "--stdin-paths"],
                         what="store the site's files", stdin=paths).split()
        if len(blobs) != len(files):
            raise SitegenError("git: store the site's files failed: unexpected output")
        env = _clean_env()
        env["GIT_INDEX_FILE"] = str(index_file)
        entries = "".join(f"{mode} {blob}\t{rel}\0" for (rel, mode), blob in zip(files, blobs,
                                                                                 strict=True))
        self.run(["update-index", "-z", "--add", "--index-info"], what="stage the site",
                 stdin=entries, env=env)
        return self.run(["write-tree"], what="write the site's tree", env=env).strip()

    def restore_ref(self, ref: str, old: str | None, new: str) -> None:
        """Move `ref` back from `new` to `old` (delete it when it did not exist)."""
        args = ["update-ref", "-m", "sitegen deploy: undo", ref, old, new] if old else \
            ["update-ref", "-d", ref, new]
        try:
            self.run(args, what=f"restore {ref}")
        except SitegenError as exc:
            log.error("%s; %s now points at %s, it was %s", exc, ref, new, old or "absent")

    def commit_tree(self, tree: str, parent: str | None, message: str) -> str:
        parents = ["-p", parent] if parent else []
        return self.run(["commit-tree", tree, *parents], what="commit the site",
                        stdin=message if message.endswith("\n") else message + "\n").strip()


def _git(args: list[str], *, env: dict[str, str], cwd: Path | None = None,
         stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True,
                              text=True, encoding="utf-8", errors="replace", env=env,
                              check=False)
    except FileNotFoundError:
        raise SitegenError("git is not installed (or not on PATH); deploy needs it") from None


def _clean_env() -> dict[str, str]:
    """The environment without variables that would point git at another repository or index."""
    drop = {"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_PREFIX", "GIT_NAMESPACE"}
    return {k: v for k, v in os.environ.items() if k not in drop}


def _site_files(out: Path) -> list[tuple[str, str]]:
    """(relative POSIX path, git file mode) of every file in the built site, sorted."""
    files: list[tuple[str, str]] = []
    for dirpath, dirnames, filenames in os.walk(out):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath, name)
            rel = path.relative_to(out).as_posix()
            info = path.lstat()
            if not stat.S_ISREG(info.st_mode) or "\n" in rel or "\0" in rel:
                raise SitegenError(Problem(path, "cannot publish: not a plain file or an "
                                           "unusual file name"))
            files.append((rel, "100755" if info.st_mode & stat.S_IXUSR else "100644"))
    return files


def _default_message(git: Git) -> str:
    head = git.rev("HEAD^{commit}")
    return f"Publish site from {head[:12]}" if head else "Publish site"


def _unimported_raw(config: Config) -> list[str]:
    """Raw files `sitegen build` would import: deploy never writes into the site folder, so
    they would be missing from the published site."""
    raw = config.content_path / "raw"
    if not raw.is_dir():
        return []
    from sitegen.ingest.importer import import_paths

    report = import_paths([raw], config.content_path, dry_run=True, progress=False)
    warnings = []
    if report.written:
        warnings.append(f"{len(report.written)} raw file(s) in {raw} are not imported yet and "
                        "will not be published; run `sitegen build` and commit the articles first")
    if report.failed:
        warnings.append(f"{len(report.failed)} raw file(s) in {raw} cannot be imported; "
                        "`sitegen build` says why")
    return warnings
