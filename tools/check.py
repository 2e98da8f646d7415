"""``check``: the verification loop's first half, as one typed function.

SQL text → statements → parse (line:col errors) → schema model → lint findings, and the same
statements applied in a scratch database of the sandbox (the server's SQLSTATE mapped back to
line:col). The CLI, the agent's tools and the eval scorers all call :func:`check_sources`.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from dbarch.tools.errors import DbarchError
from dbarch.tools.schema.model import Schema
from dbarch.tools.sql.parse import Note, ParsedScript, group_notes, parse_script
from dbarch.tools.sql.source import SqlSource


@dataclass(frozen=True, slots=True)
class CheckResult:
    sources: tuple[str, ...]
    dialect: str
    statements: int
    """SQL statements in all sources (meta-commands and COPY data not counted)."""
    not_analysed: int
    """Statements sqlglot kept as opaque text (the server still judged them)."""
    schema: Schema
    errors: tuple[DbarchError, ...]
    notes: tuple[Note, ...]
    applied: bool
    """True when every statement ran in the sandbox."""
    apply_attempted: bool
    lint: tuple[Any, ...] = ()
    """Lint diagnostics (:class:`tools.lint.base.Diagnostic`)."""
    timings_ms: dict[str, float] = field(default_factory=dict)
    scripts: tuple[ParsedScript, ...] = field(default=(), repr=False, compare=False)
    """The parsed sources (not in :meth:`to_dict`), for callers that go on with them."""

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def tables(self) -> tuple[str, ...]:
        return tuple(t.display_name for t in self.schema)

    @property
    def apply_verdict(self) -> str:
        """What happened on the sandbox, in a few words for the summary line."""
        parse_errors = sum(1 for s in self.scripts for st in s.statements if st.error is not None)
        if self.applied:
            return "applied cleanly in the sandbox"
        if self.apply_attempted:
            failed = len(self.errors) - parse_errors
            if parse_errors:
                return f"applied except {failed + parse_errors} statements (--keep-going; errors above)"
            return "not applied (errors above)"
        if self.dialect != "postgres":
            return f"not applied ({self.dialect} SQL; the sandbox is PostgreSQL)"
        if parse_errors:
            return "not applied (parse errors above; --keep-going applies the other statements)"
        return "not applied (no sandbox)"

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "sources": list(self.sources),
            "dialect": self.dialect,
            "statements": self.statements,
            "not_analysed": self.not_analysed,
            "tables": list(self.tables),
            "errors": [e.to_dict() for e in self.errors],
            "notes": [{"message": n.message, "line": n.line, "column": n.column, "count": n.count}
                      for n in self.notes],
            "applied": self.applied,
            "apply_attempted": self.apply_attempted,
            "lint": [d.to_dict() for d in self.lint],
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
        }


def check_sources(
    sources: Sequence[SqlSource],
    *,
    dialect: str = "postgres",
    sandbox: Any | None = None,
    apply: bool = True,
    lint: bool = True,
    existing: Schema | None = None,
    keep_going: bool = False,
    variables: Mapping[str, str] | None = None,
) -> CheckResult:
    """Parse, model, lint and (for PostgreSQL, with a sandbox) apply ``sources`` in order.

    ``sandbox`` is a :class:`tools.sandbox.Sandbox`; ``None`` or ``apply=False`` skips the
    server. Sources are applied one after another in the same scratch database, so a folder
    of migrations is checked as it would be replayed. ``keep_going`` applies every statement
    it can (statements that do not parse are left out) and reports every failure;
    ``variables`` are psql variables (see :mod:`tools.sql.variables`). A ``KeyboardInterrupt``
    cancels the statement running on the server before it propagates.
    """
    from dbarch.tools.schema.from_sql import schema_from_script
    from dbarch.tools.sql.parse import analyse_script

    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    scripts = [parse_script(src.text, dialect=dialect, source=src.name, analyse=False, variables=variables)
               for src in sources]
    timings["validate"] = (time.perf_counter() - t0) * 1000
    errors: list[DbarchError] = [e for s in scripts for e in s.errors]
    notes: list[Note] = [n for s in scripts for n in s.notes]

    # The server applies while this thread models and lints: two cores, two jobs.
    pending: Future[Any] | None = None
    pool: ThreadPoolExecutor | None = None
    attempted = bool(apply and sandbox is not None and scripts and scripts[0].dialect == "postgres"
                     and (keep_going or not errors))
    cancel = _Cancel()
    if attempted and sandbox is not None:
        sandbox.install_exit_hooks()  # signal handlers belong to the main thread
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dbarch-apply")
        # the apply thread mostly waits on the server; hand it the GIL back quickly when it
        # wakes (1 ms instead of the default 5 ms): each round trip would otherwise wait for it
        switch = sys.getswitchinterval()
        sys.setswitchinterval(0.001)
        pending = pool.submit(_apply, sandbox, scripts, keep_going, cancel)
    elif dialect != "postgres" and apply and sandbox is not None:
        notes.append(Note(f"the sandbox is PostgreSQL: {dialect} SQL was parsed and linted, not applied", 1))

    try:
        t0 = time.perf_counter()
        scripts = [analyse_script(s) for s in scripts]
        timings["parse"] = (time.perf_counter() - t0) * 1000
        t0 = time.perf_counter()
        schema = existing or Schema()
        before: list[Schema] = []  # the schema each script starts from (its live tables)
        after: list[Schema] = []
        for script in scripts:
            before.append(schema)
            schema = schema_from_script(script, base=schema)
            after.append(schema)
        timings["model"] = (time.perf_counter() - t0) * 1000

        diagnostics: list[Any] = []
        if lint:
            t0 = time.perf_counter()
            diagnostics = _lint(scripts, before, after)
            timings["lint"] = (time.perf_counter() - t0) * 1000
    except BaseException:
        cancel.fire()  # Ctrl-C (or a failure here): the server statement is cancelled, not awaited
        raise
    finally:
        applied = False
        if pending is not None and pool is not None:
            try:
                result, apply_timings = cancel.wait(pending)
            finally:
                pool.shutdown(wait=not cancel.event.is_set())
                sys.setswitchinterval(switch)
            timings.update(apply_timings)
            applied = result.applied
            notes.extend(result.notes)
            errors.extend(result.errors)

    statements = sum(len(s.sql_statements) for s in scripts)
    not_analysed = sum(1 for s in scripts for st in s.sql_statements if not st.analysed and st.error is None)
    sources_order = {s.name: i for i, s in enumerate(sources)}
    return CheckResult(
        sources=tuple(s.name for s in sources),
        dialect=scripts[0].dialect if scripts else dialect,
        statements=statements,
        not_analysed=not_analysed,
        schema=schema,
        errors=tuple(errors),
        notes=group_notes(sorted(notes, key=lambda n: (sources_order.get(n.file or "", 0), n.line, n.column))),
        applied=applied,
        apply_attempted=attempted,
        lint=tuple(diagnostics),
        timings_ms=timings,
        scripts=tuple(scripts),
    )


class _Cancel:
    """Lets the main thread stop the apply thread: the flag stops it before its next
    statement, the server cancels the statement it is running."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self.conn: Any = None

    def fire(self) -> None:
        self.event.set()
        conn = self.conn
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.cancel_safe(timeout=2.0)

    def wait(self, pending: Future[Any]) -> Any:
        try:
            return pending.result()
        except BaseException:
            self.fire()
            with contextlib.suppress(BaseException):
                pending.result(timeout=5)
            raise


