"""fastgen.file_hashes: a file is read again exactly when its status changed, or
when it changed too recently for its status to be trusted."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest

import fastgen.file_hashes
from fastgen.file_hashes import RECENT_NS, FileHashes, file_hash

LATER = 10 * RECENT_NS  # as if the check ran well after the files were written


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files FileHashes reads."""
    read: list[str] = []

    def counted(path: str) -> str:
        read.append(Path(path).name)
        return file_hash(path)

    monkeypatch.setattr(fastgen.file_hashes, "file_hash", counted)
    return read


def _later() -> int:
    return time.time_ns() + LATER


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _pass_a_timestamp_tick() -> None:
    """Let the filesystem's clock move on (it ticks every few milliseconds)."""
    time.sleep(0.05)


def test_hashes_are_the_files_sha256(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_bytes(b"x = 1\n")
    (tmp_path / "pkg").mkdir()
    hashes = FileHashes(str(tmp_path))
    assert hashes.of("a.py") == _sha(b"x = 1\n")
    assert hashes.of("missing.py") is None
    assert hashes.of("pkg") is None  # a directory is no file


def test_an_unchanged_file_is_not_read_again(tmp_path: Path, reads: list[str]) -> None:
    (tmp_path / "a.py").write_bytes(b"x = 1\n")
    first = FileHashes(str(tmp_path), now_ns=_later())
    assert first.of("a.py") == _sha(b"x = 1\n")
    first.save()
    second = FileHashes(str(tmp_path), now_ns=_later())
    assert second.of("a.py") == _sha(b"x = 1\n")
    assert reads == ["a.py"]


def test_a_change_that_keeps_size_and_modification_time_is_seen(
    tmp_path: Path, reads: list[str]
) -> None:
    target = tmp_path / "a.py"
    target.write_bytes(b"x = 1\n")
    first = FileHashes(str(tmp_path), now_ns=_later())
    first.of("a.py")
    first.save()
    before = target.stat()
    _pass_a_timestamp_tick()
    target.write_bytes(b"x = 2\n")  # same size, in place: same inode
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert target.stat().st_mtime_ns == before.st_mtime_ns
    second = FileHashes(str(tmp_path), now_ns=_later())
    assert second.of("a.py") == _sha(b"x = 2\n")  # its change time moved
    assert reads == ["a.py", "a.py"]


def test_a_recently_changed_file_is_read_every_time(
    tmp_path: Path, reads: list[str]
) -> None:
    (tmp_path / "a.py").write_bytes(b"x = 1\n")
    for _ in range(2):
        hashes = FileHashes(str(tmp_path))  # now: the file changed just before
        assert hashes.of("a.py") == _sha(b"x = 1\n")
        hashes.save()
    assert reads == ["a.py", "a.py"]


def test_a_damaged_record_is_read_around(tmp_path: Path, reads: list[str]) -> None:
    (tmp_path / "a.py").write_bytes(b"x = 1\n")
    (tmp_path / "b.py").write_bytes(b"y = 1\n")
    first = FileHashes(str(tmp_path), now_ns=_later())
    first.of("a.py")
    first.of("b.py")
    first.save()
    records = fastgen.file_hashes._records()
    key = records.key(str(tmp_path))
    damaged = '{"a.py": [1, 2], "b.py": "x"}'
    records.put(key, damaged)
    again = FileHashes(str(tmp_path), now_ns=_later())
    assert again.of("a.py") == _sha(b"x = 1\n")
    assert again.of("b.py") == _sha(b"y = 1\n")
    records.put(key, "[not json")
    assert FileHashes(str(tmp_path), now_ns=_later()).of("a.py") == _sha(b"x = 1\n")
    assert reads == ["a.py", "b.py", "a.py", "b.py", "a.py"]


def test_each_project_directory_has_its_own_records(
    tmp_path: Path, reads: list[str]
) -> None:
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "a.py").write_text(f"name = {name!r}\n")
    first = FileHashes(str(tmp_path / "one"), now_ns=_later())
    first.of("a.py")
    first.save()
    other = FileHashes(str(tmp_path / "two"), now_ns=_later())
    assert other.of("a.py") == _sha(b"name = 'two'\n")
    assert reads == ["a.py", "a.py"]


def test_a_note_lasts_as_long_as_the_hash(tmp_path: Path, reads: list[str]) -> None:
    (tmp_path / "a.py").write_bytes(b"x = 1\n")
    first = FileHashes(str(tmp_path), now_ns=_later())
    assert first.noted("a.py") == (_sha(b"x = 1\n"), None)
    first.keep_note("a.py", "abc def")
    first.save()
    second = FileHashes(str(tmp_path), now_ns=_later())
    assert second.noted("a.py") == (_sha(b"x = 1\n"), "abc def")
    _pass_a_timestamp_tick()
    (tmp_path / "a.py").write_bytes(b"x = 2\n")
    third = FileHashes(str(tmp_path), now_ns=_later())
    assert third.noted("a.py") == (_sha(b"x = 2\n"), None)
    assert reads == ["a.py", "a.py"]


def test_a_recently_changed_file_keeps_no_note(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_bytes(b"x = 1\n")
    first = FileHashes(str(tmp_path))  # now: the file is too recent to record
    first.noted("a.py")
    first.keep_note("a.py", "abc def")
    first.save()
    later = FileHashes(str(tmp_path), now_ns=_later())
    assert later.noted("a.py") == (_sha(b"x = 1\n"), None)
