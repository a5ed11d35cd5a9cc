"""Before/after tests for fastgen.wiring (editing users' app source with libcst)."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import black
import libcst as cst
import pytest

from fastgen.errors import FastgenError
from fastgen.wiring import (
    find_router_targets,
    has_model_registration,
    has_router_wiring,
    register_model,
    unregister_model,
    unwire_router,
    wire_router,
)

POSTS = {"module": "app.posts.router", "alias": "posts_router"}


@dataclass(frozen=True)
class Case:
    """One before/after pair; ``kwargs`` are passed to the function under test."""

    id: str
    before: str
    after: str
    kwargs: dict[str, str] = field(default_factory=lambda: dict(POSTS))


def is_black(source: str) -> bool:
    """Whether black leaves ``source`` alone."""
    return black.format_str(source, mode=black.Mode()) == source


def check_pair(case: Case, function: object) -> None:
    """Assert the edit, validity, black-stability and idempotency of one case."""
    assert callable(function)
    out = function(case.before, **case.kwargs)
    assert out == case.after
    cst.parse_module(out)
    compile(out, "<out>", "exec")
    if is_black(case.before):
        assert is_black(out)
    assert function(out, **case.kwargs) == out


API = '''\
"""Aggregate every resource router under /api/v1."""

from fastapi import APIRouter

from app.core.health import router as health_router

api_router = APIRouter(prefix="/api/v1")
api_router.include_router(health_router)
'''

API_WITH_POSTS = '''\
"""Aggregate every resource router under /api/v1."""

from fastapi import APIRouter

from app.core.health import router as health_router
from app.posts.router import router as posts_router

api_router = APIRouter(prefix="/api/v1")
api_router.include_router(health_router)
api_router.include_router(posts_router)
'''

API_WITH_POSTS_AND_CATEGORIES = '''\
"""Aggregate every resource router under /api/v1."""

from fastapi import APIRouter

from app.categories.router import router as categories_router
from app.core.health import router as health_router
from app.posts.router import router as posts_router

api_router = APIRouter(prefix="/api/v1")
api_router.include_router(health_router)
api_router.include_router(posts_router)
api_router.include_router(categories_router)
'''

COMMENTS_BEFORE = '''\
#!/usr/bin/env python
# Copyright (c) Example Ltd.
"""Application entry point."""

from __future__ import annotations

# Third-party imports.
from fastapi import FastAPI

# Local imports.
from app.users.router import router as users_router  # the users API

app = FastAPI()  # the app


# Routers, in mount order.
app.include_router(users_router)  # mounted at /users

# Keep this comment block
# at the very end of the file.
'''

COMMENTS_AFTER = '''\
#!/usr/bin/env python
# Copyright (c) Example Ltd.
"""Application entry point."""

from __future__ import annotations

# Third-party imports.
from fastapi import FastAPI

from app.posts.router import router as posts_router

# Local imports.
from app.users.router import router as users_router  # the users API

app = FastAPI()  # the app


# Routers, in mount order.
app.include_router(users_router)  # mounted at /users
app.include_router(posts_router)

# Keep this comment block
# at the very end of the file.
'''

MIDDLEWARE_BEFORE = '''\
"""Blog API."""

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from app.items.router import router as items_router
from app import users

app = FastAPI(title="Blog", version="1.0.0")
app.add_middleware(
    CORSMiddleware,
    allow_origins=["*"],
    allow_methods=["*"],
)
app.include_router(users.router, prefix="/users", tags=["users"])


@app.get("/health")
def health() -> dict[str, str]:
    """Liveness probe."""
    return {"status": "ok"}


app.include_router(items_router, prefix="/items", tags=["items"])


@app.on_event("startup")
async def startup() -> None:
    """Warm caches."""
'''

MIDDLEWARE_AFTER = '''\
"""Blog API."""

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from app.items.router import router as items_router
from app import users
from app.posts.router import router as posts_router

app = FastAPI(title="Blog", version="1.0.0")
app.add_middleware(
    CORSMiddleware,
    allow_origins=["*"],
    allow_methods=["*"],
)
app.include_router(users.router, prefix="/users", tags=["users"])


@app.get("/health")
def health() -> dict[str, str]:
    """Liveness probe."""
    return {"status": "ok"}


app.include_router(items_router, prefix="/items", tags=["items"])
app.include_router(posts_router)


@app.on_event("startup")
async def startup() -> None:
    """Warm caches."""
'''

FACTORY_BEFORE = '''\
"""App factory."""

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from app.core.config import get_settings
from app.users.router import router as users_router


def create_app() -> FastAPI:
    """Build the application."""
    settings = get_settings()
    app = FastAPI(title=settings.project_name, debug=settings.debug)
    app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins)
    app.include_router(users_router, prefix="/users")  # users

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app


app = create_app()
'''

FACTORY_AFTER = '''\
"""App factory."""

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from app.core.config import get_settings
from app.posts.router import router as posts_router
from app.users.router import router as users_router


def create_app() -> FastAPI:
    """Build the application."""
    settings = get_settings()
    app = FastAPI(title=settings.project_name, debug=settings.debug)
    app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins)
    app.include_router(users_router, prefix="/users")  # users
    app.include_router(posts_router)

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app


app = create_app()
'''

FACTORY_NO_INCLUDES_BEFORE = """\
from fastapi import FastAPI


