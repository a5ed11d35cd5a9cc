"""Finding a project and reading its ``[tool.fastgen]`` settings."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from fastgen.errors import FastgenError


@dataclass(frozen=True)
class ProjectConfig:
    """Where fastgen finds and writes things inside one project."""

    root: Path
    app_package: str = "app"
    api_router: str = "app.api:api_router"
    models_module: str = "app.models"
    dev_private_key: str = "keys/dev-private.jwk.json"


def find_project(start: Path | None = None) -> ProjectConfig:
    """Return the config of the nearest project at or above ``start``.

    A project is a directory whose ``pyproject.toml`` has a ``[tool.fastgen]`` table.
    """
    here = (start or Path.cwd()).resolve()
    for directory in (here, *here.parents):
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file():
            settings = _fastgen_table(pyproject)
            if settings is not None:
                return _config_from(directory, settings, pyproject)
    raise FastgenError(
        f"no fastgen project found at or above {here}: run this inside a project "
        "created by `fastgen new project`, pass --project DIR, or run `fastgen init`"
    )


def _fastgen_table(pyproject: Path) -> dict[str, object] | None:
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise FastgenError(f"cannot read {pyproject}: {exc}; fix the file") from exc
    table = data.get("tool", {}).get("fastgen")
    return table if isinstance(table, dict) else None


def _config_from(
    root: Path, settings: dict[str, object], pyproject: Path
) -> ProjectConfig:
    known = ProjectConfig.__dataclass_fields__.keys() - {"root"}
    values: dict[str, str] = {}
    for key, value in settings.items():
        if key not in known:
            continue
        if not isinstance(value, str) or not value:
            raise FastgenError(
                f"{pyproject}: [tool.fastgen] {key} must be a non-empty string"
            )
        values[key] = value
    return ProjectConfig(root=root, **values)
