"""The README's commands are the ones CI and the demo actually run."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _readme_commands() -> list[str]:
    lines = (ROOT / "README.md").read_text().splitlines()
    section = lines[lines.index("## On a fresh machine") :]
    commands, inside = [], False
    for line in section:
        if line.startswith("```"):
            inside = not inside and line == "```sh"
            continue
        if inside:
            commands.append(line)
        if line.startswith("## Commands"):
            break
    return commands


def test_readme_gives_exactly_two_fresh_machine_commands() -> None:
    assert _readme_commands() == [
        "bash .ci/demo",
        "python3 -m venv .venv && .venv/bin/pip install -q -e '.[dev]' "
        "&& .venv/bin/python -m pytest",
    ]


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    ci_lines = (ROOT / ".ci/run").read_text().splitlines()
    assert _readme_commands()[1] in ci_lines
