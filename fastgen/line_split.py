"""Code laid out the way black lays it out, before black runs.

Black formats a file in one pass when its input is already formatted, in two when
it changes anything (its second pass checks that the result is stable), and
rendered templates change wherever a statement outgrows the line length or was
split by hand where it fits. Laying those statements out first, as black would,
halves black's time on the files fastgen renders. Black still formats every file
afterwards, so a statement laid out differently than black would lay it out
costs time, never correctness; and a statement whose syntax tree the layout would
change is left as it was.

Only the common shapes are handled: statements split by hand are joined (unless a
trailing comma keeps them exploded, as black does); a long line is split at the
bracket pair that ends it (a call, a literal, a ``def``'s parameters), its
contents on a line of their own when they fit there, else one item per line with
a trailing comma; long imports and conditional expressions get brackets.
Anything else is left to black.
"""

from __future__ import annotations

import ast
import io
import keyword
import textwrap
from collections.abc import Iterator
from itertools import pairwise
from tokenize import (
    COMMENT,
    DEDENT,
    ENCODING,
    INDENT,
    NAME,
    NEWLINE,
    NL,
    OP,
    STRING,
    TokenError,
    TokenInfo,
    generate_tokens,
)

from fastgen.pysource import LINE_LENGTH

#: Each opening bracket and the bracket that closes it.
BRACKETS = {"(": ")", "[": "]", "{": "}"}
_CLOSING = frozenset(BRACKETS.values())
_SIGNATURES = frozenset({"def", "async", "class"})  # first words of a signature


def lay_out(source: str) -> str:
    """``source`` with each statement written over several lines joined (unless
    a comment, a string over several lines, a backslash or a trailing comma,
    which black keeps exploded, is in the way), then its lines longer than the
    line length split, where they are shapes this module knows.

    A statement laid out must parse to the same syntax tree as before (black
    formats without checking that); one that does not, or cannot be checked on
    its own, is left as it was.
    """
    try:
        tokens = list(generate_tokens(io.StringIO(source).readline))
    except (TokenError, SyntaxError):
        return source
    lines: list[str | None] = list(source.splitlines(keepends=True))
    for statement in _statements(tokens):
        first, last = statement[0].start[0], statement[-1].start[0]
        before = "".join(line or "" for line in lines[first - 1 : last])
        if last > first:
            _join(lines, statement)
        text = "".join(line or "" for line in lines[first - 1 : last])
        if any(len(row) > LINE_LENGTH for row in text.splitlines()):
            text = split_long_lines(text)
        if text != before and not _same_code(before, text):
            text = before
        lines[first - 1 : last] = [text, *[None] * (last - first)]
    return "".join(line for line in lines if line is not None)


def _statements(tokens: list[TokenInfo]) -> Iterator[list[TokenInfo]]:
    """The tokens of each statement, up to its NEWLINE."""
    statement: list[TokenInfo] = []
    for token in tokens:
        statement.append(token)
        if token.type == NEWLINE:
            yield statement
            statement = []
        elif token.type in (INDENT, DEDENT, ENCODING) or (
            token.type in (NL, COMMENT) and len(statement) == 1
        ):
            statement = []


def _same_code(before: str, after: str) -> bool:
    """Whether two layouts of one statement parse to the same syntax tree; false
    when the statement does not parse on its own (``else:``, say)."""
    try:
        trees = [ast.parse(_standalone(text)) for text in (before, after)]
    except SyntaxError:
        return False
    return ast.dump(trees[0]) == ast.dump(trees[1])


def _standalone(statement: str) -> str:
    """``statement`` dedented, with a body if it opens a block or decorates."""
    text = textwrap.dedent(statement)
    if text.startswith("@"):
        return text + "def decorated():\n    pass\n"
    if text.rstrip().endswith(":"):
        return text + "    pass\n"
    return text


