"""The schema difference between two versions of a resource spec, as a migration.

``fastgen sync`` compares the spec as last applied with the spec on disk and
writes a new Alembic revision holding only the difference. This module is the
pure part: ``diff_specs`` describes the difference (changes and warnings) and
``render_update_migration`` turns it into the text of the revision.

Both specs are first reduced to the table they declare (``table_schema``): its
columns, indexes and named constraints, named exactly as the create migration and
the model's naming convention name them. Everything else follows from comparing
the two tables; fields are matched by column name, so a renamed field is a
removed column plus an added one. Defaults live in the application, so a changed
default alone changes nothing in the database.

The migration runs on SQLite and PostgreSQL: every operation sits in an
``op.batch_alter_table`` block (SQLite rebuilds the table, PostgreSQL runs plain
``ALTER TABLE``). Operations that need the rows to be filled in first (a new
required column, a column becoming required) come in a second block after the
rows were filled, so the schema ends exactly where the model is.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from fastgen.access import list_index_name
from fastgen.errors import FastgenError
from fastgen.field_types import OWNER_ID_KIND, FieldKind, quote_sql
from fastgen.pysource import py_literal, python_string
from fastgen.render import render_template
from fastgen.resource_context import (
    FieldView,
    Target,
    field_views,
    listed,
    unique_groups,
)
from fastgen.spec import ResourceSpec

__all__ = [
    "Change",
    "ChangeKind",
    "ColumnDef",
    "ConstraintDef",
    "IndexDef",
    "RenderedMigration",
    "SchemaDiff",
    "TableSchema",
    "diff_specs",
    "render_rename_migration",
    "render_update_migration",
    "table_schema",
]

_SLUG_LENGTH = 60
_LINE_LENGTH = 88


# --- the table a spec declares -------------------------------------------------


@dataclass(frozen=True)
class ColumnDef:
    """One column: its SQLAlchemy type (as migration source) and nullability.

    ``view`` is the field it comes from (``None`` for ``owner_id``).
    """

    name: str
    type_source: str
    nullable: bool
    view: FieldView | None = None

    @property
    def kind(self) -> FieldKind:
        """The field's type; ``owner_id`` counts as a ``str``."""
        return self.view.kind if self.view is not None else OWNER_ID_KIND

    @property
    def length(self) -> int | None:
        return self.view.max_length if self.view is not None else 255

    @property
    def has_default(self) -> bool:
        """A non-null default the application fills in (used to fill rows)."""
        return (
            self.view is not None
            and self.view.spec.has_default
            and self.view.spec.default is not None
        )

    @property
    def pg_type(self) -> str:
        """The PostgreSQL type, for ``USING column::type`` casts."""
        if self.view is None:
            return f"VARCHAR({self.length})"
        return self.kind.pg_column_type(self.view.spec)

    def describe(self) -> str:
        """``str{200}``, ``decimal{10,2}``, ``enum{a,b}``, ``ref:Author``..."""
        if self.view is None:
            return "str{255}"
        return self.kind.describe(self.view.spec)


@dataclass(frozen=True)
class IndexDef:
    """A plain (non-unique) index: ``ix_<table>_<column>`` on one column, or the
    list's index on ``columns`` (``column`` then names it in summaries)."""

    name: str
    column: str
    columns: tuple[str, ...] = ()

    @property
    def indexed(self) -> tuple[str, ...]:
        """The indexed columns, in order."""
        return self.columns or (self.column,)


class ConstraintKind(StrEnum):
    """The named constraints a generated table carries (besides its key)."""

    UNIQUE = "unique"
    CHECK = "check"
    FOREIGN_KEY = "foreignkey"


@dataclass(frozen=True)
class ConstraintDef:
    """A named constraint: ``columns`` it covers, ``sql`` of a CHECK, FK target."""

    kind: ConstraintKind
    name: str
    columns: tuple[str, ...]
    sql: str = ""
    target_table: str = ""
    #: A CHECK the column's type makes (an enum's choices), reviewed with the type.
    from_type: bool = False
    #: A foreign key's ``ON DELETE`` action.
    on_delete: str = "RESTRICT"

    @property
    def column(self) -> str:
        """The field column the constraint is about (not ``owner_id``)."""
        return self.columns[-1]

    @property
    def field_columns(self) -> tuple[str, ...]:
        """The field columns it covers: all but a leading ``owner_id`` that
        scopes a unique constraint to each owner's rows."""
        scoped = self.columns[0] == "owner_id" and len(self.columns) > 1
        return self.columns[1:] if scoped else self.columns


@dataclass(frozen=True)
class TableSchema:
    """Everything a resource's table holds that a migration has to manage."""

    table: str
    columns: dict[str, ColumnDef]
    indexes: dict[str, IndexDef]
    constraints: dict[str, ConstraintDef]


