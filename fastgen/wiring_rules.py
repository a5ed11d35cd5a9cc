"""Where wiring puts an import or an include, decided on an outline of the file.

Both editors of :mod:`fastgen.wiring` (libcst, for any file) and
:mod:`fastgen.plain_wiring` (line edits, for the usual shapes, without importing
libcst) describe each statement line of a scope as an :class:`Outline` and ask
these rules where the new line goes, so the two cannot place it differently.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Sequence
from dataclasses import dataclass

from fastgen.pysource import LINE_LENGTH

INDENT = "    "
APP_CONSTRUCTORS = frozenset({"FastAPI"})
CONSTRUCTORS = APP_CONSTRUCTORS | {"APIRouter"}


@dataclass(frozen=True)
class Outline:
    """What the rules need to know about one statement line.

    ``from_module``: the module of a line holding one absolute ``from X import``;
    ``assigned``: names a plain or annotated assignment binds; ``constructed``:
    ``(name, constructor)`` for names assigned ``FastAPI(...)``/``APIRouter(...)``;
    ``includes``: the routers ``variable.include_router(...)`` expression
    statements include, as ``(variable, router)``; ``returned``: the names
    ``return name`` statements return.
    """

    from_module: str | None = None
    is_import: bool = False
    is_docstring: bool = False
    is_future_import: bool = False
    assigned: tuple[str, ...] = ()
    constructed: tuple[tuple[str, str], ...] = ()
    includes: tuple[tuple[str, str | None], ...] = ()
    returned: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportSlot:
    """Where a new import line goes among the statements of a module.

    ``index``: the statement it goes before. ``run_start``: it goes before the
    first line of a sorted run of imports, so it takes over the blank lines above
    that line (its comments stay with it, a blank line apart).
    ``blank_above``/``blank_below``: which sides need a blank line.
    """

    index: int
    run_start: bool = False
    blank_above: bool = False
    blank_below: bool = False


def importable(module: str, name: str) -> bool:
    """Whether ``from module import name`` is valid Python."""
    return all(
        part.isidentifier() and not keyword.iskeyword(part)
        for part in [*module.split("."), name]
    )


def import_line(module: str, name: str, alias: str, *, noqa: bool) -> str:
    """``from module import name [as alias]``, wrapped the way black would."""
    item = name if alias == name else f"{name} as {alias}"
    comment = "  # noqa: F401" if noqa else ""
    line = f"from {module} import {item}{comment}"
    if len(line) > LINE_LENGTH:
        line = f"from {module} import (\n{INDENT}{item},{comment}\n)"
    return line + "\n"


def include_line(variable: str, router: str) -> str:
    """The statement including ``router`` in ``variable``."""
    return f"{variable}.include_router({router})\n"


def _natural_key(text: str) -> tuple[tuple[int, int, str], ...]:
    """Sort key comparing like ruff's natural order: digit runs by numeric value.

    A digit run compares with a character as its first digit would (every digit is
    between ``0`` and ``9``, which no other character is).
    """
    return tuple(
        (ord("0"), int(run), run) if run[0].isdigit() else (ord(run), 0, "")
        for run in re.findall(r"\d+|\D", text)
    )


def _module_sort_key(
    module: str,
) -> tuple[tuple[tuple[int, int, str], ...], tuple[tuple[int, int, str], ...]]:
    """How ruff's isort orders ``from`` imports of a section (case-insensitive)."""
    return _natural_key(module.lower()), _natural_key(module)


def import_slot(
    body: Sequence[Outline], *, module: str, before: int, own_section: bool = False
) -> ImportSlot:
    """Where an import of ``module`` goes, among the statements before ``before``.

    Sorted into the last run of its package's from-imports when there is one;
    otherwise after the last import. A blank line separates it from a docstring
    or ``from __future__`` block above (and from other packages' imports when it
    starts ``own_section``, as isort keeps first-party imports), and from
    non-import code below (as black requires).
    """
    sorted_at = _sorted_import_index(body, before, module)
    if sorted_at is not None and sorted_at[0] < len(body):
        index, run_start = sorted_at
        if body[index].is_import:
            return ImportSlot(index, run_start=run_start)
    index = _import_index(body, before) if sorted_at is None else sorted_at[0]
    blank_above = index > 0 and (
        (index == 1 and body[0].is_docstring)
        or body[index - 1].is_future_import
        or (own_section and sorted_at is None and body[index - 1].is_import)
    )
    blank_below = index < len(body) and not body[index].is_import
    return ImportSlot(index, blank_above=blank_above, blank_below=blank_below)


def _import_index(body: Sequence[Outline], before: int) -> int:
    """After the last import preceding ``before`` (else after a docstring)."""
    imports = [i for i, line in enumerate(body[:before]) if line.is_import]
    if imports:
        return imports[-1] + 1
    return 1 if body and before > 0 and body[0].is_docstring else 0


def _sorted_import_index(
    body: Sequence[Outline], before: int, module: str
) -> tuple[int, bool] | None:
    """Sorted position for ``module`` in the last run of its package's from-imports.

    The run is the last contiguous sequence of lines preceding ``before`` that each
    hold one absolute ``from X import ...`` with ``X`` in the same top-level
    package as ``module``. The new import goes before the first line of the run
    whose module sorts after ``module``, else right after the run. Returns that
    index and whether it is the run's first line; None when there is no run.
    """
    package = module.split(".")[0]
    run: list[int] = []
    for index, line in enumerate(body[:before]):
        imported = line.from_module
        if imported is not None and imported.split(".")[0] == package:
            if not run or run[-1] != index - 1:
                run = []
            run.append(index)
    if not run:
        return None
    key = _module_sort_key(module)
    for index in run:
        if _module_sort_key(body[index].from_module or "") > key:
            return index, index == run[0]
    return run[-1] + 1, False


def includes_of(line: Outline, variable: str) -> list[str | None]:
    """Routers ``line`` includes in ``variable``."""
    return [router for name, router in line.includes if name == variable]


def include_index(body: Sequence[Outline], variable: str, *, factory: bool) -> int:
    """Where a new ``variable.include_router(...)`` goes in its scope.

    After the last include of ``variable``, else right after its assignment (module
    level) or right before ``return variable`` (``factory``).
    """
    includes = [i for i, line in enumerate(body) if includes_of(line, variable)]
    if includes:
        return includes[-1] + 1
    if not factory:
        return [i for i, line in enumerate(body) if variable in line.assigned][-1] + 1
    return [i for i, line in enumerate(body) if variable in line.returned][-1]


def constructed_names(body: Sequence[Outline], kinds: frozenset[str]) -> list[str]:
    """Names the lines assign a call to one of ``kinds``, once each, in order."""
    names = [name for line in body for name, kind in line.constructed if kind in kinds]
    return list(dict.fromkeys(names))
