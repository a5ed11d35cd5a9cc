"""Which statements of a rendered file black must format, and which are settled.

Most of a rendered file is already as black leaves it: the templates are written
in black's style, and what changes from one resource to the next (names, field
lists, values) unsettles only some statements, by making a row too long or by
filling a statement a template writes over several rows. Black formats a whole
file; here each unsettled statement is given to black on its own, at its own
indentation (under ``if _:`` rows standing for the blocks around it, followed by
``pass`` if it opens a block), and black's result replaces the statement's rows.
Everything else stays as rendered, which is what black would leave it as.

A statement is settled when nothing black changes can be in it: every row fits
and is plain ASCII without trailing blanks; it is on one row, or it is a
function's signature already split as black splits it, or a call, list or dict
exploded one item per row by a trailing comma; its strings, numbers and
comments are written as black writes them; and nothing in it needs
:mod:`fastgen.render`'s string joining. Black decides the empty rows around a
statement from the kinds of the statements about it (a ``def``, an import...),
never from how a statement is laid out, so the rows between statements stay
too, once checked to be within black's limits. Where that cannot be known (a
comment or empty rows black would move, a block on the row that opens it), the
whole file goes to black.

``tests/test_settled.py`` checks the result against black's own, on odd sources
and on every file of random specs; the snapshots check it on fixed specs.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from keyword import iskeyword
from tokenize import (
    COMMENT,
    DEDENT,
    ENCODING,
    ENDMARKER,
    INDENT,
    NAME,
    NEWLINE,
    NL,
    NUMBER,
    OP,
    STRING,
    TokenError,
    TokenInfo,
    generate_tokens,
)

from fastgen.line_split import BRACKETS, lay_out
from fastgen.pysource import LINE_LENGTH

_INDENT_WIDTH = 4
#: First words of a clause that continues the statement before it.
_CLAUSES = frozenset({"elif", "else", "except", "finally"})
#: First words of a statement that opens a block.
_OPENERS = _CLAUSES | {"def", "class", "if", "for", "while", "with", "try", "async"}
#: The same, with the soft keywords (also names: a statement they start opens a
#: block only if it ends with a colon).
_BLOCK_WORDS = _OPENERS | {"match", "case"}
#: Openers black formats alone, given a body of ``pass``.
_ALONE = frozenset({"def", "class", "if", "for", "while", "with"})
#: A string black leaves as it is: double quotes, prefixes it keeps, no escapes.
_SETTLED_STRING = re.compile(r'(?:[rfb]|rb|br|rf|fr)?"(?:[^"\\\n]*"|""[^\\]*""")\Z')
#: Numbers black leaves as they are (it rewrites exponents, hex digits, ...).
_SETTLED_NUMBER = re.compile(r"[0-9][0-9_]*(?:\.[0-9][0-9_]*)?\Z")
#: Code black would rewrite within a row: literals side by side, a literal alone
#: in brackets after ``=`` (see :mod:`fastgen.render`).
_REWRITTEN = re.compile(r"""(?<!["'])["'][ \t]+["'](?!["'])|=\(\s*["']""")
_COMMENT_ROW = re.compile(r"[ ]*#(?:[ :][^\n]*)?\n?\Z")


@dataclass(frozen=True)
class _Statement:
    first: int  # rows, 1-based
    last: int
    depth: int
    tokens: list[TokenInfo]  # without NL, NEWLINE and comments on rows of their own

    @property
    def word(self) -> str:
        return self.tokens[0].string

    @property
    def opens_block(self) -> bool:
        return self.word in _BLOCK_WORDS and self.tokens[-1].string == ":"

    @property
    def is_signature(self) -> bool:
        words = [token.string for token in self.tokens[:2]]
        return words[0] == "def" or words == ["async", "def"]


@dataclass(frozen=True)
class Unsettled:
    """A rendered file and the row spans of it that black must format.

    ``texts`` are what to give black, one per span; :meth:`assemble` puts
    black's results back into the file.
    """

    rows: tuple[str, ...]
    spans: tuple[Span, ...]

    @property
    def texts(self) -> list[str]:
        return [
            span.head + "".join(self.rows[span.first - 1 : span.last]) + span.tail
            for span in self.spans
        ]

    def assemble(self, formatted: Sequence[str]) -> str | None:
        """The file with each span replaced by black's result for its text, or
        ``None`` if a result does not keep the rows around the span's own as
        they were."""
        rows: list[str] = list(self.rows)
        for span, text in reversed(list(zip(self.spans, formatted, strict=True))):
            if not (text.startswith(span.head) and text.endswith(span.tail)):
                return None
            # black's blank rows before the statement depend on the rows before
            # it, which it was not given: the file's own stay
            body = text[len(span.head) : len(text) - len(span.tail)]
            rows[span.first - 1 : span.last] = [body.lstrip("\n")]
        return "".join(rows)


