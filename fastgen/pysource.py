"""Python source text that stays within the generated project's line length.

Black wraps code but never strings, comments or docstrings, and resource and field
names make those arbitrarily long: these helpers wrap them as they are rendered.
"""

from __future__ import annotations

import re
import textwrap

# The generated project's line length (black's default, ruff's E501).
LINE_LENGTH = 88
_NBSP = "\N{NO-BREAK SPACE}"  # textwrap breaks lines at spaces only


def py_literal(value: object) -> str:
    """``repr(value)`` with strings quoted as black quotes them (double quotes
    unless that needs more escapes), in lists, tuples and dicts too: rendered
    text that black leaves alone costs black one pass instead of two."""
    if isinstance(value, str):
        text = repr(value)
        if text[0] == "'" and '"' not in text and "\\'" not in text:
            return f'"{text[1:-1]}"'
        return text
    if isinstance(value, list):
        return f"[{', '.join(py_literal(item) for item in value)}]"
    if isinstance(value, tuple):
        items = [py_literal(item) for item in value]
        return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"
    if isinstance(value, dict):
        pairs = (f"{py_literal(k)}: {py_literal(v)}" for k, v in value.items())
        return f"{{{', '.join(pairs)}}}"
    return repr(value)


def python_string(text: str, width: int = 60, *, parenthesised: bool = True) -> str:
    """A string literal; long text becomes parenthesised implicit concatenation,
    which black keeps, so generated lines stay within the line length.

    Not ``parenthesised`` where brackets already enclose it (a call's only
    argument), which ruff would report as extraneous parentheses.
    """
    if len(repr(text)) <= width:
        return py_literal(text)
    chunks: list[str] = []
    for word in text.split(" "):
        if chunks and len(chunks[-1]) + len(word) <= width:
            chunks[-1] += word + " "
        else:
            chunks.append(word + " ")
    chunks[-1] = chunks[-1].removesuffix(" ")
    if len(chunks) == 1:
        return py_literal(text)
    concatenation = " ".join(py_literal(chunk) for chunk in chunks)
    return f"({concatenation})" if parenthesised else concatenation


def docstring_text(text: str, indent: int = 4) -> str:
    """``text`` wrapped to fit between triple quotes indented by ``indent``."""
    return f"\n{' ' * indent}".join(
        textwrap.wrap(
            text,
            LINE_LENGTH - indent - 6,
            break_long_words=False,
            break_on_hyphens=False,
        )
    )


def comment(*lines: str) -> str:
    """``lines`` as ``#`` comment lines; when one would pass the line length, all of
    them as one paragraph wrapped to fit. A command in backticks stays whole."""
    if all(len(line) + 2 <= LINE_LENGTH for line in lines):
        return "\n".join(f"# {line}" for line in lines)
    text = " ".join(lines)
    unbroken = re.sub(r"`[^`]*`", lambda code: code[0].replace(" ", _NBSP), text)
    wrapped = textwrap.wrap(
        unbroken, LINE_LENGTH - 2, break_long_words=False, break_on_hyphens=False
    )
    return "\n".join(f"# {line}".replace(_NBSP, " ") for line in wrapped)


def fit(expression: str, used: int) -> str:
    """``expression``, parenthesised when it would pass the line length after
    ``used`` characters, so black can move it onto a line of its own."""
    if used + len(expression) <= LINE_LENGTH:
        return expression
    return f"({expression})"
