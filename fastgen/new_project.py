"""``fastgen new project``: render the copier template into a new directory.

The project is rendered into a staging directory next to the target and moved into
place with one rename, so a failure never leaves a half-generated project behind.
"""

from __future__ import annotations

import keyword
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from fastgen import __version__
from fastgen.dev_keys import write_dev_keys
from fastgen.errors import FastgenError
from fastgen.templates_dir import templates_dir

Database = Literal["sqlite", "postgres"]
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


@dataclass(frozen=True)
class NewProject:
    """What `new project` created (or, for a dry run, would create)."""

    target: Path
    files: list[str]
    dry_run: bool
    git_note: str | None = None


MAX_NAME_LENGTH = 100  # a directory and a package name, well under NAME_MAX


def validate_project_name(name: str) -> str:
    """Return the Python package-style slug of ``name`` or raise FastgenError."""
    if not name:
        raise FastgenError("project name is empty: pass a name such as my-app")
    if not _NAME.fullmatch(name):
        raise FastgenError(
            f"project name {name!r} cannot become a Python package: start with a "
            "letter and use only letters, digits, '-' and '_' (e.g. my-app)"
        )
    if len(name) > MAX_NAME_LENGTH:
        raise FastgenError(
            f"project name is {len(name)} characters long: use at most "
            f"{MAX_NAME_LENGTH}"
        )
    slug = name.lower().replace("-", "_")
    if keyword.iskeyword(slug) or keyword.issoftkeyword(slug):
        raise FastgenError(
            f"project name {name!r} is a Python keyword: choose another, "
            f"e.g. {name}-api"
        )
    return slug


def create_project(
    name: str,
    *,
    parent: Path,
    db: Database | None = None,
    interactive: bool = False,
    dry_run: bool = False,
    git: bool = True,
) -> NewProject:
    """Render a new project named ``name`` under ``parent``.

    With ``git``, the project becomes a git repository with a first commit, unless
    it is created inside one.
    """
    validate_project_name(name)
    target = parent.resolve() / name
    _check_target(target)
    anchor = _nearest_existing(target.parent)
    try:
        staging = Path(tempfile.mkdtemp(prefix=".fastgen-new-", dir=anchor))
    except OSError as exc:
        raise FastgenError(
            f"cannot write to {anchor}: {exc.strerror}; choose another --path"
        ) from exc
    try:
        rendered = staging / name
        _render(rendered, name=name, db=db, interactive=interactive)
        write_dev_keys(rendered)
        files = _relative_files(rendered)
        git_note = _first_commit(rendered, anchor) if git and not dry_run else None
        if not dry_run:
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                target.rmdir()  # checked empty above
            os.replace(rendered, target)
    except OSError as exc:
        raise FastgenError(
            f"cannot write {target}: {exc.strerror or exc}; choose another --path"
        ) from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return NewProject(target=target, files=files, dry_run=dry_run, git_note=git_note)


def _check_target(target: Path) -> None:
    if target.is_file():
        raise FastgenError(f"{target} is a file: choose another name or --path")
    if target.is_dir() and any(target.iterdir()):
        raise FastgenError(
            f"{target} already exists and is not empty: choose another name or "
            "--path, or remove it"
        )
    for ancestor in target.parents:
        if ancestor.exists():
            if not ancestor.is_dir():
                raise FastgenError(
                    f"{ancestor} is not a directory: choose another --path"
                )
            return


def _nearest_existing(path: Path) -> Path:
    while not path.exists():
        path = path.parent
    return path


def _render(
    destination: Path, *, name: str, db: Database | None, interactive: bool
) -> None:
    """Run copier; answers not given here come from its defaults or its questions."""
    from copier import run_copy

    data = {"project_name": name} | ({"db": db} if db else {})
    run_copy(
        str(templates_dir() / "project"),
        str(destination),
        data=data,
        defaults=not interactive,
        quiet=True,
        unsafe=False,
        vcs_ref=None,
    )


def _relative_files(root: Path) -> list[str]:
    return sorted(
        path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()
    )


def _first_commit(project: Path, anchor: Path) -> str:
    """Make ``project`` a git repository with one commit; say what was done.

    ``anchor`` is the existing directory the project is created in: inside a
    repository the project belongs to that one. A git failure never fails the
    command; the project is then left without a repository.
    """
    git = shutil.which("git")
    if git is None:
        return "git is not installed: the project is not a git repository"
    if _git(git, anchor, "rev-parse", "--git-dir").returncode == 0:
        return "created inside a git repository: no new repository, nothing committed"
    message = f"Initial project from fastgen {__version__}"
    steps = {
        "init": ["init", "-q"],
        "add": ["add", "-A"],
        "commit": [*_fallback_identity(git, anchor), "commit", "-q", "-m", message],
    }
    for step, args in steps.items():
        result = _git(git, project, *args)
        if result.returncode != 0:
            shutil.rmtree(project / ".git", ignore_errors=True)
            output = (result.stderr or result.stdout).strip().splitlines() or ["?"]
            return (
                f"git {step} failed ({output[-1]}): the project is not a git "
                "repository"
            )
    return f'git repository with a first commit: "{message}"'


def _fallback_identity(git: str, cwd: Path) -> list[str]:
    """``-c`` options naming fastgen as the author where git has no user configured.

    Git's environment variables (``GIT_AUTHOR_NAME`` ...) still take precedence.
    """
    options = []
    for key, value in (("user.name", "fastgen"), ("user.email", "fastgen@localhost")):
        if _git(git, cwd, "config", "--get", key).returncode != 0:
            options += ["-c", f"{key}={value}"]
    return options


def _git(git: str, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            [git, *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return subprocess.CompletedProcess([git, *args], 1, "", str(exc))
