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