@dataclass(frozen=True)
class Span:
    """Rows ``first`` to ``last`` (1-based) of a file, a statement at ``depth``,
    as black is given them: under ``if _:`` rows opening ``depth`` blocks, and
    followed by ``tail``, what makes them a whole statement (``pass`` after a
    block's first row, a function after a decorator)."""

    first: int
    last: int
    depth: int
    tail: str = ""

    @property
    def head(self) -> str:
        return "".join(
            " " * _INDENT_WIDTH * level + "if _:\n" for level in range(self.depth)
        )


def unsettled(source: str) -> Unsettled | None:
    """The spans of ``source`` black must format, or ``None`` when only black
    formatting the whole file is known to give black's result."""
    rows = source.splitlines(keepends=True)
    if not rows or rows[0] == "\n" or rows[-1] == "\n" or not source.endswith("\n"):
        return None
    statements = _statements(source)
    if statements is None or not _between_settled(rows, statements):
        return None
    if any(_becomes_a_block(statement) for statement in statements):
        return None
    spans: list[Span] = []
    for index, statement in enumerate(statements):
        if spans and statement.first <= spans[-1].last:
            continue  # inside the last span
        if _settled(statement, rows):
            continue
        span = _span(statements, index)
        if span is None:
            return None
        while spans and spans[-1].first >= span.first:  # a clause's span holds them
            spans.pop()
        spans.append(span)
    return Unsettled(tuple(rows), tuple(spans))


def _statements(source: str) -> list[_Statement] | None:
    try:
        tokens = list(generate_tokens(io.StringIO(source).readline))
    except (TokenError, SyntaxError):
        return None
    statements = []
    depth = 0
    current: list[TokenInfo] = []
    for token in tokens:
        if token.type == INDENT:
            depth += 1
        elif token.type == DEDENT:
            depth -= 1
        elif token.type in (ENCODING, ENDMARKER, NL) or (
            token.type == COMMENT and not current
        ):
            continue
        elif token.type == NEWLINE:
            if current[0].start[1] != _INDENT_WIDTH * depth:
                return None  # indented otherwise than black indents
            row = current[0].start[0]
            statements.append(_Statement(row, token.start[0], depth, current))
            current = []
        else:
            current.append(token)
    return statements


def _between_settled(rows: list[str], statements: list[_Statement]) -> bool:
    """Whether black keeps every row between the statements as it is: comments
    written as black writes them, at the indentation of the statement after
    them; empty rows no more than black allows (two at the top level, one in a
    block), none first in a block or after a decorator."""
    starts = {s.first: s.depth * _INDENT_WIDTH for s in statements}
    ends = {s.last: s for s in statements}
    inside = {row for s in statements for row in range(s.first, s.last + 1)}
    column = 0  # of the next statement, going up from the end
    empty = 0  # empty rows in a row, going up
    for number in range(len(rows), 0, -1):
        row = rows[number - 1]
        if row == "\n":
            empty += 1
            continue
        if (
            empty
            and number in ends
            and (ends[number].opens_block or ends[number].word == "@")
        ):
            return False
        if empty > (2 if column == 0 else 1):
            return False
        empty = 0
        column = starts.get(number, column)
        if number in inside:
            continue
        indent = len(row) - len(row.lstrip(" "))
        if not (_COMMENT_ROW.match(row) and _fits(row)) or indent != column:
            return False
    return True


def _settled(statement: _Statement, rows: list[str]) -> bool:
    """Whether black would leave ``statement`` as it is (see the module)."""
    own_rows = rows[statement.first - 1 : statement.last]
    if not all(_fits(row) for row in own_rows):
        return False
    if any(row.rstrip("\n").endswith("\\") for row in own_rows):
        return False
    if _REWRITTEN.search("".join(own_rows)):
        return False
    if _is_lone_string(statement):
        return _docstring_settled(statement)
    if statement.last > statement.first and not (
        _settled_signature(own_rows, statement) or _settled_exploded(statement)
    ):
        return False
    previous = None
    for token in statement.tokens:
        if not _token_settled(token, previous):
            return False
        previous = token
    return True