def _apply(sandbox: Any, scripts: Sequence[ParsedScript], keep_going: bool, cancel: _Cancel,
           ) -> tuple[Any, dict[str, float]]:
    from dbarch.tools.sandbox.apply import apply_scripts

    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    sandbox.start()
    timings["sandbox_start"] = (time.perf_counter() - t0) * 1000
    t0 = time.perf_counter()
    with sandbox.scratch() as db:
        timings["scratch"] = (time.perf_counter() - t0) * 1000
        cancel.conn = db.conn
        try:
            result = apply_scripts(sandbox, db, scripts, keep_going=keep_going, cancelled=cancel.event)
        finally:
            cancel.conn = None
    timings["apply"] = result.duration_ms
    return result, timings


def _lint(scripts: Sequence[ParsedScript], before: Sequence[Schema], after: Sequence[Schema]) -> list[Any]:
    """Lint each script against the schema the earlier ones produced (their tables are live)."""
    from dbarch.tools.lint.config import load_config
    from dbarch.tools.lint.engine import lint_script

    config = load_config()  # [tool.dbarch.lint] of the nearest pyproject.toml
    found: list[Any] = []
    for script, start, end in zip(scripts, before, after, strict=True):
        report = lint_script(
            script, existing=start, schema=end, select=config.select, ignore=config.ignore,
            min_severity=config.severity, options=config.options, severities=config.severities,
        )
        found.extend(d for d in report.diagnostics if d.rule != "parse-error")
    return found
