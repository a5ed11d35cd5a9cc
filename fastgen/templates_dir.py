"""Where the Jinja and copier templates live, installed or in a checkout."""

from __future__ import annotations

from pathlib import Path


def templates_dir() -> Path:
    """The wheel ships ``templates/`` inside the package; a checkout keeps it beside."""
    packaged = Path(__file__).parent / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "templates"


def project_file(relative: str) -> str:
    """A file of the project template as it is (one copier copies verbatim)."""
    path = templates_dir() / "project" / "template" / relative
    return path.read_text(encoding="utf-8")
