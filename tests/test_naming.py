"""Tests for fastgen.naming: resource name spellings and English plurals."""

from __future__ import annotations

import dataclasses

import pytest

from fastgen.errors import FastgenError
from fastgen.naming import MAX_NAME_LENGTH, PROJECT_TEST_MODULES, Names, pluralize
from fastgen.templates_dir import templates_dir


@pytest.mark.parametrize(
    ("given", "class_name", "snake", "plural_snake", "plural_kebab", "plural_class"),
    [
        ("Post", "Post", "post", "posts", "posts", "Posts"),
        ("post", "Post", "post", "posts", "posts", "Posts"),
        ("BlogPost", "BlogPost", "blog_post", "blog_posts", "blog-posts", "BlogPosts"),
        ("blog_post", "BlogPost", "blog_post", "blog_posts", "blog-posts", "BlogPosts"),
        ("blog-post", "BlogPost", "blog_post", "blog_posts", "blog-posts", "BlogPosts"),
        ("blogPost", "BlogPost", "blog_post", "blog_posts", "blog-posts", "BlogPosts"),
        ("Category", "Category", "category", "categories", "categories", "Categories"),
        ("Person", "Person", "person", "people", "people", "People"),
        ("Status", "Status", "status", "statuses", "statuses", "Statuses"),
        ("Address", "Address", "address", "addresses", "addresses", "Addresses"),
        ("News", "News", "news", "news", "news", "News"),
        ("Settings", "Settings", "settings", "settings", "settings", "Settings"),
        (
            "UserSettings",
            "UserSettings",
            "user_settings",
            "user_settings",
            "user-settings",
            "UserSettings",
        ),
        ("Building", "Building", "building", "buildings", "buildings", "Buildings"),
        (
            "SalesPerson",
            "SalesPerson",
            "sales_person",
            "sales_people",
            "sales-people",
            "SalesPeople",
        ),
        (
            "UserCategory",
            "UserCategory",
            "user_category",
            "user_categories",
            "user-categories",
            "UserCategories",
        ),
        (
            "HTTPRequest",
            "HTTPRequest",
            "http_request",
            "http_requests",
            "http-requests",
            "HTTPRequests",
        ),
    ],
)
def test_names_spellings(
    given: str,
    class_name: str,
    snake: str,
    plural_snake: str,
    plural_kebab: str,
    plural_class: str,
) -> None:
    names = Names.from_name(given)
    assert (
        names.class_name,
        names.snake,
        names.plural_snake,
        names.plural_kebab,
        names.plural_class,
    ) == (class_name, snake, plural_snake, plural_kebab, plural_class)


@pytest.mark.parametrize(
    ("given", "title", "plural_title"),
    [
        ("Post", "Post", "Posts"),
        ("BlogPost", "Blog post", "Blog posts"),
        ("sales-person", "Sales person", "Sales people"),
    ],
)
def test_names_titles(given: str, title: str, plural_title: str) -> None:
    names = Names.from_name(given)
    assert (names.title, names.plural_title) == (title, plural_title)


def test_names_are_immutable() -> None:
    names = Names.from_name("Post")
    with pytest.raises(dataclasses.FrozenInstanceError):
        names.snake = "other"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("word", "plural"),
    [
        # irregulars
        ("person", "people"),
        ("child", "children"),
        ("man", "men"),
        ("woman", "women"),
        ("mouse", "mice"),
        ("goose", "geese"),
        ("foot", "feet"),
        ("tooth", "teeth"),
        ("ox", "oxen"),
        ("cactus", "cacti"),
        ("analysis", "analyses"),
        ("criterion", "criteria"),
        # uncountables and words that are already plural
        ("news", "news"),
        ("series", "series"),
        ("species", "species"),
        ("sheep", "sheep"),
        ("fish", "fish"),
        ("deer", "deer"),
        ("equipment", "equipment"),
        ("information", "information"),
        ("metadata", "metadata"),
        ("feedback", "feedback"),
        ("data", "data"),
        ("people", "people"),
        # consonant + y / vowel + y
        ("category", "categories"),
        ("city", "cities"),
        ("day", "days"),
        ("key", "keys"),
        # sibilants
        ("status", "statuses"),
        ("box", "boxes"),
        ("address", "addresses"),
        ("match", "matches"),
        ("wish", "wishes"),
        ("buzz", "buzzes"),
        # f / fe -> ves
        ("leaf", "leaves"),
        ("knife", "knives"),
        ("wife", "wives"),
        ("life", "lives"),
        ("half", "halves"),
        ("shelf", "shelves"),
        ("wolf", "wolves"),
        ("calf", "calves"),
        ("thief", "thieves"),
        ("roof", "roofs"),
        # o -> oes for the usual list only
        ("hero", "heroes"),
        ("potato", "potatoes"),
        ("tomato", "tomatoes"),
        ("echo", "echoes"),
        ("photo", "photos"),
        # regular
        ("post", "posts"),
        ("comment", "comments"),
    ],
)
def test_pluralize_english(word: str, plural: str) -> None:
    assert pluralize(word) == plural


@pytest.mark.parametrize(
    ("word", "plural"),
    [
        ("Person", "People"),
        ("SalesPerson", "SalesPeople"),
        ("UserCategory", "UserCategories"),
        ("blog_post", "blog_posts"),
        ("sales-person", "sales-people"),
        ("HTTP", "HTTPS"),
        ("Sheep", "Sheep"),
    ],
)
def test_pluralize_last_word_keeps_case(word: str, plural: str) -> None:
    assert pluralize(word) == plural


@pytest.mark.parametrize(
    ("given", "problem"),
    [
        ("", "missing resource name"),
        ("2x", "must start with an ASCII letter"),
        ("_post", "must start with an ASCII letter"),
        ("blog post", "use only ASCII letters and digits"),
        ("blog.post", "use only ASCII letters and digits"),
        ("blog__post", "single '_' or '-'"),
        ("post-", "single '_' or '-'"),
        ("Pöst", "use only ASCII letters and digits"),
        ("class", "'class' is a Python keyword"),
        ("None", "'None' is a Python keyword"),
        ("core", "clash with the project's own 'core' module"),
        ("Api", "clash with the project's own 'api' module"),
        ("Model", "clash with the project's own 'models' module"),
        ("main", "clash with the project's own 'main' module"),
        ("Health", "clash with the project's own 'health' module"),
        ("Test", "clash with the project's own 'tests' module"),
        ("migration", "clash with the project's own 'migrations' module"),
        ("A" + "b" * 35, "'a" + "b" * 35 + "s' has 37 characters, at most 36"),
    ],
)
def test_invalid_resource_names(given: str, problem: str) -> None:
    with pytest.raises(FastgenError) as caught:
        Names.from_name(given)
    message = caught.value.message
    assert problem in message
    assert "\n" not in message
    assert caught.value.exit_code == 2


def test_the_longest_resource_name_is_accepted() -> None:
    names = Names.from_name("VeryLongResourceNameForTesting")
    assert len(names.plural_snake) == MAX_NAME_LENGTH


def test_the_reserved_test_modules_are_the_new_projects_own() -> None:
    tests = templates_dir() / "project" / "template" / "tests"
    own = {path.stem.removeprefix("test_") for path in tests.glob("test_*.py")}
    assert own == PROJECT_TEST_MODULES