def list_index(spec: ResourceSpec) -> IndexDef | None:
    """The index serving the list's default order (``None``: a singleton has no
    list). It leads with ``owner_id`` where the list is one owner's rows, which
    makes a single-column ``owner_id`` index redundant there."""
    if spec.singleton:
        return None
    columns = spec.rule.list_index
    return IndexDef(
        list_index_name(spec.names.plural_snake, columns), "created_at", columns
    )


def table_schema(
    spec: ResourceSpec, targets: dict[str, Target], *, with_list_index: bool = True
) -> TableSchema:
    """The table ``spec`` declares, named as the create migration names it.

    ``with_list_index=False`` gives the table as fastgen created it before lists
    had an index of their own: an ``owner_id`` index instead (see
    :func:`list_index`).
    """
    table = spec.names.plural_snake
    missing = sorted(
        {f.ref for f in spec.fields if f.ref is not None and f.ref not in targets}
    )
    if missing:
        raise FastgenError(
            f"resource {spec.name} refers to {', '.join(missing)}, which is not a "
            "resource of this project; add it first"
        )
    columns: dict[str, ColumnDef] = {}
    indexes: dict[str, IndexDef] = {}
    constraints: dict[str, ConstraintDef] = {}
    if spec.owned:
        columns["owner_id"] = ColumnDef("owner_id", "sa.String(length=255)", False)
    if spec.singleton:  # one row per owner: the unique constraint indexes it
        name = f"uq_{table}_owner_id"
        constraints[name] = ConstraintDef(ConstraintKind.UNIQUE, name, ("owner_id",))
    ordered = list_index(spec) if with_list_index else None
    if ordered is not None:
        indexes[ordered.name] = ordered
    if spec.owned and not spec.singleton:
        if ordered is None or ordered.indexed[0] != "owner_id":
            name = f"ix_{table}_owner_id"
            indexes[name] = IndexDef(name, "owner_id")
    views = field_views(spec, targets)
    for view in views:
        column = view.column
        columns[column] = ColumnDef(column, view.column_type, view.nullable, view)
        if view.has_single_index:
            name = f"ix_{table}_{column}"
            indexes[name] = IndexDef(name, column)
        if view.spec.unique:
            owner = ("owner_id",) if view.unique_per_owner else ()
            name = "_".join(["uq", table, *owner, column])
            constraints[name] = ConstraintDef(
                ConstraintKind.UNIQUE, name, (*owner, column)
            )
        for check in view.checks:
            name = f"ck_{table}_{check.name}"
            constraints[name] = ConstraintDef(
                ConstraintKind.CHECK,
                name,
                (column,),
                sql=check.sql,
                from_type=check.from_type,
            )
        if view.target is not None:
            target_table = view.target.names.plural_snake
            name = _fk_name(table, column, target_table)
            constraints[name] = ConstraintDef(
                ConstraintKind.FOREIGN_KEY,
                name,
                (column,),
                target_table=target_table,
                on_delete=view.on_delete,
            )
    for group in unique_groups(spec, views):
        name = group.constraint_name
        constraints[name] = ConstraintDef(
            ConstraintKind.UNIQUE, name, tuple(group.constraint_columns)
        )
    return TableSchema(table, columns, indexes, constraints)


# --- the difference --------------------------------------------------------------


class ChangeKind(StrEnum):
    """One kind of schema change."""

    ADD_COLUMN = "add_column"
    DROP_COLUMN = "drop_column"
    RENAME_COLUMN = "rename_column"
    ALTER_TYPE = "alter_type"
    ALTER_NULLABLE = "alter_nullable"
    ADD_INDEX = "add_index"
    DROP_INDEX = "drop_index"
    ADD_CONSTRAINT = "add_constraint"
    DROP_CONSTRAINT = "drop_constraint"


@dataclass(frozen=True)
class Change:
    """One schema change to one column, index or constraint.

    ``name`` is the column, index or constraint name; ``column`` the column it is
    about; ``old``/``new`` its definitions before and after (``None`` when it is
    added or dropped). A column rename has the old name as ``name`` and the new
    one as ``column``.
    """

    kind: ChangeKind
    name: str
    column: str
    old: ColumnDef | IndexDef | ConstraintDef | None = None
    new: ColumnDef | IndexDef | ConstraintDef | None = None
    review: tuple[str, ...] = ()

    @property
    def constraint(self) -> ConstraintDef:
        definition = self.new if self.new is not None else self.old
        assert isinstance(definition, ConstraintDef)
        return definition


