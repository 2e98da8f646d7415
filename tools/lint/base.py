"""What a lint rule is, what it reads, and what it reports.

A rule is a small class (one per module section, never one per file of hundreds of lines)
with a kebab-case ``id``, a ``severity``, a one-line imperative ``message``, a ``hint`` and a
docstring with the sections *What it does*, *Why is this bad*, *Example*, *Use instead*. The
docs in ``docs/rules/`` are generated from those docstrings, and a test runs each docstring's
*Example* (must fire) and *Use instead* (must not fire).

A rule sees the whole script, never one statement alone: ``LintContext`` carries the parsed
statements, the schema the whole script produces, the schema that existed before it (from
``--schema`` or a sandbox database), and which tables the script itself creates. A rule that
cannot decide stays silent.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar, cast

from sqlglot import exp

from dbarch.tools.errors import LintError
from dbarch.tools.lint.findings import Diagnostic as Diagnostic, Edit as Edit, Severity as Severity
from dbarch.tools.schema.elements import element_statements
from dbarch.tools.schema.model import Schema
from dbarch.tools.sql.parse import ParsedScript, ParsedStatement


@dataclass(frozen=True, slots=True)
class LintContext:
    script: ParsedScript
    schema: Schema
    """The schema after every statement of the script (plus ``existing``)."""
    existing: Schema = field(default_factory=Schema)
    """Tables that existed before the script ran (``--schema`` or a sandbox database).
    Migration-safety rules fire only on statements that change these."""
    created_here: frozenset[str] = frozenset()
    """Qualified keys of the tables the script creates itself (new: no locking concerns)."""
    assume_in_transaction: bool = False
    """The migration runner wraps the whole file in one transaction (``--assume-in-transaction``)."""

    @property
    def source(self) -> str:
        return self.script.source

    def statements(self) -> Iterator[ParsedStatement]:
        """The analysed SQL statements, in order; in place of ``CREATE SCHEMA s CREATE TABLE
        ...`` (opaque to sqlglot), its elements (:func:`~dbarch.tools.schema.elements.element_statements`)."""
        for st in self.script.statements:
            if st.expression is not None and st.analysed:
                yield st
            elif st.is_sql and st.error is None:
                yield from element_statements(st, self.script.dialect)

    def is_existing_table(self, key: str) -> bool:
        """True when ``key`` (qualified) existed before this script and is not created by it."""
        return key in self.existing.tables and key not in self.created_here


T = TypeVar("T")
E = TypeVar("E", bound=exp.Expr)

_RUN_MEMO: ContextVar[dict[Hashable, Any] | None] = ContextVar("dbarch_lint_memo", default=None)


@contextmanager
def lint_run() -> Iterator[dict[Hashable, Any]]:
    """One lint run: facts about its statements (their nodes, column definitions...) computed
    once by :func:`memoized` and shared by every rule, forgotten when the run ends."""
    memo: dict[Hashable, Any] = {}
    token = _RUN_MEMO.set(memo)
    try:
        yield memo
    finally:
        _RUN_MEMO.reset(token)


def memoized(key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, once per :func:`lint_run` for ``key`` (every call outside a run computes).

    Keys name the fact and the statement it is about: ``("column_defs", id(stmt))``. Ids are
    safe within a run, since the script keeps its statements alive until it ends."""
    memo = _RUN_MEMO.get()
    if memo is None:
        return compute()
    try:
        value: T = memo[key]
    except KeyError:
        value = memo[key] = compute()
    return value


def statement_nodes(stmt: ParsedStatement) -> tuple[exp.Expression, ...]:
    """Every node of the statement's tree in ``walk()`` order (breadth first), walked once per
    lint run; ``()`` for a statement without a tree."""
    tree = stmt.expression
    if tree is None:
        return ()
    return memoized(("nodes", id(stmt)), lambda: tuple(tree.walk()))  # type: ignore[arg-type]


def find_all(stmt: ParsedStatement, *types: type[E]) -> list[E]:
    """``stmt.expression.find_all(*types)`` as a list, in the same order, from the nodes
    :func:`statement_nodes` walked once for every rule."""
    return [cast(E, node) for node in statement_nodes(stmt) if isinstance(node, types)]


def node_types_in(stmt: ParsedStatement) -> frozenset[type[exp.Expression]]:
    """The types of every node of the statement's tree (for dispatch and quick "has any X")."""
    return memoized(("types", id(stmt)), lambda: frozenset(map(type, statement_nodes(stmt))))


