"""The on-disk cache of formatting and wiring results: keyed by input and code,
damaged entries are misses, an unwritable cache is not used."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import black
import pytest

from fastgen import render
from fastgen.text_cache import TextCache, cache_home

SOURCE = "x = {  'a':1 }\n"


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg" / "fastgen"


def test_an_entry_is_stored_under_xdg_cache_home(cache_dir: Path) -> None:
    cache = TextCache("step", "json")
    key = cache.key("input")
    assert cache.get(key) is None
    cache.put(key, "output ✓")
    assert cache.get(key) == "output ✓"
    assert cache_home() == cache_dir
    assert [p.name for p in (cache_dir / "step").iterdir()] == [key]


def test_the_key_covers_every_input_and_the_code(cache_dir: Path) -> None:
    cache = TextCache("step", "json")
    keys = {
        cache.key("a", "b"),
        cache.key("ab"),
        cache.key("a", "b", ""),
        TextCache("step", "json", "fastgen.render").key("a", "b"),
    }
    assert len(keys) == 4


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[:-3],  # truncated
        lambda data: data.replace(b"output", b"outpot"),  # altered
        lambda data: b"",  # empty
        lambda data: data.split(b"\n", 1)[0] + b"\n\xff\xfe",  # not UTF-8
    ],
)
def test_a_damaged_entry_is_a_miss(
    cache_dir: Path, damage: Callable[[bytes], bytes]
) -> None:
    cache = TextCache("step", "json")
    key = cache.key("input")
    cache.put(key, "output")
    entry = cache_dir / "step" / key
    entry.write_bytes(damage(entry.read_bytes()))
    assert cache.get(key) is None
    cache.put(key, "output")
    assert cache.get(key) == "output"


def test_an_unwritable_cache_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "file").write_text("not a directory")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))
    cache = TextCache("step", "json")
    cache.put(cache.key("input"), "output")
    assert cache.get(cache.key("input")) is None


def test_format_python_gives_blacks_output_cold_warm_and_damaged(
    cache_dir: Path,
) -> None:
    expected = black.format_str(SOURCE, mode=black.Mode())
    assert render.format_python(SOURCE) == expected  # cold
    (entry,) = (cache_dir / "black").iterdir()
    assert render.format_python(SOURCE) == expected  # warm
    entry.write_bytes(entry.read_bytes()[:-2])
    assert render.format_python(SOURCE) == expected  # damaged: black again
    assert render.formatted_from_cache({"a.py": SOURCE, "b.txt": "b"}) == {
        "a.py": expected,
        "b.txt": "b",
    }