def _join(lines: list[str | None], statement: list[TokenInfo]) -> None:
    """Put ``statement``, written over several lines, on its first line (the
    others become ``None``), if nothing keeps it apart; else each of its
    bracketed parts that nothing keeps apart on the line it starts on."""
    significant = [t for t in statement if t.type not in (NL, NEWLINE)]
    if any(row.rstrip("\n").endswith("\\") for row in _rows(lines, significant)):
        return
    apart = [
        i
        for i, token in enumerate(significant)
        if token.type == COMMENT
        or token.start[0] != token.end[0]
        or (
            token.string == ","
            and i + 1 < len(significant)
            and significant[i + 1].string in _CLOSING
        )
    ]
    if not apart:
        _join_rows(lines, significant[0].start[0], significant[-1].end[0])
        return
    stack: list[int] = []
    parts = []  # bracketed parts over several rows that nothing keeps apart
    for index, token in enumerate(significant):
        if token.type == OP and token.string in BRACKETS:
            stack.append(index)
        elif token.type == OP and token.string in _CLOSING and stack:
            opening = stack.pop()
            first, last = significant[opening].start[0], token.start[0]
            if last > first and not any(opening <= i <= index for i in apart):
                parts.append((first, last))
    joined_to = 0  # outer parts first: they hold the inner ones
    for first, last in sorted(parts, key=lambda part: (part[0], -part[1])):
        if first > joined_to:
            _join_rows(lines, first, last)
            joined_to = last


def _rows(lines: list[str | None], tokens: list[TokenInfo]) -> list[str]:
    return [
        lines[row - 1] or "" for row in range(tokens[0].start[0], tokens[-1].end[0] + 1)
    ]


def _join_rows(lines: list[str | None], first: int, last: int) -> None:
    """Rows ``first`` to ``last`` (1-based) on row ``first``."""
    joined = (lines[first - 1] or "").rstrip()
    for number in range(first + 1, last + 1):
        piece = (lines[number - 1] or "").strip()
        if joined[-1] in BRACKETS or piece[0] in _CLOSING:
            joined += piece
        else:
            joined += " " + piece
        lines[number - 1] = None
    lines[first - 1] = joined + "\n"


def split_long_lines(source: str) -> str:
    """``source`` with each line longer than the line length split, where it is
    a shape this module knows."""
    lines = source.splitlines(keepends=True)
    if all(len(line) <= LINE_LENGTH + 1 for line in lines):
        return source
    try:
        tokens = list(generate_tokens(io.StringIO(source).readline))
    except (TokenError, SyntaxError):
        return source
    by_row: dict[int, list[TokenInfo]] = {}
    spanning: set[int] = set()  # rows a token continues onto or from
    # rows inside brackets, except whole items of an exploded collection (black
    # splits those as lines of their own)
    depth, bracketed, items = 0, set(), set()
    previous = ""
    for token in tokens:
        if token.start[0] not in by_row and depth:
            if previous in ("(", "[", "{", ","):
                items.add(token.start[0])
            else:
                bracketed.add(token.start[0])
        if token.type not in (NL, NEWLINE, COMMENT, INDENT, DEDENT):
            previous = token.string
        if token.start[0] != token.end[0]:
            spanning.update(range(token.start[0], token.end[0] + 1))
        elif token.type not in (NEWLINE, NL, INDENT, DEDENT, ENCODING):
            by_row.setdefault(token.start[0], []).append(token)
        if token.type == OP and token.string in BRACKETS:
            depth += 1
        elif token.type == OP and token.string in _CLOSING:
            depth -= 1
    for row in range(len(lines), 0, -1):
        line = lines[row - 1]
        too_long = len(line.rstrip("\n")) > LINE_LENGTH
        if not too_long or row in spanning or row in bracketed:
            continue
        on_row = by_row.get(row, [])
        if not on_row or any(t.type == COMMENT for t in on_row):
            continue
        if row in items and on_row[-1].string != ",":
            continue  # part of an item, not the whole of it
        split = _split(line.rstrip("\n"), on_row)
        if split is not None:
            lines[row - 1] = split + "\n"
    return "".join(lines)


