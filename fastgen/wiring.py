"""Wire generated resources into an existing FastAPI app by editing its source.

Every public function takes source text and returns source text; the caller reads
and writes the files. Edits are made on a libcst tree, so everything the edit does
not touch (comments, blank lines, quoting, formatting) is reproduced byte for byte,
and every edit is idempotent: running it on its own output changes nothing.

Router target resolution (``wire_router`` with ``target=None``):

* Candidates are module-level names assigned ``FastAPI(...)`` or ``APIRouter(...)``
  (``fastapi.FastAPI(...)`` and annotated assignments included), plus apps built
  inside module-level factory functions: a function whose body assigns
  ``x = FastAPI(...)`` and contains ``return x`` is the candidate ``func():x``.
* An *aggregator* is a candidate with at least one top-level
  ``<candidate>.include_router(...)`` statement in its scope.
* If there are aggregators, those that include another aggregator (``app`` mounting
  an ``api_router`` that mounts the resources) are dropped, because new resources
  belong next to their siblings in the innermost aggregating router. Exactly one
  remaining aggregator is chosen; more than one is ambiguous.
* With no aggregators, a single candidate is chosen; several are ambiguous.

An explicit ``target`` is the ``attr`` of ``--router module:attr``: a candidate name
(``api_router``, ``create_app():app``), a factory name (``create_app`` or
``create_app()``) when that factory builds exactly one app, or any other name
assigned at module level (``app = create_app()``).

Ambiguity, a missing target or no candidate at all raises ``FastgenError`` naming
the file, the candidates and ``--router``. The include goes after the target's last
``include_router`` statement, else right after its assignment (module level) or
right before ``return`` (factory). Includes keep insertion order.

Import placement (``wire_router`` and ``register_model``): the new
``from module import name`` joins the last contiguous run of top-level
``from X import ...`` lines whose modules share its top-level package (``app.``),
going right before the first of them whose module sorts after its own (ruff's
isort order: case-insensitive, digits compared as numbers), so a sorted block stays
sorted. A comment attached above that line stays attached to it. With no such run,
the import goes after the last top-level import (after a docstring or
``from __future__`` block when there is none). For ``wire_router`` only imports
that precede the first include of the router count. Existing lines never move.
Long imports are wrapped the way black wraps them, so black-formatted input stays
black-formatted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeAlias

import libcst as cst

from fastgen.errors import FastgenError
from fastgen.pysource import LINE_LENGTH
from fastgen.wiring_rules import (
    APP_CONSTRUCTORS,
    CONSTRUCTORS,
    INDENT,
    Outline,
    constructed_names,
    import_line,
    import_slot,
    importable,
    include_index,
    include_line,
    includes_of,
)

_Statement: TypeAlias = cst.SimpleStatementLine | cst.BaseCompoundStatement


@dataclass(frozen=True)
class _Target:
    """A place ``include_router`` calls can go: a variable, maybe inside a factory."""

    variable: str
    function: str | None = None

    @property
    def name(self) -> str:
        """The name shown to users and accepted as an explicit target."""
        if self.function is None:
            return self.variable
        return f"{self.function}():{self.variable}"


# --------------------------------------------------------------------------- API


def wire_router(
    source: str,
    *,
    module: str,
    alias: str,
    target: str | None = None,
    path: str = "<source>",
) -> str:
    """Import ``router`` from ``module`` as ``alias`` and include it in the app.

    An existing import of the same router (under any name, or of its module) is
    reused, and an existing ``include_router`` of it anywhere in the file, with any
    extra arguments, counts as wired. ``path`` is only used in error messages.
    """
    _check_names(module, alias)
    tree = _parse(source, path)
    refs = _router_refs(tree, module)
    if not refs:
        _check_alias_free(tree, alias, path)
    ref = refs[0] if refs else alias
    if not _has_include(tree, refs or [alias]):
        tree = _add_include(tree, _resolve_target(tree, target, path), ref)
    if not refs:
        statement = _import_statement(module, "router", alias, noqa=False)
        before = _first_include_index(tree, ref)
        tree = _add_import(tree, statement, module=module, before=before)
    return tree.code


def register_model(
    source: str, *, module: str, name: str, path: str = "<source>"
) -> str:
    """Import model ``name`` from ``module`` so Alembic sees its table.

    When the file has a literal ``__all__`` list or tuple the name is appended to it;
    otherwise the import carries a ``# noqa: F401`` comment.
    """
    _check_names(module, name)
    tree = _parse(source, path)
    exported = _find_all(tree) is not None
    bound = _model_binding(tree, module, name)
    if bound is None:
        statement = _import_statement(module, name, name, noqa=not exported)
        tree = _add_import(
            tree, statement, module=module, before=len(tree.body), own_section=True
        )
        bound = name
    if exported:
        tree = _ensure_exported(tree, bound)
    return tree.code


def find_router_targets(source: str) -> list[str]:
    """Return the names ``wire_router`` can target, in source order."""
    return [target.name for target in _find_targets(_parse(source, "<source>"))]


def has_router_wiring(source: str, *, module: str, alias: str) -> bool:
    """Tell whether the router from ``module`` is imported and included.

    This is exactly when ``wire_router`` would leave the source unchanged. The
    router counts as imported under any name, so ``alias`` (taken for symmetry with
    ``wire_router``) does not affect the answer.
    """
    tree = _parse(source, "<source>")
    refs = _router_refs(tree, module)
    return bool(refs) and _has_include(tree, refs)


def has_model_registration(source: str, *, module: str, name: str) -> bool:
    """Tell whether model ``name`` is imported (and exported, if ``__all__`` exists)."""
    tree = _parse(source, "<source>")
    bound = _model_binding(tree, module, name)
    found = _find_all(tree)
    if bound is None or found is None:
        return bound is not None
    return bound in _exported_names(found[2])


# ------------------------------------------------------------------ parsing help


def _parse(source: str, path: str) -> cst.Module:
    """Parse ``source``, reporting syntax errors as a FastgenError."""
    try:
        return cst.parse_module(source)
    except cst.ParserSyntaxError as error:
        raise FastgenError(
            f"cannot parse {path}: {error.message} (line {error.raw_line}); "
            "fix the syntax error and re-run"
        ) from error


def _check_names(module: str, name: str) -> None:
    """Reject a module path or name that cannot appear in an import (a caller bug)."""
    if not importable(module, name):
        raise ValueError(f"cannot import {name!r} from {module!r}")


def _dotted(node: cst.CSTNode | None) -> str | None:
    """Return ``a.b.c`` for a Name/Attribute chain, else None."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = _dotted(node.value)
        return None if base is None else f"{base}.{node.attr.value}"
    return None


