"""The ``fastgen`` command line: parses arguments and calls the pipeline.

Keep this module cheap to import: pipeline modules (and through them libcst, black
and copier) are imported inside the command that needs them. It does without
``from __future__ import annotations``: typer reads every command's annotations
on each run, and evaluating them from strings cost about 10 ms a run.
"""

from collections.abc import Callable
from functools import cache, wraps
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal, ParamSpec, TypeVar

import typer

from fastgen import __version__
from fastgen.errors import FastgenError

if TYPE_CHECKING:
    from rich.console import Console

    from fastgen.access import Access
    from fastgen.plan import Plan

P = ParamSpec("P")
R = TypeVar("R")


@cache
def _console(stderr: bool = False) -> "Console":
    """Rich consoles, created on first use: ``--help`` never imports rich."""
    from rich.console import Console

    return Console(stderr=stderr)


def escape(text: str) -> str:
    """``text`` with rich markup escaped, so user input prints as it is."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


app = typer.Typer(
    name="fastgen",
    add_completion=False,
    rich_markup_mode=None,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    help=(
        "Generate FastAPI backends: projects, and complete resources (model, schemas, "
        "service, router, migration, tests) wired into your app.\n\n"
        "Examples:\n\n\b\n"
        "  fastgen new project blog && cd blog\n"
        "  fastgen add resource Post 'title:str{200}:index' body:text "
        "published:bool=false\n"
        "  fastgen add field Post views:int=0\n"
        "  fastgen check  (pre-commit and CI)\n"
        "  fastgen token --sub alice"
    ),
)
new_app = typer.Typer(
    rich_markup_mode=None,
    no_args_is_help=True,
    help="Create a project: fastgen new project NAME",
)
app.add_typer(new_app, name="new")
add_app = typer.Typer(
    rich_markup_mode=None,
    no_args_is_help=True,
    help="Add a resource or fields: fastgen add resource NAME FIELD...",
)
app.add_typer(add_app, name="add")
remove_app = typer.Typer(
    rich_markup_mode=None,
    no_args_is_help=True,
    help="Remove a resource: fastgen remove resource NAME",
)
app.add_typer(remove_app, name="remove")


# Options shared by the commands that plan changes in a project.
DryRun = Annotated[
    bool, typer.Option("--dry-run", help="Show the plan and diffs; write nothing.")
]
Force = Annotated[
    bool, typer.Option("--force", help="Overwrite files changed by hand.")
]
Merge = Annotated[
    bool,
    typer.Option(
        "--merge",
        help="Where your edits conflict with the new render, write conflict markers.",
    ),
]
KeepEdits = Annotated[
    bool,
    typer.Option(
        "--keep-edits",
        help="Record your edits to generated files (and ejected files) as they are.",
    ),
]
ProjectDir = Annotated[
    Path | None,
    typer.Option("--project", help="Project directory [default: current]."),
]


def reports_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn a FastgenError into one red line on stderr and its exit code.

    The project a command opens stays locked until it returns (``command_scope``).
    """

    @wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        from fastgen.apply import command_scope

        try:
            with command_scope():
                return command(*args, **kwargs)
        except FastgenError as exc:
            for line in exc.message.splitlines():  # one problem a line
                _console(stderr=True).print(
                    f"[bold red]error:[/bold red] {escape(line)}", soft_wrap=True
                )
            raise typer.Exit(exc.exit_code) from None

    return run


def _show_version(value: bool) -> None:
    if value:
        _console().print(f"fastgen {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_show_version,
            is_eager=True,
            help="Print the version and exit.",
        ),
    ] = False,
) -> None:
    """Generate FastAPI backends."""