@dataclass(frozen=True)
class SchemaDiff:
    """The schema changes from one spec of a resource to the next.

    ``changes`` are in the order the upgrade applies them; ``warnings`` are
    sentences for the CLI to print (risky or lossy changes).
    """

    table: str
    old: TableSchema
    new: TableSchema
    changes: tuple[Change, ...]
    warnings: tuple[str, ...] = ()
    renames: dict[str, str] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not self.changes

    def kinds(self) -> list[tuple[ChangeKind, str]]:
        """``(kind, name)`` of every change, for tests and reports."""
        return [(change.kind, change.name) for change in self.changes]

    @property
    def summary(self) -> str:
        """A short description, e.g. ``add views, drop subtitle, index title``."""
        return _summary(self)


def diff_specs(
    old: ResourceSpec,
    new: ResourceSpec,
    targets: dict[str, Target],
    renames: dict[str, str] | None = None,
    moved: Mapping[str, str] | None = None,
    list_indexes: tuple[bool, bool] = (True, True),
) -> SchemaDiff:
    """The schema difference from ``old`` to ``new`` (the same resource).

    ``targets`` maps the ref targets of both specs to their resources.
    ``renames`` maps old column names to new ones; by default it is read from the
    ``renamed_from`` of ``new``'s fields (see :func:`column_renames`). A renamed
    column keeps its data: it is renamed in place, and the indexes and constraints
    named after it are recreated under their new names. ``moved`` maps tables
    renamed in the same change to their new names. ``list_indexes`` says whether
    each table has the list's index (see :func:`table_schema`).
    """
    if old.names.plural_snake != new.names.plural_snake:
        raise FastgenError(
            f"cannot diff {old.name} against {new.name}: a spec change keeps the "
            "resource name (renaming a resource is not supported by sync)"
        )
    if renames is None:
        renames = column_renames(old, new)
    old_table = table_schema(old, targets, with_list_index=list_indexes[0])
    new_table = table_schema(new, targets, with_list_index=list_indexes[1])
    renamed = _retargeted(_renamed_columns(old_table, renames), moved or {})
    changes = _changes(renamed, new_table, moved)
    first_structural = next(
        (
            i
            for i, change in enumerate(changes)
            if change.kind not in (ChangeKind.DROP_INDEX, ChangeKind.DROP_CONSTRAINT)
        ),
        len(changes),
    )
    changes[first_structural:first_structural] = [
        Change(
            ChangeKind.RENAME_COLUMN,
            before,
            after,
            old=old_table.columns[before],
            new=new_table.columns[after],
        )
        for before, after in renames.items()
    ]
    warnings = _warnings(old, new, old_table, new_table, changes)
    return SchemaDiff(
        new_table.table, old_table, new_table, tuple(changes), warnings, renames
    )


def column_renames(old: ResourceSpec, new: ResourceSpec) -> dict[str, str]:
    """Old column -> new column for each field of ``new`` that says it was
    ``renamed_from`` a field ``old`` has (and neither spec has both names)."""
    old_fields = {f.name: f for f in old.fields}
    new_names = {f.name for f in new.fields}
    renames = {}
    for field_ in new.fields:
        before = old_fields.get(field_.renamed_from or "")
        if (
            before is not None
            and before.name not in new_names
            and field_.name not in old_fields
        ):
            renames[before.column_name] = field_.column_name
    return renames


def _retargeted(table: TableSchema, moved: Mapping[str, str]) -> TableSchema:
    """``table`` with its foreign keys to renamed tables as the revision that
    renamed them left them: pointing at the new name, and named for it."""
    constraints = {}
    for name, constraint in table.constraints.items():
        target = moved.get(constraint.target_table or "")
        if constraint.kind is ConstraintKind.FOREIGN_KEY and target is not None:
            name = _fk_name(table.table, constraint.column, target)
            constraint = replace(constraint, name=name, target_table=target)
        constraints[name] = constraint
    return replace(table, constraints=constraints)


def _renamed_columns(table: TableSchema, renames: dict[str, str]) -> TableSchema:
    """``table`` with its columns renamed; indexes and constraints keep their
    names (derived from the old column names) but point at the new columns."""
    if not renames:
        return table

    def rename(column: str) -> str:
        return renames.get(column, column)

    return TableSchema(
        table.table,
        {
            rename(name): replace(column, name=rename(name))
            for name, column in table.columns.items()
        },
        {
            name: replace(index, column=rename(index.column))
            for name, index in table.indexes.items()
        },
        {
            name: replace(
                constraint, columns=tuple(rename(c) for c in constraint.columns)
            )
            for name, constraint in table.constraints.items()
        },
    )