def _small_statements(stmt: cst.CSTNode) -> Sequence[cst.BaseSmallStatement]:
    """The small statements of a simple statement line (none for compound ones)."""
    return stmt.body if isinstance(stmt, cst.SimpleStatementLine) else ()


def _assignment(small: cst.BaseSmallStatement) -> tuple[list[str], cst.CSTNode]:
    """Names bound by a plain or annotated assignment, and the assigned value."""
    if isinstance(small, cst.Assign):
        names = [_dotted(t.target) for t in small.targets]
        return [n for n in names if n is not None and "." not in n], small.value
    if isinstance(small, cst.AnnAssign) and small.value is not None:
        name = _dotted(small.target)
        return ([name] if name is not None and "." not in name else []), small.value
    return [], small


def _assigned_names(stmt: cst.CSTNode) -> list[str]:
    """Names assigned by a statement line, whatever the value."""
    return [n for small in _small_statements(stmt) for n in _assignment(small)[0]]


def _outline(stmt: cst.BaseStatement) -> Outline:
    """What :mod:`fastgen.wiring_rules` needs to know about a statement line."""
    smalls = _small_statements(stmt)
    assigned: list[str] = []
    constructed: list[tuple[str, str]] = []
    includes: list[tuple[str, str | None]] = []
    for small in smalls:
        targets, value = _assignment(small)
        assigned += targets
        if isinstance(value, cst.Call):
            kind = (_dotted(value.func) or "").rsplit(".", 1)[-1]
            if kind in CONSTRUCTORS:
                constructed += [(name, kind) for name in targets]
        if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
            func = small.value.func
            if isinstance(func, cst.Attribute) and func.attr.value == "include_router":
                variable = _dotted(func.value)
                if variable is not None:
                    includes.append((variable, _router_arg(small.value)))
    return Outline(
        from_module=_from_import_module(smalls),
        is_import=any(isinstance(s, (cst.Import, cst.ImportFrom)) for s in smalls),
        is_docstring=_is_docstring(smalls),
        is_future_import=any(
            isinstance(small, cst.ImportFrom) and _dotted(small.module) == "__future__"
            for small in smalls
        ),
        assigned=tuple(assigned),
        constructed=tuple(constructed),
        includes=tuple(includes),
        returned=tuple(
            name
            for small in smalls
            if isinstance(small, cst.Return)
            and (name := _dotted(small.value)) is not None
        ),
    )


