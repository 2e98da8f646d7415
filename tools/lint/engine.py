"""Running the rules over a parsed script: selection, context, suppressions, fixes.

>>> from tools.parse import parse_script
>>> report = lint_script(parse_script("CREATE TABLE t (price float);"), select=["no-float-money"])
>>> [(d.rule, d.line) for d in report.diagnostics]
[('no-float-money', 1)]
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from sqlglot import exp

from dbarch.tools.errors import LintError
from dbarch.tools.lint.base import (
    Diagnostic,
    Edit,
    LintContext,
    Rule,
    Severity,
    applies_to,
    lint_run,
    node_types_in,
)
from dbarch.tools.lint.findings import (
    ENGINE_IDS as ENGINE_IDS,
    INTERNAL_ERROR as INTERNAL_ERROR,
    PARSE_ERROR as PARSE_ERROR,
    LintReport as LintReport,
)
from dbarch.tools.lint.registry import RULES
from dbarch.tools.lint.rules._util import SEARCH_PATH_KEYS, resolve_search_path
from dbarch.tools.lint.suppress import parse_suppressions
from dbarch.tools.schema.elements import elements_analysed
from dbarch.tools.schema.model import Schema
from dbarch.tools.sql.parse import ParsedScript, ParsedStatement

log = logging.getLogger(__name__)



def rule_matches(token: str, rule_id: str, family: str) -> bool:
    """``token`` is ``all``, a rule id, a family, or an id prefix ending in ``-`` (``prefer-``)."""
    token = token.strip().lower()
    return token in ("all", rule_id, family) or (token.endswith("-") and rule_id.startswith(token))


def select_rules(
    select: Iterable[str] | None = None, ignore: Iterable[str] = (), rules: Sequence[type[Rule]] | None = None
) -> list[type[Rule]]:
    """The rules chosen by ``select`` (default: all) minus ``ignore``, in registry order."""
    rules = RULES if rules is None else rules
    select = list(select) if select is not None else ["all"]
    ignore = list(ignore)
    for token in (*select, *ignore):
        if token.strip().lower() in ENGINE_IDS:
            continue
        if not any(rule_matches(token, r.id, r.family) for r in rules):
            raise LintError(f"unknown rule or family {token!r}", hint="`dbarch rules` lists them")
    return [
        r
        for r in rules
        if any(rule_matches(t, r.id, r.family) for t in select)
        and not any(rule_matches(t, r.id, r.family) for t in ignore)
    ]


def build_schema(script: ParsedScript, base: Schema | None) -> Schema:
    from dbarch.tools.schema.from_sql import schema_from_script

    try:
        return schema_from_script(script, base=base)
    except Exception:  # a model bug must not stop statement-level rules
        log.exception("building the schema model failed")
        return base or Schema()


def _created_tables(script: ParsedScript) -> frozenset[str]:
    from dbarch.tools.lint.rules.migration_state import created_tables

    return created_tables(script)


def _run(rule: Rule, hook: str, items: Iterator[Diagnostic] | None, where: tuple[int, int], source: str) -> list[Diagnostic]:
    try:
        return list(items or ())
    except Exception as exc:  # a rule that raises is a bug in dbarch, never the user's
        log.exception("rule %s crashed in %s", rule.id, hook)
        return [
            Diagnostic(
                INTERNAL_ERROR, Severity.WARNING,
                f"rule {rule.id} crashed ({type(exc).__name__}: {exc}); this is a dbarch bug",
                where[0], where[1], hint="please report it; the other rules still ran", file=source,
            )
        ]


NodeTypes = frozenset[type[exp.Expression]]


def node_types(rule: type[Rule]) -> tuple[type[exp.Expression], ...] | None:
    """The node types ``rule``'s ``check_statement`` needs in a tree to report anything
    (``None``: it reads every statement): the rule class's ``node_types``."""
    declared = getattr(rule, "node_types", None)
    return tuple(declared) if declared is not None else None


def tree_types(st: ParsedStatement) -> NodeTypes:
    """The types of every node of the statement's tree (one walk per lint run, shared by all rules)."""
    return node_types_in(st)


class _Dispatch:
    """Which statements each rule's ``check_statement`` is given: those whose tree holds a node
    the rule needs. Statements are grouped by the set of node types in their tree (a script
    has few distinct sets), and each rule decides once per group."""

    def __init__(self, statements: list[ParsedStatement]) -> None:
        self.statements = statements
        groups: dict[NodeTypes, list[int]] = {}
        for i, st in enumerate(statements):
            groups.setdefault(tree_types(st), []).append(i)
        self.groups = list(groups.items())

    def for_rule(self, rule: type[Rule]) -> list[ParsedStatement]:
        wanted = node_types(rule)
        if wanted is None:
            return self.statements
        hits = [members for present, members in self.groups if any(issubclass(t, wanted) for t in present)]
        if len(hits) == len(self.groups):
            return self.statements
        if not hits:
            return []
        order = hits[0] if len(hits) == 1 else sorted(i for members in hits for i in members)
        return [self.statements[i] for i in order]


def _statement_lines(st: ParsedStatement) -> range:
    return range(st.line, st.line + st.text.count("\n") + 1)


