"""fastgen.plain_wiring against fastgen.wiring: whenever the line editor takes a
file, it must give libcst's text, byte for byte."""

from __future__ import annotations

import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

import libcst as cst
import pytest

from fastgen import plain_wiring, wiring
from fastgen.errors import FastgenError
from tests.test_wiring import (
    MODEL_CASES,
    TEMPLATE_API,
    TEMPLATE_MODELS,
    UNCHANGED_WIRING,
    WIRE_CASES,
)

ROUTERS = [
    {"module": f"app.{name}.router", "alias": f"{name}_router"}
    for name in ("aardvarks", "posts", "posts2", "posts10", "Zebras", "zebras")
] + [{"module": "other.things.router", "alias": "things_router"}]
MODELS = [
    {"module": f"app.{name}.models", "name": name.title()}
    for name in ("aardvarks", "posts", "zebras")
] + [{"module": "other.things.models", "name": "Thing"}]
TARGETS = [None, "api_router", "app"]


def libcst_result(function: str, source: str, **kwargs: str | None) -> str | None:
    """What libcst's editor makes of ``source``; None when it refuses."""
    try:
        edited = getattr(wiring, function)(source, **kwargs)
    except FastgenError:
        return None
    assert isinstance(edited, str)
    return edited


def assert_agree(source: str) -> Counter[str]:
    """Compare both editors on ``source`` for every router, target and model;
    count the edits the line editor made."""
    made: Counter[str] = Counter()
    for router in ROUTERS:
        for target in TARGETS:
            plain = plain_wiring.wire_router(source, **router, target=target)
            if plain is not None:
                made["wire_router"] += 1
                expected = libcst_result("wire_router", source, **router, target=target)
                assert plain == expected, (source, router, target)
    for model in MODELS:
        plain = plain_wiring.register_model(source, **model)
        if plain is not None:
            made["register_model"] += 1
            assert plain == libcst_result("register_model", source, **model)
    return made


SOURCES = {
    **{f"wire-{case.id}": case.before for case in WIRE_CASES},
    **{f"wired-{case.id}": case.after for case in WIRE_CASES},
    **{f"model-{case.id}": case.before for case in MODEL_CASES},
    **{f"registered-{case.id}": case.after for case in MODEL_CASES},
    **{f"unchanged-{name}": source for name, source in UNCHANGED_WIRING.items()},
}


@pytest.mark.parametrize("source", SOURCES.values(), ids=list(SOURCES))
def test_agrees_with_libcst_on_the_wiring_cases(source: str) -> None:
    assert_agree(source)


def test_takes_the_files_of_a_fastgen_project() -> None:
    api, models = TEMPLATE_API, TEMPLATE_MODELS
    for router, model in zip(ROUTERS, MODELS, strict=False):
        assert_agree(api)
        assert_agree(models)
        wired = plain_wiring.wire_router(api, **router, target="api_router")
        registered = plain_wiring.register_model(models, **model)
        assert wired is not None and registered is not None
        api, models = wired, registered
    assert "aardvarks_router" in api and "Posts" in models


_PIECES = [
    "import os\n",
    "import app.core\n",
    "from fastapi import APIRouter, FastAPI\n",
    "from __future__ import annotations\n",
    "from app.core.health import router as health_router\n",
    "from app.posts.router import router as posts_router\n",
    "from app.middle.router import router as middle_router\n",
    "from app.zoo.models import Zoo  # noqa: F401\n",
    "from app import settings\n",
    "from app.x import (\n    y,\n    z,\n)\n",
    "from other.lib import thing\n",
    "from . import sibling\n",
    'api_router = APIRouter(prefix="/api")\n',
    "app = FastAPI()\n",
    "app: FastAPI = FastAPI(\n    title='t',\n)\n",
    "api_router.include_router(health_router)\n",
    "api_router.include_router(router=middle_router, prefix='/m')\n",
    "app.include_router(api_router)\n",
    "app.include_router(*routers)\n",
    "x = y = 1\n",
    "a, b = 1, 2\n",
    "value: int\n",
    "print('hi'); print('there')\n",
    "def f() -> None:\n    pass\n",
    "if True:\n    pass\n",
    "__all__ = ['Zoo']\n",
    "'''A string statement.'''\n",
    "\n",
    "\n",
    "# a comment\n",
    "    # an indented comment\n",
    "\f\n",
]


def random_source(rng: random.Random) -> str:
    docstring = rng.choice(["", '"""Docstring."""\n', '"""Doc\n\nmore."""\n\n'])
    lines = rng.choices(_PIECES, k=rng.randint(1, 12))
    source = docstring + "".join(lines)
    return source + rng.choice(["", "# trailing\n", "\n"])


def test_agrees_with_libcst_on_random_files() -> None:
    rng = random.Random(1313)
    made: Counter[str] = Counter()
    for _ in range(500):
        source = random_source(rng)
        try:
            compile(source, "<random>", "exec")
        except SyntaxError:
            continue
        if cst.parse_module(source).code != source:
            continue  # libcst loses a blank line above an indented trailing comment
        made += assert_agree(source)
    assert made["wire_router"] > 300 and made["register_model"] > 300


@pytest.mark.parametrize(
    "source",
    [
        "def create_app():\n    app = FastAPI()\n    return app\n",
        "from .posts.router import router\napi_router = APIRouter()\n",
        "api_router = APIRouter()\napi_router.include_router(posts_router)\n",
        "api_router = APIRouter()\nother = APIRouter()\n",
        "api_router = APIRouter()\r\n",
        "api_router = APIRouter()",
        "from app.posts import router\napi_router = APIRouter()\n",
        "api_router = APIRouter(); x = 1\n",
    ],
    ids=[
        "factory",
        "relative-import",
        "alias-used",
        "two-candidates",
        "crlf",
        "no-final-newline",
        "module-imported",
        "shared-line",
    ],
)
def test_leaves_unusual_files_to_libcst(source: str) -> None:
    posts = {"module": "app.posts.router", "alias": "posts_router"}
    assert plain_wiring.wire_router(source, **posts) is None


def test_add_resource_does_not_import_libcst(tmp_path: Path) -> None:
    """The point of the line editor: a cold ``add resource`` in a fastgen project
    wires without importing libcst."""
    env_cache = tmp_path / "cache"
    script = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('libcst' in sys.modules, file=sys.stderr))\n"
        "from fastgen.entry import main\n"
        "sys.argv = ['fastgen', *sys.argv[1:]]\n"
        "main()\n"
    )
    run = [sys.executable, "-c", script]
    env = {"XDG_CACHE_HOME": str(env_cache), "PATH": "/usr/bin:/bin"}
    subprocess.run(
        [*run, "new", "project", "demo", "--path", str(tmp_path)],
        check=True,
        capture_output=True,
        env=env,
    )
    added = subprocess.run(
        [*run, "add", "resource", "Post", "title:str{200}"],
        cwd=tmp_path / "demo",
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    assert added.stderr.strip().splitlines()[-1] == "False"
    assert "posts_router" in (tmp_path / "demo/app/api.py").read_text()
