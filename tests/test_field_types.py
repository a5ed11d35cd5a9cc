"""The field-type registry: one place knows each type, and knows it whole."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from fastgen.field_types import ARGUMENT_KEYS, FIELD_KINDS, FieldType
from fastgen.resource_context import FieldView
from fastgen.spec import parse_resource

FASTGEN = Path(__file__).parent.parent / "fastgen"


def test_every_type_has_exactly_one_kind() -> None:
    assert set(FIELD_KINDS) == set(FieldType)
    assert all(kind.type is field_type for field_type, kind in FIELD_KINDS.items())


def test_argument_keys_are_the_keys_the_kinds_take() -> None:
    taken = {key for kind in FIELD_KINDS.values() for key in kind.argument_keys}
    assert taken == set(ARGUMENT_KEYS)


def test_no_module_outside_the_registry_branches_on_the_field_type() -> None:
    branches = [
        f"{path.name}:{number}: {line.strip()}"
        for path in sorted(FASTGEN.rglob("*.py"))
        if path.parent.name != "field_types"  # the registry itself
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"FieldType\.[A-Z]", line)
    ]
    assert branches == []


def _view(*fields: str) -> FieldView:
    spec = parse_resource("Thing", list(fields))
    return FieldView(spec.fields[0], spec.names, None, True)


@pytest.mark.parametrize(
    ("field", "low", "high"),
    [
        ("rating:int{1,5}", 1, 5),
        ("servings:int{20,}", 20, None),
        ("depth:int{,-3}", None, -3),
        ("weight:float{0.5,0.75}", 0.5, 0.75),
        ("price:decimal{4,2,0.5,1}", Decimal("0.5"), Decimal("1")),
        ("big:bigint{100,200}", 100, 200),
    ],
)
def test_samples_and_examples_keep_inside_the_bounds(
    field: str, low: object, high: object
) -> None:
    view = _view(field)
    values = [view.sample(variant) for variant in range(4)]
    values.append(view.kind.valid_example(view.spec))
    for value in values:
        number = Decimal(str(value))
        assert low is None or number >= Decimal(str(low)), (value, low)
        assert high is None or number <= Decimal(str(high)), (value, high)


@pytest.mark.parametrize(
    ("field", "edges", "beyond"),
    [
        ("rating:int{1,5}", ["1", "5"], ["0", "6"]),
        ("weight:float{0.5,}", ["0.5"], ["0.49999999999999994"]),
        ("price:decimal{6,2,0,99.5}", ['"0"', '"99.5"'], ['"-0.01"', '"99.51"']),
        ("name:str{3,10}", ['"x" * 3', '"x" * 10'], ['"x" * 2']),
        ("body:text{,500}", ['"x" * 500'], ['"x" * 501']),
        ("body:text{2,9}", ['"x" * 2', '"x" * 9'], ['"x" * 1', '"x" * 10']),
        ("title:str{80}", [], []),
    ],
)
def test_edges_are_accepted_values_and_beyond_them_rejected_ones(
    field: str, edges: list[str], beyond: list[str]
) -> None:
    view = _view(field)
    assert view.edge_literals == edges
    assert view.kind.beyond_literals(view.spec) == beyond
    assert set(beyond) <= set(view.invalid_literals)


@pytest.mark.parametrize(
    ("old", "new", "loosens"),
    [
        ("rating:int{1,5}", "rating:int{1,10}", True),
        ("rating:int{1,5}", "rating:int{0,}", True),
        ("rating:int{1,5}", "rating:int{2,5}", False),
        ("rating:int{,5}", "rating:int{0,5}", False),
        ("name:str{3,50}", "name:str{1,50}", True),
        ("name:str{3,50}", "name:str{5,50}", False),
        ("body:text{,500}", "body:text{,400}", False),
    ],
)
def test_a_constraint_loosens_when_every_old_value_still_fits(
    old: str, new: str, loosens: bool
) -> None:
    before, after = _view(old).spec, _view(new).spec
    assert before.kind.loosens(before, after) is loosens


def test_checks_are_named_after_the_field_and_quote_keywords() -> None:
    assert [(c.name, c.sql) for c in _view("order:int{1,}").checks] == [
        ("thing_order_range", '"order" >= 1')
    ]
    assert [(c.name, c.sql) for c in _view("note:text{2,}").checks] == [
        ("thing_note_length", "length(note) >= 2")
    ]
    assert _view("title:str{80}").checks == []
