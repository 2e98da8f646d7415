"""Scorers on the answer's SQL as text and as the server sees it: present, parses, applies,
lint (weighted by severity) and the lint engine's migration rules."""

from __future__ import annotations

from dbarch.evals.case import Case
from dbarch.evals.scoring import Analysis, Score

SEVERITY_WEIGHT = {"error": 1.0, "warning": 0.25, "info": 0.05}
MIGRATION_FAMILY_PREFIXES = (
    "create-index-non-concurrently", "drop-index-non-concurrently", "concurrently-in-transaction",
    "missing-lock-timeout", "require-statement-timeout", "add-not-null-column-without-default",
    "set-not-null", "ban-drop-not-null", "rename-column", "drop-column", "change-column-type",
    "volatile-default-rewrite", "add-foreign-key-without-not-valid", "add-check-without-not-valid",
    "add-unique-constraint-in-place", "add-primary-key-in-place", "ban-alter-domain-with-add-constraint",
    "rename-table", "drop-table", "truncate-cascade",
)


def _wants(case: Case) -> bool:
    return case.expect.wants_sql


def sql_present(case: Case, a: Analysis) -> Score | None:
    if not _wants(case):
        return None
    ex = a.extracted
    if ex.ddl.strip():
        n = len(ex.sql_blocks)
        return Score("sql_present", 1.0, f"{n} SQL block(s) with DDL")
    if ex.queries and case.expect.queries:
        return Score("sql_present", 1.0, f"{len(ex.queries)} query/queries, no DDL")
    return Score("sql_present", 0.0, "no SQL DDL in the answer (fenced ```sql blocks are read)")


def parses(case: Case, a: Analysis) -> Score | None:
    if not _wants(case) or a.check is None:
        return None
    errors = [e for s in a.check.scripts[-1:] for e in s.errors]
    if errors:
        e = errors[0]
        return Score("parses", 0.0, f"does not parse: {e.one_line()}")
    return Score("parses", 1.0, f"{a.check.scripts[-1].sql_statements.__len__()} statements parse")


def applies(case: Case, a: Analysis) -> Score | None:
    if not _wants(case) or a.check is None:
        return None
    chk = a.check
    if chk.applied:
        return Score("applies", 1.0, f"applied in the sandbox ({len(chk.tables)} tables)")
    if chk.errors:
        e = chk.errors[0]
        return Score("applies", 0.0, f"does not apply: {e.one_line()}")
    return Score("applies", 0.0, "not applied (the sandbox did not run it)")


def lint(case: Case, a: Analysis) -> Score | None:
    if not _wants(case) or a.check is None:
        return None
    found = [d for d in a.lint if not (case.expect.migration and d.rule in MIGRATION_FAMILY_PREFIXES)]
    penalty = sum(SEVERITY_WEIGHT.get(str(d.severity), 0.25) for d in found)
    errors = [d for d in found if str(d.severity) == "error"]
    value = 1.0 / (1.0 + penalty / 4.0)
    ok = len(errors) <= case.expect.lint_max_errors
    if not ok:
        value = min(value, 0.49)
    counts: dict[str, int] = {}
    for d in found:
        counts[d.rule] = counts.get(d.rule, 0) + 1
    top = ", ".join(f"{r}×{n}" for r, n in sorted(counts.items(), key=lambda kv: -kv[1])[:6])
    expl = (f"{len(errors)} error(s), {len(found) - len(errors)} other finding(s)" + (f": {top}" if top else "")
            + ("" if ok else f" (at most {case.expect.lint_max_errors} error(s) allowed)"))
    return Score("lint", value, expl, threshold=0.5)


def migration_safety(case: Case, a: Analysis) -> Score | None:
    """The lint engine's migration rules, with the case's schema as the live one."""
    if not case.expect.migration:
        return None
    if a.check is None:
        return Score("migration_safety", 0.0, "no migration SQL in the answer")
    found = [d for d in a.lint if d.rule in MIGRATION_FAMILY_PREFIXES and str(d.severity) != "info"]
    if not found:
        return Score("migration_safety", 1.0, "no migration-safety finding on the live tables")
    rules = sorted({f"{d.rule} (line {d.line})" for d in found})
    return Score("migration_safety", 1.0 / (1 + len(found)), "unsafe on live tables: " + "; ".join(rules[:5]))