def create_app() -> FastAPI:
    application = FastAPI()
    application.add_middleware(GZipMiddleware)

    # Ready.
    return application
"""

FACTORY_NO_INCLUDES_AFTER = """\
from fastapi import FastAPI
from app.posts.router import router as posts_router


def create_app() -> FastAPI:
    application = FastAPI()
    application.add_middleware(GZipMiddleware)
    application.include_router(posts_router)

    # Ready.
    return application
"""

TWO_FACTORIES_BEFORE = """\
from fastapi import FastAPI

from app.users.router import router as users_router


def create_test_app() -> FastAPI:
    return FastAPI()


async def create_app() -> FastAPI:
    app = FastAPI()
    app.include_router(users_router)
    return app
"""

TWO_FACTORIES_AFTER = """\
from fastapi import FastAPI

from app.posts.router import router as posts_router
from app.users.router import router as users_router


def create_test_app() -> FastAPI:
    return FastAPI()


async def create_app() -> FastAPI:
    app = FastAPI()
    app.include_router(users_router)
    app.include_router(posts_router)
    return app
"""

NESTED_ROUTERS_BEFORE = """\
from fastapi import APIRouter, FastAPI

from app.users.router import router as users_router

app = FastAPI()
api_router = APIRouter(prefix="/api")
api_router.include_router(users_router)
app.include_router(api_router)
"""

NESTED_ROUTERS_AFTER = """\
from fastapi import APIRouter, FastAPI

from app.posts.router import router as posts_router
from app.users.router import router as users_router

app = FastAPI()
api_router = APIRouter(prefix="/api")
api_router.include_router(users_router)
api_router.include_router(posts_router)
app.include_router(api_router)
"""

AGGREGATOR_BEFORE = """\
from fastapi import APIRouter

from app import users

router = APIRouter()
router.include_router(users.router, prefix="/users", tags=["users"])
"""

AGGREGATOR_AFTER = """\
from fastapi import APIRouter

from app import users
from app.posts.router import router as posts_router

router = APIRouter()
router.include_router(users.router, prefix="/users", tags=["users"])
router.include_router(posts_router)
"""

TWO_AGGREGATORS = """\
from fastapi import APIRouter

from app.users.router import router as users_router
from app.audit.router import router as audit_router

public_router = APIRouter()
public_router.include_router(users_router)

admin_router = APIRouter(prefix="/admin")
admin_router.include_router(audit_router)
"""

TWO_AGGREGATORS_ADMIN = """\
from fastapi import APIRouter

from app.posts.router import router as posts_router
from app.users.router import router as users_router
from app.audit.router import router as audit_router

public_router = APIRouter()
public_router.include_router(users_router)

admin_router = APIRouter(prefix="/admin")
admin_router.include_router(audit_router)
admin_router.include_router(posts_router)
"""

APP_AND_ROUTER = """\
from fastapi import APIRouter, FastAPI

app = FastAPI()
router = APIRouter()
"""

APP_AND_FACTORY = """\
import fastapi


def create_app() -> fastapi.FastAPI:
    app = fastapi.FastAPI()
    return app


app: fastapi.FastAPI = fastapi.FastAPI()
"""

APP_AND_FACTORY_AFTER = """\
import fastapi
from app.posts.router import router as posts_router