def _changes(
    old: TableSchema, new: TableSchema, moved: Mapping[str, str] | None = None
) -> list[Change]:
    """Every change, in the order an upgrade applies them. ``moved`` maps old
    table names to new ones (renamed tables, whose rows stay)."""
    table = new.table
    dropped_columns = [c for name, c in old.columns.items() if name not in new.columns]
    added_columns = [c for name, c in new.columns.items() if name not in old.columns]
    changes: list[Change] = []
    review: tuple[str, ...]
    for name, index in old.indexes.items():
        if new.indexes.get(name) != index:
            changes.append(Change(ChangeKind.DROP_INDEX, name, index.column, old=index))
    for name, constraint in old.constraints.items():
        if new.constraints.get(name) != constraint:
            changes.append(
                Change(
                    ChangeKind.DROP_CONSTRAINT,
                    name,
                    constraint.column,
                    old=constraint,
                )
            )
    for column in dropped_columns:
        changes.append(
            Change(
                ChangeKind.DROP_COLUMN,
                column.name,
                column.name,
                old=column,
                review=(f"drops column {table}.{column.name} and the data in it.",),
            )
        )
    for name, before in old.columns.items():
        after = new.columns.get(name)
        if after is None:
            continue
        if before.type_source != after.type_source or before.kind != after.kind:
            changes.append(
                Change(
                    ChangeKind.ALTER_TYPE,
                    name,
                    name,
                    before,
                    after,
                    review=_type_review(table, before, after),
                )
            )
        if before.nullable != after.nullable:
            review = ()
            if not after.nullable and not after.has_default:
                review = (
                    f"{table}.{name} becomes NOT NULL: fill in the rows where it is "
                    "NULL first (e.g. with op.execute), or this fails.",
                )
            changes.append(
                Change(
                    ChangeKind.ALTER_NULLABLE, name, name, before, after, review=review
                )
            )
    for column in added_columns:
        review = ()
        if not column.nullable and not column.has_default:
            review = (
                f"{table}.{column.name} is NOT NULL without a default: fill it in "
                "for existing rows (e.g. with op.execute) before this block, or "
                "this fails on a table with rows.",
            )
        changes.append(
            Change(
                ChangeKind.ADD_COLUMN,
                column.name,
                column.name,
                new=column,
                review=review,
            )
        )
    for name, constraint in new.constraints.items():
        if old.constraints.get(name) != constraint:
            changes.append(
                Change(
                    ChangeKind.ADD_CONSTRAINT,
                    name,
                    constraint.column,
                    new=constraint,
                    review=_constraint_review(table, constraint, old, new, moved or {}),
                )
            )
    for name, index in new.indexes.items():
        if old.indexes.get(name) != index:
            changes.append(Change(ChangeKind.ADD_INDEX, name, index.column, new=index))
    return changes


def _type_review(table: str, before: ColumnDef, after: ColumnDef) -> tuple[str, ...]:
    """REVIEW lines for a changed column type (none for a harmless widening)."""
    where = f"{table}.{before.name}"
    if (
        before.kind != after.kind
        and before.type_source != after.type_source
        and not _both_enumish(before, after)
    ):
        return (
            f"{where} changes type from {before.describe()} to {after.describe()}: "
            "existing values are cast; review: may lose data.",
        )
    lines: list[str] = []
    if _shrinks_length(before, after):
        lines.append(
            f"{where} shrinks from {before.length} to {after.length} characters: "
            "longer values make this fail (PostgreSQL).",
        )
    if before.kind is after.kind and before.view and after.view:
        narrowing = before.kind.narrowing(before.view.spec, after.view.spec)
        lines += [f"{where} {text}" for text in narrowing]
    return tuple(lines)


def _constraint_review(
    table: str,
    constraint: ConstraintDef,
    old: TableSchema,
    new: TableSchema,
    moved: Mapping[str, str],
) -> tuple[str, ...]:
    """REVIEW lines for a new constraint on columns that may hold data."""
    if not any(column in old.columns for column in constraint.field_columns):
        return ()
    columns = ", ".join(constraint.columns)
    if constraint.kind is ConstraintKind.UNIQUE:
        if any(
            c.kind is ConstraintKind.UNIQUE
            and set(c.columns) <= set(constraint.columns)
            for c in old.constraints.values()
        ):
            return ()  # the values were already unique (e.g. globally)
        return (
            f"unique ({columns}) on {table}: fails if existing rows hold duplicates.",
        )
    if constraint.kind is ConstraintKind.CHECK:
        before = old.columns[constraint.column]
        if constraint.from_type and before.kind.defines_enum:
            return ()  # choices removed are reported with the type change
        if _loosens(before, new.columns[constraint.column]):
            return ()  # every value the old constraint let in still fits
        return (
            f"{table}.{constraint.column} only accepts {constraint.sql}: fails if "
            "existing rows hold other values.",
        )
    if constraint.kind is ConstraintKind.FOREIGN_KEY:
        if any(
            c.kind is ConstraintKind.FOREIGN_KEY
            and c.columns == constraint.columns
            and moved.get(c.target_table or "", c.target_table)
            == constraint.target_table
            for c in old.constraints.values()
        ):
            return ()  # the same target (renamed, rows and all, or the column was)
        return (
            f"{table}.{constraint.column} now refers to {constraint.target_table}: "
            "fails if existing values are not ids there.",
        )
    return ()


