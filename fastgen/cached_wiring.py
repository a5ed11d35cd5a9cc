"""The edits of :mod:`fastgen.wiring`, made without importing libcst when they
can be: as line edits for files in the usual shapes (:mod:`fastgen.plain_wiring`),
else read from the cache when libcst made them before."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from fastgen import plain_wiring
from fastgen.text_cache import TextCache

_PLAIN: dict[str, Callable[..., str | None]] = {
    "wire_router": plain_wiring.wire_router,
    "register_model": plain_wiring.register_model,
}


class NotCached(Exception):
    """The edit was never made before: only libcst can make it."""


@cache
def _edits() -> TextCache:
    return TextCache("wiring", "libcst", "fastgen.wiring")


def edit(function: str, source: str, *, compute: bool, **arguments: str | None) -> str:
    """``fastgen.wiring.<function>(source, **arguments)``; without ``compute``, an
    edit that needs libcst and is not cached raises :class:`NotCached`."""
    plain = _PLAIN.get(function)
    if plain is not None:
        edited = plain(source, **{k: v for k, v in arguments.items() if k != "path"})
        if edited is not None:
            return edited
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
