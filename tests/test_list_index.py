"""The index serving each list's default order: which columns it has per access
rule, and how ``sync`` migrates a table fastgen created before lists had one.

On PostgreSQL, tests/test_e2e_runtime.py shows the list query reading it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fastgen.access import Access
from fastgen.cli import app
from fastgen.schema_diff import IndexDef, diff_specs, table_schema
from fastgen.spec import ResourceSpec, parse_resource
from tests.cli_results import generated, ok, working_copy


def note(access: Access = Access.PRIVATE, **options: object) -> ResourceSpec:
    return parse_resource(
        "Note", ["title:str{100}=x", "published:bool=false"], access=access, **options
    )


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (
            note(),
            {
                "ix_notes_owner_id_created_at": IndexDef(
                    "ix_notes_owner_id_created_at",
                    "created_at",
                    ("owner_id", "created_at", "id"),
                )
            },
        ),
        (
            note(Access.PUBLIC, public_if="published"),
            {
                "ix_notes_created_at": IndexDef(
                    "ix_notes_created_at", "created_at", ("created_at", "id")
                ),
                "ix_notes_owner_id": IndexDef("ix_notes_owner_id", "owner_id"),
            },
        ),
        (
            note(Access.SHARED),
            {
                "ix_notes_created_at": IndexDef(
                    "ix_notes_created_at", "created_at", ("created_at", "id")
                )
            },
        ),
        (note(singleton=True), {}),
    ],
    ids=["private", "public_if", "shared", "singleton"],
)
def test_each_list_has_an_index_for_its_default_order(
    spec: ResourceSpec, expected: dict[str, IndexDef]
) -> None:
    assert table_schema(spec, {}).indexes == expected


def test_a_private_list_index_makes_the_owner_index_redundant() -> None:
    """It leads with owner_id: tables made before it had ix_<table>_owner_id,
    and migrating them swaps that index for the list's."""
    before = table_schema(note(), {}, with_list_index=False)
    diff = diff_specs(note(), note(), {}, list_indexes=(False, True))

    assert set(before.indexes) == {"ix_notes_owner_id"}
    assert [(c.kind.value, c.name) for c in diff.changes] == [
        ("drop_index", "ix_notes_owner_id"),
        ("add_index", "ix_notes_owner_id_created_at"),
    ]


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generated(
        tmp_path_factory.mktemp("list_index"),
        "notes",
        ["add", "resource", "Note", "title:str{100}"],
    )


def _as_before_list_indexes(project: Path) -> None:
    """The manifest as fastgen wrote it before lists had an index."""
    manifest = project / ".fastgen/manifest.json"
    data = json.loads(manifest.read_text())
    for record in data["resources"].values():
        del record["list_index"]
    manifest.write_text(json.dumps(data, indent=2))


def test_sync_migrates_a_table_created_before_its_list_index(
    cli: CliRunner, pristine: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = working_copy(pristine, tmp_path, monkeypatch)
    versions = project / "migrations" / "versions"
    _as_before_list_indexes(project)

    checked = cli.invoke(app, ["check"])
    assert checked.exit_code == 1, checked.output
    assert "no index for its list's order" in checked.output
    before = set(versions.glob("*.py"))
    ok(cli.invoke(app, ["sync"]))
    [revision] = set(versions.glob("*.py")) - before
    text = revision.read_text()

    upgrade, downgrade = text.split("def downgrade")
    assert 'drop_index(op.f("ix_notes_owner_id"))' in upgrade
    assert '["owner_id", "created_at", "id"]' in upgrade
    assert 'drop_index(op.f("ix_notes_owner_id_created_at"))' in downgrade
    assert 'create_index(op.f("ix_notes_owner_id"), ["owner_id"]' in downgrade
    ok(cli.invoke(app, ["sync"]))
    assert set(versions.glob("*.py")) == before | {revision}, "migrated once"
    ok(cli.invoke(app, ["check"]))
