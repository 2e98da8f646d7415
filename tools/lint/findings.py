"""What linting reports: severities, findings, text edits and one file's report.

These values import nothing heavy (no SQL parser), so a run whose reports all come from the
lint cache (:mod:`dbarch.tools.lint.cache`) never loads sqlglot or pglast.

The JSON form of a :class:`Diagnostic` is the one :mod:`dbarch.tools.jsonform` gives; the
hottest output path (``dbarch lint --format json`` and the cache) writes it with
:func:`diagnostic_json`, which ``tests/lint/test_findings_json.py`` holds equal to it.

>>> d = Diagnostic("no-float-money", Severity.WARNING, "use numeric", 1, 17)
>>> diagnostic_from_json(diagnostic_json(d)) == d
True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import IntEnum
from functools import cached_property
from typing import Any

PARSE_ERROR = "parse-error"
INTERNAL_ERROR = "internal-error"
ENGINE_IDS = (PARSE_ERROR, INTERNAL_ERROR)
"""Ids the engine reports itself (not rules): they can be ignored like any rule."""


class Severity(IntEnum):
    INFO = 1
    WARNING = 2
    ERROR = 3

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, name: str) -> Severity:
        return cls[name.upper()]

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        """JSON form: the lower-case name (``"warning"``), not the number."""
        from pydantic_core import core_schema as cs

        names = cs.literal_schema([str(s) for s in cls])
        return cs.no_info_after_validator_function(
            cls.parse, names, serialization=cs.plain_serializer_function_ser_schema(str, return_schema=names)
        )


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding. A value: rendering (text, JSON, SARIF, GitHub) is separate."""

    rule: str
    severity: Severity
    message: str
    line: int
    column: int
    hint: str | None = None
    file: str | None = None
    end_line: int | None = None
    end_column: int | None = None


_FIELDS = tuple(Diagnostic.__dataclass_fields__)


def diagnostic_json(d: Diagnostic) -> dict[str, Any]:
    """``d``'s JSON form (the same document :func:`dbarch.tools.jsonform.to_jsonable` gives)."""
    return {
        "rule": d.rule, "severity": str(d.severity), "message": d.message, "line": d.line,
        "column": d.column, "hint": d.hint, "file": d.file, "end_line": d.end_line, "end_column": d.end_column,
    }


def diagnostic_from_json(data: dict[str, Any]) -> Diagnostic:
    """A :class:`Diagnostic` read back from its JSON form (``KeyError``/``ValueError`` when
    ``data`` is not one)."""
    values = {name: data[name] for name in _FIELDS}
    values["severity"] = Severity.parse(values["severity"])
    return Diagnostic(**values)


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``source[start:end]`` (absolute character offsets) with ``text``."""

    start: int
    end: int
    text: str


def _no_edits() -> tuple[Edit, ...]:
    return ()


@dataclass(frozen=True)
class LintReport:
    source: str
    diagnostics: tuple[Diagnostic, ...]
    statements: int
    """SQL statements in the script."""
    skipped: int
    """Statements not analysed (opaque to sqlglot): no rule saw them."""
    fixes: Callable[[], tuple[Edit, ...]] = field(
        default=_no_edits, repr=False, compare=False, metadata={"exclude": True}
    )
    """Computes :attr:`edits`: only ``--fix`` reads them, so plain linting never pays for it."""
    suppressed: int = 0
    fixable: frozenset[str] = frozenset()
    """Ids of the rules among :attr:`diagnostics` that have a safe automatic fix."""
    cached: bool = field(default=False, compare=False)
    """True when the report was read from the lint cache instead of computed."""

    @cached_property
    def edits(self) -> tuple[Edit, ...]:
        """Fixes for the fixable findings reported (apply with :func:`apply_edits`)."""
        return self.fixes()

    def at_or_above(self, severity: Severity) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity >= severity)

    def counts(self) -> dict[str, int]:
        out = {str(s): 0 for s in sorted(Severity, reverse=True)}
        for d in self.diagnostics:
            out[str(d.severity)] += 1
        return out