def _outlines(body: Sequence[cst.BaseStatement]) -> list[Outline]:
    return [_outline(stmt) for stmt in body]


# ---------------------------------------------------------------- include calls


class _Collector(cst.CSTVisitor):
    """Collects every node of the given types (libcst.matchers costs 0.4 s to
    import, too much for a command that should take well under a second)."""

    def __init__(self, *kinds: type[cst.CSTNode]) -> None:
        self.kinds = kinds
        self.found: list[cst.CSTNode] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, self.kinds):
            self.found.append(node)
        return True


def _nodes_of(node: cst.CSTNode, *kinds: type[cst.CSTNode]) -> list[cst.CSTNode]:
    collector = _Collector(*kinds)
    node.visit(collector)
    return collector.found


def _include_calls(node: cst.CSTNode) -> list[cst.Call]:
    """Every ``<anything>.include_router(...)`` call under ``node``."""
    return [
        call
        for call in _nodes_of(node, cst.Call)
        if isinstance(call, cst.Call)
        and isinstance(call.func, cst.Attribute)
        and call.func.attr.value == "include_router"
    ]


def _router_arg(call: cst.Call) -> str | None:
    """The dotted router passed to ``include_router`` (positionally or by keyword)."""
    for arg in call.args:
        if arg.keyword is None and not arg.star:
            return _dotted(arg.value)
        if arg.keyword is not None and arg.keyword.value == "router":
            return _dotted(arg.value)
    return None


def _has_include(tree: cst.Module, refs: Sequence[str]) -> bool:
    """Whether any ``include_router`` call in the file includes one of ``refs``."""
    return any(_router_arg(call) in refs for call in _include_calls(tree))


def _first_include_index(tree: cst.Module, ref: str) -> int:
    """Index of the first top-level statement that includes ``ref``."""
    for index, stmt in enumerate(tree.body):
        if any(_router_arg(call) == ref for call in _include_calls(stmt)):
            return index
    return len(tree.body)


# ---------------------------------------------------------------------- imports


def _import_module_name(node: cst.ImportFrom) -> str:
    """The module of a from-import, with its leading dots (``.posts.router``)."""
    dots = "." * len(node.relative)
    return dots + (_dotted(node.module) or "")


def _module_matches(imported: str, module: str) -> bool:
    """Whether an (absolute or relative) imported module name is ``module``.

    Relative imports are matched on their tail, as the package is not known here.
    """
    if imported == module:
        return True
    tail = imported.lstrip(".")
    return imported.startswith(".") and bool(tail) and module.endswith(f".{tail}")


def _join_module(parent: str, child: str) -> str:
    """Join a (possibly relative) package name and a submodule name."""
    return parent + child if parent.endswith(".") else f"{parent}.{child}"


def _alias_names(alias: cst.ImportAlias) -> tuple[str, str]:
    """The imported dotted name and the name it is bound to."""
    imported = _dotted(alias.name) or ""
    bound = _dotted(alias.asname.name) if alias.asname is not None else None
    return imported, bound or imported


def _router_refs(tree: cst.Module, module: str) -> list[str]:
    """Expressions that name ``module``'s ``router`` through the file's imports."""
    refs: list[str] = []
    for node in _nodes_of(tree, cst.Import, cst.ImportFrom):
        if isinstance(node, cst.Import):
            for alias in node.names:
                imported, bound = _alias_names(alias)
                if imported == module:
                    refs.append(f"{bound}.router")
        elif isinstance(node, cst.ImportFrom) and not isinstance(
            node.names, cst.ImportStar
        ):
            source = _import_module_name(node)
            for alias in node.names:
                imported, bound = _alias_names(alias)
                if imported == "router" and _module_matches(source, module):
                    refs.append(bound)
                elif _module_matches(_join_module(source, imported), module):
                    refs.append(f"{bound}.router")
    return refs


def _model_binding(tree: cst.Module, module: str, name: str) -> str | None:
    """The name model ``name`` from ``module`` is bound to by a top-level import."""
    for stmt in tree.body:
        for small in _small_statements(stmt):
            if not isinstance(small, cst.ImportFrom) or isinstance(
                small.names, cst.ImportStar
            ):
                continue
            if _module_matches(_import_module_name(small), module):
                for alias in small.names:
                    imported, bound = _alias_names(alias)
                    if imported == name:
                        return bound
    return None