@new_app.command(
    "project",
    epilog=(
        "Examples:\n\n\b\n"
        "  fastgen new project blog\n"
        "  fastgen new project shop --path ~/code --db postgres\n"
        "  fastgen new project demo --dry-run"
    ),
)
@reports_errors
def new_project(
    name: Annotated[str, typer.Argument(help="Project name, e.g. my-app.")],
    path: Annotated[
        Path, typer.Option("--path", help="Parent directory of the new project.")
    ] = Path("."),
    db: Annotated[
        Literal["sqlite", "postgres"] | None,
        typer.Option(
            "--db", help="Database the generated .env points at [default: sqlite]."
        ),
    ] = None,
    interactive: Annotated[
        bool, typer.Option("--interactive", help="Ask copier's questions.")
    ] = False,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Show what would be created; write nothing."),
    ] = False,
    no_git: Annotated[
        bool,
        typer.Option("--no-git", help="Skip git init and the first commit."),
    ] = False,
) -> None:
    """Create a runnable, tested FastAPI project.

    Settings, async database, JWT auth, error format, envelopes, request-id logging,
    Alembic and a pytest suite, ready to run.
    """
    from fastgen.new_project import create_project
    from fastgen.report import show_new_project

    result = create_project(
        name,
        parent=path,
        db=db,
        interactive=interactive,
        dry_run=dry_run,
        git=not no_git,
    )
    show_new_project(_console(), result)


@add_app.command(
    "resource",
    epilog=(
        "Fields: "
        "name:type[{args}][?][=default][:index][:unique]\n\n"
        "Types: str{n} text int float decimal{p,s} bool date "
        "datetime uuid email url json enum{a,b} ref:Resource\n\n"
        "Examples:\n\n\b\n"
        "  fastgen add resource Post title:str{200}:index body:text "
        "published:bool=false\n"
        "  fastgen add resource Comment post:ref:Post body:text "
        "rating:int?\n"
        "  fastgen add resource Recipe title:str published:bool=false "
        "--access public --public-if published\n"
        "  fastgen add resource --spec resources/post.yaml --dry-run"
    ),
)
@reports_errors
def add_resource(
    name: Annotated[
        str | None, typer.Argument(help="Resource name, e.g. Post or BlogPost.")
    ] = None,
    fields: Annotated[
        list[str] | None, typer.Argument(help="Fields, e.g. title:str{200}.")
    ] = None,
    spec_file: Annotated[
        Path | None,
        typer.Option("--spec", help="Read the resource from a YAML or TOML spec."),
    ] = None,
    access: Annotated[
        str | None,
        typer.Option(
            "--access",
            help="Who reads and writes the rows: private (only the owner; the "
            "default), public (every user reads, the owner writes) or shared (no "
            "owner; every user reads, writes need --write-role).",
        ),
    ] = None,
    public_if: Annotated[
        str | None,
        typer.Option(
            "--public-if",
            help="With --access public: the bool field that makes a row visible "
            "to others, e.g. published.",
        ),
    ] = None,
    write_role: Annotated[
        str | None,
        typer.Option(
            "--write-role",
            help="With --access shared: the role writes need (default admin).",
        ),
    ] = None,
    no_owner: Annotated[
        bool,
        typer.Option("--no-owner", help="The same as --access shared."),
    ] = False,
    singleton: Annotated[
        bool,
        typer.Option(
            "--singleton",
            help="One row per user at /me/<name> (GET, PUT, PATCH), e.g. settings.",
        ),
    ] = False,
    unique_together: Annotated[
        list[str] | None,
        typer.Option(
            "--unique-together",
            help="Fields whose values together occur once (per owner), e.g. "
            "recipe,ingredient; repeat for more groups.",
        ),
    ] = None,
    dry_run: DryRun = False,
    force: Force = False,
    project: ProjectDir = None,
    router: Annotated[
        str | None,
        typer.Option("--router", help="Router to wire into, as module:attribute."),
    ] = None,
) -> None:
    """Generate a complete resource: model, schemas, service, router, migration
    and tests, wired into the app."""
    from fastgen.parallel import formatting_worker

    # started first: it imports black while this process imports the rest
    with formatting_worker(then=_CARRY_OUT_MODULES) as formatter:
        from fastgen.add_resource import plan_add_resource
        from fastgen.project_config import find_project
        from fastgen.spec import load_spec_file, parse_resource, parse_unique_group

        config = find_project(project)
        if spec_file is not None:
            if name or fields:
                raise FastgenError("give either --spec FILE or NAME FIELD..., not both")
            if (
                no_owner
                or singleton
                or access
                or public_if
                or write_role
                or unique_together
            ):
                raise FastgenError(
                    "with --spec, say it in the file (access: public, public_if: ..., "
                    "write_role: ..., singleton: true, unique_together: [[a, b]]) "
                    "instead of the options"
                )
            spec = load_spec_file(spec_file)
        elif name and fields:
            spec = parse_resource(
                name,
                fields,
                access=_access_option(access, no_owner=no_owner),
                public_if=public_if,
                write_role=write_role,
                singleton=singleton,
                unique_together=[parse_unique_group(g) for g in unique_together or []],
            )
        else:
            raise FastgenError(
                "give the resource and its fields, e.g. `fastgen add resource Post "
                "title:str{200}`, or --spec FILE"
            )
        planned = plan_add_resource(
            config, spec, router=router, force=force, formatter=formatter
        )
    _carry_out(
        config.root,
        planned.plan,
        planned.warnings,
        dry_run=dry_run,
        done=f"Added {spec.name}.",
    )


