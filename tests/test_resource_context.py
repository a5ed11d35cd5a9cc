"""What the templates print for a field: descriptions and model assignments."""

import pytest

from fastgen.resource_context import FieldView, field_views
from fastgen.spec import parse_resource


def _view(field: str, **changes: object) -> FieldView:
    spec = parse_resource("Post", [field])
    if changes:
        spec = spec.model_copy(
            update={"fields": [spec.fields[0].model_copy(update=changes)]}
        )
    return field_views(spec, {})[0]


@pytest.mark.parametrize(
    ("field", "description"),
    [
        ("title:str{200}", "Title of the post."),
        ("published:bool=false", "Whether the post is published."),
        ("is_pinned:bool=false", "Whether the post is pinned."),
        ("has_cover:bool=false", "Whether the post has cover."),
        ("published_on:date?", "Published on of the post."),
    ],
)
def test_default_descriptions(field: str, description: str) -> None:
    assert _view(field).description == description


def test_a_spec_description_wins() -> None:
    assert _view("title:str", description="Shown as the headline.").description == (
        "Shown as the headline."
    )


@pytest.mark.parametrize(
    ("field", "assignment"),
    [
        ("token:uuid", ""),
        ("rating:float?", " = None"),
        ("views:int=0", " = 0"),
        ("title:str{200}", " = Field(max_length=200)"),
        ("body:text", " = Field(sa_type=sa.Text)"),
    ],
)
def test_model_assignments_are_as_plain_as_possible(
    field: str, assignment: str
) -> None:
    assert _view(field).model_assignment == assignment


@pytest.mark.parametrize(
    ("field", "annotation"),
    [
        ("title:str{200}", "SafeStr"),
        ("body:text?", "SafeStr | None"),
        ("views:int=0", "Int32"),
        ("rating:float?", "JsonFloat | None"),
        ("price:decimal{10,2}", "Annotated[Decimal, DecimalText(10, 2)]"),
        ("published_on:date", "ISODate"),
        ("starts_at:datetime", "UTCAwareDatetime"),
        ("contact:email", "EmailAddress"),
        ("meta:json?", "SafeJson | None"),
        ("published:bool", "bool"),
    ],
)
def test_request_bodies_use_the_projects_checked_types(
    field: str, annotation: str
) -> None:
    assert _view(field).schema_annotation == annotation


def test_patch_documents_required_fields_as_not_null() -> None:
    assert "json_schema_extra=not_null_schema" in _view("title:str").update_args
    assert "not_null_schema" not in _view("subtitle:str?").update_args


def test_int_filters_carry_the_columns_range() -> None:
    args = _view("views:int=0").filter_args

    assert "ge=-2147483648, le=2147483647" in args
    assert _view("published_on:date?").filter_annotation == "ISODate"


@pytest.mark.parametrize(
    ("field", "example"),
    [
        ("title:str{200}", '"An example title"'),
        ("code:str{4}", '"An e"'),
        ("price:decimal{10,2}", '"19.99"'),
        ("ratio:decimal{3,3}", '"0.990"'),
        ("count:decimal{1,0}", '"9"'),
    ],
)
def test_openapi_examples_are_realistic_and_valid(field: str, example: str) -> None:
    assert _view(field).example_literal == example
