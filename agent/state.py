"""The graph's state: :class:`InputState` is what a caller passes, :class:`State` what the nodes
share, :class:`OutputState` what a run returns.

Everything but the messages is plain JSON (dicts, lists, strings, numbers) so that any
checkpointer stores it; per-turn fields are reset by the first node of each turn, so a thread's
earlier turns only live on in its messages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any

from langchain_core.messages import AnyMessage
from langgraph.graph import add_messages

from dbarch.agent.result import DesignResult


@dataclass
class InputState:
    messages: Annotated[Sequence[AnyMessage], add_messages] = field(default_factory=list)
    """The conversation of the thread. A turn starts when the caller appends the user's
    request as a human message; the graph appends the model's replies and tool results."""


@dataclass
class State(InputState):
    design_sql: str = ""
    """This thread's current design: the DDL of its last verified answers (kept across turns,
    so that a follow-up's ALTER is checked on top of it)."""
    request: str = ""
    """The user's request of this turn (the last human message)."""
    guard: dict[str, Any] = field(default_factory=dict)
    """The input guard's verdict for this turn: ``{verdict, reasons, unsure, app_parts}``."""
    workspace_summary: str = ""
    """The workspace summary read at the start of the turn (at most 1,500 tokens)."""
    turn: dict[str, Any] = field(default_factory=dict)
    """What the tools did this turn: ``checks`` (verification records), ``plans`` (EXPLAIN
    summaries), ``migrations`` and ``decisions`` written, ``schema_sql`` last applied."""
    tool_rounds: int = 0
    """Model ⇄ tools rounds run this turn (bounded by ``Context.max_tool_rounds``)."""
    must_answer: bool = False
    """The tool-round bound was reached: the next model call has no tools and must answer."""
    fix_rounds: int = 0
    """Times the model was sent back to fix SQL that failed the graph's verification."""
    guard_redo: bool = False
    """The output guard sent the answer back once already (never twice)."""
    answer: str = ""
    """The answer being finished (guarded; the verification summary comes last)."""
    verification: dict[str, Any] = field(default_factory=dict)
    """The verification of the answer's SQL (see :class:`~dbarch.agent.result.Verification`)."""
    ddl: str = ""
    """The DDL and migration SQL the answer holds."""
    guard_notes: list[str] = field(default_factory=list)
    usage: dict[str, int] = field(default_factory=dict)
    """Token usage summed over this turn's model calls."""
    started: float = 0.0
    """Wall-clock start of the turn (``time.time()``)."""
    result: DesignResult | None = None
    """The turn's outcome, set by the last node."""


@dataclass
class OutputState:
    result: DesignResult | None = None
    """The :class:`DesignResult` of the turn."""
