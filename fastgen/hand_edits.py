"""What becomes of a generated file the user changed, when fastgen renders it again.

A hand edit is carried forward by a three-way merge (base = what fastgen last
rendered, mine = the disk, theirs = the new render). A clean merge is written and
recorded, so ``check`` stays green; a conflicting one stops the command unless the
caller asks for conflict markers or for fastgen's version. An ejected file is never
written: fastgen only notes when its render has moved on from the base the user
took over.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from fastgen.merge import merge3
from fastgen.plan import content_hash


@dataclass(frozen=True)
class EditPolicy:
    """How a command treats hand edits: ``force`` takes fastgen's render,
    ``keep_edits`` records edits (and ejected files) as they are, ``markers``
    writes conflict markers where a merge conflicts."""

    force: bool = False
    keep_edits: bool = False
    markers: bool = False


DEFAULT_POLICY = EditPolicy()


class Outcome(StrEnum):
    """What happened to a hand edit."""

    NONE = "none"  # no hand edit, or fastgen's render wins
    KEPT = "kept"
    MERGED = "merged"
    MARKED = "marked"  # merged with conflict markers
    CONFLICT = "conflict"  # both sides changed the same lines
    EDITED = "edited"  # an unrecorded edit, and nothing new to merge it with


@dataclass(frozen=True)
class Carried:
    """The text to write, the hash the manifest records for it, and whether it is
    written even though the disk is not what fastgen last recorded."""

    text: str
    recorded: str
    outcome: Outcome = Outcome.NONE

    @property
    def in_place(self) -> bool:
        return self.outcome in (Outcome.MERGED, Outcome.MARKED)


def is_hand_edited(text: str, *, recorded: str | None, base: str | None) -> bool:
    """Whether a generated file's ``text`` is not what fastgen rendered: edited
    since fastgen recorded it, or an edit the user kept (it differs from the base)."""
    return content_hash(text) != recorded or (base is not None and text != base)


def carry_hand_edit(
    disk: str | None,
    render: str,
    *,
    recorded: str | None,
    base: str | None,
    policy: EditPolicy,
    spec_changed: bool,
) -> Carried:
    """What to write for a generated file whose new render is ``render``.

    ``recorded`` is the hash the manifest holds for the file and ``base`` what
    fastgen last rendered for it (``None`` for projects from before bases were
    kept: then an unedited file is its own base, and an edited one a conflict).
    When the spec changed, an edit to a file the change does not touch is kept
    (the trivial merge); re-rendering an unchanged spec over an unrecorded edit is
    a conflict, resolved by ``keep_edits`` or ``force``.
    """
    fresh = Carried(render, content_hash(render))
    if disk is None or disk == render or policy.force:
        return fresh
    edited = content_hash(disk) != recorded
    if base is None and not edited:
        base = disk
    if base is None or disk == base:
        return fresh
    if base == render:  # nothing new for this file: the edit stands or conflicts
        if edited and not (policy.keep_edits or spec_changed):
            return Carried(render, content_hash(render), Outcome.EDITED)
        return Carried(
            disk, content_hash(disk), Outcome.KEPT if edited else Outcome.NONE
        )
    merged = merge3(base, disk, render)
    if merged.clean:
        return Carried(merged.text, content_hash(merged.text), Outcome.MERGED)
    if policy.markers:
        # recorded as fastgen's render, so `check` shows the markers until resolved
        return Carried(merged.text, content_hash(render), Outcome.MARKED)
    return Carried(render, content_hash(render), Outcome.CONFLICT)


@dataclass(frozen=True)
class EjectedState:
    """An ejected file's base and the spec hash it was rendered from."""

    base: str
    stamp: str

    def stale(self, spec_hash: str) -> bool:
        return self.stamp != spec_hash


def follow_ejected(
    render: str,
    *,
    base: str | None,
    stamp: str | None,
    spec_hash: str,
    policy: EditPolicy,
) -> EjectedState:
    """The new base of an ejected file: its render when that did not change (or
    the user says they have caught up); otherwise the old base, now stale."""
    if base is None or stamp is None or render == base or policy.keep_edits:
        return EjectedState(render, spec_hash)
    return EjectedState(base, stamp)
