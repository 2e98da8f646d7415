"""Scores, the shared analysis of one answer, and the scoring context (one sandbox for all).

A scorer is a function ``(case, analysis) -> Score | None`` (``None``: it does not apply to the
case). It never raises: :func:`run_scorer` turns any exception into a score of 0 whose
explanation says what broke, because a check that silently checks nothing is worse than none.
The expensive work (parse, model, lint, apply) happens once per answer, in :class:`Analysis`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from dbarch.evals.case import Answer, Case
from dbarch.evals.extract import Extracted, extract

if TYPE_CHECKING:
    from dbarch.tools.check import CheckResult
    from dbarch.tools.sandbox import Sandbox
    from dbarch.tools.schema.model import Schema


@dataclass(frozen=True, slots=True)
class Score:
    name: str
    value: float
    """In [0, 1]."""
    explanation: str
    threshold: float = 1.0
    """The value at or above which this scorer passes."""
    gate: bool = True
    """A gate that fails fails the case; other scores only weigh in the mean."""
    ms: float = 0.0

    @property
    def passed(self) -> bool:
        return self.value >= self.threshold - 1e-9

    def to_dict(self) -> dict[str, Any]:
        return {"value": round(self.value, 4), "passed": self.passed, "threshold": self.threshold,
                "gate": self.gate, "explanation": self.explanation, "ms": round(self.ms, 1)}


@dataclass(frozen=True, slots=True)
class CaseScore:
    case_id: str
    category: str
    scores: tuple[Score, ...]

    @property
    def passed(self) -> bool:
        return all(s.passed for s in self.scores if s.gate)

    @property
    def score(self) -> float:
        if not self.scores:
            return 0.0
        return sum(s.value for s in self.scores) / len(self.scores)

    @property
    def failures(self) -> list[Score]:
        return [s for s in self.scores if s.gate and not s.passed]

    def to_dict(self) -> dict[str, Any]:
        return {"passed": self.passed, "score": round(self.score, 4),
                "scores": {s.name: s.to_dict() for s in self.scores}}


class ScoringContext:
    """What scorers share: one sandbox (started on first use), a lock-free cache of loaded
    databases per case, and the row cap that keeps synthetic data small but telling."""

    def __init__(self, sandbox: Sandbox | None = None, *, max_rows: int = 20_000, pattern_rows: int = 10_000,
                 own_sandbox: bool = False) -> None:
        self._sandbox = sandbox
        self._own = own_sandbox
        self.max_rows = max_rows
        """Rows in the largest table of a case's given schema (query optimization)."""
        self.pattern_rows = pattern_rows
        """Rows in the largest table the critical queries of a designed schema read."""
        self._lock = threading.Lock()
        self.timings: dict[str, float] = {}
        from dbarch.evals.loaded import LoadedCache

        self.loaded = LoadedCache(lambda db: self.sandbox.drop_scratch(db))
        """Total milliseconds per scorer (and per analysis step) over every answer scored."""

    @property
    def sandbox(self) -> Sandbox:
        with self._lock:
            if self._sandbox is None:
                from dbarch.tools.sandbox import Sandbox

                self._sandbox = Sandbox()
                self._own = True
            box = self._sandbox
        box.start()
        return box

    def add_time(self, name: str, ms: float) -> None:
        with self._lock:
            self.timings[name] = self.timings.get(name, 0.0) + ms

    def close(self) -> None:
        self.loaded.close()
        if self._own and self._sandbox is not None:
            self._sandbox.close()
            self._sandbox = None

    def __enter__(self) -> ScoringContext:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass
class Analysis:
    """One answer to one case, analysed lazily: each step runs at most once."""

    case: Case
    answer: Answer
    ctx: ScoringContext
    notes: list[str] = field(default_factory=list)

    @cached_property
    def extracted(self) -> Extracted:
        return extract(self.answer.text)

    @cached_property
    def existing(self) -> Schema | None:
        if not self.case.schema_sql:
            return None
        from dbarch.tools.schema.from_sql import schema_from_sql

        return schema_from_sql(self.case.schema_sql)

    @cached_property
    def check(self) -> CheckResult | None:
        """Parse, model and apply the answer's DDL (on top of the case's schema when it has one)."""
        ddl = self.extracted.ddl
        if not ddl.strip():
            return None
        from dbarch.tools.check import check_sources
        from dbarch.tools.sql.source import SqlSource

        t0 = time.perf_counter()
        sources = [SqlSource("answer.sql", ddl)]
        if self.case.schema_sql:
            sources.insert(0, SqlSource("given-schema.sql", self.case.schema_sql))
        result = check_sources(sources, sandbox=self.ctx.sandbox, lint=False)
        self.ctx.add_time("analysis:check", (time.perf_counter() - t0) * 1000)
        return result

    @cached_property
    def schema(self) -> Schema | None:
        return self.check.schema if self.check is not None else None

    @cached_property
    def lint(self) -> tuple[Any, ...]:
        """Lint diagnostics of the answer's SQL (with the case's schema as the existing one)."""
        chk = self.check
        if chk is None or not chk.scripts:
            return ()
        from dbarch.tools.lint.engine import lint_script

        t0 = time.perf_counter()
        script = chk.scripts[-1]
        existing = self.existing
        report = lint_script(script, existing=existing, schema=chk.schema)
        found = [d for d in report.diagnostics if d.rule != "parse-error"]
        if self.extracted.queries:  # the answer's queries, read against its schema
            from dbarch.tools.sql.parse import parse_script

            queries = parse_script("".join(q.rstrip().rstrip(";") + ";\n" for q in self.extracted.queries),
                                   source="answer-queries.sql")
            qreport = lint_script(queries, existing=chk.schema, schema=chk.schema, select=["queries"])
            found += [d for d in qreport.diagnostics if d.rule != "parse-error"]
        self.ctx.add_time("analysis:lint", (time.perf_counter() - t0) * 1000)
        return tuple(found)


Scorer = Callable[[Case, Analysis], "Score | None"]


def run_scorer(name: str, fn: Scorer, case: Case, analysis: Analysis) -> Score | None:
    t0 = time.perf_counter()
    try:
        score = fn(case, analysis)
    except Exception as exc:  # a scorer never raises: it says what broke
        score = Score(name, 0.0, f"scorer failed: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
    ms = (time.perf_counter() - t0) * 1000
    analysis.ctx.add_time(name, ms)
    if score is None:
        return None
    value = min(1.0, max(0.0, float(score.value)))
    return Score(score.name, value, score.explanation, score.threshold, score.gate, ms)