def create_app() -> fastapi.FastAPI:
    app = fastapi.FastAPI()
    app.include_router(posts_router)
    return app


app: fastapi.FastAPI = fastapi.FastAPI()
"""

SORTED_MIDDLE_BEFORE = """\
from fastapi import APIRouter

from app.audit.router import router as audit_router

# Users come from the accounts service.
from app.users.router import router as users_router  # noqa: F401

api_router = APIRouter()
api_router.include_router(audit_router)
"""

SORTED_MIDDLE_AFTER = """\
from fastapi import APIRouter

from app.audit.router import router as audit_router
from app.posts.router import router as posts_router

# Users come from the accounts service.
from app.users.router import router as users_router  # noqa: F401

api_router = APIRouter()
api_router.include_router(audit_router)
api_router.include_router(posts_router)
"""

WIRE_CASES = [
    Case("fastgen-api-posts", API, API_WITH_POSTS),
    Case(
        "fastgen-api-categories-after-posts",
        API_WITH_POSTS,
        API_WITH_POSTS_AND_CATEGORIES,
        {"module": "app.categories.router", "alias": "categories_router"},
    ),
    Case(
        "router-without-includes",
        'from fastapi import APIRouter\n\napi_router = APIRouter(prefix="/api/v1")\n\n'
        "# Resources are added below.\n",
        "from fastapi import APIRouter\nfrom app.posts.router import router as "
        'posts_router\n\napi_router = APIRouter(prefix="/api/v1")\n'
        "api_router.include_router(posts_router)\n\n# Resources are added below.\n",
    ),
    Case("comments-future-docstring", COMMENTS_BEFORE, COMMENTS_AFTER),
    Case("app-middleware-decorators-kwargs", MIDDLEWARE_BEFORE, MIDDLEWARE_AFTER),
    Case("aggregating-api-router", AGGREGATOR_BEFORE, AGGREGATOR_AFTER),
    Case("app-mounts-aggregating-router", NESTED_ROUTERS_BEFORE, NESTED_ROUTERS_AFTER),
    Case(
        "annotated-app",
        "from fastapi import FastAPI\n\napp: FastAPI = FastAPI()\n",
        "from fastapi import FastAPI\nfrom app.posts.router import router as "
        "posts_router\n\napp: FastAPI = FastAPI()\napp.include_router(posts_router)\n",
    ),
    Case("factory-with-includes", FACTORY_BEFORE, FACTORY_AFTER),
    Case(
        "factory-without-includes",
        FACTORY_NO_INCLUDES_BEFORE,
        FACTORY_NO_INCLUDES_AFTER,
    ),
    Case("two-factories-one-aggregating", TWO_FACTORIES_BEFORE, TWO_FACTORIES_AFTER),
    Case(
        "explicit-target",
        TWO_AGGREGATORS,
        TWO_AGGREGATORS_ADMIN,
        {**POSTS, "target": "admin_router"},
    ),
    Case(
        "explicit-factory-target",
        APP_AND_FACTORY,
        APP_AND_FACTORY_AFTER,
        {**POSTS, "target": "create_app():app"},
    ),
    Case(
        "explicit-factory-name",
        APP_AND_FACTORY,
        APP_AND_FACTORY_AFTER,
        {**POSTS, "target": "create_app"},
    ),
    Case(
        "explicit-non-constructed-name-after-future-import",
        '"""Entry point."""\n\nfrom __future__ import annotations\n\n'
        "app = build_app()\n",
        '"""Entry point."""\n\nfrom __future__ import annotations\n\n'
        "from app.posts.router import router as posts_router\n\n"
        "app = build_app()\napp.include_router(posts_router)\n",
        {**POSTS, "target": "app"},
    ),
    Case(
        "no-imports-docstring-only",
        '"""Entry point."""\nfrom_settings = 1\napp = FastAPI()\n',
        '"""Entry point."""\n\nfrom app.posts.router import router as posts_router\n\n'
        "from_settings = 1\napp = FastAPI()\napp.include_router(posts_router)\n",
    ),
    Case(
        "no-imports-black-docstring",
        '"""Entry point."""\n\napp = FastAPI()\n',
        '"""Entry point."""\n\nfrom app.posts.router import router as posts_router\n\n'
        "app = FastAPI()\napp.include_router(posts_router)\n",
    ),
    Case(
        "import-goes-before-module-level-include",
        "from fastapi import FastAPI\n\napp = FastAPI()\n\n"
        "from app.late import settings  # noqa: E402\n\n"
        "app.title = settings.title\n",
        "from fastapi import FastAPI\nfrom app.posts.router import router as "
        "posts_router\n\napp = FastAPI()\napp.include_router(posts_router)\n\n"
        "from app.late import settings  # noqa: E402\n\n"
        "app.title = settings.title\n",
    ),
    Case(
        "crlf-and-tab-indented-factory",
        "from fastapi import FastAPI\r\n\r\n\r\ndef create_app():\r\n"
        "\tapp = FastAPI()\r\n\treturn app\r\n",
        "from fastapi import FastAPI\r\nfrom app.posts.router import router as "
        "posts_router\r\n\r\n\r\ndef create_app():\r\n\tapp = FastAPI()\r\n"
        "\tapp.include_router(posts_router)\r\n\treturn app\r\n",
    ),
    Case(
        "long-module-path-wrapped",
        "from fastapi import FastAPI\n\napp = FastAPI()\n",
        "from fastapi import FastAPI\n"
        "from app.domains.billing.subscriptions.invoices.router import (\n"
        "    router as billing_invoices_router,\n)\n\n"
        "app = FastAPI()\napp.include_router(billing_invoices_router)\n",
        {
            "module": "app.domains.billing.subscriptions.invoices.router",
            "alias": "billing_invoices_router",
        },
    ),
    Case(
        "reuses-existing-import-alias",
        "from fastapi import FastAPI\n\nfrom app.posts.router import router as blog\n\n"
        "app = FastAPI()\n",
        "from fastapi import FastAPI\n\nfrom app.posts.router import router as blog\n\n"
        "app = FastAPI()\napp.include_router(blog)\n",
    ),
    Case(
        "sorted-into-middle-keeps-comment-attached-below",
        SORTED_MIDDLE_BEFORE,
        SORTED_MIDDLE_AFTER,
    ),
    Case(
        "no-run-of-same-package-appends-after-last-import",
        "from fastapi import APIRouter\n\nfrom core.health import router as health\n\n"
        "api_router = APIRouter()\napi_router.include_router(health)\n",
        "from fastapi import APIRouter\n\nfrom core.health import router as health\n"
        "from app.posts.router import router as posts_router\n\n"
        "api_router = APIRouter()\napi_router.include_router(health)\n"
        "api_router.include_router(posts_router)\n",
    ),
    Case(
        "include-present-import-missing",
        "from fastapi import FastAPI\n\napp = FastAPI()\n"
        "app.include_router(posts_router)\n",
        "from fastapi import FastAPI\nfrom app.posts.router import router as "
        "posts_router\n\napp = FastAPI()\napp.include_router(posts_router)\n",
    ),
]

UNCHANGED_WIRING = {
    "already-wired-with-kwargs": """\
