"""The edits of :mod:`fastgen.wiring`, read from the cache when made before:
libcst is imported only to make an edit for the first time."""

from __future__ import annotations

from functools import cache

from fastgen.text_cache import TextCache


class NotCached(Exception):
    """The edit was never made before: only libcst can make it."""


@cache
def _edits() -> TextCache:
    return TextCache("wiring", "libcst", "fastgen.wiring")


def edit(function: str, source: str, *, compute: bool, **arguments: str | None) -> str:
    """``fastgen.wiring.<function>(source, **arguments)``; without ``compute``, an
    edit that is not cached raises :class:`NotCached`."""
    key = _edits().key(
        function,
        source,
        *(f"{name}={value!r}" for name, value in sorted(arguments.items())),
    )
    edited = _edits().get(key)
    if edited is not None:
        return edited
    if not compute:
        raise NotCached(function)
    from fastgen import wiring

    edited = getattr(wiring, function)(source, **arguments)
    assert isinstance(edited, str)
    _edits().put(key, edited)
    return edited
