"""Rendering: Jinja templates to text, Python formatted in-process with black.

The same inputs always give the same bytes, which is what makes plans, re-runs and
``fastgen check`` exact.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import (
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
)

from fastgen import __version__
from fastgen.pysource import docstring_text, fit, python_string
from fastgen.templates_dir import templates_dir


def _bytecode_cache() -> FileSystemBytecodeCache | None:
    """Compiled templates are cached per fastgen version, like ``__pycache__``:
    compiling them costs more than rendering. No cache when it cannot be written."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    directory = Path(base) / "fastgen" / __version__ / "jinja"
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return FileSystemBytecodeCache(str(directory))


@cache
def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(templates_dir()),
        bytecode_cache=_bytecode_cache(),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # we render Python source, not HTML
    )
    environment.filters["py"] = repr
    environment.filters["pystr"] = python_string
    environment.filters["a"] = with_article
    environment.filters["doc"] = docstring_text
    environment.filters["fit"] = fit
    return environment


def with_article(noun: str) -> str:
    """``"a post"``, ``"an author"``."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def render_template(
    name: str, context: Mapping[str, Any], *, formatted: bool = True
) -> str:
    """Render ``templates/<name>``; Python output comes back black-formatted
    unless ``formatted`` is false (the caller formats it later)."""
    text = _environment().get_template(name).render(**context)
    return format_python(text) if formatted and name.endswith(".py.jinja") else text


def format_python_files(files: Mapping[str, str]) -> dict[str, str]:
    """``files`` with every ``.py`` entry black-formatted."""
    return {
        path: format_python(text) if path.endswith(".py") else text
        for path, text in files.items()
    }


def format_python(source: str) -> str:
    """Format with black, as the generated project's own pre-commit hook would."""
    import black

    mode = black.Mode(target_versions={black.mode.TargetVersion.PY311})
    return black.format_str(source, mode=mode)
