"""Generated import blocks follow ruff's isort order."""

from fastgen.imports import ImportSet


def test_sections_kinds_and_name_order() -> None:
    imports = ImportSet()
    imports.add("sqlmodel", "select", "SQLModel", "Field", "col")
    imports.add("app.core.errors", "NotFoundError")
    imports.add("uuid")
    imports.add("datetime", "datetime", "UTC")
    imports.add("sqlalchemy")
    imports.add("app.core.db", "SessionDep")
    imports.add("decimal", "Decimal")
    assert imports.render() == (
        "import uuid\n"
        "from datetime import UTC, datetime\n"
        "from decimal import Decimal\n"
        "\n"
        "import sqlalchemy\n"
        "from sqlmodel import Field, SQLModel, col, select\n"
        "\n"
        "from app.core.db import SessionDep\n"
        "from app.core.errors import NotFoundError"
    )


def test_an_adopted_projects_package_is_first_party() -> None:
    imports = ImportSet(first_party=frozenset({"myservice", "tests"}))
    imports.add("myservice.core.db", "SessionDep")
    imports.add("app.thing", "Thing")
    imports.add("fastapi", "APIRouter")
    assert imports.render() == (
        "from app.thing import Thing\n"
        "from fastapi import APIRouter\n"
        "\n"
        "from myservice.core.db import SessionDep"
    )


def test_names_sort_case_insensitively_in_natural_order() -> None:
    """As ``ruff check --select I`` orders them (checked with ruff 0.8+)."""
    imports = ImportSet()
    imports.add("m", "Item10", "Item2", "AVery", "Another", "b2", "b10", "ITEM_9")
    imports.add("m", "ITEM_10", "ITEM_A", "Bx", "bX")
    assert imports.render() == (
        "from m import ITEM_9, ITEM_10, ITEM_A, Another, AVery, Bx, Item2, Item10, "
        "b2, b10, bX"
    )


def test_names_of_one_kind_are_compared_case_insensitively() -> None:
    imports = ImportSet()
    imports.add("app.core.types", "ISODate", "Int32", "HttpUrlStr")
    assert imports.render() == "from app.core.types import HttpUrlStr, Int32, ISODate"