def _access_option(access: str | None, *, no_owner: bool) -> "Access":
    """The rule ``--access`` names (``--no-owner`` is ``--access shared``)."""
    from fastgen.access import ACCESS_NAMES, Access

    if access is not None and access not in tuple(Access):
        raise FastgenError(f"unknown --access {access!r}; give one of {ACCESS_NAMES}")
    if no_owner and access not in (None, Access.SHARED):
        raise FastgenError(
            f"--no-owner means --access shared, not {access}: give one of them"
        )
    return Access.SHARED if no_owner else Access(access or Access.PRIVATE)


_CARRY_OUT_MODULES = ("fastgen.apply", "fastgen.report")


def _carry_out(
    root: Path,
    plan: "Plan",
    warnings: tuple[str, ...] = (),
    *,
    dry_run: bool,
    done: str = "Done.",
) -> None:
    """Show the plan and its warnings; apply it unless it is a dry run."""
    from fastgen.apply import apply_plan
    from fastgen.report import show_plan, show_warnings

    show_plan(_console(), plan, dry_run=dry_run)
    show_warnings(_console(stderr=True), warnings)
    if dry_run or plan.is_noop:
        return
    if plan.conflicts:
        for change in plan.conflicts:
            _console(stderr=True).print(
                f"[bold red]conflict:[/bold red] {escape(change.path)}", soft_wrap=True
            )
        _console(stderr=True).print(
            f"{len(plan.conflicts)} file(s) changed by hand: nothing was written. "
            "Review with --dry-run; --merge writes conflict markers, --keep-edits "
            "(sync) keeps your version, --force takes fastgen's.",
            soft_wrap=True,
        )
        raise typer.Exit(1)
    apply_plan(root, plan)
    if any("/versions/" in change.path for change in plan.writes):  # a revision
        _console().print(
            f"[green]{escape(done)}[/green] Next: [cyan]alembic upgrade head[/cyan] "
            "and [cyan]pytest[/cyan]."
        )
    else:
        _console().print(f"[green]{escape(done)}[/green]")