def _top_level_names(tree: cst.Module) -> set[str]:
    """Names bound at module level by imports, assignments, functions and classes."""
    names: set[str] = set()
    for stmt in tree.body:
        if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            names.add(stmt.name.value)
        names.update(_assigned_names(stmt))
        for small in _small_statements(stmt):
            if isinstance(small, (cst.Import, cst.ImportFrom)) and not isinstance(
                small.names, cst.ImportStar
            ):
                names.update(_alias_names(a)[1].split(".")[0] for a in small.names)
    return names


def _check_alias_free(tree: cst.Module, alias: str, path: str) -> None:
    """Refuse to shadow a module-level name that is not the router being wired."""
    if alias in _top_level_names(tree):
        raise FastgenError(
            f"cannot import the router as {alias} in {path}: that name is already "
            "used there for something else; rename it there and re-run"
        )


def _import_statement(
    module: str, name: str, alias: str, *, noqa: bool
) -> cst.SimpleStatementLine:
    """``from module import name [as alias]``, wrapped the way black would."""
    line = import_line(module, name, alias, noqa=noqa)
    return cst.ensure_type(cst.parse_statement(line), cst.SimpleStatementLine)


def _from_import_module(smalls: Sequence[cst.BaseSmallStatement]) -> str | None:
    """The module of a line holding one absolute ``from X import ...``, else None."""
    if len(smalls) != 1 or not isinstance(smalls[0], cst.ImportFrom):
        return None
    if smalls[0].relative:
        return None
    return _dotted(smalls[0].module)


