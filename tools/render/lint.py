"""Rendering lint reports: text for people (like ruff), JSON, SARIF 2.1.0, GitHub annotations.

Diagnostics are values (:class:`~dbarch.tools.lint.base.Diagnostic`); every function here is a
pure function from reports to a string. Each finding prints with the one caret renderer
(:mod:`dbarch.tools.render.finding`), as ``dbarch check`` prints it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from dbarch.tools.lint.findings import ENGINE_IDS, Diagnostic, LintReport, Severity, diagnostic_json
from dbarch.tools.render.finding import render_finding

if TYPE_CHECKING:
    from dbarch.tools.lint.base import Rule
    from dbarch.tools.lint.workflow import FixResult

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
DOCS_PATH = "docs/rules/{id}.md"
"""Where a rule's documentation lives, relative to the repository. SARIF's ``helpUri`` must be
an absolute URI, so this path goes in the rule's ``properties``; ``helpUri`` is written only
when the caller knows where the docs are published (``docs_url``)."""

def render_text(
    reports: Sequence[LintReport],
    sources: Mapping[str, str],
    *,
    colour: bool = False,
    fixable: frozenset[str] = frozenset(),
    per_rule: int = 0,
) -> str:
    """``file:line:col: severity[rule-id] message``, the line with a caret, a ``hint:`` line; a summary.

    ``per_rule`` (0: no limit) shows at most that many findings of one rule per file in full;
    the rest of them are one line with their count and lines (every format but text lists all)."""
    out: list[str] = []
    total: dict[Severity, int] = dict.fromkeys(Severity, 0)
    n_fixable = 0
    for report in reports:
        lines = sources.get(report.source, "").splitlines()
        shown: dict[str, int] = {}
        held: dict[str, list[Diagnostic]] = {}
        for d in report.diagnostics:
            total[d.severity] += 1
            mark = "[*]" if d.rule in fixable else ""
            n_fixable += bool(mark)
            if per_rule and shown.get(d.rule, 0) >= per_rule:
                held.setdefault(d.rule, []).append(d)
                continue
            shown[d.rule] = shown.get(d.rule, 0) + 1
            out.extend(render_diagnostic(d, lines, colour=colour, mark=mark, source=report.source))
            out.append("")
        for rule, rest in held.items():
            at = ", ".join(str(d.line) for d in rest[:12]) + (", ..." if len(rest) > 12 else "")
            out.append(f"{report.source}: {len(rest)} more {rule} finding(s) like those above, at lines {at} "
                       f"(--show-all, or --select {rule}, lists them in full)")
        if held:
            out.append("")
        if report.skipped:
            out.append(f"{report.source}: {report.skipped} statement(s) not analysed (sqlglot cannot read them)")
    count = sum(total.values())
    if count == 0:
        out.append("All checks passed.")
    else:
        parts = [f"{total[s]} {s}" for s in sorted(Severity, reverse=True) if total[s]]
        out.append(f"Found {count} problem{'s' if count != 1 else ''} ({', '.join(parts)}).")
        if n_fixable:
            out.append(f"[*] {n_fixable} fixable with `dbarch lint --fix`.")
    return "\n".join(out) + "\n"


def render_diagnostic(
    d: Diagnostic, lines: Sequence[str] = (), *, colour: bool = False, mark: str = "", source: str | None = None
) -> list[str]:
    """One diagnostic with the caret renderer (``source``: its file when it names none)."""
    return render_finding(
        str(d.severity), d.rule, d.message, file=d.file or source, line=d.line, column=d.column,
        hint=d.hint, lines=lines, colour=colour, mark=mark,
    )


def render_json(reports: Sequence[LintReport]) -> str:
    """Every report's diagnostics as one JSON list (their one JSON form, see
    :mod:`dbarch.tools.jsonform`): ``{rule, severity, message, line, column, hint, file, ...}``,
    one finding per line (grep-able, and written by the C encoder: an indented document of
    thousands of findings took longer to write than to read back from the lint cache)."""
    items = [json.dumps(diagnostic_json(d), ensure_ascii=False) for r in reports for d in r.diagnostics]
    return "[\n" + ",\n".join(f"  {item}" for item in items) + "\n]\n" if items else "[]\n"


def render_diff(fix: FixResult) -> str:
    """A fixed source as a unified diff (``a/`` and ``b/`` prefixes for relative paths)."""
    import difflib
    from pathlib import Path

    absolute = Path(fix.source).is_absolute()
    return "".join(
        difflib.unified_diff(
            fix.original.splitlines(keepends=True),
            fix.fixed.splitlines(keepends=True),
            fromfile=fix.source if absolute else f"a/{fix.source}",
            tofile=fix.source if absolute else f"b/{fix.source}",
        )
    )


_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _sarif_rule(
    rule_id: str,
    description: str,
    full: str | None,
    severity: Severity,
    *,
    family: str = "engine",
    hint: str | None = None,
    docs_url: str | None = None,
) -> dict[str, object]:
    entry: dict[str, object] = {
        "id": rule_id,
        "name": rule_id,
        "shortDescription": {"text": description},
        "defaultConfiguration": {"level": _LEVELS[severity]},
        "properties": {"docs": DOCS_PATH.format(id=rule_id), "tags": [family]},
    }
    if full:
        entry["fullDescription"] = {"text": full}
    if hint:
        entry["help"] = {"text": hint}
    if docs_url:
        entry["helpUri"] = docs_url.format(id=rule_id)
    return entry


def render_sarif(
    reports: Sequence[LintReport],
    rules: Sequence[type[Rule]],
    *,
    version: str = "0.1.0",
    docs_url: str | None = None,
) -> str:
    """A SARIF 2.1.0 log with one run: every rule in ``tool.driver.rules``, one result per finding.

    ``docs_url`` (``https://.../docs/rules/{id}.md``) gives each rule an absolute ``helpUri``.
    The output validates against the official schema (``tests/lint/test_sarif_schema.py``).
    """
    descriptors = [
        _sarif_rule(
            r.id,
            r.message,
            (r.__doc__ or "").strip().splitlines()[0] or None,
            r.severity,
            family=r.family,
            hint=r.hint,
            docs_url=docs_url,
        )
        for r in rules
    ]
    descriptors += [
        _sarif_rule(ENGINE_IDS[0], "SQL that does not parse", None, Severity.ERROR),
        _sarif_rule(ENGINE_IDS[1], "A lint rule crashed (a dbarch bug)", None, Severity.WARNING),
    ]
    index = {str(d["id"]): i for i, d in enumerate(descriptors)}
    results = []
    for report in reports:
        for d in report.diagnostics:
            result: dict[str, object] = {
                "ruleId": d.rule,
                "level": _LEVELS[d.severity],
                "message": {"text": d.message + (f" (hint: {d.hint})" if d.hint else "")},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": _uri(d.file or report.source)},
                            "region": {"startLine": max(1, d.line), "startColumn": max(1, d.column)},
                        }
                    }
                ],
            }
            if d.rule in index:
                result["ruleIndex"] = index[d.rule]
            results.append(result)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "dbarch",
                        "version": version,
                        "rules": descriptors,
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2) + "\n"


def _uri(path: str) -> str:
    return path.replace("\\", "/").removeprefix("./")


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


_GITHUB = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def render_github(reports: Sequence[LintReport]) -> str:
    """GitHub Actions workflow commands: ``::warning file=...,line=...,col=...,title=rule::message``."""
    lines = []
    for report in reports:
        for d in report.diagnostics:
            props = (
                f"file={_escape_property(d.file or report.source)},line={d.line},col={d.column},"
                f"title={_escape_property(d.rule)}"
            )
            message = d.message + (f" (hint: {d.hint})" if d.hint else "")
            lines.append(f"::{_GITHUB[d.severity]} {props}::{_escape_data(message)}")
    return "\n".join(lines) + ("\n" if lines else "")