def has_node(stmt: ParsedStatement, *types: type[exp.Expr]) -> bool:
    """The statement's tree holds a node of one of ``types`` (or of a subclass)."""
    return any(issubclass(t, types) for t in node_types_in(stmt))


class Rule:
    """Base class of every lint rule. Override one or both ``check_*`` hooks."""

    id: ClassVar[str]
    severity: ClassVar[Severity] = Severity.WARNING
    message: ClassVar[str]
    hint: ClassVar[str | None] = None
    family: ClassVar[str] = "general"
    fixable: ClassVar[bool] = False
    defaults: ClassVar[Mapping[str, Any]] = {}
    """Options a user may set in ``[tool.dbarch.lint.rules.<id>]`` and their defaults."""
    flood_limit: ClassVar[int | None] = None
    """When the rule fires more often than this in one file, the engine reports it once, at
    its first place, with the count: a per-statement flood (seed data, a dump) says nothing new."""
    dialects: ClassVar[frozenset[str] | None] = None
    """The SQL dialects the rule applies to (``None``: every dialect, except for the
    ``migration`` family, whose lock advice is PostgreSQL's: see :func:`applies_to`)."""
    node_types: ClassVar[tuple[type[exp.Expression], ...] | None] = None
    """The node types ``check_statement`` needs somewhere in a statement's tree to report
    anything: the engine gives it only the statements holding one (``None``: every statement).
    ``tests/lint/test_dispatch_perf.py`` checks that skipping never loses a finding."""

    def __init__(self, options: Mapping[str, Any] | None = None) -> None:
        unknown = sorted(set(options or {}) - set(self.defaults))
        if unknown:
            known = ", ".join(sorted(self.defaults)) or "none"
            raise LintError(
                f"rule {self.id} has no option {unknown[0]!r}", hint=f"its options: {known}"
            )
        self.options: dict[str, Any] = {**self.defaults, **(options or {})}

    def fix(self, stmt: ParsedStatement) -> list[Edit]:
        """Text edits that fix this rule's findings in ``stmt`` (fixable rules only)."""
        return []

    def check_statement(self, stmt: ParsedStatement, ctx: LintContext) -> Iterator[Diagnostic]:
        """Findings for one analysed statement (``stmt.expression`` is a sqlglot tree)."""
        return iter(())

    def check_schema(self, ctx: LintContext) -> Iterator[Diagnostic]:
        """Findings about the schema as a whole, after every statement."""
        return iter(())

    def diagnostic(
        self,
        line: int,
        column: int,
        *,
        message: str | None = None,
        hint: str | None = None,
        file: str | None = None,
    ) -> Diagnostic:
        return Diagnostic(
            rule=self.id,
            severity=self.severity,
            message=message or self.message,
            line=line,
            column=column,
            hint=hint if hint is not None else self.hint,
            file=file,
        )

    def at(self, stmt: ParsedStatement, node: exp.Expression | None = None, **kw: str) -> Diagnostic:
        """A diagnostic at ``node`` inside ``stmt`` when sqlglot knows its place, else at ``stmt``."""
        line, column = stmt.locate(node)
        return self.diagnostic(line, column, **kw)



EXISTING_PREFIX = "-- existing:"
"""Docstring examples of migration rules start with ``-- existing: <SQL>`` lines: the schema
that exists before the example runs (the test harness and docs generator pass it as
``existing``, so the example's tables count as live tables)."""


def split_example(sql: str) -> tuple[str, str]:
    """``(existing_sql, sql)`` of a docstring example: its leading ``-- existing:`` lines, and
    the rest.

    >>> split_example("-- existing: CREATE TABLE t (id int);\\nALTER TABLE t DROP COLUMN id;")
    ('CREATE TABLE t (id int);', 'ALTER TABLE t DROP COLUMN id;')
    """
    existing: list[str] = []
    lines = sql.strip("\n").splitlines()
    while lines and lines[0].strip().lower().startswith(EXISTING_PREFIX):
        existing.append(lines.pop(0).strip()[len(EXISTING_PREFIX) :].strip())
    return "\n".join(existing), "\n".join(lines)


POSTGRES_ONLY = frozenset({"postgres"})


def applies_to(rule: type[Rule], dialect: str) -> bool:
    """True when ``rule`` speaks about SQL of ``dialect``: its findings, hints and fixes are
    valid there (``prefer-timestamptz`` and ``NOT VALID`` advice mean nothing in MySQL)."""
    dialects = rule.dialects
    if dialects is None and rule.family == "migration":
        dialects = POSTGRES_ONLY
    return dialects is None or dialect in dialects

