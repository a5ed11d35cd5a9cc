"""Generated classes whose fields are named like the names their bodies use.

A field ``date: date = Field(...)`` makes ``date`` a class attribute, so every
later ``date`` in that class body (an annotation, ``sa.Enum``, ``utcnow``,
``@field_validator``) means the field, not the import, and the module does not
import. ``protect_class_names`` rewrites, in class bodies only, each name that a
field of the class shadows to a private alias (``_date``) bound once after the
imports (``_date = date``). Field names cannot start with ``_``, so no field can
shadow an alias. Methods' bodies are left alone: they do not see class scope.
"""

from __future__ import annotations

import ast


def protect_class_names(source: str) -> str:
    """``source`` with class-level uses of names its fields shadow aliased.

    Returns ``source`` unchanged (and is cheap) when no field shadows anything.
    """
    tree = ast.parse(source)
    edits: list[tuple[int, int, str]] = []  # (line, byte column, name)
    aliased: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            fields = {
                statement.target.id
                for statement in node.body
                if isinstance(statement, ast.AnnAssign)
                and isinstance(statement.target, ast.Name)
            }
            for load in _class_level_loads(node):
                if load.id in fields:
                    edits.append((load.lineno, load.col_offset, load.id))
                    aliased.add(load.id)
    if not edits:
        return source
    lines = source.splitlines(keepends=True)
    for line, column, name in sorted(edits, reverse=True):
        raw = lines[line - 1].encode("utf-8")
        end = column + len(name.encode("utf-8"))
        lines[line - 1] = (raw[:column] + f"_{name}".encode() + raw[end:]).decode(
            "utf-8"
        )
    insert_at = _after_imports(tree)
    aliases = "".join(f"_{name} = {name}\n" for name in sorted(aliased))
    lines.insert(insert_at, f"\n{aliases}")
    return "".join(lines)


def _class_level_loads(node: ast.ClassDef) -> list[ast.Name]:
    """Names read while the class body runs (not inside method bodies)."""
    found: list[ast.Name] = []
    for statement in node.body:
        roots: list[ast.AST]
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
            arguments = statement.args
            roots = [
                *statement.decorator_list,
                *arguments.defaults,
                *(d for d in arguments.kw_defaults if d is not None),
                *(
                    a.annotation
                    for a in (
                        *arguments.posonlyargs,
                        *arguments.args,
                        *arguments.kwonlyargs,
                        *((arguments.vararg,) if arguments.vararg else ()),
                        *((arguments.kwarg,) if arguments.kwarg else ()),
                    )
                    if a.annotation is not None
                ),
                *((statement.returns,) if statement.returns else ()),
            ]
        elif isinstance(statement, ast.ClassDef):
            continue
        else:
            roots = [statement]
        for root in roots:
            found.extend(
                n
                for n in ast.walk(root)
                if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
            )
    return found


def _after_imports(tree: ast.Module) -> int:
    """The line index just after the module's last top-level import."""
    last = 0
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            last = node.end_lineno or node.lineno
    return last


def rename_name(source: str, old: str, new: str) -> str:
    """``source`` with every variable and parameter named ``old`` named ``new``
    (attributes, keywords and strings are left alone)."""
    tree = ast.parse(source)
    positions = sorted(
        (
            (node.lineno, node.col_offset)
            for node in ast.walk(tree)
            if (isinstance(node, ast.Name) and node.id == old)
            or (isinstance(node, ast.arg) and node.arg == old)
        ),
        reverse=True,
    )
    lines = source.splitlines(keepends=True)
    width = len(old.encode("utf-8"))
    for line, column in positions:
        raw = lines[line - 1].encode("utf-8")
        lines[line - 1] = (raw[:column] + new.encode() + raw[column + width :]).decode(
            "utf-8"
        )
    return "".join(lines)
