"""Rendering: Jinja templates to text, Python formatted in-process with black.

The same inputs always give the same bytes, which is what makes plans, re-runs and
``fastgen check`` exact.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from fastgen.templates_dir import templates_dir


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(templates_dir()),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # noqa: S701 - we render Python source, not HTML
    )


def render_template(name: str, context: Mapping[str, Any]) -> str:
    """Render ``templates/<name>``; Python output comes back black-formatted."""
    text = _environment().get_template(name).render(**context)
    return format_python(text) if name.endswith(".py.jinja") else text


def format_python(source: str) -> str:
    """Format with black, as the generated project's own pre-commit hook would."""
    import black

    mode = black.Mode(target_versions={black.TargetVersion.PY311})
    return black.format_str(source, mode=mode)
