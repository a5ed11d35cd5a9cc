"""The three-way merge of a hand-edited generated file with its new render."""

from __future__ import annotations

import pytest

from fastgen.merge import MINE_MARKER, SEPARATOR, THEIRS_MARKER, merge3

BASE = "".join(f"line {n}\n" for n in range(1, 11))


def _replace(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


@pytest.mark.parametrize(
    ("mine", "theirs", "expected"),
    [
        (BASE, BASE, BASE),
        (BASE + "mine\n", BASE, BASE + "mine\n"),
        (BASE, BASE + "theirs\n", BASE + "theirs\n"),
        (
            _replace(BASE, "line 2\n", "line 2 edited\n"),
            _replace(BASE, "line 8\n", "line 8\nline 8b\n"),
            _replace(
                _replace(BASE, "line 2\n", "line 2 edited\n"),
                "line 8\n",
                "line 8\nline 8b\n",
            ),
        ),
        (
            "header\n" + BASE,
            _replace(BASE, "line 5\n", ""),
            "header\n" + _replace(BASE, "line 5\n", ""),
        ),
        (
            _replace(BASE, "line 3\n", "same\n"),
            _replace(BASE, "line 3\n", "same\n"),
            _replace(BASE, "line 3\n", "same\n"),
        ),
        ("", BASE, ""),  # the user emptied the file and fastgen did not change it
    ],
    ids=[
        "nothing-changed",
        "only-mine",
        "only-theirs",
        "both-far-apart",
        "insert-and-delete",
        "same-change-both-sides",
        "mine-deleted-all",
    ],
)
def test_clean_merges(mine: str, theirs: str, expected: str) -> None:
    merged = merge3(BASE, mine, theirs)
    assert merged.clean
    assert merged.text == expected


def test_a_region_both_sides_changed_is_a_conflict_with_markers() -> None:
    mine = _replace(BASE, "line 4\n", "line 4 mine\n")
    theirs = _replace(
        _replace(BASE, "line 4\n", "line 4 theirs\n"), "line 9\n", "line 9 theirs\n"
    )
    merged = merge3(BASE, mine, theirs)
    assert merged.conflicts == 1
    assert merged.text == _replace(
        _replace(
            BASE,
            "line 4\n",
            f"{MINE_MARKER}\nline 4 mine\n{SEPARATOR}\nline 4 theirs\n"
            f"{THEIRS_MARKER}\n",
        ),
        "line 9\n",
        "line 9 theirs\n",
    )


def test_a_last_line_without_newline_does_not_join_a_marker() -> None:
    merged = merge3("a\nb", "a\nmine", "a\ntheirs")
    assert merged.text == (
        f"a\n{MINE_MARKER}\nmine\n{SEPARATOR}\ntheirs\n{THEIRS_MARKER}\n"
    )