def _loosens(before: ColumnDef, after: ColumnDef) -> bool:
    """Whether ``after``'s value constraints accept all ``before``'s accepted."""
    if before.view is None or after.view is None or before.kind is not after.kind:
        return False
    return before.kind.loosens(before.view.spec, after.view.spec)


def _both_enumish(before: ColumnDef, after: ColumnDef) -> bool:
    """str <-> enum keeps the values (the CHECK decides what stays valid)."""
    return before.kind.short_text and after.kind.short_text


def _shrinks_length(before: ColumnDef, after: ColumnDef) -> bool:
    return (
        before.length is not None
        and after.length is not None
        and after.length < before.length
    )


def _warnings(
    old_spec: ResourceSpec,
    new_spec: ResourceSpec,
    old: TableSchema,
    new: TableSchema,
    changes: list[Change],
) -> tuple[str, ...]:
    """Sentences for the CLI: what may fail or lose data, and what to do."""
    table = new.table
    warnings: list[str] = []
    if old_spec.owned != new_spec.owned:
        if new_spec.owned:
            warnings.append(
                f"{new_spec.name} becomes owned: {table} gets an owner_id column "
                "that existing rows cannot fill in; the migration fails on a table "
                "with rows unless you set owner_id where it says REVIEW."
            )
        else:
            warnings.append(
                f"{new_spec.name} becomes shared: owner_id is dropped from {table} "
                "and every user sees every row."
            )
    added = [c.new for c in changes if c.kind is ChangeKind.ADD_COLUMN]
    renamed = _rename_pairs(
        [c.old for c in changes if c.kind is ChangeKind.DROP_COLUMN], added
    )
    for change in changes:
        if change.kind is ChangeKind.DROP_COLUMN:
            if change.name == "owner_id":
                continue
            partner = renamed.get(change.name)
            if partner is not None:
                warnings.append(
                    f"{table}.{change.name} -> {partner}: without `renamed_from: "
                    f"{change.name}` on {partner} this is remove + add, and data in "
                    f"{change.name} is dropped; `fastgen rename field` keeps it."
                )
            else:
                warnings.append(
                    f"{table}.{change.name} is removed: data in {change.name} is "
                    "dropped."
                )
        elif change.kind is ChangeKind.ADD_COLUMN and change.review:
            if change.name == "owner_id":
                continue
            warnings.append(
                f"{table}.{change.name} is required and has no default: the "
                "migration fails on a table with rows; fill it in where the "
                "migration says REVIEW, or give the field a default."
            )
        elif change.kind is ChangeKind.ALTER_NULLABLE:
            after = change.new
            assert isinstance(after, ColumnDef)
            if after.nullable:
                continue
            if after.has_default:
                warnings.append(
                    f"{table}.{change.name} becomes required: rows where it is NULL "
                    "are set to its default."
                )
            else:
                warnings.append(
                    f"{table}.{change.name} becomes required without a default: the "
                    "migration fails if a row holds NULL; fill those in where the "
                    "migration says REVIEW."
                )
        elif change.kind is ChangeKind.ALTER_TYPE or (
            change.kind is ChangeKind.ADD_CONSTRAINT and change.review
        ):
            warnings.extend(change.review)
    return tuple(warnings)


def _rename_pairs(
    dropped: Sequence[ColumnDef | IndexDef | ConstraintDef | None],
    added: Sequence[ColumnDef | IndexDef | ConstraintDef | None],
) -> dict[str, str]:
    """Dropped columns that look renamed: paired, in order, with added columns of
    the same type."""
    free = [c for c in added if isinstance(c, ColumnDef)]
    pairs: dict[str, str] = {}
    for column in dropped:
        if not isinstance(column, ColumnDef) or column.view is None:
            continue
        match = next((c for c in free if c.kind is column.kind), None)
        if match is not None:
            free.remove(match)
            pairs[column.name] = match.name
    return pairs


def _summary(diff: SchemaDiff) -> str:
    """``add views, drop subtitle, alter title, index rank, unique slug``."""
    verbs: dict[str, list[str]] = {}
    whole = {
        ChangeKind.ADD_COLUMN: "add",
        ChangeKind.DROP_COLUMN: "drop",
        ChangeKind.RENAME_COLUMN: "rename",
    }
    for change in diff.changes:
        if change.kind in whole:
            verbs[change.column] = [whole[change.kind]]
    for change in diff.changes:
        column = _subject(change)
        if verbs.get(column) in (["add"], ["drop"], ["rename"]):
            continue
        verb = _verb(change)
        if verb and verb not in verbs.setdefault(column, []):
            verbs[column].append(verb)
    order = {name: i for i, name in enumerate([*diff.old.columns, *diff.new.columns])}
    for subject, said in list(verbs.items()):
        if subject not in order and said == ["drop unique", "unique"]:
            del verbs[subject]  # over several columns, one renamed: the rename says it
    rank = {"add": 0, "drop": 1, "rename": 2}
    columns = sorted(
        verbs,
        key=lambda name: (rank.get(verbs[name][0], 3), order.get(name, len(order))),
    )
    renamed = {after: before for before, after in diff.renames.items()}
    return ", ".join(
        (f"rename {renamed[name]} to {name}" if verb == "rename" else f"{verb} {name}")
        for name in columns
        for verb in verbs[name]
    )


