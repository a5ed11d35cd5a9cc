"""A job run by a forked worker that imported its modules first."""

import os
import sys
import time

import pytest

import fastgen.render
from fastgen.errors import FastgenError
from fastgen.parallel import _MOST_TURNS, Worker, _costliest_first, format_in_two


def _pid_and_modules(*names: str) -> tuple[int, list[bool]]:
    return os.getpid(), [name in sys.modules for name in names]


def _fails(message: str) -> None:
    raise FastgenError(message)


def test_the_job_runs_in_a_child_that_imported_the_modules_first() -> None:
    with Worker("json.tool") as worker:
        here, (there, imported) = worker.run_alongside(
            os.getpid, _pid_and_modules, "json.tool"
        )
    assert here == os.getpid()
    assert there != here if hasattr(os, "fork") else there == here
    assert imported == [True]


def test_this_process_imports_what_it_needs_next_while_it_waits() -> None:
    sys.modules.pop("colorsys", None)
    with Worker(then=("colorsys",)) as worker:
        before, _ = worker.run_alongside(lambda: "colorsys" in sys.modules, os.getpid)
    assert not before
    assert "colorsys" in sys.modules


def test_an_error_in_the_child_is_raised_in_the_parent() -> None:
    with Worker() as worker, pytest.raises(FastgenError, match="cannot choose"):
        worker.run_alongside(lambda: 1, _fails, "cannot choose where to wire")


def test_an_error_here_still_reaps_the_child() -> None:
    def fails() -> int:
        raise ValueError("boom")

    with Worker() as worker, pytest.raises(ValueError, match="boom"):
        worker.run_alongside(fails, os.getpid)
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


def test_an_error_before_the_job_still_reaps_the_child() -> None:
    with pytest.raises(ValueError, match="boom"), Worker("decimal"):
        raise ValueError("boom")
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


def _formatted_by(files: dict[str, str]) -> dict[str, str]:
    """Stands in for black: which process formatted each file, slowly for a
    file that says so."""
    if any("slow" in text for text in files.values()):
        time.sleep(1)
    return {path: str(os.getpid()) for path in files}


LONG_ROW = "x = f(" + ", ".join(["a"] * 45) + ")\n"  # 141 characters


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_the_two_processes_take_files_in_turn_till_none_is_left(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(fastgen.render, "format_python_files", _formatted_by)
    # halved by work, one of the quick files would go with the slow one
    files = {"slow.py": "slow = 1\n" + LONG_ROW}
    files |= {f"quick{n}.py": "x = 1\n" * 50 for n in range(3)}
    done = format_in_two(files)
    # whichever process took the slow file first, the other took all the rest
    quick = {done[path] for path in files if path != "slow.py"}
    assert len(quick) == 1 and done["slow.py"] not in quick


def test_more_files_than_turns_are_taken_in_batches(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(fastgen.render, "format_python_files", _formatted_by)
    files = {f"m{n}.py": "x = 1\n" for n in range(3 * _MOST_TURNS + 1)}
    assert format_in_two(files).keys() == files.keys()


def test_rows_black_must_split_weigh_more_than_their_size() -> None:
    files = {"rows.py": "x = 1\n" * 60, "long.py": LONG_ROW, "small.py": "x\n"}
    assert len(files["rows.py"]) > len(files["long.py"])
    assert _costliest_first(files) == ["long.py", "rows.py", "small.py"]


def test_the_formatting_job_formats_every_file() -> None:
    files = {"a.py": "x=1", "b.py": "y=[1,2]", "notes.txt": "as  it  is"}
    assert format_in_two(files) == {
        "a.py": "x = 1\n",
        "b.py": "y = [1, 2]\n",
        "notes.txt": "as  it  is",
    }
