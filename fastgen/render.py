"""Rendering: Jinja templates to text, Python formatted in-process with black.

The same inputs always give the same bytes, which is what makes plans, re-runs and
``fastgen check`` exact.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from functools import cache
from itertools import pairwise
from tokenize import STRING, TokenInfo, generate_tokens
from typing import Any

from jinja2 import (
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
)

from fastgen import __version__
from fastgen.collector import resume_for_work
from fastgen.line_split import lay_out
from fastgen.pysource import LINE_LENGTH, docstring_text, fit, py_literal, python_string
from fastgen.settled import unsettled
from fastgen.templates_dir import templates_dir
from fastgen.text_cache import TextCache, cache_home


def _bytecode_cache() -> FileSystemBytecodeCache | None:
    """Compiled templates are cached per fastgen version, like ``__pycache__``:
    compiling them costs more than rendering. No cache when it cannot be written."""
    directory = cache_home() / __version__ / "jinja"
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
    environment.filters["py"] = py_literal
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


@cache
def _formatted() -> TextCache:
    return TextCache(
        "black", "black", __name__, "fastgen.settled", "fastgen.line_split"
    )


def format_python(source: str) -> str:
    """Format with black, as the generated project's own pre-commit hook would
    (once per text: the result is cached, see :mod:`fastgen.text_cache`)."""
    key = _formatted().key(source)
    formatted = _formatted().get(key)
    if formatted is None:
        formatted = _black_where_unsettled(source)
        _formatted().put(key, formatted)
    return formatted


def formatted_from_cache(files: Mapping[str, str]) -> dict[str, str]:
    """The entries of ``files`` formatted without black: every file that is not
    Python, and every Python text formatted before (cached)."""
    found = {}
    for path, text in files.items():
        formatted = (
            _formatted().get(_formatted().key(text)) if path.endswith(".py") else text
        )
        if formatted is not None:
            found[path] = formatted
    return found


def _black_where_unsettled(source: str) -> str:
    """What black makes of ``source``, black given only the statements that are
    not already as it writes them (see :mod:`fastgen.settled`), or the whole
    file where that is not known."""
    parts = unsettled(source)
    formatted = (
        None if parts is None else parts.assemble(list(map(_black, parts.texts)))
    )
    return _black(source) if formatted is None else formatted


def _black(source: str) -> str:
    """Format with black.

    Long texts are rendered as implicit concatenations (``pystr``); where black
    then fits the pieces on one line, they are joined into one literal, as a
    person would write it (and as ruff's formatter does), and formatted again.
    """
    import black

    resume_for_work()  # black's trees link parents and children: cycles
    mode = black.Mode(target_versions={black.mode.TargetVersion.PY311})
    formatted = black.format_str(_laid_out(source), mode=mode)
    joined = join_adjacent_strings(formatted)
    if joined != formatted:
        formatted = black.format_str(joined, mode=mode)
    # black keeps the brackets of a joined text that now fits on its line
    return _without_lone_brackets(formatted)


def _laid_out(source: str) -> str:
    """``source`` laid out as black lays it out, its strings joined as
    :func:`_black` joins them: black usually has nothing left to change, which
    costs it one pass over the text instead of two (see :mod:`fastgen.line_split`).
    """
    joined = join_adjacent_strings(lay_out(source), within=LINE_LENGTH)
    return _without_lone_brackets(_collapsed_lone_strings(joined))


def _without_lone_brackets(source: str) -> str:
    return _LONE_STRING_IN_BRACKETS.sub(r"=\1", source)


def _collapsed_lone_strings(source: str) -> str:
    """``source`` with ``=(`` one literal ``)`` over three lines on one line and
    without the brackets, where black would put it on one line."""

    def collapsed(match: re.Match[str]) -> str:
        fits = len(match[1]) + len(match[2]) + len(match[3]) + 2 <= LINE_LENGTH
        return f"{match[1]}{match[2]}{match[3]}" if fits else match[0]

    return _LONE_STRING_OVER_LINES.sub(collapsed, source)


#: A one-line double-quoted literal.
_PLAIN_LITERAL = r'"(?:[^"\\\n]|\\.)*"'
#: ``=("text")``: a keyword argument whose brackets hold one plain literal.
_LONE_STRING_IN_BRACKETS = re.compile(rf"=\(({_PLAIN_LITERAL})\)")
#: A quote, blanks, a quote: where two literals may meet (or a string holds them).
_QUOTES_SIDE_BY_SIDE = re.compile(r"""(?<!["'])["'][ \t]+["'](?!["'])""")
#: The same over three lines: the line up to ``=``, the literal, what follows ``)``.
_LONE_STRING_OVER_LINES = re.compile(
    rf"^([^\n]*=)\(\n[ ]*({_PLAIN_LITERAL})\n[ ]*\)([^\n]*)$", re.MULTILINE
)


def join_adjacent_strings(source: str, *, within: int | None = None) -> str:
    """``source`` with plain string literals that follow each other on one line
    (``"a " "b"``) joined into one (``"a b"``); ``within`` a line length, only
    on lines no longer than it."""
    if not _QUOTES_SIDE_BY_SIDE.search(source):
        return source  # tokenizing is the costly part: skipped when it cannot join
    tokens = list(generate_tokens(io.StringIO(source).readline))
    runs: list[list[TokenInfo]] = []
    for left, right in pairwise(tokens):
        if not _joinable(left, right):
            continue
        if runs and runs[-1][-1] == left:
            runs[-1].append(right)
        else:
            runs.append([left, right])
    lines = source.splitlines(keepends=True)
    for run in reversed(runs):  # right to left: earlier columns stay valid
        first, last = run[0], run[-1]
        quote = first.string[0]
        merged = quote + "".join(t.string[1:-1] for t in run) + quote
        row = first.start[0] - 1
        line = lines[row]
        if within is not None and len(line.rstrip("\n")) > within:
            continue
        if merged.count(quote) == 2:  # no quote inside: nothing to escape
            lines[row] = line[: first.start[1]] + merged + line[last.end[1] :]
    return "".join(lines)


def _joinable(left: TokenInfo, right: TokenInfo) -> bool:
    """Two one-line literals of the same plain quoting, side by side."""
    return (
        left.type == right.type == STRING
        and left.start[0] == left.end[0] == right.start[0] == right.end[0]
        and left.string[0] == right.string[0]
        and left.string[0] in "'\""
        and not left.string.startswith(left.string[0] * 3)
        and not right.string.startswith(right.string[0] * 3)
    )
