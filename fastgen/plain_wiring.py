"""``wire_router`` and ``register_model`` for files in the usual shapes, as line
edits: importing libcst costs more than a cold ``add resource`` spends on
anything else, and the files fastgen wires in its own projects (``app/api.py``,
``app/models.py``) are a few simple statements.

A file qualifies when every top-level statement is a simple statement on lines of
its own (no functions, classes or blocks), it has no relative import and does not
import the module yet; for a router, the alias appears nowhere in it and one
``FastAPI()``/``APIRouter()`` assignment is the target; for a model, it has no
``__all__``. Anything else returns
None and :mod:`fastgen.wiring` edits it with libcst. The placement rules are
:mod:`fastgen.wiring_rules`, shared with libcst's editor; the lines around a
statement are split as libcst splits them (the lines above the first statement
are the file's header, those between two statements the second's leading lines),
so both editors give the same text (``tests/test_plain_wiring.py`` compares them).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from fastgen.wiring_rules import (
    CONSTRUCTORS,
    Outline,
    constructed_names,
    import_line,
    import_slot,
    importable,
    include_index,
    include_line,
)

_SIMPLE = (
    ast.Assign,
    ast.AnnAssign,
    ast.AugAssign,
    ast.Expr,
    ast.Import,
    ast.ImportFrom,
    ast.Pass,
)


def wire_router(
    source: str, *, module: str, alias: str, target: str | None = None
) -> str | None:
    """:func:`fastgen.wiring.wire_router` for a file in the usual shape, else None."""
    if re.search(rf"\b{alias}\b", source):
        return None  # maybe taken, or included already: libcst tells
    lines = _Lines.parse(source, module, alias)
    if lines is None:
        return None
    candidates = constructed_names(lines.outlines(), CONSTRUCTORS)
    if len(candidates) != 1 or target not in (None, candidates[0]):
        return None
    variable = candidates[0]
    index = include_index(lines.outlines(), variable, factory=False)
    lines.insert(
        index,
        include_line(variable, alias),
        Outline(includes=((variable, alias),)),
    )
    lines.add_import(module, "router", alias, noqa=False, before=index)
    return lines.code()


def register_model(source: str, *, module: str, name: str) -> str | None:
    """:func:`fastgen.wiring.register_model` for a file in the usual shape (no
    ``__all__``), else None."""
    if "__all__" in source:
        return None
    lines = _Lines.parse(source, module, name)
    if lines is None:
        return None
    lines.add_import(
        module, name, name, noqa=True, before=len(lines.body), own_section=True
    )
    return lines.code()


@dataclass
class _Statement:
    """A statement's own lines, and the blank and comment lines above it."""

    leading: list[str]
    text: str
    outline: Outline


@dataclass
class _Lines:
    """A module as libcst splits it: header, statements, footer."""

    header: str
    body: list[_Statement] = field(default_factory=list)
    footer: str = ""

    @classmethod
    def parse(cls, source: str, module: str, name: str) -> _Lines | None:
        """The file, when it is in the usual shape for importing ``name`` from
        ``module``; else None."""
        if not importable(module, name) or source[-1:] != "\n":
            return None
        if "\r" in source or "\f" in source:  # line breaks libcst reads its own way
            return None
        if source.startswith("\ufeff"):
            return None
        try:
            statements = ast.parse(source).body
        except (SyntaxError, ValueError):
            return None
        if not statements or any(_unusual(stmt, module) for stmt in statements):
            return None
        lines = [line + "\n" for line in source.split("\n")[:-1]]
        ends = [0, *(stmt.end_lineno or stmt.lineno for stmt in statements)]
        if any(
            s.lineno <= end for s, end in zip(statements[1:], ends[1:-1], strict=True)
        ):
            return None  # two statements share a line
        parsed = cls("".join(lines[: statements[0].lineno - 1]))
        for index, stmt in enumerate(statements):
            first = stmt.lineno - 1
            leading = lines[ends[index] : first] if index else []
            text = "".join(lines[first : ends[index + 1]])
            parsed.body.append(_Statement(leading, text, _outline(stmt)))
        parsed.footer = "".join(lines[ends[-1] :])
        return parsed

    def outlines(self) -> list[Outline]:
        return [statement.outline for statement in self.body]

    def insert(
        self, index: int, text: str, outline: Outline, leading: list[str] | None = None
    ) -> None:
        """A new statement line before statement ``index`` (and its comments),
        after ``leading`` blank lines."""
        self.body.insert(index, _Statement(leading or [], text, outline))

    def add_import(
        self,
        module: str,
        name: str,
        alias: str,
        *,
        noqa: bool,
        before: int,
        own_section: bool = False,
    ) -> None:
        """``from module import name as alias``, where the rules put it."""
        slot = import_slot(
            self.outlines(), module=module, before=before, own_section=own_section
        )
        index, blank = slot.index, ["\n"] if slot.blank_above else []
        if slot.run_start:
            following = self.body[index]
            count = 0
            while count < len(following.leading) and not _is_comment(
                following.leading[count]
            ):
                count += 1
            blank, rest = following.leading[:count], following.leading[count:]
            following.leading = _with_blank_line_above(rest) if rest else rest
        text = import_line(module, name, alias, noqa=noqa)
        self.insert(index, text, Outline(from_module=module, is_import=True), blank)
        if slot.blank_below:
            below = self.body[index + 1]
            below.leading = _with_blank_line_above(below.leading)

    def code(self) -> str:
        body = "".join("".join(s.leading) + s.text for s in self.body)
        return self.header + body + self.footer