def _split(line: str, tokens: list[TokenInfo]) -> str | None:
    """``line`` (of ``tokens``) split at its last bracket pair, or ``None``."""
    brackets = _bracket_pairs(tokens)
    if brackets is None:
        return None
    first = tokens[0].string
    if first == "from" and not brackets:
        return _split_import(line, tokens)
    wrapped = _wrap_conditional(line, tokens)
    if wrapped is not None:
        return wrapped
    if first in _SIGNATURES:
        # black splits a signature at its parameters, not its return annotation
        pair = next((pair for pair in brackets if tokens[pair[0]].string == "("), None)
    else:
        last = max(
            (i for i, t in enumerate(tokens) if t.string in _CLOSING), default=None
        )
        pair = next((p for p in brackets if p[1] == last), None)
    if pair is None:
        return _split_strings(line, tokens)
    opening, closing = tokens[pair[0]], tokens[pair[1]]
    called = pair[0] > 0 and _ends_operand(tokens[pair[0] - 1])
    indent = line[: len(line) - len(line.lstrip(" "))]
    head = line[: opening.end[1]]
    body = line[opening.end[1] : closing.start[1]].strip()
    tail = indent + line[closing.start[1] :]
    if not body or len(head) > LINE_LENGTH or len(tail) > LINE_LENGTH:
        return None
    inner = indent + "    "
    raw = line[opening.end[1] : closing.start[1]]
    found = _items(raw, tokens[pair[0] + 1 : pair[1]], offset=opening.end[1])
    if found is None or found[0][-1] == "":
        return None  # a trailing comma already: black's magic trailing comma
    items, delimiter = found
    literal = not called and first not in _SIGNATURES
    exploded = literal and delimiter == "," and len(items) > 1
    if len(inner) + len(body) <= LINE_LENGTH and not exploded:
        # black keeps a call's arguments together, but a literal's items
        # (a list, dict, set or tuple display) go one per line
        return f"{head}\n{inner}{body}\n{tail}"
    inside = tokens[pair[0] + 1 : pair[1]]
    if len(items) == 1 and len(inside) > 1 and all(t.type == STRING for t in inside):
        # implicit concatenation: a piece per line
        return "\n".join([head, *(inner + t.string for t in inside), tail])
    if len(items) == 1:  # one argument, itself split on a line of its own
        nested = split_long_lines(f"{inner}{body}\n").rstrip("\n")
        return None if nested == inner + body else f"{head}\n{nested}\n{tail}"
    if opening.string == "[" and called:
        return None  # a subscript's trailing-comma rules differ: left to black
    if delimiter == "for":
        return "\n".join([head, *(inner + item for item in items), tail])
    rows = []
    for item in items:
        row = f"{inner}{item},"
        if len(row) > LINE_LENGTH:
            nested = split_long_lines(row + "\n").rstrip("\n")
            if nested == row:
                return None
            row = nested
        rows.append(row)
    return "\n".join([head, *rows, tail])


def _wrap_conditional(line: str, tokens: list[TokenInfo]) -> str | None:
    """``x = a if b else c`` (or ``return ...``): black wraps the conditional
    expression in brackets of its own rather than split a call inside it."""
    depth = 0
    start = 1 if tokens[0].string == "return" else None
    keywords = set()
    for index, token in enumerate(tokens):
        if token.type == OP and token.string in BRACKETS:
            depth += 1
        elif token.type == OP and token.string in _CLOSING:
            depth -= 1
        elif depth == 0 and token.string == "=" and start is None:
            start = index + 1
        elif depth == 0 and token.string in ("if", "else", "lambda", ":="):
            keywords.add(token.string)
    if start is None or start >= len(tokens) or keywords != {"if", "else"}:
        return None
    indent = line[: len(line) - len(line.lstrip(" "))]
    head = line[: tokens[start].start[1]]
    body = line[tokens[start].start[1] :]
    if len(indent) + 4 + len(body) > LINE_LENGTH:
        return None
    return f"{head}(\n{indent}    {body}\n{indent})"


