"""``check``: the verification loop's first half, as one typed function.

SQL text → statements → parse (line:col errors) → schema model → lint findings, and the same
statements applied in a scratch database of the sandbox (the server's SQLSTATE mapped back to
line:col); optionally the script translated to another dialect. The CLI, the agent's tools,
the REPL, the MCP server and the eval scorers all call :func:`check_sources`, and all read
its one verdict, :attr:`CheckResult.passed`.

Nothing here changes process-wide state or reads the current directory: the lint
configuration comes in as a :class:`~dbarch.tools.lint.config.LintConfig`, the sandbox as an
object the caller owns (and may share between threads).

>>> from dbarch.tools.sql.source import SqlSource
>>> result = check_sources([SqlSource("s.sql", "CREATE TABLE t (id bigint PRIMARY KEY);")])
>>> result.passed, result.tables, result.applied
(True, ('t',), False)
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dbarch.tools.errors import DbarchError
from dbarch.tools.lint.base import Diagnostic, Severity
from dbarch.tools.schema.model import Schema
from dbarch.tools.sql.parse import Note, ParsedScript, group_notes, parse_script
from dbarch.tools.sql.source import SqlSource
from dbarch.tools.sql.transpile import TranspileResult

if TYPE_CHECKING:
    from dbarch.tools.lint.config import LintConfig
    from dbarch.tools.sandbox.apply import ApplyResult
    from dbarch.tools.sandbox.sandbox import Sandbox

_EXCLUDED = {"exclude": True}


@dataclass(frozen=True, slots=True)
class CheckResult:
    """What :func:`check_sources` found. One JSON form: :func:`dbarch.tools.jsonform.to_jsonable`."""

    sources: tuple[str, ...]
    dialect: str
    statements: int
    """SQL statements in all sources (meta-commands and COPY data not counted)."""
    not_analysed: int
    """Statements sqlglot kept as opaque text (the server still judged them)."""
    schema: Schema
    errors: tuple[DbarchError, ...]
    """Parse errors and the server's error, each located in its file."""
    notes: tuple[Note, ...]
    applied: bool
    """True when every statement ran in the sandbox."""
    apply_attempted: bool
    """True when the sources were sent to the sandbox (PostgreSQL, a sandbox, no parse error)."""
    lint: tuple[Diagnostic, ...] = ()
    timings_ms: dict[str, float] = field(default_factory=dict)
    translations: tuple[TranspileResult, ...] = ()
    kept_going: bool = False
    """Applied with ``keep_going``: every statement that could run did, ``errors`` lists the rest."""
    """One per source when a target dialect was asked for (``translate_to``)."""
    scripts: tuple[ParsedScript, ...] = field(default=(), repr=False, compare=False, metadata=_EXCLUDED)
    """The parsed sources (not in the JSON form), for callers that go on with them."""
    tables: tuple[str, ...] = field(init=False, default=())
    """Display names of the tables of :attr:`schema` (``orders``, ``billing.invoices``)."""
    passed: bool = field(init=False, default=False)
    """The verdict every caller uses: no error, no lint finding of severity ``error``, and
    applied in the sandbox whenever it was sent there. Without a sandbox (``apply=False``,
    another dialect) ``passed`` speaks for parsing and lint only: read :attr:`applied`."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "tables", tuple(t.display_name for t in self.schema))
        verdict = not self.errors and not self.lint_errors() and (self.applied or not self.apply_attempted)
        object.__setattr__(self, "passed", verdict)

    @property
    def apply_verdict(self) -> str:
        """What happened on the sandbox, in a few words for the summary line."""
        parse_errors = sum(1 for s in self.scripts for st in s.statements if st.error is not None)
        if self.applied:
            return "applied cleanly in the sandbox"
        if self.apply_attempted:
            if self.kept_going:
                return f"applied except {len(self.errors)} statements (--keep-going; errors above)"
            return "not applied (errors above)"
        if self.dialect != "postgres":
            return f"not applied ({self.dialect} SQL; the sandbox is PostgreSQL)"
        if parse_errors:
            return "not applied (parse errors above; --keep-going applies the other statements)"
        return "not applied (no sandbox)"

    def lint_errors(self, file: str | None = None) -> tuple[Diagnostic, ...]:
        """Lint findings of severity ``error`` (in ``file`` only, when given)."""
        return tuple(
            d for d in self.lint
            if d.severity >= Severity.ERROR and (file is None or d.file in (file, None))
        )


def check_sources(
    sources: Sequence[SqlSource],
    *,
    dialect: str = "postgres",
    sandbox: Sandbox | None = None,
    apply: bool = True,
    lint: bool = True,
    lint_config: LintConfig | None = None,
    existing: Schema | None = None,
    translate_to: str | None = None,
    keep_going: bool = False,
    variables: Mapping[str, str] | None = None,
    fresh: bool = False,
) -> CheckResult:
    """Parse, model, lint and (for PostgreSQL, with a sandbox) apply ``sources`` in order.

    ``sandbox`` is a :class:`~dbarch.tools.sandbox.Sandbox` the caller owns (opened and
    closed by it); ``None`` or ``apply=False`` skips the server. Sources are applied one after
    another in the same scratch database, so a folder of migrations is checked as it would be
    replayed. ``lint_config`` defaults to every rule at its default severity (no file is
    read). ``existing`` is the schema the sources start from (its tables are live tables).
    ``translate_to`` also translates each source to that dialect (``mysql``, ``sqlite``...);
    both dialects are validated before any work. ``keep_going`` applies every statement it
    can (statements that do not parse are left out) and reports every failure; ``variables``
    are psql variables (see :mod:`tools.sql.variables`). ``fresh``: the sources build a new
    database from nothing, so no table they create is live for the migration-safety rules
    (default: they are migrations, see :mod:`dbarch.tools.lint.sequence`). A
    ``KeyboardInterrupt`` cancels the statement running on the server before it propagates.
    """
    from dbarch.tools.lint.sequence import lint_in_order
    from dbarch.tools.schema.elements import element_notes, elements_analysed
    from dbarch.tools.schema.from_sql import schema_from_script
    from dbarch.tools.sql.parse import analyse_script, normalize_dialect

    dialect = normalize_dialect(dialect)
    target = normalize_dialect(translate_to) if translate_to is not None else None
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    scripts = [parse_script(src.text, dialect=dialect, source=src.name, analyse=False, variables=variables)
               for src in sources]
    timings["validate"] = (time.perf_counter() - t0) * 1000
    errors: list[DbarchError] = [e for s in scripts for e in s.errors]
    notes: list[Note] = [n for s in scripts for n in s.notes]

    # The server applies while this thread models and lints: two cores, two jobs.
    pending: Future[tuple[ApplyResult, dict[str, float]]] | None = None
    pool: ThreadPoolExecutor | None = None
    attempted = bool(apply and sandbox is not None and scripts and scripts[0].dialect == "postgres"
                     and (keep_going or not errors))
    cancel = _Cancel()
    if attempted and sandbox is not None:
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dbarch-apply")
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
            notes.extend(element_notes(script))
        timings["model"] = (time.perf_counter() - t0) * 1000

        diagnostics: list[Diagnostic] = []
        if lint:
            t0 = time.perf_counter()
            diagnostics = lint_in_order(scripts, existing=existing, config=lint_config, fresh=fresh,
                                        models=(before, after), notes=notes)
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
            timings.update(apply_timings)
            applied = result.applied
            notes.extend(result.notes)
            errors.extend(result.errors)

    translations: tuple[TranspileResult, ...] = ()
    if target is not None:
        from dbarch.tools.sql.transpile import transpile_script

        translations = tuple(transpile_script(s, target) for s in scripts)

    statements = sum(len(s.sql_statements) for s in scripts)
    not_analysed = sum(1 for s in scripts for st in s.sql_statements
                       if not st.analysed and st.error is None and not elements_analysed(st, s.dialect))
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
        translations=translations,
        kept_going=attempted and keep_going,
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

    def wait(self, pending: Future[tuple[ApplyResult, dict[str, float]]]) -> tuple[ApplyResult, dict[str, float]]:
        try:
            return pending.result()
        except BaseException:
            self.fire()
            with contextlib.suppress(BaseException):
                pending.result(timeout=5)
            raise


def _apply(
    sandbox: Sandbox, scripts: Sequence[ParsedScript], keep_going: bool, cancel: _Cancel
) -> tuple[ApplyResult, dict[str, float]]:
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