def _is_comment(line: str) -> bool:
    return line.lstrip(" \t").startswith("#")


def _with_blank_line_above(leading: list[str]) -> list[str]:
    """Leading lines that start with a blank line (before any comment)."""
    return leading if leading and not _is_comment(leading[0]) else ["\n", *leading]


def _unusual(stmt: ast.stmt, module: str) -> bool:
    """Whether a top-level statement needs libcst: a block, a relative import, an
    import of ``module`` (wired already?), an f-string docstring (libcst and ast
    disagree on those) or an include call with ``*``/``**`` arguments."""
    if not isinstance(stmt, _SIMPLE):
        return True
    if isinstance(stmt, ast.ImportFrom):
        return stmt.level > 0 or any(
            stmt.module == module or f"{stmt.module}.{alias.name}" == module
            for alias in stmt.names
        )
    if isinstance(stmt, ast.Import):
        return any(alias.name == module for alias in stmt.names)
    if isinstance(stmt, ast.Expr):
        if isinstance(stmt.value, ast.JoinedStr):
            return True
        call = stmt.value
        return isinstance(call, ast.Call) and (
            any(isinstance(arg, ast.Starred) for arg in call.args)
            or any(keyword.arg is None for keyword in call.keywords)
        )
    return False


def dotted_name(node: ast.expr | None) -> str | None:
    """``a.b.c`` for a Name/Attribute chain, else None."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted_name(node.value)
        return None if base is None else f"{base}.{node.attr}"
    return None


def _outline(stmt: ast.stmt) -> Outline:
    """What :mod:`fastgen.wiring_rules` needs to know about a statement line."""
    assigned: list[str] = []
    if isinstance(stmt, ast.Assign):
        assigned = [t.id for t in stmt.targets if isinstance(t, ast.Name)]
    elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
        assigned = [stmt.target.id] if isinstance(stmt.target, ast.Name) else []
    value = getattr(stmt, "value", None)
    kind = (dotted_name(value.func) or "") if isinstance(value, ast.Call) else ""
    kind = kind.rsplit(".", 1)[-1]
    constructed = [(name, kind) for name in assigned] if kind in CONSTRUCTORS else []
    return Outline(
        from_module=stmt.module if isinstance(stmt, ast.ImportFrom) else None,
        is_import=isinstance(stmt, (ast.Import, ast.ImportFrom)),
        is_docstring=isinstance(stmt, ast.Expr)
        and isinstance(stmt.value, ast.Constant)
        and isinstance(stmt.value.value, (str, bytes)),
        is_future_import=isinstance(stmt, ast.ImportFrom)
        and stmt.module == "__future__",
        assigned=tuple(assigned),
        constructed=tuple(constructed),
        includes=_includes(stmt),
    )


def _includes(stmt: ast.stmt) -> tuple[tuple[str, str | None], ...]:
    """``(variable, router)`` when the line is ``variable.include_router(router)``."""
    call = stmt.value if isinstance(stmt, ast.Expr) else None
    if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Attribute):
        return ()
    variable = dotted_name(call.func.value)
    if call.func.attr != "include_router" or variable is None:
        return ()
    if call.args:
        return ((variable, dotted_name(call.args[0])),)
    routers = [k.value for k in call.keywords if k.arg == "router"]
    return ((variable, dotted_name(routers[0]) if routers else None),)
