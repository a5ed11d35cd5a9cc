"""Resource naming: one resource name, every spelling the templates need.

``Names.from_name("BlogPost")`` (or ``"blog_post"`` / ``"blog-post"``) gives the
class name, the snake_case module name, the plural table/package name, the plural
URL segment and human-readable titles. Only the last word of a multi-word name is
pluralised: ``SalesPerson`` becomes ``SalesPeople``.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass

from fastgen.errors import FastgenError

#: Names of the generated project's own packages; a resource may not shadow them.
PROJECT_MODULES = frozenset(
    {"core", "api", "models", "main", "health", "tests", "migrations"}
)
#: ``tests/test_<name>.py`` modules of a new project: a resource whose plural is
#: one of these would overwrite the project's own tests.
PROJECT_TEST_MODULES = frozenset(
    {
        "auth",
        "config",
        "db_sessions",
        "db_url",
        "errors",
        "health",
        "me",
        "query",
        "request_id",
        "types",
    }
)

_WORD = re.compile(r"[A-Z]+(?![a-z])[0-9]*|[A-Z]?[a-z]+[0-9]*|[0-9]+")
_RESOURCE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[_-][A-Za-z0-9]+)*")
_EXAMPLE = "e.g. BlogPost or blog_post"
#: The longest spelling of a resource name (class, module, table) fastgen accepts:
#: with field names up to ``spec.MAX_FIELD_NAME_LENGTH``, every generated line then
#: fits black's and ruff's 88 columns (an enum class is resource + field name).
MAX_NAME_LENGTH = 36

_IRREGULAR = {
    "person": "people",
    "child": "children",
    "man": "men",
    "woman": "women",
    "mouse": "mice",
    "goose": "geese",
    "foot": "feet",
    "tooth": "teeth",
    "ox": "oxen",
    "cactus": "cacti",
    "fungus": "fungi",
    "nucleus": "nuclei",
    "radius": "radii",
    "alumnus": "alumni",
    "analysis": "analyses",
    "basis": "bases",
    "crisis": "crises",
    "diagnosis": "diagnoses",
    "hypothesis": "hypotheses",
    "thesis": "theses",
    "axis": "axes",
    "criterion": "criteria",
    "phenomenon": "phenomena",
    "datum": "data",
    "medium": "media",
    "matrix": "matrices",
    "vertex": "vertices",
    "quiz": "quizzes",
    "leaf": "leaves",
    "knife": "knives",
    "wife": "wives",
    "life": "lives",
    "half": "halves",
    "shelf": "shelves",
    "wolf": "wolves",
    "calf": "calves",
    "thief": "thieves",
    "loaf": "loaves",
    "self": "selves",
    "elf": "elves",
    "hero": "heroes",
    "potato": "potatoes",
    "tomato": "tomatoes",
    "echo": "echoes",
    "veto": "vetoes",
    "torpedo": "torpedoes",
}

_UNCOUNTABLE = frozenset(
    {
        "news",
        "series",
        "species",
        "sheep",
        "fish",
        "deer",
        "moose",
        "bison",
        "salmon",
        "aircraft",
        "equipment",
        "information",
        "metadata",
        "feedback",
        "data",
        "software",
        "hardware",
        "firmware",
        "advice",
        "furniture",
        "luggage",
        "money",
        "music",
        "rice",
        "staff",
        "traffic",
        "weather",
        "knowledge",
        "evidence",
        # already plural: resources named for a set of things (often per-user
        # singletons such as Settings)
        "preferences",
        "credentials",
        "analytics",
        "stats",
        "details",
        "permissions",
    }
)

_PLURAL_FORMS = frozenset(_IRREGULAR.values())


@dataclass(frozen=True)
class Names:
    """Every spelling of one resource name, e.g. for ``BlogPost``.

    ``class_name`` BlogPost, ``snake`` blog_post, ``plural_snake`` blog_posts
    (table and package name), ``plural_kebab`` blog-posts (URL segment),
    ``plural_class`` BlogPosts, ``title`` "Blog post", ``plural_title`` "Blog posts".
    """

    class_name: str
    snake: str
    plural_snake: str
    plural_kebab: str
    plural_class: str
    title: str
    plural_title: str

    @classmethod
    def from_name(cls, name: str) -> Names:
        """Build the names for a PascalCase, snake_case or kebab-case resource name.

        Raises ``FastgenError`` when the name is unusable as a resource name.
        """
        words = _split_words(name)
        class_name = _class_name(name, words)
        plural_words = [*words[:-1], pluralize(words[-1])]
        names = cls(
            class_name=class_name,
            snake="_".join(words),
            plural_snake="_".join(plural_words),
            plural_kebab="-".join(plural_words),
            plural_class=pluralize(class_name),
            title=" ".join(words).capitalize(),
            plural_title=" ".join(plural_words).capitalize(),
        )
        names._check_usable(name)
        return names

    def _check_usable(self, given: str) -> None:
        """Reject names that are too long, Python keywords or shadow the project's
        modules."""
        spellings = (self.class_name, self.snake, self.plural_snake, self.plural_class)
        longest = max(spellings, key=len)
        if len(longest) > MAX_NAME_LENGTH:
            raise FastgenError(
                f"resource name {given!r} is too long: {longest!r} has "
                f"{len(longest)} characters, at most {MAX_NAME_LENGTH}; choose a "
                "shorter name"
            )
        for spelling in spellings:
            if keyword.iskeyword(spelling):
                raise FastgenError(
                    f"invalid resource name {given!r}: {spelling!r} is a Python "
                    "keyword; choose another name"
                )
        if self.plural_snake in PROJECT_TEST_MODULES:
            raise FastgenError(
                f"invalid resource name {given!r}: its tests would overwrite the "
                f"project's own tests/test_{self.plural_snake}.py; choose another name"
            )
        for module in (self.snake, self.plural_snake):
            if module in PROJECT_MODULES:
                raise FastgenError(
                    f"invalid resource name {given!r}: {module!r} would clash with "
                    f"the project's own '{module}' module; choose another name"
                )


def pluralize(word: str) -> str:
    """Return the English plural of ``word``, pluralising only its last word.

    Case is preserved (``SalesPerson`` -> ``SalesPeople``, ``blog_post`` ->
    ``blog_posts``, ``HTTP`` -> ``HTTPS``).
    """
    matches = list(_WORD.finditer(word))
    if not matches:
        return word
    start = matches[-1].start()
    last = word[start:]
    return word[:start] + _match_case(_pluralize_lower(last.lower()), last)


def _pluralize_lower(word: str) -> str:
    """Pluralise one lowercase word."""
    if word in _UNCOUNTABLE or word in _PLURAL_FORMS or word.endswith("ings"):
        return word  # "settings", "things": already plural
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if len(word) > 1 and word.endswith("y") and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    return word + "s"


def _match_case(plural: str, original: str) -> str:
    """Give ``plural`` the capitalisation style of ``original``."""
    if len(original) > 1 and original.isupper():
        return plural.upper()
    if original[:1].isupper():
        return plural[:1].upper() + plural[1:]
    return plural


def _split_words(name: str) -> list[str]:
    """Split a resource name into lowercase words, validating its characters."""
    if not name:
        raise FastgenError(f"missing resource name: give one, {_EXAMPLE}")
    if not (name[0].isascii() and name[0].isalpha()):
        raise FastgenError(
            f"invalid resource name {name!r}: it must start with an ASCII letter "
            f"({_EXAMPLE})"
        )
    if not _RESOURCE_NAME.fullmatch(name):
        raise FastgenError(
            f"invalid resource name {name!r}: use only ASCII letters and digits, "
            f"separating words with single '_' or '-' ({_EXAMPLE})"
        )
    words: list[str] = []
    for part in re.split(r"[_-]", name):
        words.extend(match.lower() for match in _WORD.findall(part))
    return words


def _class_name(name: str, words: list[str]) -> str:
    """Keep a PascalCase name as given; build one from snake/kebab/camel words."""
    if name[0].isupper() and "_" not in name and "-" not in name:
        return name
    return "".join(word.capitalize() for word in words)