from fastapi import FastAPI

from app.posts.router import router as posts_router

app = FastAPI()
app.include_router(posts_router, prefix="/x", tags=["x"])
""",
    "already-wired-under-other-alias": """\
from fastapi import FastAPI

from app.posts.router import router as blog_router

app = FastAPI()
app.include_router(blog_router)
""",
    "already-wired-via-module-import": """\
from fastapi import FastAPI

from app.posts import router as posts

app = FastAPI()
app.include_router(posts.router)
""",
    "already-wired-via-plain-import": """\
import app.posts.router
from fastapi import FastAPI

application = FastAPI()
application.include_router(router=app.posts.router.router)
""",
    "already-wired-via-relative-import": """\
from fastapi import FastAPI

from .posts.router import router as posts_router

app = FastAPI()
app.include_router(posts_router)
""",
    "already-wired-in-ambiguous-file": """\
from fastapi import APIRouter, FastAPI

from app.posts.router import router as posts_router

app = FastAPI()
other = APIRouter()
other.include_router(posts_router)
""",
}


NOT_BLACK_INPUTS = {
    "no-imports-docstring-only",
    "all-one-line",
    "crlf-and-tab-indented-factory",
}


def test_inputs_are_black_formatted_so_outputs_are_checked() -> None:
    cases = [*WIRE_CASES, *MODEL_CASES]
    not_black = {case.id for case in cases if not is_black(case.before)}
    assert not_black == NOT_BLACK_INPUTS


@pytest.mark.parametrize("case", WIRE_CASES, ids=lambda case: case.id)
def test_wire_router(case: Case) -> None:
    check_pair(case, wire_router)


@pytest.mark.parametrize(
    "source", UNCHANGED_WIRING.values(), ids=list(UNCHANGED_WIRING)
)
def test_wire_router_leaves_wired_source_alone(source: str) -> None:
    assert wire_router(source, **POSTS) == source
    assert has_router_wiring(source, **POSTS)


def test_wiring_two_resources_sorts_imports_keeps_include_order() -> None:
    categories = {"module": "app.categories.router", "alias": "categories_router"}
    once = wire_router(wire_router(API, **POSTS), **categories)
    assert once == API_WITH_POSTS_AND_CATEGORIES
    assert wire_router(wire_router(once, **POSTS), **categories) == once


@pytest.mark.parametrize(
    ("source", "kwargs", "expected"),
    [
        (
            TWO_AGGREGATORS,
            {},
            "cannot choose where to wire the router in app/main.py: candidates are "
            "public_router, admin_router; pass --router app.main:NAME, "
            "e.g. --router app.main:admin_router",
        ),
        (
            APP_AND_ROUTER,
            {},
            "cannot choose where to wire the router in app/main.py: candidates are "
            "app, router; pass --router app.main:NAME, e.g. --router app.main:router",
        ),
        (
            APP_AND_FACTORY,
            {},
            "cannot choose where to wire the router in app/main.py: candidates are "
            "create_app():app, app; pass --router app.main:NAME, "
            "e.g. --router app.main:app",
        ),
        (
            "from fastapi import FastAPI\n\n\ndef create_app() -> FastAPI:\n"
            "    app = FastAPI()\n    return app\n\n\n"
            "def create_admin_app() -> FastAPI:\n    admin = FastAPI()\n"
            "    return admin\n",
            {},
            "cannot choose where to wire the router in app/main.py: candidates are "
            "create_app():app, create_admin_app():admin; pass --router "
            "app.main:NAME, e.g. --router app.main:create_admin_app",
        ),
        (
            APP_AND_ROUTER,
            {"target": "api_router"},
            "cannot find router target 'api_router' in app/main.py: "
            "candidates are app, router; pass --router app.main:NAME, "
            "e.g. --router app.main:router",
        ),
        (
            '"""Nothing to wire into."""\n\nimport os\n',
            {},
            "cannot find where to wire the router in app/main.py: it has no "
            "FastAPI() or APIRouter() assignment; pass --router app.main:NAME naming "
            "your app or router",
        ),
        (
            "from fastapi import FastAPI\n\n"
            "from app.blog.router import router as posts_router\n\napp = FastAPI()\n",
            {},
            "cannot import the router as posts_router in app/main.py: that name is "
            "already used there for something else; rename it there and re-run",
        ),
        (
            "from fastapi import APIRouter, FastAPI\n\napp = FastAPI()\n"
            "posts_router = APIRouter()\napp.include_router(posts_router)\n",
            {},
            "cannot import the router as posts_router in app/main.py: that name is "
            "already used there",
        ),
        (
            "app = FastAPI(\n",
            {},
            "cannot parse app/main.py: ",
        ),
    ],
    ids=[
        "two-aggregators",
        "app-and-router",
        "app-and-factory",
        "two-factories",
        "explicit-missing",
        "no-candidates",
        "alias-taken-by-import",
        "alias-taken-by-local-router",
        "syntax-error",
    ],
)
def test_wire_router_errors(source: str, kwargs: dict[str, str], expected: str) -> None:
    with pytest.raises(FastgenError) as raised:
        wire_router(source, **POSTS, path="app/main.py", **kwargs)
    assert raised.value.message.startswith(expected)
    assert "\n" not in raised.value.message


def test_error_hint_without_relative_python_path() -> None:
    with pytest.raises(FastgenError, match="pass --router MODULE:NAME"):
        wire_router(APP_AND_ROUTER, **POSTS)


def test_find_router_targets() -> None:
    source = """\