@remove_app.command(
    "resource",
    epilog=(
        "Examples:\n\n\b\n"
        "  fastgen remove resource Comment --dry-run\n"
        "  fastgen remove resource Comment && alembic upgrade head"
    ),
)
@reports_errors
def remove_resource(
    name: Annotated[str, typer.Argument(help="Resource name, e.g. Comment.")],
    dry_run: DryRun = False,
    force: Annotated[
        bool,
        typer.Option("--force", help="Also delete files edited by hand or ejected."),
    ] = False,
    project: ProjectDir = None,
) -> None:
    """Remove a resource: its files, spec and wiring, and drop its table in a new
    migration (the inverse of add resource)."""
    from fastgen.project_config import find_project
    from fastgen.remove_resource import plan_remove_resource

    config = find_project(project)
    planned = plan_remove_resource(config, name, force=force)
    _carry_out(
        config.root,
        planned.plan,
        planned.warnings,
        dry_run=dry_run,
        done=f"Removed {name}.",
    )


rename_app = typer.Typer(
    rich_markup_mode=None,
    no_args_is_help=True,
    help="Rename a field or a resource, keeping its data: "
    "fastgen rename field RESOURCE OLD NEW, "
    "fastgen rename resource OLD NEW",
)
app.add_typer(rename_app, name="rename")


@rename_app.command(
    "field",
    epilog=(
        "Examples:\n\n\b\n"
        "  fastgen rename field Post title headline --dry-run\n"
        "  fastgen rename field Post title headline && alembic upgrade "
        "head"
    ),
)
@reports_errors
def rename_field(
    resource: Annotated[str, typer.Argument(help="Resource name, e.g. Post.")],
    old: Annotated[str, typer.Argument(help="The field's name now.")],
    new: Annotated[str, typer.Argument(help="Its new name.")],
    dry_run: DryRun = False,
    force: Force = False,
    merge: Merge = False,
    project: ProjectDir = None,
) -> None:
    """Rename a field: spec, code and tests follow, and a new migration renames
    the column in place, so its data stays."""
    from fastgen.hand_edits import EditPolicy
    from fastgen.project_config import find_project
    from fastgen.sync import plan_rename_field

    config = find_project(project)
    planned = plan_rename_field(
        config, resource, old, new, EditPolicy(force=force, markers=merge)
    )
    _carry_out(
        config.root,
        planned.plan,
        planned.warnings,
        dry_run=dry_run,
        done=f"Renamed {resource}.{old} to {new}.",
    )


@rename_app.command(
    "resource",
    epilog=(
        "Examples:\n\n\b\n"
        "  fastgen rename resource Post Article --dry-run\n"
        "  fastgen rename resource Post Article && alembic upgrade head"
    ),
)
@reports_errors
def rename_resource(
    old: Annotated[str, typer.Argument(help="The resource's name now, e.g. Post.")],
    new: Annotated[str, typer.Argument(help="Its new name, e.g. Article.")],
    dry_run: DryRun = False,
    force: Annotated[
        bool, typer.Option("--force", help="Drop hand edits to its generated files.")
    ] = False,
    merge: Merge = False,
    project: ProjectDir = None,
) -> None:
    """Rename a resource: table (rows kept), package, routes, classes, spec, and
    the refs and tests of resources pointing at it; a new migration renames the
    table in place."""
    from fastgen.hand_edits import EditPolicy
    from fastgen.project_config import find_project
    from fastgen.sync import plan_rename_resource

    config = find_project(project)
    planned = plan_rename_resource(
        config, old, new, EditPolicy(force=force, markers=merge)
    )
    _carry_out(
        config.root,
        planned.plan,
        planned.warnings,
        dry_run=dry_run,
        done=f"Renamed {old} to {new}.",
    )


@app.command(
    "sync",
    epilog=(
        "Examples:\n\n\b\n"
        "  fastgen sync --dry-run\n"
        "  fastgen sync && alembic upgrade head"
    ),
)
@reports_errors
def sync(
    dry_run: DryRun = False,
    force: Force = False,
    keep_edits: KeepEdits = False,
    merge: Merge = False,
    project: ProjectDir = None,
) -> None:
    """Bring generated code, wiring and migrations in line with the specs.

    Re-renders everything fastgen owns from resources/, rewires what is missing,
    and writes a new Alembic revision for each schema change.
    """
    from fastgen.hand_edits import EditPolicy
    from fastgen.project_config import find_project
    from fastgen.sync import plan_sync

    config = find_project(project)
    planned = plan_sync(config, EditPolicy(force, keep_edits, merge))
    _carry_out(
        config.root, planned.plan, planned.warnings, dry_run=dry_run, done="Synced."
    )


