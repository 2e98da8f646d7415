"""Typed events of :meth:`dbarch.agent.session.Architect.stream`.

``TokenEvent`` carries model text as it arrives (a draft: the verification and output guard
may still change the answer), ``ToolStartEvent``/``ToolEndEvent`` bracket each tool call, and
``FinalEvent`` carries the :class:`~dbarch.agent.result.DesignResult`, whose ``answer`` is final.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dbarch.agent.result import DesignResult


@dataclass(frozen=True, slots=True)
class TokenEvent:
    text: str


@dataclass(frozen=True, slots=True)
class ToolStartEvent:
    name: str
    args: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ToolEndEvent:
    name: str
    ok: bool
    summary: str
    ms: float


@dataclass(frozen=True, slots=True)
class StatusEvent:
    """A step of the graph the user may want to see (verifying, fixing, guard)."""

    text: str


@dataclass(frozen=True, slots=True)
class FinalEvent:
    result: DesignResult


Event = TokenEvent | ToolStartEvent | ToolEndEvent | StatusEvent | FinalEvent