import fastapi
from fastapi import APIRouter, FastAPI

app: FastAPI = FastAPI()
api = fastapi.APIRouter()
routers = [APIRouter()]
not_an_app = make_app()


def create_app() -> FastAPI:
    built = FastAPI()
    return built


def build_router() -> APIRouter:
    router = APIRouter()
    return router


def helper() -> None:
    scratch = FastAPI()
"""
    assert find_router_targets(source) == ["app", "api", "create_app():built"]


def test_has_router_wiring_false_cases() -> None:
    assert not has_router_wiring(API, **POSTS)
    imported_only = API.replace(
        "\napi_router =",
        "from app.posts.router import router as posts_router\n\n" "api_router =",
    )
    assert not has_router_wiring(imported_only, **POSTS)
    assert has_router_wiring(API_WITH_POSTS, **POSTS)


MODELS = {"module": "app.posts.models", "name": "Post"}

MODEL_CASES = [
    Case(
        "docstring-only",
        '"""Import every table model so Alembic sees the metadata."""\n',
        '"""Import every table model so Alembic sees the metadata."""\n\n'
        "from app.posts.models import Post  # noqa: F401\n",
        dict(MODELS),
    ),
    Case(
        "empty-file",
        "",
        "from app.posts.models import Post  # noqa: F401\n",
        dict(MODELS),
    ),
    Case(
        "existing-noqa-imports",
        '"""Models."""\n\nfrom app.core.db import Base  # noqa: F401\n'
        "from app.users.models import User  # noqa: F401\n\n# End of models.\n",
        '"""Models."""\n\nfrom app.core.db import Base  # noqa: F401\n'
        "from app.posts.models import Post  # noqa: F401\n"
        "from app.users.models import User  # noqa: F401\n\n# End of models.\n",
        dict(MODELS),
    ),
    Case(
        "all-one-per-line-with-comments",
        '"""Models."""\n\nfrom app.users.models import User\n'
        "from app.tags.models import Tag\n\n"
        '__all__ = [\n    "User",  # accounts\n    "Tag",  # labels\n'
        '    # "Legacy",\n]\n',
        '"""Models."""\n\nfrom app.posts.models import Post\n'
        "from app.users.models import User\nfrom app.tags.models import Tag\n\n"
        '__all__ = [\n    "User",  # accounts\n    "Tag",  # labels\n'
        '    # "Legacy",\n    "Post",\n]\n',
        dict(MODELS),
    ),
    Case(
        "all-one-line",
        "from app.users.models import User\n\n__all__ = ['User']\n",
        "from app.posts.models import Post\nfrom app.users.models import User\n\n"
        "__all__ = ['User', 'Post']\n",
        dict(MODELS),
    ),
    Case(
        "all-empty",
        "__all__: list[str] = []\n",
        'from app.posts.models import Post\n\n__all__: list[str] = ["Post"]\n',
        dict(MODELS),
    ),
    Case(
        "all-tuple",
        'from app.users.models import User\n\n__all__ = ("User",)\n',
        "from app.posts.models import Post\nfrom app.users.models import User\n\n"
        '__all__ = ("User", "Post")\n',
        dict(MODELS),
    ),
    Case(
        "all-too-long-is-exploded",
        "from app.models import (\n    Account,\n    AccountMembership,\n"
        "    Organisation,\n)\n\n"
        '__all__ = ["Account", "AccountMembership", "Organisation", '
        '"OrganisationInvites"]\n',
        "from app.models import (\n    Account,\n    AccountMembership,\n"
        "    Organisation,\n)\nfrom app.posts.models import Post\n\n"
        '__all__ = [\n    "Account",\n    "AccountMembership",\n    "Organisation",\n'
        '    "OrganisationInvites",\n    "Post",\n]\n',
        dict(MODELS),
    ),
    Case(
        "imported-but-not-exported",
        'from app.posts.models import Post\n\n__all__ = [\n    "User",\n]\n',
        "from app.posts.models import Post\n\n"
        '__all__ = [\n    "User",\n    "Post",\n]\n',
        dict(MODELS),
    ),
    Case(
        "sorted-case-insensitively-with-numbers-compared-naturally",
        "from app.V2.models import Draft  # noqa: F401\n"
        "from app.v10.models import Tag  # noqa: F401\n",
        "from app.V2.models import Draft  # noqa: F401\n"
        "from app.v3.models import Post  # noqa: F401\n"
        "from app.v10.models import Tag  # noqa: F401\n",
        {"module": "app.v3.models", "name": "Post"},
    ),
    Case(
        "sorted-first-takes-blank-line-comment-stays-attached",
        '"""Models."""\n\n# Accounts.\n'
        "from app.users.models import User  # noqa: F401\n",
        '"""Models."""\n\nfrom app.posts.models import Post  # noqa: F401\n\n'
        "# Accounts.\nfrom app.users.models import User  # noqa: F401\n",
        dict(MODELS),
    ),
    Case(
        "long-import-wrapped-with-noqa-on-name",
        '"""Models."""\n',
        '"""Models."""\n\n'
        "from app.domains.billing.subscriptions.invoices.models import (\n"
        "    InvoiceLineItem,  # noqa: F401\n)\n",
        {
            "module": "app.domains.billing.subscriptions.invoices.models",
            "name": "InvoiceLineItem",
        },
    ),
]


@pytest.mark.parametrize("case", MODEL_CASES, ids=lambda case: case.id)
def test_register_model(case: Case) -> None:
    check_pair(case, register_model)
    assert has_model_registration(case.after, **case.kwargs)
    assert not has_model_registration(case.before, **case.kwargs)


@pytest.mark.parametrize(
    "source",
    [
        "from app.posts.models import Post  # noqa: F401\n",
        "from app.posts.models import Comment, Post  # noqa: F401\n",
        'from app.posts.models import Post as PostModel\n\n__all__ = ["PostModel"]\n',
    ],
    ids=["noqa", "grouped", "aliased-and-exported"],
)
def test_register_model_leaves_registered_source_alone(source: str) -> None:
    assert register_model(source, **MODELS) == source
    assert has_model_registration(source, **MODELS)


TEMPLATE_API = '''\
"""Version 1 of the HTTP API: one ``include_router`` line per feature."""

from fastapi import APIRouter

from app.core.health import router as health_router

api_router = APIRouter(prefix="/api/v1")
api_router.include_router(health_router)
'''

TEMPLATE_API_WIRED = '''\
"""Version 1 of the HTTP API: one ``include_router`` line per feature."""

from fastapi import APIRouter

from app.blog_posts.router import router as blog_posts_router
from app.categories.router import router as categories_router
from app.core.health import router as health_router
from app.posts.router import router as posts_router

api_router = APIRouter(prefix="/api/v1")
api_router.include_router(health_router)
api_router.include_router(posts_router)
api_router.include_router(categories_router)
api_router.include_router(blog_posts_router)
'''

TEMPLATE_MODELS = '''\
"""Every table model, imported so Alembic's autogenerate sees its metadata.