@add_app.command(
    "field",
    epilog=(
        "Examples:\n\n\b\n"
        "  fastgen add field Post views:int=0\n"
        "  fastgen add field Post 'subtitle:str{120}?' --dry-run"
    ),
)
@reports_errors
def add_field(
    resource: Annotated[str, typer.Argument(help="Resource name, e.g. Post.")],
    fields: Annotated[list[str], typer.Argument(help="Fields, e.g. views:int=0.")],
    dry_run: DryRun = False,
    force: Force = False,
    merge: Merge = False,
    project: ProjectDir = None,
) -> None:
    """Add fields to a resource's spec and sync it (code and a new migration)."""
    from fastgen.hand_edits import EditPolicy
    from fastgen.project_config import find_project
    from fastgen.sync import plan_add_field

    config = find_project(project)
    planned = plan_add_field(
        config, resource, fields, EditPolicy(force=force, markers=merge)
    )
    _carry_out(
        config.root,
        planned.plan,
        planned.warnings,
        dry_run=dry_run,
        done=f"Added {len(fields)} field(s) to {resource}.",
    )


@app.command(
    "eject",
    epilog=(
        "Examples:\n\n\b\n"
        "  fastgen eject Post service\n\n"
        "Parts: models, schemas, service, router, tests."
    ),
)
@reports_errors
def eject(
    resource: Annotated[str, typer.Argument(help="Resource name, e.g. Post.")],
    part: Annotated[
        str, typer.Argument(help="models, schemas, service, router or tests.")
    ],
    project: ProjectDir = None,
) -> None:
    """Take one generated file over: fastgen stops checking and regenerating it."""
    from fastgen.apply import apply_plan
    from fastgen.project_config import find_project
    from fastgen.sync import plan_eject

    config = find_project(project)
    apply_plan(config.root, plan_eject(config, resource, part))
    _console().print(
        f"{resource} {part} is yours now: fastgen will leave it alone "
        "(recorded in its spec).",
        markup=False,
    )


@app.command(
    "diff",
    epilog=(
        "Examples:\n\n\b\n"
        "  fastgen diff Post service\n"
        "  fastgen diff Post service | git apply\n\n"
        "Parts: models, schemas, service, router, tests."
    ),
)
@reports_errors
def diff(
    resource: Annotated[str, typer.Argument(help="Resource name, e.g. Post.")],
    part: Annotated[
        str, typer.Argument(help="models, schemas, service, router or tests.")
    ],
    project: ProjectDir = None,
) -> None:
    """Show what fastgen would change in a file you ejected, since you took it
    over: the patch to apply by hand (or with `git apply`)."""
    from fastgen.project_config import find_project
    from fastgen.sync import ejected_patch

    patch = ejected_patch(find_project(project), resource, part)
    if patch:
        print(patch, end="")
    else:
        _console(stderr=True).print(f"{resource} {part}: fastgen would change nothing.")


@app.command(
    "check",
    epilog=(
        "Examples:\n\n\b\n"
        "  fastgen check\n"
        "  fastgen check --format json\n\n"
        "Exit codes: 0 all generated code matches its specs, 1 drift found, "
        "2 usage or configuration error."
    ),
)
@reports_errors
def check(
    output: Annotated[
        Literal["text", "json"],
        typer.Option("--format", help="text for people, json for machines."),
    ] = "text",
    project: ProjectDir = None,
) -> None:
    """Check that generated code still matches its specs (pre-commit and CI)."""
    from fastgen.check import check_project
    from fastgen.project_config import find_project

    report = check_project(find_project(project))
    if output == "json":
        import json

        print(json.dumps(report.as_json(), indent=2))
    elif report.ok:
        print(report.summary)  # one plain line: not worth importing rich
    else:
        from fastgen.report import show_check

        show_check(_console(), report)
    if not report.ok:
        raise typer.Exit(1)