def _split_import(line: str, tokens: list[TokenInfo]) -> str | None:
    """``from module import a, b``: the names in brackets, one per line."""
    names = next((i for i, t in enumerate(tokens) if t.string == "import"), None)
    if names is None or tokens[-1].string == "*":
        return None
    indent = line[: len(line) - len(line.lstrip(" "))]
    head = line[: tokens[names].end[1]]
    items = line[tokens[names].end[1] :].split(",")
    rows = [f"{indent}    {item.strip()}," for item in items]
    return "\n".join([f"{head} (", *rows, f"{indent})"])


def _split_strings(line: str, tokens: list[TokenInfo]) -> str | None:
    """An item of an exploded call or literal that is an implicit concatenation
    (``name="a " "b",``): a piece per line, or ``None`` for any other line."""
    strings = (
        tokens[2:-1] if len(tokens) > 2 and tokens[1].string == "=" else tokens[:-1]
    )
    if tokens[-1].string != "," or len(strings) < 2:
        return None
    if any(t.type != STRING for t in strings):
        return None
    indent = line[: len(line) - len(line.lstrip(" "))]
    prefix = line[len(indent) : strings[0].start[1]]
    rows = [indent + prefix + strings[0].string]
    rows += [indent + t.string for t in strings[1:]]
    return "\n".join(rows) + ","


def _bracket_pairs(tokens: list[TokenInfo]) -> list[tuple[int, int]] | None:
    """Index pairs of matching brackets, or ``None`` if the line's do not match."""
    stack: list[int] = []
    pairs = []
    for index, token in enumerate(tokens):
        if token.type != OP:
            continue
        if token.string in BRACKETS:
            stack.append(index)
        elif token.string in _CLOSING:
            if not stack or BRACKETS[tokens[stack[-1]].string] != token.string:
                return None
            pairs.append((stack.pop(), index))
    return None if stack else pairs


def _items(
    raw: str, tokens: list[TokenInfo], *, offset: int
) -> tuple[list[str], str] | None:
    """``raw`` split where black splits it, and the delimiter: before each ``for``
    and ``if`` of a comprehension, else at its top-level commas (a trailing
    comma gives an empty last item); ``None`` for contents black may split
    otherwise."""
    depth = 0
    commas: list[int] = []
    clauses: list[int] = []
    parameters = False  # between a lambda and its colon
    for index, token in enumerate(tokens):
        if token.type == OP and token.string in BRACKETS:
            depth += 1
        elif token.type == OP and token.string in _CLOSING:
            depth -= 1
        elif depth:
            continue
        elif token.string == "," and parameters:
            return None  # a lambda's parameters are not items
        elif token.string == ",":
            commas.append(token.start[1] - offset)
        elif token.string == ":=":
            return None
        elif token.string == "lambda":
            parameters = True
        elif token.string == ":" and parameters:
            parameters = False
        elif token.string == "for" or (token.string == "if" and clauses):
            after_async = index and tokens[index - 1].string == "async"
            clauses.append(
                tokens[index - 1 if after_async else index].start[1] - offset
            )
    if clauses:
        bounds = [0, *clauses, len(raw)]
        return [raw[a:b].strip() for a, b in pairwise(bounds)], "for"
    bounds = [0, *(cut + 1 for cut in commas)]
    ends = [*commas, len(raw)]
    return [raw[a:b].strip() for a, b in zip(bounds, ends, strict=True)], ","


def _ends_operand(token: TokenInfo) -> bool:
    """Whether ``token`` ends an expression, so a ``[`` after it subscripts."""
    if token.type == NAME:
        return not keyword.iskeyword(token.string)
    return token.type == STRING or token.string in (")", "]")
