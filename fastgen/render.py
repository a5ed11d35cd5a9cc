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
    environment = Environment(
        loader=FileSystemLoader(templates_dir()),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # we render Python source, not HTML
    )
    environment.filters["py"] = repr
    environment.filters["pystr"] = python_string
    environment.filters["a"] = with_article
    return environment


def python_string(text: str, width: int = 60) -> str:
    """A string literal; long text becomes parenthesised implicit concatenation,
    which black keeps, so generated lines stay within the line length."""
    if len(repr(text)) <= width:
        return repr(text)
    chunks: list[str] = []
    for word in text.split(" "):
        if chunks and len(chunks[-1]) + len(word) + 1 <= width:
            chunks[-1] += " " + word
        else:
            chunks.append(word if not chunks else " " + word)
    return "(" + " ".join(repr(chunk) for chunk in chunks) + ")"


def with_article(noun: str) -> str:
    """``"a post"``, ``"an author"``."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def render_template(name: str, context: Mapping[str, Any]) -> str:
    """Render ``templates/<name>``; Python output comes back black-formatted."""
    text = _environment().get_template(name).render(**context)
    return format_python(text) if name.endswith(".py.jinja") else text


def format_python(source: str) -> str:
    """Format with black, as the generated project's own pre-commit hook would."""
    import black

    mode = black.Mode(target_versions={black.mode.TargetVersion.PY311})
    return black.format_str(source, mode=mode)