@app.command(
    "init",
    epilog=(
        "Examples:\n\n\b\n"
        "  fastgen init\n"
        "  fastgen init --router app.api:api_router --dry-run\n"
        "  fastgen init --user-dependency app.api.deps:get_current_user"
    ),
)
@reports_errors
def init(
    path: Annotated[
        Path, typer.Option("--path", help="Project root [default: current].")
    ] = Path("."),
    app_package: Annotated[
        str | None,
        typer.Option("--app-package", help="The application package, e.g. app."),
    ] = None,
    router: Annotated[
        str | None,
        typer.Option("--router", help="Router to wire resources into, module:attr."),
    ] = None,
    app_option: Annotated[
        str | None,
        typer.Option(
            "--app", help="The FastAPI app, module:attr, if there are several."
        ),
    ] = None,
    user_dependency: Annotated[
        str | None,
        typer.Option(
            "--user-dependency",
            help="The project's current-user dependency, module:name; generated "
            "routers use it (and its .id) instead of better-auth verification.",
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show the plan; write nothing.")
    ] = False,
) -> None:
    """Adopt an existing FastAPI project so `add resource` works in it.

    Adds the core modules a resource needs (database, auth, errors, responses,
    Alembic) only where missing, and writes [tool.fastgen] into pyproject.toml.
    Uses the project's own Alembic (alembic.ini's script_location), database
    settings and, with --user-dependency, its current-user dependency and test
    fixtures.
    """
    from fastgen.init import plan_init

    root = path.resolve()
    if root.is_dir():
        from fastgen.apply import enter_project

        enter_project(root)
    planned = plan_init(
        root,
        app_package=app_package,
        router=router,
        app=app_option,
        user_dependency=user_dependency,
    )
    if planned.already_initialised:
        _console().print(planned.notes[0], markup=False)
        return
    _carry_out(root, planned, dry_run=dry_run)
    if not dry_run:
        from fastgen.dev_keys import PRIVATE_JWK

        private_key = root / PRIVATE_JWK
        if private_key.exists():
            private_key.chmod(0o600)
    for note in planned.notes:
        _console().print(f"[yellow]note:[/yellow] {escape(note)}")


@app.command(
    "token",
    epilog=(
        "Examples:\n\n\b\n"
        "  fastgen token --sub alice\n"
        '  curl -H "Authorization: Bearer $(fastgen token --sub alice)" '
        "localhost:8000/api/v1/health"
    ),
)
@reports_errors
def token(
    sub: Annotated[str, typer.Option("--sub", help="User id (the `sub` claim).")],
    ttl: Annotated[int, typer.Option("--ttl", help="Lifetime in seconds.")] = 3600,
    email: Annotated[
        str | None, typer.Option("--email", help="Optional `email` claim.")
    ] = None,
    user_name: Annotated[
        str | None, typer.Option("--name", help="Optional `name` claim.")
    ] = None,
    roles: Annotated[
        list[str] | None,
        typer.Option(
            "--role",
            help="A role for the role claim (AUTH_ROLE_CLAIM, default `role`); "
            "repeat it or separate roles with commas.",
        ),
    ] = None,
    project: ProjectDir = None,
) -> None:
    """Print a development JWT that the project's app accepts.

    Signed with the project's dev key (keys/), for the issuer and audience in .env.
    """
    from fastgen.project_config import find_project
    from fastgen.token import mint_dev_token

    config = find_project(project)
    print(
        mint_dev_token(
            config, sub=sub, ttl=ttl, email=email, name=user_name, roles=roles
        )
    )
