"""Import blocks for generated modules, in the order ruff's isort rules expect."""

from __future__ import annotations

import sys
from collections import defaultdict

#: First-party top-level packages of a project created by ``fastgen new project``.
FIRST_PARTY = frozenset({"app", "tests"})


class ImportSet:
    """Collects what a generated module imports and renders the import block.

    Sections are stdlib, third-party, first-party; within one, ``import x`` lines
    come before ``from x import y`` lines, modules sorted, names ordered by type
    (constants, classes, then functions), as ruff's default isort settings do.
    ``first_party`` names the project's own top-level packages (an adopted project's
    ``myservice`` as well as ``tests``); ruff finds those first-party by itself, as
    they are directories under the project root or ``src/``.
    """

    def __init__(self, first_party: frozenset[str] = FIRST_PARTY) -> None:
        self._first_party = first_party
        self._modules: set[str] = set()
        self._names: defaultdict[str, set[str]] = defaultdict(set)

    def add(self, module: str, *names: str) -> None:
        """``add("uuid")`` is ``import uuid`` (``add("sqlalchemy as sa")`` works
        too); with names, a ``from`` import."""
        if names:
            self._names[module].update(names)
        else:
            self._modules.add(module)

    def render(self) -> str:
        """The import block, sections separated by one blank line."""
        sections: defaultdict[int, list[str]] = defaultdict(list)
        for module in sorted(self._modules, key=str.lower):
            sections[_section(module, self._first_party)].append(f"import {module}")
        for module in sorted(self._names, key=str.lower):
            names = ", ".join(sorted(self._names[module], key=_name_order))
            sections[_section(module, self._first_party)].append(
                f"from {module} import {names}"
            )
        return "\n\n".join("\n".join(sections[key]) for key in sorted(sections))


def _section(module: str, first_party: frozenset[str]) -> int:
    top = module.split()[0].split(".")[0]
    if top in sys.stdlib_module_names:
        return 0
    return 2 if top in first_party else 1


def _name_order(name: str) -> tuple[int, str, str]:
    # ruff compares names case-insensitively within a kind: Int32 before ISODate.
    if name.isupper() and len(name) > 1:
        kind = 0
    else:
        kind = 1 if name[0].isupper() else 2
    return (kind, name.lower(), name)