def _is_docstring(smalls: Sequence[cst.BaseSmallStatement]) -> bool:
    """Whether a statement line is a bare string (a docstring in first position)."""
    return (
        len(smalls) == 1
        and isinstance(smalls[0], cst.Expr)
        and isinstance(smalls[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def _split_blank_prefix(
    leading: Sequence[cst.EmptyLine],
) -> tuple[list[cst.EmptyLine], list[cst.EmptyLine]]:
    """Split leading lines into the blank lines before any comment, and the rest."""
    count = 0
    while count < len(leading) and leading[count].comment is None:
        count += 1
    return list(leading[:count]), list(leading[count:])


def _add_import(
    tree: cst.Module,
    statement: cst.SimpleStatementLine,
    *,
    module: str,
    before: int,
    own_section: bool = False,
) -> cst.Module:
    """Insert an import of ``module`` where :func:`~fastgen.wiring_rules.import_slot`
    says, with the blank lines it asks for."""
    body = list(tree.body)
    slot = import_slot(
        _outlines(body), module=module, before=before, own_section=own_section
    )
    index, blank = slot.index, [cst.EmptyLine()] if slot.blank_above else []
    if slot.run_start:
        following = body[index]
        blank, rest = _split_blank_prefix(following.leading_lines)
        following = following.with_changes(leading_lines=rest)
        body[index] = _with_blank_line_above(following) if rest else following
    body.insert(index, statement.with_changes(leading_lines=blank))
    if slot.blank_below:
        body[index + 1] = _with_blank_line_above(body[index + 1])
    newline = tree.has_trailing_newline or len(body) == 1
    return tree.with_changes(body=body, has_trailing_newline=newline)


def _with_blank_line_above(stmt: _Statement) -> _Statement:
    """Make sure a statement starts with a blank line (before any comment)."""
    leading = stmt.leading_lines
    if leading and leading[0].comment is None:
        return stmt
    return stmt.with_changes(leading_lines=[cst.EmptyLine(), *leading])


# --------------------------------------------------------------------- targets


def _find_targets(tree: cst.Module) -> list[_Target]:
    """Module-level FastAPI/APIRouter names and factory-built apps, in order."""
    targets: list[_Target] = []
    for stmt in tree.body:
        if isinstance(stmt, cst.FunctionDef):
            targets.extend(_factory_targets(stmt))
        else:
            names = constructed_names([_outline(stmt)], CONSTRUCTORS)
            targets.extend(_Target(name) for name in names)
    return list(dict.fromkeys(targets))


def _factory_targets(func: cst.FunctionDef) -> list[_Target]:
    """Apps a function builds with ``FastAPI(...)`` and returns."""
    if not isinstance(func.body, cst.IndentedBlock):
        return []
    body = _outlines(func.body.body)
    return [
        _Target(name, func.name.value)
        for name in constructed_names(body, APP_CONSTRUCTORS)
        if any(name in line.returned for line in body)
    ]


def _factory(tree: cst.Module, name: str) -> tuple[int, cst.FunctionDef]:
    """The top-level factory function called ``name`` and its index."""
    for index, stmt in enumerate(tree.body):
        if isinstance(stmt, cst.FunctionDef) and stmt.name.value == name:
            return index, stmt
    raise LookupError(name)


def _body_of(tree: cst.Module, target: _Target) -> Sequence[cst.BaseStatement]:
    """The statements of the scope that owns ``target``."""
    if target.function is None:
        return tree.body
    block = _factory(tree, target.function)[1].body
    return block.body if isinstance(block, cst.IndentedBlock) else ()


def _replace_body(
    tree: cst.Module, target: _Target, body: Sequence[cst.BaseStatement]
) -> cst.Module:
    """Return ``tree`` with the body of ``target``'s scope replaced."""
    if target.function is None:
        return tree.with_changes(body=body)
    index, func = _factory(tree, target.function)
    new_func = func.with_changes(body=func.body.with_changes(body=body))
    return tree.with_changes(
        body=[*tree.body[:index], new_func, *tree.body[index + 1 :]]
    )


def _add_include(tree: cst.Module, target: _Target, ref: str) -> cst.Module:
    """Add ``target.include_router(ref)`` to the target's scope."""
    body = list(_body_of(tree, target))
    statement = cst.parse_statement(include_line(target.variable, ref))
    index = include_index(
        _outlines(body), target.variable, factory=target.function is not None
    )
    body.insert(index, statement)
    return _replace_body(tree, target, body)


def _included_by(tree: cst.Module, target: _Target) -> list[str | None]:
    """Routers the target includes with top-level statements of its scope."""
    return [
        ref
        for line in _outlines(_body_of(tree, target))
        for ref in includes_of(line, target.variable)
    ]


def _preferred_target(tree: cst.Module, targets: list[_Target]) -> _Target | None:
    """Apply the priority rules of the module docstring; None when ambiguous."""
    included = {target: _included_by(tree, target) for target in targets}
    aggregators = [target for target in targets if included[target]]
    if not aggregators:
        return targets[0] if len(targets) == 1 else None
    names = {t.variable for t in aggregators if t.function is None}
    innermost = [
        target
        for target in aggregators
        if not any(ref in names - {target.variable} for ref in included[target])
    ]
    return innermost[0] if len(innermost) == 1 else None


def _explicit_target(
    tree: cst.Module, targets: list[_Target], name: str
) -> list[_Target]:
    """Targets matching an explicit ``--router`` attribute."""
    bare = name.removesuffix("()")
    matches = [
        target
        for target in targets
        if target.name == name
        or (target.function is not None and target.function == bare)
    ]
    if matches or not name.isidentifier():
        return matches
    assigned = any(name in _assigned_names(stmt) for stmt in tree.body)
    return [_Target(name)] if assigned else []


def _resolve_target(tree: cst.Module, target: str | None, path: str) -> _Target:
    """Pick where the include goes, or explain why that is impossible."""
    candidates = _find_targets(tree)
    if target is not None:
        matches = _explicit_target(tree, candidates, target)
        if len(matches) == 1:
            return matches[0]
        problem = f"cannot find router target {target!r} in {path}"
        raise FastgenError(_target_error(problem, candidates, path))
    if not candidates:
        problem = f"cannot find where to wire the router in {path}"
        raise FastgenError(_target_error(problem, candidates, path))
    chosen = _preferred_target(tree, candidates)
    if chosen is None:
        problem = f"cannot choose where to wire the router in {path}"
        raise FastgenError(_target_error(problem, candidates, path))
    return chosen


def _target_error(problem: str, candidates: list[_Target], path: str) -> str:
    """One-line message naming the candidates and the ``--router`` option."""
    hint = _module_hint(path)
    if not candidates:
        return (
            f"{problem}: it has no FastAPI() or APIRouter() assignment; "
            f"pass --router {hint}:NAME naming your app or router"
        )
    names = ", ".join(target.name for target in candidates)
    example = candidates[-1].function or candidates[-1].variable
    return (
        f"{problem}: candidates are {names}; "
        f"pass --router {hint}:NAME, e.g. --router {hint}:{example}"
    )


def _module_hint(path: str) -> str:
    """``app/main.py`` -> ``app.main`` for messages; ``MODULE`` when unknown."""
    relative = path.replace("\\", "/")
    if not relative.endswith(".py") or relative.startswith("/"):
        return "MODULE"
    return relative.removesuffix(".py").removesuffix("/__init__").replace("/", ".")


# -------------------------------------------------------------------- __all__


_Sequence: TypeAlias = cst.List | cst.Tuple
_Exports: TypeAlias = tuple[int, cst.SimpleStatementLine, _Sequence]


def _find_all(tree: cst.Module) -> _Exports | None:
    """The last top-level ``__all__ = [...]`` (or tuple), its statement and index."""
    found: _Exports | None = None
    for index, stmt in enumerate(tree.body):
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            names, value = _assignment(small)
            if names == ["__all__"] and isinstance(value, (cst.List, cst.Tuple)):
                if isinstance(value, cst.List) or value.lpar:
                    found = index, stmt, value
    return found


def _exported_names(seq: _Sequence) -> list[str]:
    """The string values listed in ``__all__``."""
    values = [
        element.value.evaluated_value
        for element in seq.elements
        if isinstance(element.value, cst.SimpleString)
    ]
    return [value for value in values if isinstance(value, str)]


def _ensure_exported(tree: cst.Module, name: str) -> cst.Module:
    """Append ``name`` to ``__all__`` unless it is already listed."""
    found = _find_all(tree)
    if found is None or name in _exported_names(found[2]):
        return tree
    index, stmt, seq = found
    new_stmt = _replace_value(stmt, seq, _appended(seq, name))
    if _too_long(tree, new_stmt):
        new_stmt = _replace_value(stmt, seq, _exploded(_appended(seq, name)))
    return tree.with_changes(
        body=[*tree.body[:index], new_stmt, *tree.body[index + 1 :]]
    )


def _replace_value(
    stmt: cst.SimpleStatementLine, old: cst.CSTNode, new: cst.CSTNode
) -> cst.SimpleStatementLine:
    """Replace the assigned value ``old`` of one of the statement's assignments."""
    body = [
        small.with_changes(value=new) if getattr(small, "value", None) is old else small
        for small in stmt.body
    ]
    return stmt.with_changes(body=body)


def _too_long(tree: cst.Module, stmt: cst.SimpleStatementLine) -> bool:
    """Whether a one-line statement exceeds black's line length."""
    lines = tree.code_for_node(stmt.with_changes(leading_lines=())).splitlines()
    return len(lines) == 1 and len(lines[0]) > LINE_LENGTH


def _opening(seq: _Sequence) -> cst.BaseParenthesizableWhitespace:
    """Whitespace after the opening bracket or parenthesis."""
    if isinstance(seq, cst.List):
        return seq.lbracket.whitespace_after
    return seq.lpar[-1].whitespace_after


def _closing(seq: _Sequence) -> cst.BaseParenthesizableWhitespace:
    """Whitespace before the closing bracket (holds the last entry's comment)."""
    if isinstance(seq, cst.List):
        return seq.rbracket.whitespace_before
    return seq.rpar[0].whitespace_before


def _with_brackets(
    seq: _Sequence,
    opening: cst.BaseParenthesizableWhitespace,
    closing: cst.BaseParenthesizableWhitespace,
) -> _Sequence:
    """``seq`` with new whitespace inside its brackets or parentheses."""
    if isinstance(seq, cst.List):
        return seq.with_changes(
            lbracket=seq.lbracket.with_changes(whitespace_after=opening),
            rbracket=seq.rbracket.with_changes(whitespace_before=closing),
        )
    lpar = seq.lpar[-1].with_changes(whitespace_after=opening)
    rpar = seq.rpar[0].with_changes(whitespace_before=closing)
    return seq.with_changes(lpar=[*seq.lpar[:-1], lpar], rpar=[rpar, *seq.rpar[1:]])


def _quote(seq: _Sequence) -> str:
    """The quote character the existing entries use (double by default)."""
    for element in seq.elements:
        if isinstance(element.value, cst.SimpleString):
            return element.value.quote[0]
    return '"'


def _bare(whitespace: cst.ParenthesizedWhitespace) -> cst.ParenthesizedWhitespace:
    """A line break shaped like ``whitespace`` but without comments or blank lines."""
    return whitespace.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=[])


def _separator(seq: _Sequence) -> cst.BaseParenthesizableWhitespace:
    """What goes between two entries: a bare line break or a single space."""
    elements = seq.elements
    previous = elements[-2].comma if len(elements) > 1 else None
    whitespace = (
        previous.whitespace_after if isinstance(previous, cst.Comma) else _opening(seq)
    )
    if isinstance(whitespace, cst.ParenthesizedWhitespace):
        return _bare(whitespace)
    return cst.SimpleWhitespace(" ")


def _appended(seq: _Sequence, name: str) -> _Sequence:
    """``seq`` with a string entry for ``name`` added, following its layout.

    In a one-per-line sequence the new entry gets its own line (with a trailing
    comma if the old last entry had one), and a comment on the old last line stays
    on that line.
    """
    quote = _quote(seq)
    new = cst.Element(cst.SimpleString(f"{quote}{name}{quote}"))
    elements = list(seq.elements)
    if not elements:
        return seq.with_changes(elements=[new])
    last, separator, closing = elements[-1], _separator(seq), _closing(seq)
    if not (
        isinstance(separator, cst.ParenthesizedWhitespace)
        and isinstance(closing, cst.ParenthesizedWhitespace)
    ):
        elements[-1] = last.with_changes(comma=cst.Comma(whitespace_after=separator))
        return seq.with_changes(elements=[*elements, new])
    line = closing.with_changes(indent=separator.indent, last_line=separator.last_line)
    comma = last.comma if isinstance(last.comma, cst.Comma) else cst.Comma()
    elements[-1] = last.with_changes(comma=comma.with_changes(whitespace_after=line))
    new = new.with_changes(comma=last.comma)
    return _with_brackets(seq, _opening(seq), _bare(closing)).with_changes(
        elements=[*elements, new]
    )


def _exploded(seq: _Sequence) -> _Sequence:
    """One entry per line with a trailing comma, as black splits long literals."""
    line = cst.ParenthesizedWhitespace(last_line=cst.SimpleWhitespace(INDENT))
    elements = [
        element.with_changes(comma=cst.Comma(whitespace_after=line))
        for element in seq.elements
    ]
    elements[-1] = elements[-1].with_changes(comma=cst.Comma())
    return _with_brackets(seq, line, cst.ParenthesizedWhitespace()).with_changes(
        elements=elements
    )


# ---------------------------------------------------------------- unwiring


def unwire_router(source: str, *, module: str, path: str = "<source>") -> str:
    """The inverse of ``wire_router``: drop the import of ``module``'s router and
    every ``include_router`` of it. A file without them is returned unchanged."""
    tree = _parse(source, path)
    refs = _router_refs(tree, module)
    if not refs:
        return source
    bound = {ref.removesuffix(".router") for ref in refs}

    def drops(small: cst.BaseSmallStatement) -> bool:
        if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
            calls = _include_calls(small.value)
            return bool(calls) and _router_arg(calls[0]) in refs
        return False

    tree = _without_statements(tree, drops)
    return _code(_without_import_names(tree, lambda alias: alias in bound))


def unregister_model(
    source: str, *, module: str, name: str, path: str = "<source>"
) -> str:
    """The inverse of ``register_model``: drop the model's import and its
    ``__all__`` entry. A file without them is returned unchanged."""
    tree = _parse(source, path)
    bound = _model_binding(tree, module, name)
    if bound is None:
        return source
    found = _find_all(tree)
    if found is not None and bound in _exported_names(found[2]):
        index, stmt, seq = found
        new_stmt = _replace_value(stmt, seq, _without_element(seq, bound))
        tree = tree.with_changes(
            body=[*tree.body[:index], new_stmt, *tree.body[index + 1 :]]
        )

    def imports_model(small: cst.BaseSmallStatement) -> bool:
        return isinstance(small, cst.ImportFrom) and _module_matches(
            _import_module_name(small), module
        )

    return _code(
        _without_import_names(tree, lambda alias: alias == bound, only=imports_model)
    )


def _code(tree: cst.Module) -> str:
    """The module's source; a module left empty is the empty file."""
    return tree.code if tree.body or tree.header or tree.footer else ""


def _without_element(seq: _Sequence, name: str) -> _Sequence:
    """``seq`` without the string ``name``. When the last element goes, the one
    before it takes over its comma and hands its trailing comments to the closing
    bracket, so the bracket stays where it was and no comment is lost."""
    elements = list(seq.elements)
    index = next(
        i
        for i, element in enumerate(elements)
        if isinstance(element.value, cst.SimpleString)
        and element.value.evaluated_value == name
    )
    removed = elements.pop(index)
    if index < len(elements) or not elements:
        return seq.with_changes(elements=elements)
    previous = elements[-1]
    elements[-1] = previous.with_changes(comma=removed.comma)
    trailing = (
        previous.comma.whitespace_after
        if isinstance(previous.comma, cst.Comma)
        else None
    )
    closing = _closing(seq)
    if isinstance(trailing, cst.ParenthesizedWhitespace) and isinstance(
        closing, cst.ParenthesizedWhitespace
    ):
        closing = trailing.with_changes(
            indent=closing.indent, last_line=closing.last_line
        )
        seq = _with_closing(seq, closing)
    return seq.with_changes(elements=elements)


def _with_closing(
    seq: _Sequence, whitespace: cst.BaseParenthesizableWhitespace
) -> _Sequence:
    """``seq`` with ``whitespace`` before its closing bracket."""
    if isinstance(seq, cst.List):
        return seq.with_changes(
            rbracket=seq.rbracket.with_changes(whitespace_before=whitespace)
        )
    rpar = [seq.rpar[0].with_changes(whitespace_before=whitespace), *seq.rpar[1:]]
    return seq.with_changes(rpar=rpar)


def _without_import_names(
    tree: cst.Module,
    unwanted: Callable[[str], bool],
    *,
    only: Callable[[cst.BaseSmallStatement], bool] = lambda small: True,
) -> cst.Module:
    """``tree`` without the top-level imported names ``unwanted`` accepts; an
    import left with no names goes away with its line."""

    def trimmed(small: cst.BaseSmallStatement) -> cst.BaseSmallStatement | None:
        if not isinstance(small, (cst.Import, cst.ImportFrom)) or not only(small):
            return small
        if isinstance(small.names, cst.ImportStar):
            return small
        names = [a for a in small.names if not unwanted(_alias_names(a)[1])]
        if not names:
            return None
        if len(names) == len(small.names):
            return small
        names[-1] = names[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return small.with_changes(names=names)

    body: list[cst.BaseStatement] = []
    carried: Sequence[cst.EmptyLine] | None = None
    for stmt in tree.body:
        if isinstance(stmt, cst.SimpleStatementLine):
            kept = [new for small in stmt.body if (new := trimmed(small)) is not None]
            if not kept:
                carried = stmt.leading_lines
                continue
            stmt = stmt.with_changes(body=kept)
        if carried is not None and not body and not carried:
            # the file began with the removed import: no blank line above the next
            stmt = stmt.with_changes(leading_lines=[])
        body.append(_inherit_leading(stmt, carried))
        carried = None
    return tree.with_changes(body=body)


def _without_statements(
    tree: cst.Module, drops: Callable[[cst.BaseSmallStatement], bool]
) -> cst.Module:
    """``tree`` without the statement lines (at module level or in a function)
    whose every small statement ``drops`` accepts."""

    def cleaned(
        statements: Sequence[cst.BaseStatement],
    ) -> list[cst.BaseStatement]:
        kept: list[cst.BaseStatement] = []
        carried: Sequence[cst.EmptyLine] | None = None
        for stmt in statements:
            if isinstance(stmt, cst.SimpleStatementLine) and all(
                drops(small) for small in stmt.body
            ):
                carried = stmt.leading_lines
                continue
            if isinstance(stmt, cst.FunctionDef) and isinstance(
                stmt.body, cst.IndentedBlock
            ):
                stmt = stmt.with_changes(
                    body=stmt.body.with_changes(body=cleaned(stmt.body.body))
                )
            kept.append(_inherit_leading(stmt, carried))
            carried = None
        return kept

    return tree.with_changes(body=cleaned(tree.body))


def _inherit_leading(
    stmt: cst.BaseStatement, removed: Sequence[cst.EmptyLine] | None
) -> cst.BaseStatement:
    """Give ``stmt`` the blank lines and comments of the removed line above it,
    undoing the blank line an insertion put between them."""
    if not removed or not isinstance(
        stmt, (cst.SimpleStatementLine, cst.BaseCompoundStatement)
    ):
        return stmt
    own = list(stmt.leading_lines)
    if own and own[0].comment is None and any(line.comment for line in own):
        own = own[1:]
    elif own and all(line.comment is None for line in own):
        return stmt  # it keeps its own separation
    return stmt.with_changes(leading_lines=[*removed, *own])