def _subject(change: Change) -> str:
    """What the summary says a change is about: its column, or the columns of a
    constraint over several, e.g. ``recipe_id and ingredient_id``."""
    if change.kind in (ChangeKind.ADD_CONSTRAINT, ChangeKind.DROP_CONSTRAINT):
        columns = change.constraint.field_columns
        if len(columns) > 1:
            return listed(columns)
    return change.column


def _verb(change: Change) -> str:
    """How the summary names a change to an existing column."""
    if change.kind is ChangeKind.ADD_INDEX:
        return "index"
    if change.kind is ChangeKind.DROP_INDEX:
        return "unindex"
    if change.kind in (ChangeKind.ADD_CONSTRAINT, ChangeKind.DROP_CONSTRAINT):
        if change.constraint.kind is ConstraintKind.UNIQUE:
            return (
                "drop unique" if change.kind is ChangeKind.DROP_CONSTRAINT else "unique"
            )
    return "alter"


# --- rendering -------------------------------------------------------------------


@dataclass(frozen=True)
class RenderedMigration:
    """An update revision: its text, the warnings to print, its summary."""

    text: str
    warnings: tuple[str, ...]
    summary: str

    @property
    def slug(self) -> str:
        """The summary as a file-name part, e.g. ``add_views_drop_subtitle``."""
        slug = re.sub(r"[^a-z0-9]+", "_", self.summary.lower()).strip("_")
        if len(slug) > _SLUG_LENGTH:
            slug = slug[:_SLUG_LENGTH].rsplit("_", 1)[0]
        return slug or "update"


@dataclass
class _Block:
    """A ``with op.batch_alter_table(...)`` block (on the migration's table unless
    ``table`` says otherwise), or plain ``op`` lines."""

    batch: bool
    lines: list[str] = field(default_factory=list)
    table: str | None = None

    def add(self, line: str, review: Iterable[str] = ()) -> None:
        for text in review:
            self.lines.extend(_review_comment(text, indent=8 if self.batch else 4))
        self.lines.append(line)


def _review_comment(text: str, *, indent: int) -> list[str]:
    """``# REVIEW: ...`` wrapped to the generated project's line length."""
    lines = textwrap.wrap(text, width=_LINE_LENGTH - indent - len("# REVIEW: "))
    return [f"# REVIEW: {lines[0]}", *(f"#   {line}" for line in lines[1:])]


def render_update_migration(
    old: ResourceSpec,
    new: ResourceSpec,
    *,
    targets: dict[str, Target],
    revision: str,
    down_revision: str | None,
    header: str,
    moved: Mapping[str, str] | None = None,
    old_list_index: bool = True,
) -> RenderedMigration | None:
    """The revision taking the table of ``old`` to that of ``new``, or ``None``
    when the schema does not change. ``moved`` maps renamed tables to new names;
    ``old_list_index=False``: the table predates the list's index, which this
    revision then adds."""
    moved = moved or {}
    diff = diff_specs(
        old, new, targets, moved=moved, list_indexes=(old_list_index, True)
    )
    if diff.is_empty:
        return None
    back = diff_specs(
        new,
        old,
        targets,
        {after: before for before, after in diff.renames.items()},
        {after: before for before, after in moved.items()},
        list_indexes=(True, old_list_index),
    )
    upgrade = _blocks(diff)
    downgrade = _blocks(back)
    summary = diff.summary
    source = "\n".join(line for block in [*upgrade, *downgrade] for line in block.lines)
    text = render_template(
        "resource/update_migration.py.jinja",
        {
            "header": header,
            "table": diff.table,
            "title": textwrap.fill(
                f"Update the {diff.table} table: {summary}.", width=_LINE_LENGTH - 9
            ),
            "revision": revision,
            "down_revision": down_revision,
            "upgrade": upgrade,
            "downgrade": downgrade,
            "uses_sa": "sa." in source,
        },
    )
    return RenderedMigration(text=text, warnings=diff.warnings, summary=summary)