def lint_script(
    script: ParsedScript,
    *,
    existing: Schema | None = None,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] = (),
    min_severity: Severity = Severity.INFO,
    options: Mapping[str, Mapping[str, Any]] | None = None,
    severities: Mapping[str, Severity] | None = None,
    schema: Schema | None = None,
    assume_in_transaction: bool = False,
) -> LintReport:
    """Lint ``script``; ``existing`` is the schema before it (its tables are live tables).

    ``schema`` is the model after the script when the caller has built it already (``check``
    does); otherwise it is built here. ``assume_in_transaction``: the migration runner wraps
    the whole file in one transaction (as most do), so ``SET LOCAL`` lasts for the file and
    ``BEGIN``/``COMMIT`` in it nest."""
    ignore = list(ignore)
    chosen = [cls for cls in select_rules(select, ignore) if applies_to(cls, script.dialect)]
    options = options or {}
    rules = [cls(options.get(cls.id)) for cls in chosen]
    with lint_run() as memo:
        memo[SEARCH_PATH_KEYS] = resolve_search_path(script, (existing or Schema()).tables)
        diagnostics, analysed, suppressed = _lint(
            script, rules, ignore, existing, schema, min_severity, severities, assume_in_transaction
        )

    def fixes() -> tuple[Edit, ...]:
        edits: list[Edit] = []
        for rule in rules:
            if not rule.fixable:
                continue
            lines = {d.line for d in diagnostics if d.rule == rule.id}
            if not lines:
                continue
            for st in analysed:
                if lines.intersection(_statement_lines(st)):
                    edits.extend(_run_fix(rule, st))
        return tuple(edits)

    sql = script.sql_statements
    skipped = sum(1 for s in sql if s.error is None and not s.analysed and not elements_analysed(s, script.dialect))
    fired = {d.rule for d in diagnostics}
    fixable = frozenset(r.id for r in rules if r.fixable and r.id in fired)
    return LintReport(script.source, diagnostics, len(sql), skipped, fixes, suppressed, fixable)


def _lint(
    script: ParsedScript,
    rules: list[Rule],
    ignore: list[str],
    existing: Schema | None,
    schema: Schema | None,
    min_severity: Severity,
    severities: Mapping[str, Severity] | None,
    assume_in_transaction: bool = False,
) -> tuple[tuple[Diagnostic, ...], list[ParsedStatement], int]:
    """``(diagnostics, analysed statements, suppressed count)`` of one run of ``rules``."""
    base = existing or Schema()
    after = schema if schema is not None else build_schema(script, base)
    ctx = LintContext(script, after, base, _created_tables(script), assume_in_transaction)

    found: list[tuple[int, Diagnostic]] = []
    for st in script.statements:
        if st.error is not None:
            e = st.error
            found.append((-1, Diagnostic(PARSE_ERROR, Severity.ERROR, e.message, e.line or st.line,
                                         e.column or st.column, e.hint, script.source)))
    analysed = list(ctx.statements())
    dispatch = _Dispatch(analysed)
    for order, rule in enumerate(rules):
        kind = type(rule)
        if kind.check_statement is not Rule.check_statement:  # skip hooks a rule leaves empty
            for st in dispatch.for_rule(kind):
                for d in _run(rule, "check_statement", rule.check_statement(st, ctx), (st.line, st.column), script.source):
                    found.append((order, d))
        if kind.check_schema is not Rule.check_schema:
            for d in _run(rule, "check_schema", rule.check_schema(ctx), (1, 1), script.source):
                found.append((order, d))

    first = next((s.line for s in script.statements), None)
    suppress = parse_suppressions(script.text, first)
    families = {r.id: r.family for r in rules}
    overrides = severities or {}
    kept: list[tuple[int, Diagnostic]] = []
    suppressed = 0
    any_suppression = bool(suppress.by_line or suppress.file)
    for order, d in found:
        if d.rule in ENGINE_IDS and any(rule_matches(t, d.rule, "engine") for t in ignore):
            continue
        if any_suppression and suppress.silences(d.rule, families.get(d.rule, "engine"), d.line):
            suppressed += 1
            continue
        severity = overrides.get(d.rule, d.severity)
        if not d.file or severity != d.severity:  # most findings need no copy
            d = Diagnostic(d.rule, severity, d.message, d.line, d.column, d.hint,
                           d.file or script.source, d.end_line, d.end_column)
        if d.severity >= min_severity:
            kept.append((order, d))
    kept.sort(key=lambda od: (od[1].line, od[1].column, od[0]))
    return _collapse_floods(kept, rules), analysed, suppressed


def _collapse_floods(kept: list[tuple[int, Diagnostic]], rules: list[Rule]) -> tuple[Diagnostic, ...]:
    """Each rule with a ``flood_limit`` that fired more often than it: once, with the count."""
    limits = {r.id: r.flood_limit for r in rules if r.flood_limit is not None}
    counts: dict[str, int] = {}
    for _, d in kept:
        if d.rule in limits:
            counts[d.rule] = counts.get(d.rule, 0) + 1
    flooded = {rule for rule, n in counts.items() if n > (limits[rule] or 0)}
    if not flooded:
        return tuple(d for _, d in kept)
    out: list[Diagnostic] = []
    seen: set[str] = set()
    for _, d in kept:
        if d.rule not in flooded:
            out.append(d)
        elif d.rule not in seen:
            seen.add(d.rule)
            more = counts[d.rule] - 1
            out.append(Diagnostic(d.rule, d.severity, f"{d.message} (and {more} more statements like this one in this file)",
                                  d.line, d.column, d.hint, d.file, d.end_line, d.end_column))
    return tuple(out)


def _run_fix(rule: Rule, st: ParsedStatement) -> list[Edit]:
    try:
        return rule.fix(st)
    except Exception:
        log.exception("fix of rule %s crashed", rule.id)
        return []


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """``text`` with ``edits`` applied; an edit overlapping an earlier one is dropped."""
    out: list[str] = []
    pos = 0
    for e in sorted(set(edits), key=lambda e: (e.start, e.end)):
        if e.start < pos:
            continue
        out.append(text[pos : e.start])
        out.append(e.text)
        pos = e.end
    out.append(text[pos:])
    return "".join(out)
