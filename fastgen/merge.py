"""Three-way merge of a generated file the user edited with its new render.

``base`` is what fastgen last rendered, ``mine`` the file on disk, ``theirs`` the
new render. Lines only one side changed take that side's version; lines both sides
changed the same way are taken once; lines both changed differently are a conflict,
written with the usual markers when the caller asks for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

MINE_MARKER = "<<<<<<< yours (on disk)"
SEPARATOR = "======="
THEIRS_MARKER = ">>>>>>> fastgen (new render)"


@dataclass(frozen=True)
class Merged:
    """The merged text (with conflict markers where both sides changed a region)
    and how many conflicting regions it has."""

    text: str
    conflicts: int

    @property
    def clean(self) -> bool:
        return self.conflicts == 0


def merge3(base: str, mine: str, theirs: str) -> Merged:
    """Merge the changes from ``base`` to ``mine`` and to ``theirs``."""
    b = base.splitlines(keepends=True)
    a = mine.splitlines(keepends=True)
    c = theirs.splitlines(keepends=True)
    out: list[str] = []
    conflicts = 0
    ib = ia = ic = 0
    for sb, eb, sa, sc in _stable_regions(b, a, c):
        chunk_b, chunk_a, chunk_c = b[ib:sb], a[ia:sa], c[ic:sc]
        if chunk_a == chunk_b:
            out += chunk_c
        elif chunk_c == chunk_b or chunk_a == chunk_c:
            out += chunk_a
        else:
            conflicts += 1
            out += [
                f"{MINE_MARKER}\n",
                *_terminated(chunk_a),
                f"{SEPARATOR}\n",
                *_terminated(chunk_c),
                f"{THEIRS_MARKER}\n",
            ]
        out += b[sb:eb]
        ib, ia, ic = eb, sa + (eb - sb), sc + (eb - sb)
    return Merged("".join(out), conflicts)


def _stable_regions(
    b: list[str], a: list[str], c: list[str]
) -> list[tuple[int, int, int, int]]:
    """Base ranges unchanged on both sides: ``(base start, base end, start in
    mine, start in theirs)``, in order, ending with an empty one at the end."""
    to_mine = SequenceMatcher(None, b, a, autojunk=False).get_matching_blocks()
    to_theirs = SequenceMatcher(None, b, c, autojunk=False).get_matching_blocks()
    regions = []
    i = j = 0
    while i < len(to_mine) and j < len(to_theirs):
        m, t = to_mine[i], to_theirs[j]
        start, end = max(m.a, t.a), min(m.a + m.size, t.a + t.size)
        if start < end:
            regions.append((start, end, m.b + start - m.a, t.b + start - t.a))
        if m.a + m.size < t.a + t.size:
            i += 1
        else:
            j += 1
    regions.append((len(b), len(b), len(a), len(c)))
    return regions


def _terminated(lines: list[str]) -> list[str]:
    """Lines with a final newline, so a marker never joins the last line."""
    if lines and not lines[-1].endswith("\n"):
        return [*lines[:-1], lines[-1] + "\n"]
    return lines