def render_rename_migration(
    old: ResourceSpec,
    new: ResourceSpec,
    *,
    targets: dict[str, Target],
    referrers: Sequence[tuple[str, str, str]],
    revision: str,
    down_revision: str | None,
    header: str,
    old_list_index: bool = True,
) -> RenderedMigration:
    """The revision renaming ``old``'s table to ``new``'s, rows and all: the
    table is renamed in place, then its indexes and constraints, and the foreign
    keys of ``referrers`` (``(table, column, on_delete)``) pointing at it, take the
    names the naming convention gives them. ``old_list_index=False``: the table
    predates the list's index, which it then gets."""
    before = table_schema(old, targets, with_list_index=old_list_index)
    after = table_schema(new, targets)
    there = TableSchema(after.table, before.columns, before.indexes, before.constraints)
    forward, back = {before.table: after.table}, {after.table: before.table}
    upgrade = [
        _Block(False, _rename_table_lines(before.table, after.table)),
        *_blocks(
            SchemaDiff(
                after.table, there, after, tuple(_changes(there, after, forward))
            )
        ),
        *_retarget_blocks(referrers, before.table, after.table),
    ]
    # back under the old name first, so a foreign key to itself finds its table
    back_there = _blocks(
        SchemaDiff(after.table, after, there, tuple(_changes(after, there, back)))
    )
    downgrade = [
        _Block(False, _rename_table_lines(after.table, before.table)),
        *(replace(block, table=before.table) for block in back_there),
        *_retarget_blocks(referrers, after.table, before.table),
    ]
    text = render_template(
        "resource/update_migration.py.jinja",
        {
            "header": header,
            "table": after.table,
            "title": f"Rename the {before.table} table to {after.table}, rows and all.",
            "revision": revision,
            "down_revision": down_revision,
            "upgrade": upgrade,
            "downgrade": downgrade,
            "uses_sa": False,
        },
    )
    return RenderedMigration(
        text=text, warnings=(), summary=f"rename {before.table} to {after.table}"
    )


def _rename_table_lines(old: str, new: str) -> list[str]:
    """Rename a table, and on PostgreSQL its primary key (named after it) too."""
    sql = f"ALTER TABLE {new} RENAME CONSTRAINT pk_{old} TO pk_{new}"
    return [
        f"op.rename_table({py_literal(old)}, {py_literal(new)})",
        'if op.get_context().dialect.name == "postgresql":',
        f"    op.execute({python_string(sql, parenthesised=False)})",
    ]


def _retarget_blocks(
    referrers: Sequence[tuple[str, str, str]], old: str, new: str
) -> list[_Block]:
    """Each referring table's foreign key, named for ``old``, renamed for ``new``."""
    blocks = []
    for table, column, on_delete in referrers:
        block = _Block(True, table=table)
        block.add(
            "batch_op.drop_constraint("
            f"op.f({py_literal(_fk_name(table, column, old))}), "
            'type_="foreignkey")'
        )
        block.add(
            _create_constraint(
                ConstraintDef(
                    ConstraintKind.FOREIGN_KEY,
                    _fk_name(table, column, new),
                    (column,),
                    target_table=new,
                    on_delete=on_delete,
                )
            )
        )
        blocks.append(block)
    return blocks


def _fk_name(table: str, column: str, target: str) -> str:
    return f"fk_{table}_{column}_{target}"


def _blocks(diff: SchemaDiff) -> list[_Block]:
    """The upgrade of ``diff``: a batch block of structural changes, the filling
    of rows, and a batch block tightening columns to NOT NULL."""
    table = diff.table
    first = _Block(batch=True)
    fill = _Block(batch=False)
    second = _Block(batch=True)
    # Alembic's batch mode cannot index a column it renames in the same block.
    renamed = {c.column for c in diff.changes if c.kind is ChangeKind.RENAME_COLUMN}
    on_renamed = _Block(batch=True)
    for change in diff.changes:
        kind = change.kind
        if kind is ChangeKind.DROP_INDEX:
            first.add(f"batch_op.drop_index(op.f({py_literal(change.name)}))")
        elif kind is ChangeKind.DROP_CONSTRAINT:
            first.add(
                f"batch_op.drop_constraint(op.f({py_literal(change.name)}), "
                f"type_={py_literal(change.constraint.kind.value)})"
            )
        elif kind is ChangeKind.DROP_COLUMN:
            first.add(f"batch_op.drop_column({py_literal(change.name)})", change.review)
        elif kind is ChangeKind.RENAME_COLUMN:
            _rename_column(first, change)
        elif kind is ChangeKind.ALTER_TYPE:
            _alter_type(first, change)
        elif kind is ChangeKind.ALTER_NULLABLE:
            _alter_nullable(table, first, fill, second, change)
        elif kind is ChangeKind.ADD_COLUMN:
            _add_column(first, second, change)
        elif kind is ChangeKind.ADD_CONSTRAINT:
            on_column = renamed.intersection(change.constraint.columns)
            block = on_renamed if on_column else first
            block.add(_create_constraint(change.constraint), change.review)
        elif kind is ChangeKind.ADD_INDEX:
            block = on_renamed if change.column in renamed else first
            assert isinstance(change.new, IndexDef)
            columns = ", ".join(py_literal(column) for column in change.new.indexed)
            block.add(
                f"batch_op.create_index(op.f({py_literal(change.name)}), "
                f"[{columns}], unique=False)"
            )
    return [block for block in (first, on_renamed, fill, second) if block.lines]


