"""Linting several files applied in order: a migrations folder, or a schema split into files.

Two readings of such a run, and the caller says which (``dbarch check --fresh``):

- **migrations** (the default): each file runs against a database in use, so the tables the
  earlier files made are live when a later file changes them, and the migration-safety rules
  apply to those changes. The design rules (keys, references, indexes, normalization) judge the
  design the whole run builds: a finding about a table stands only when the schema at the end
  of the run still has the problem (a primary key added by a later file counts; a table a later
  file drops is no longer reviewed).
- **fresh**: the files build a new database from nothing (an install script split into
  files): no table is live until the run ends, so the files are linted as one script, and each
  finding is reported in its own file at its own line.

>>> from dbarch.tools.sql.parse import parse_script
>>> tables = parse_script("CREATE TABLE t (id bigint, name text);", source="1.sql")
>>> keys = parse_script("ALTER TABLE t ADD PRIMARY KEY (id);", source="2.sql")
>>> [d.rule for d in lint_in_order([tables, keys], fresh=True) if d.rule == "require-primary-key"]
[]
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from dbarch.tools.lint.config import LintConfig
from dbarch.tools.lint.findings import Diagnostic
from dbarch.tools.schema.model import Schema
from dbarch.tools.sql.parse import Note, ParsedScript, ParsedStatement

if TYPE_CHECKING:
    from dbarch.tools.lint.findings import LintReport

MIGRATION_FAMILY = "migration"

FRESH_HINT = (
    "{n} migration-safety finding(s) in files after the first treat the tables that earlier files "
    "of this run created as live (migrations applied to a database in use); if these files build a "
    "new database from nothing, check them with --fresh"
)


def lint_in_order(
    scripts: Sequence[ParsedScript],
    *,
    existing: Schema | None = None,
    config: LintConfig | None = None,
    fresh: bool = False,
    models: tuple[Sequence[Schema], Sequence[Schema]] | None = None,
    notes: list[Note] | None = None,
) -> list[Diagnostic]:
    """The findings of ``scripts`` applied in order on ``existing`` (see the module docstring).

    ``models`` are the schemas before and after each script when the caller has built them
    (``check`` has); ``notes`` receives a note when later files get migration-safety findings
    about tables the run itself created (the hint to pass ``fresh``)."""
    config = config or LintConfig()
    base = existing or Schema()
    if not scripts:
        return []
    if fresh and len(scripts) > 1:
        return _lint_as_one(scripts, base, config)
    if models is None:
        models = _models(scripts, base)
    before, after = models
    found: list[Diagnostic] = []
    final = after[-1]
    families = _families()
    # the design rules alone, for the second look at each file (against the final schema)
    design = replace(config, select=_design_rules(config))
    later_migration = 0
    first_with: str | None = None
    for i, (script, start, end) in enumerate(zip(scripts, before, after, strict=True)):
        diagnostics = list(_lint(script, start, end, config).diagnostics)
        if end is not final and design.select:
            settled = {(d.rule, d.line, d.column) for d in _lint(script, start, final, design).diagnostics}
            diagnostics = [
                d for d in diagnostics
                if families.get(d.rule, MIGRATION_FAMILY) == MIGRATION_FAMILY or (d.rule, d.line, d.column) in settled
            ]
        if i > 0 and not base.tables:
            n = sum(1 for d in diagnostics if families.get(d.rule) == MIGRATION_FAMILY)
            first_with = first_with or (script.source if n else None)
            later_migration += n
        found.extend(d for d in diagnostics if d.rule != "parse-error")
    if later_migration and notes is not None:
        notes.append(Note(FRESH_HINT.format(n=later_migration), 1, 1, first_with))
    return found


def _families() -> dict[str, str]:
    from dbarch.tools.lint.registry import RULES

    return {r.id: r.family for r in RULES}


def _design_rules(config: LintConfig) -> tuple[str, ...]:
    """Ids of the rules ``config`` selects outside the migration family."""
    from dbarch.tools.lint.engine import select_rules

    return tuple(r.id for r in select_rules(config.select, config.ignore) if r.family != MIGRATION_FAMILY)


def _models(scripts: Sequence[ParsedScript], base: Schema) -> tuple[list[Schema], list[Schema]]:
    from dbarch.tools.schema.from_sql import schema_from_script

    before: list[Schema] = []
    after: list[Schema] = []
    schema = base
    for script in scripts:
        before.append(schema)
        schema = schema_from_script(script, base=schema)
        after.append(schema)
    return before, after


def _lint(script: ParsedScript, start: Schema, end: Schema | None, config: LintConfig) -> LintReport:
    from dbarch.tools.lint.engine import lint_script

    return lint_script(
        script, existing=start, schema=end, select=config.select, ignore=config.ignore,
        min_severity=config.severity, options=config.options, severities=config.severities,
        assume_in_transaction=config.assume_in_transaction,
    )


def _lint_as_one(scripts: Sequence[ParsedScript], base: Schema, config: LintConfig) -> list[Diagnostic]:
    """Lint the files as one script (statements renumbered, lines shifted past the files
    before), then put each finding back in its file at its own line."""
    statements: list[ParsedStatement] = []
    starts: list[int] = []  # the line before each file's first line, in the joined script
    shift = 0
    for script in scripts:
        starts.append(shift)
        for ps in script.statements:
            st = replace(ps.statement, index=len(statements), line=ps.statement.line + shift)
            statements.append(replace(ps, statement=st))
        shift += script.text.count("\n") + 1
    joined = ParsedScript(
        "<run>", "\n".join(s.text for s in scripts), scripts[0].dialect, tuple(statements),
    )
    report = _lint(joined, base, None, config)
    out: list[Diagnostic] = []
    for d in report.diagnostics:
        if d.rule == "parse-error":
            continue
        k = max(0, bisect.bisect_left(starts, d.line) - 1)
        end_line = d.end_line - starts[k] if d.end_line is not None else None
        out.append(replace(d, file=scripts[k].source, line=d.line - starts[k], end_line=end_line))
    return out
