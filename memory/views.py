"""What ``dbarch memory show --format json`` prints: each workspace file as a typed value.

>>> from dbarch.memory import Workspace
>>> view = read_view(Workspace("/nonexistent-workspace"), "state")
>>> view.file, view.plans
('01_state.md', ())
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from dbarch.memory.notes import Note, read_notes
from dbarch.memory.paths import MEMORY, SOUL, STATE
from dbarch.memory.soul import Decision, read_decisions, read_schema_sql
from dbarch.memory.state import Plan, read_plans
from dbarch.memory.workspace import Workspace

FILES = {"soul": SOUL, "state": STATE, "memory": MEMORY}
"""The workspace file behind each view."""


@dataclass(frozen=True, slots=True)
class SoulView:
    """``00_soul.md``: the current schema and the decision records."""

    schema_sql: str
    decisions: tuple[Decision, ...]
    file: str = SOUL


@dataclass(frozen=True, slots=True)
class StateView:
    """``01_state.md``: the plans."""

    plans: tuple[Plan, ...]
    file: str = STATE


@dataclass(frozen=True, slots=True)
class MemoryView:
    """``02_memory.md``: strategies, conventions and lessons."""

    notes: tuple[Note, ...]
    file: str = MEMORY


View = SoulView | StateView | MemoryView


def read_view(ws: Workspace, what: Literal["soul", "state", "memory"]) -> View:
    """The typed content of one workspace file (empty when the file does not exist yet)."""
    if what == "soul":
        return SoulView(read_schema_sql(ws), tuple(read_decisions(ws)))
    if what == "state":
        return StateView(tuple(read_plans(ws)))
    return MemoryView(tuple(read_notes(ws)))