def _rename_column(block: _Block, change: Change) -> None:
    before = change.old
    assert isinstance(before, ColumnDef)
    block.add(
        f"batch_op.alter_column({py_literal(change.name)}, "
        f"new_column_name={py_literal(change.column)}, "
        f"existing_type={before.type_source}, existing_nullable={before.nullable})"
    )


def _alter_type(block: _Block, change: Change) -> None:
    before, after = change.old, change.new
    assert isinstance(before, ColumnDef) and isinstance(after, ColumnDef)
    if before.type_source == after.type_source:
        return  # e.g. str <-> enum, uuid <-> ref: only constraints change
    args = [
        py_literal(after.name),
        f"existing_type={before.type_source}",
        f"type_={after.type_source}",
        f"existing_nullable={before.nullable}",
    ]
    if before.kind.family != after.kind.family:
        using = f'"{after.name}"::{after.pg_type}'
        args.append(f"postgresql_using={py_literal(using)}")
    block.add(f"batch_op.alter_column({', '.join(args)})", change.review)


def _alter_nullable(
    table: str, first: _Block, fill: _Block, second: _Block, change: Change
) -> None:
    after = change.new
    assert isinstance(after, ColumnDef)
    args = f"{py_literal(after.name)}, existing_type={after.type_source}"
    if after.nullable:
        first.add(f"batch_op.alter_column({args}, nullable=True)")
        return
    if after.has_default:
        fill.add(
            f"op.execute(sa.table({py_literal(table)}, "
            f"sa.column({py_literal(after.name)}))"
            f".update().where(sa.column({py_literal(after.name)}).is_(None))"
            f".values({{{py_literal(after.name)}: {_sql_default(after)}}}))"
        )
    second.add(f"batch_op.alter_column({args}, nullable=False)", change.review)


def _add_column(first: _Block, second: _Block, change: Change) -> None:
    column = change.new
    assert isinstance(column, ColumnDef)
    name, type_source = column.name, column.type_source
    if column.nullable:
        first.add(f"batch_op.add_column(sa.Column({py_literal(name)}, {type_source}))")
    elif column.has_default:
        first.add(
            f"batch_op.add_column(sa.Column({py_literal(name)}, {type_source}, "
            "nullable=False, "
            f"server_default={_sql_default(column)}))"
        )
        second.add(
            f"batch_op.alter_column({py_literal(name)}, existing_type={type_source}, "
            "existing_nullable=False, server_default=None)"
        )
    else:
        first.add(f"batch_op.add_column(sa.Column({py_literal(name)}, {type_source}))")
        second.add(
            f"batch_op.alter_column({py_literal(name)}, existing_type={type_source}, "
            "nullable=False)",
            change.review,
        )


def _create_constraint(constraint: ConstraintDef) -> str:
    name = f"op.f({py_literal(constraint.name)})"
    columns = list(constraint.columns)
    if constraint.kind is ConstraintKind.CHECK:
        sql = python_string(constraint.sql)
        return f"batch_op.create_check_constraint({name}, {sql})"
    if constraint.kind is ConstraintKind.UNIQUE:
        return f"batch_op.create_unique_constraint({name}, {py_literal(columns)})"
    return (
        f"batch_op.create_foreign_key({name}, {py_literal(constraint.target_table)}, "
        f'{py_literal(columns)}, ["id"], ondelete={py_literal(constraint.on_delete)})'
    )


def _sql_default(column: ColumnDef) -> str:
    """Python source of the SQL value of ``column``'s default, usable both as a
    ``server_default`` and in an ``UPDATE``, the same on SQLite and PostgreSQL."""
    assert column.view is not None
    value = column.view.spec.default
    if isinstance(value, bool):
        return "sa.true()" if value else "sa.false()"
    literal = column.kind.sql_literal(value) or _sql_literal(value)
    return f"sa.literal_column({python_string(literal)})"


def _sql_literal(value: object) -> str:
    """The SQL literal of a default value, as the column stores it."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, datetime):
        moment = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        # SQLAlchemy's SQLite format, with an offset PostgreSQL reads as UTC
        return quote_sql(moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f+00:00"))
    if isinstance(value, date):
        return quote_sql(value.isoformat())
    if isinstance(value, UUID):
        return quote_sql(value.hex)  # SQLite stores 32 hex digits; PostgreSQL reads it
    return quote_sql(str(value))