fastgen adds one line per resource here, for example
``from app.posts.models import Post  # noqa: F401``.
"""
'''

TEMPLATE_MODELS_REGISTERED = '''\
"""Every table model, imported so Alembic's autogenerate sees its metadata.

fastgen adds one line per resource here, for example
``from app.posts.models import Post  # noqa: F401``.
"""

from app.blog_posts.models import BlogPost  # noqa: F401
from app.categories.models import Category  # noqa: F401
from app.posts.models import Post  # noqa: F401
'''

RUFF = Path(sys.executable).with_name("ruff")


def ruff_isort_report(source: str, filename: str, cwd: Path) -> str:
    """Ruff's isort (I) findings for ``source``, empty when it is clean."""
    result = subprocess.run(
        [
            str(RUFF),
            "check",
            "--isolated",
            "--select",
            "I",
            "--config",
            'lint.isort.known-first-party=["app"]',
            "--output-format",
            "concise",
            "--stdin-filename",
            filename,
            "-",
        ],
        input=source,
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr
    return "" if result.returncode == 0 else result.stdout + result.stderr


def test_fastgen_layout_stays_ruff_isort_clean(tmp_path: Path) -> None:
    resources = [
        ("posts", "Post"),
        ("categories", "Category"),
        ("blog_posts", "BlogPost"),
    ]
    api, models = TEMPLATE_API, TEMPLATE_MODELS
    assert ruff_isort_report(api, "app/api.py", tmp_path) == ""
    for package, model in resources:
        wire = {"module": f"app.{package}.router", "alias": f"{package}_router"}
        register = {"module": f"app.{package}.models", "name": model}
        api = wire_router(api, **wire, path="app/api.py")
        models = register_model(models, **register, path="app/models.py")
        assert ruff_isort_report(api, "app/api.py", tmp_path) == ""
        assert ruff_isort_report(models, "app/models.py", tmp_path) == ""
        assert is_black(api)
        assert is_black(models)
    assert api == TEMPLATE_API_WIRED
    assert models == TEMPLATE_MODELS_REGISTERED
    for package, model in resources:
        wire = {"module": f"app.{package}.router", "alias": f"{package}_router"}
        register = {"module": f"app.{package}.models", "name": model}
        assert wire_router(api, **wire) == api
        assert register_model(models, **register) == models


def test_ruff_check_flags_unsorted_imports(tmp_path: Path) -> None:
    unsorted = TEMPLATE_API_WIRED.replace(
        "from app.blog_posts.router import router as blog_posts_router\n", ""
    ).replace(
        "from app.posts.router import router as posts_router\n",
        "from app.posts.router import router as posts_router\n"
        "from app.blog_posts.router import router as blog_posts_router\n",
    )
    assert "I001" in ruff_isort_report(unsorted, "app/api.py", tmp_path)


# ------------------------------------------------------------ the inverse edits


# Where wiring added a blank line that black requires anyway, the inverse cannot
# know it was not there before (likewise an ``__all__`` exploded to fit the line
# length stays exploded: black keeps it so, for its magic trailing comma).
UNWIRED_DIFFERENTLY = {
    "no-imports-docstring-only": '"""Entry point."""\n\nfrom_settings = 1\n'
    "app = FastAPI()\n",
}


def _fresh(case: Case) -> bool:
    """Cases that start from a file without the resource (others reuse wiring)."""
    module = case.kwargs["module"]
    return module not in case.before and case.kwargs.get("alias", "@") not in (
        case.before
    )


@pytest.mark.parametrize(
    "case", [c for c in WIRE_CASES if _fresh(c)], ids=lambda case: case.id
)
def test_unwire_router_undoes_wire_router(case: Case) -> None:
    module = case.kwargs["module"]
    unwired = unwire_router(case.after, module=module)
    assert unwired == UNWIRED_DIFFERENTLY.get(case.id, case.before)
    assert not has_router_wiring(unwired, module=module, alias=case.kwargs["alias"])
    assert unwire_router(unwired, module=module) == unwired


@pytest.mark.parametrize(
    "case",
    [c for c in MODEL_CASES if _fresh(c) and c.id != "all-too-long-is-exploded"],
    ids=lambda case: case.id,
)
def test_unregister_model_undoes_register_model(case: Case) -> None:
    unregistered = unregister_model(case.after, **case.kwargs)
    assert unregistered == case.before
    assert unregister_model(unregistered, **case.kwargs) == unregistered


def test_unwiring_resources_in_any_order_restores_the_template() -> None:
    resources = [
        ("posts", "Post"),
        ("categories", "Category"),
        ("blog_posts", "BlogPost"),
    ]
    for order in (resources, resources[::-1], resources[1:] + resources[:1]):
        api, models = TEMPLATE_API_WIRED, TEMPLATE_MODELS_REGISTERED
        for package, model in order:
            api = unwire_router(api, module=f"app.{package}.router")
            models = unregister_model(
                models, module=f"app.{package}.models", name=model
            )
            assert is_black(api) and is_black(models)
        assert (api, models) == (TEMPLATE_API, TEMPLATE_MODELS)


def test_unwire_router_removes_includes_with_arguments_in_a_factory() -> None:
    source = (
        "from fastapi import FastAPI\n\n"
        "from app.posts.router import router as blog\n"
        "from app.users.router import router as users_router\n\n\n"
        "def create_app() -> FastAPI:\n"
        "    app = FastAPI()\n"
        '    app.include_router(blog, prefix="/p", tags=["posts"])\n'
        "    app.include_router(users_router)\n"
        "    return app\n"
    )
    assert unwire_router(source, module="app.posts.router") == (
        "from fastapi import FastAPI\n\n"
        "from app.users.router import router as users_router\n\n\n"
        "def create_app() -> FastAPI:\n"
        "    app = FastAPI()\n"
        "    app.include_router(users_router)\n"
        "    return app\n"
    )