def _token_settled(token: TokenInfo, previous: TokenInfo | None) -> bool:
    if token.type == STRING:
        return token.start[0] == token.end[0] and bool(
            _SETTLED_STRING.match(token.string)
        )
    if token.type == NUMBER:
        return bool(_SETTLED_NUMBER.match(token.string))
    if token.type == COMMENT:
        before = token.line[: token.start[1]]
        return (
            bool(_COMMENT_ROW.match(token.string))
            and before.endswith("  ")
            and before.strip() != ""
            and not before.endswith("   ")
        )
    if token.type == OP:
        magic_comma = (  # a trailing comma on the row it closes: black explodes it
            previous is not None
            and previous.string == ","
            and token.string in ")]}"
            and token.start[0] == previous.start[0]
        )
        return token.string != ";" and not magic_comma
    return token.type == NAME


def _settled_signature(rows: list[str], statement: _Statement) -> bool:
    """Whether a statement over several rows is a function's signature that
    :func:`~fastgen.line_split.lay_out` keeps as it is (black splits a signature
    at its parameters alone; other statements also at brackets black adds, by
    rules modelled here only for :func:`_settled_exploded`'s shapes)."""
    text = "".join(rows)
    return statement.is_signature and lay_out(text) == text


def _settled_exploded(statement: _Statement) -> bool:
    """A statement exploded one item per row, as black keeps it: its first row
    ends with the bracket it opens, after a plain or dotted name it calls (in an
    assignment, a ``return``, an ``await``, a decorator or on its own) or as a
    list or dict assigned or returned; two items or more follow, each alone on a
    row one level in and ending with a comma (the last one is black's magic
    trailing comma); the closing bracket is alone on the last row.

    Black splits such a statement at that bracket, its items one per row, and
    nowhere else: a magic trailing comma leaves it no other split, and it drops
    an assignment's optional brackets around the value when the first row fits
    (its right-hand split, traced in black 24 to 26). The rows' own tokens are
    checked by :func:`_settled` as for any statement.
    """
    rows: dict[int, list[TokenInfo]] = {}
    for token in statement.tokens:
        if token.type == COMMENT or token.start[0] != token.end[0]:
            return False
        rows.setdefault(token.start[0], []).append(token)
    lines = [rows.get(row, []) for row in range(statement.first, statement.last + 1)]
    head, items, last = lines[0], lines[1:-1], lines[-1]
    indent = _INDENT_WIDTH * statement.depth
    opening = head[-1].string
    return (
        len(items) >= 2
        and opening in BRACKETS
        and _explodes_at_its_end(head[:-1], opening)
        and len(last) == 1
        and last[0].string == BRACKETS[opening]
        and last[0].start[1] == indent
        and all(_one_item(row, indent + _INDENT_WIDTH) for row in items)
    )


def _explodes_at_its_end(head: list[TokenInfo], opening: str) -> bool:
    """Whether ``head``, the tokens before ``opening`` on a statement's first
    row, is one of the shapes :func:`_settled_exploded` knows."""
    words = [token.string for token in head]
    if words[:1] == ["@"]:
        return opening == "(" and _dotted(head[1:])
    if words[:1] == ["return"]:
        value, given = head[1:], True
    elif "=" in words:
        equals = words.index("=")
        if not _assignable(head[:equals]):
            return False
        value, given = head[equals + 1 :], True
    else:
        value, given = head, False
    if opening != "(":
        return given and not value  # a list or dict assigned or returned
    if value and value[0].string == "await":
        value = value[1:]
    return _dotted(value)


def _assignable(target: list[TokenInfo]) -> bool:
    """A plain or dotted name, or a name with an annotation of names, dots,
    brackets, commas and ``|``."""
    if ":" not in [token.string for token in target]:
        return _dotted(target)
    return (
        len(target) > 2
        and target[0].type == NAME
        and target[1].string == ":"
        and all(
            token.type == NAME or token.string in ("[", "]", ".", ",", "|")
            for token in target[2:]
        )
    )


def _dotted(tokens: list[TokenInfo]) -> bool:
    """Whether ``tokens`` are a name, or names joined by dots."""
    return (
        len(tokens) % 2 == 1
        and all(
            token.type == NAME and not iskeyword(token.string) for token in tokens[::2]
        )
        and all(token.string == "." for token in tokens[1::2])
    )


