"""Access rules: who may read and who may change a resource's rows.

Every rule's behaviour lives here, as the few facts and Python conditions the
templates print; no template compares rule names.

* ``private`` (the default): only the owner reads and writes; to anyone else a row
  does not exist (404).
* ``public``: every signed-in user reads (with ``public_if``: only the rows where
  that bool field is true, the owner always seeing their own); only the owner
  writes, anyone else who can see the row gets a 403.
* ``shared``: rows have no owner; every signed-in user reads; creating, changing
  or deleting one needs the ``write_role`` from the token (403 otherwise).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Access(StrEnum):
    """The access rules a resource may have."""

    PRIVATE = "private"
    PUBLIC = "public"
    SHARED = "shared"


ACCESS_NAMES = ", ".join(access.value for access in Access)
#: The role a shared resource's writes need unless the spec names another.
DEFAULT_WRITE_ROLE = "admin"
#: What a role name looks like (better-auth's admin plugin: ``admin``, ``user``).
ROLE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,31}")


@dataclass(frozen=True)
class AccessRule:
    """One resource's rule as the generated code applies it."""

    access: Access
    public_if: str | None = None
    write_role: str = DEFAULT_WRITE_ROLE

    @property
    def owned(self) -> bool:
        """Rows have an owner (an ``owner_id`` column, set to the creator)."""
        return self.access is not Access.SHARED

    @property
    def private(self) -> bool:
        return self.access is Access.PRIVATE

    @property
    def role(self) -> str | None:
        """The role every write needs (shared resources), else ``None``."""
        return self.write_role if self.access is Access.SHARED else None

    @property
    def owner_writes_only(self) -> bool:
        """Others may see a row but not change it: a write of theirs is a 403."""
        return self.access is Access.PUBLIC

    @property
    def readable_by_all(self) -> bool:
        """Every signed-in user can read every row, always."""
        return self.access is Access.SHARED or (
            self.access is Access.PUBLIC and self.public_if is None
        )

    @property
    def list_index(self) -> tuple[str, ...]:
        """The columns of the index serving the list's default order (newest
        first, ``id`` breaking ties): a private list shows one owner's rows, so
        ``owner_id`` leads; other lists show everyone's (``public_if`` filters
        them as the index is read in order)."""
        if self.access is Access.PRIVATE:
            return ("owner_id", "created_at", "id")
        return ("created_at", "id")

    # --- Python conditions the service prints ----------------------------------

    def hidden(self, row: str) -> str | None:
        """True when the caller (``owner_id``) may not see ``row``; ``None``: never."""
        if self.access is Access.PRIVATE:
            return f"{row}.owner_id != owner_id"
        if self.access is Access.PUBLIC and self.public_if is not None:
            return f"({row}.owner_id != owner_id and not {row}.{self.public_if})"
        return None

    def visible_where(self, model: str) -> str | None:
        """The SQL condition selecting the rows the caller sees (``None``: all)."""
        owner = f"col({model}.owner_id) == owner_id"
        if self.access is Access.PRIVATE:
            return owner
        if self.access is Access.PUBLIC and self.public_if is not None:
            return f"or_({owner}, col({model}.{self.public_if}).is_(True))"
        return None

    # --- words -----------------------------------------------------------------

    @property
    def not_found_note(self) -> str:
        """Which existing rows a read still answers with "not found"."""
        if self.access is Access.PRIVATE:
            return " (also for other users' rows)"
        if self.access is Access.PUBLIC and self.public_if is not None:
            return f" (also for other users' rows whose {self.public_if} is false)"
        return ""

    @property
    def model_doc(self) -> str:
        """How the model's docstring ends: ``A post`` + this."""
        if self.access is Access.PRIVATE:
            return ", owned by the user who created it."
        if self.access is Access.SHARED:
            return ", shared."
        once = "" if self.public_if is None else f" once its {self.public_if} is true"
        return f", owned by the user who created it; every user reads it{once}."

    def service_doc(self, plural: str) -> str:
        """What the service module's docstring says about access."""
        if self.access is Access.PRIVATE:
            return (
                "Every query is scoped to the owner: a user never reads, changes or "
                f"learns of another user's {plural}."
            )
        if self.access is Access.SHARED:
            return (
                f"{plural.capitalize()} are shared: every signed-in user reads them; "
                f"the router lets only users with the {self.write_role!r} role "
                "write them."
            )
        shown = "" if self.public_if is None else f" whose {self.public_if} is true"
        return (
            f"{plural.capitalize()} are public: every signed-in user reads those"
            f"{shown} (owners always see their own); only the owner changes one "
            "(403 for anyone else)."
        )

    def scope(self, plural: str) -> str:
        """Which rows the list route returns: ``your own posts``."""
        if self.access is Access.PRIVATE:
            return f"your own {plural}"
        if self.public_if is not None:
            return f"your own {plural} and the others' whose {self.public_if} is true"
        return plural


def references_doc(referrer: AccessRule, targets: list[AccessRule]) -> str:
    """What a referenced row must be besides existing, as the service says it."""
    if not referrer.owned:
        return ""
    if all(target.private for target in targets):
        return " and belong to the same user"
    return " and be readable by the user"


def list_index_name(table: str, columns: tuple[str, ...]) -> str:
    """``ix_<table>_owner_id_created_at``: the list index, named after the
    columns before the ``id`` that breaks ties."""
    return "_".join(["ix", table, *columns[:-1]])
