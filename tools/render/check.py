"""``dbarch check`` for people: every error and lint finding with the caret renderer, the
notes, a one-line verdict, and the translations when some were asked for."""

from __future__ import annotations

from collections.abc import Mapping

from dbarch.tools.check import CheckResult
from dbarch.tools.render.finding import render_error
from dbarch.tools.render.lint import render_diagnostic


def render_check(result: CheckResult, texts: Mapping[str, str], *, colour: bool = False) -> str:
    """The findings (``texts``: each source's text by name, for the carets) and the verdict."""
    lines = {name: text.splitlines() for name, text in texts.items()}
    out: list[str] = []
    for err in result.errors:
        out += render_error(err, lines.get(err.file or "", ()), colour=colour)
    for d in result.lint:
        out += render_diagnostic(d, lines.get(d.file or "", ()), colour=colour)
    out += [f"note: {note}" for note in result.notes]
    verdict = result.apply_verdict
    timing = sum(result.timings_ms.values())
    out.append(
        f"{', '.join(result.sources)}: {result.statements} statements, {len(result.tables)} tables, "
        f"{len(result.errors)} errors, {len(result.lint)} lint findings; {verdict} ({timing:.0f} ms)"
    )
    if not result.passed:
        out.append(f"failed: {why_failed(result)}")
    return "\n".join(out) + "\n"


def why_failed(result: CheckResult) -> str:
    """Why :attr:`~dbarch.tools.check.CheckResult.passed` is False, in words."""
    reasons = []
    if result.errors:
        reasons.append(f"{len(result.errors)} error(s)")
    lint_errors = result.lint_errors()
    if lint_errors:
        rules = ", ".join(sorted({d.rule for d in lint_errors}))
        reasons.append(f"{len(lint_errors)} lint finding(s) of severity error ({rules}); "
                       "--ignore them or lower their severity in [tool.dbarch.lint.rules.<id>]")
    if result.apply_attempted and not result.applied and not result.errors:
        reasons.append("the sandbox did not apply the SQL")
    return "; ".join(reasons) or "see above"


def render_translations(result: CheckResult) -> tuple[str, list[str]]:
    """The translated SQL (``-- file translated to target`` before each) and one warning line
    per construct that did not carry over."""
    sql: list[str] = []
    warnings: list[str] = []
    for t, name in zip(result.translations, result.sources, strict=False):
        sql.append(f"-- {name} translated to {t.target}\n{t.sql}")
        warnings += [f"{name}:{w.line}:{w.column}: not carried over to {t.target}: {w.message}" for w in t.warnings]
    return "".join(sql), warnings