def _one_item(tokens: list[TokenInfo], column: int) -> bool:
    """Whether a row's ``tokens`` are one item and its comma, at ``column``."""
    if len(tokens) < 2 or tokens[0].start[1] != column or tokens[-1].string != ",":
        return False
    depth = 0
    for token in tokens[:-1]:
        if token.string in BRACKETS:
            depth += 1
        elif token.string in BRACKETS.values():
            depth -= 1
            if depth < 0:
                return False
        elif token.string == "," and depth == 0:
            return False  # two items on the row: black puts each on its own
    return depth == 0


def _fits(row: str) -> bool:
    line = row.rstrip("\n")
    return (
        len(line) <= LINE_LENGTH
        and line == line.rstrip()
        and line.isascii()
        and "\t" not in line
    )


def _is_lone_string(statement: _Statement) -> bool:
    return len(statement.tokens) == 1 and statement.tokens[0].type == STRING


def _docstring_settled(statement: _Statement) -> bool:
    """Whether black keeps a string statement (a docstring, where it is one) as
    it is: its text stripped, its rows after the first indented as the
    statement (the closing quotes' row included), nothing to pad."""
    token = statement.tokens[0].string
    if not (token.startswith('"') and _SETTLED_STRING.match(token)):
        return False  # a prefix, other quotes or escapes
    quotes = 3 if token.startswith('"""') else 1
    text = token[quotes:-quotes]
    lines = text.split("\n")
    if not text.strip() or text.strip()[0] == '"' or text.strip()[-1] == '"':
        return False
    if len(lines) == 1:
        return text == text.strip()
    indent = " " * _INDENT_WIDTH * statement.depth
    content = [line for line in lines[1:] if line.strip()]
    return (
        bool(content)
        and lines[0] == lines[0].strip()
        and min(len(line) - len(line.lstrip(" ")) for line in content) == len(indent)
        and all(line == line.rstrip() for line in lines[1:-1])
        and (lines[-1] == indent or lines[-1] == lines[-1].rstrip())
    )


def _becomes_a_block(statement: _Statement) -> bool:
    """A block on the row that opens it (``class A: pass``): black puts its body
    on rows of its own, and the empty rows around a block differ."""
    return statement.word in _OPENERS and not statement.opens_block


def _span(statements: list[_Statement], index: int) -> Span | None:
    """What black formats for the unsettled statement at ``index``: itself (a
    decorator followed by a function, a block's first row by ``pass``), or the
    whole statement it is part of when black cannot format it alone (a clause
    such as ``else:``, a string statement, which is a docstring only where it
    is first in its block); ``None`` if that is the whole file."""
    statement = statements[index]
    outer = " " * _INDENT_WIDTH * statement.depth
    inner = outer + " " * _INDENT_WIDTH
    if _is_lone_string(statement):
        if statement.depth == 0:
            return None if index else Span(statement.first, statement.last, 0)
        index = _opener_of(statements, index)  # the whole block it is first in
    elif statement.word == "@":
        tail = f"{outer}def _():\n{inner}pass\n"
        return Span(statement.first, statement.last, statement.depth, tail)
    elif statement.opens_block and (statement.word in _ALONE or statement.is_signature):
        return Span(statement.first, statement.last, statement.depth, f"{inner}pass\n")
    elif not statement.opens_block:
        return Span(statement.first, statement.last, statement.depth)
    if statements[index].word in ("match", "case"):
        return None  # a case is not a statement on its own
    start = _start_of(statements, index)
    end = _end_of(statements, start)
    head = statements[start]
    return Span(head.first, statements[end].last, head.depth)


def _opener_of(statements: list[_Statement], index: int) -> int:
    """The index of the row opening the block that holds ``statements[index]``."""
    depth = statements[index].depth
    while statements[index].depth >= depth:
        index -= 1
    return index


def _start_of(statements: list[_Statement], index: int) -> int:
    """The first statement (decorators included) of the compound statement whose
    decorator, opening row or clause is at ``index``."""
    depth = statements[index].depth
    while statements[index].word in _CLAUSES and statements[index].opens_block:
        index -= 1
        while statements[index].depth > depth:
            index -= 1
    while index > 0 and statements[index - 1].word == "@":
        index -= 1
    return index


def _end_of(statements: list[_Statement], start: int) -> int:
    """The last statement of the compound statement starting at ``start``: its
    decorators, opening row and block, and the clauses after it with theirs."""
    depth = statements[start].depth
    index = start
    while statements[index].word == "@":
        index += 1
    index += 1
    while index < len(statements):
        statement = statements[index]
        if statement.depth > depth or (
            statement.word in _CLAUSES and statement.opens_block
        ):
            index += 1
        else:
            break
    return index - 1
