"""Where the Jinja and copier templates live, installed or in a checkout."""

from __future__ import annotations

from pathlib import Path


def templates_dir() -> Path:
    """The wheel ships ``templates/`` inside the package; a checkout keeps it beside."""
    packaged = Path(__file__).parent / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "templates"
