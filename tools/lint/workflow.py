"""Linting SQL sources with one configuration, and fixing them: the API under ``dbarch lint``.

:func:`lint_sources` lints each source with a :class:`~dbarch.tools.lint.config.LintConfig`
(built by the caller: the defaults, a ``pyproject.toml`` read with
:func:`~dbarch.tools.lint.config.load_config`, plus overrides); :func:`fix_sources` applies the
safe fixes and lints the fixed text again, so the caller learns what remains.

>>> from dbarch.tools.sql.source import SqlSource
>>> (fix,) = fix_sources([SqlSource("m.sql", "CREATE TABLE t (id bigint PRIMARY KEY, at timestamp);")], LintConfig())
>>> fix.fixed, [d.rule for d in fix.remaining]
('CREATE TABLE t (id bigint PRIMARY KEY, at timestamptz);', [])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from dbarch.tools.lint.config import LintConfig
from dbarch.tools.lint.findings import Diagnostic, LintReport

if TYPE_CHECKING:
    from dbarch.tools.lint.cache import LintCache
    from dbarch.tools.schema.model import Schema
    from dbarch.tools.sql.source import SqlSource


def lint_text(
    text: str,
    name: str,
    config: LintConfig,
    *,
    dialect: str = "postgres",
    existing: Schema | None = None,
    cache: LintCache | None = None,
) -> LintReport:
    """Lint one SQL text named ``name`` (the file it came from).

    With ``cache``, a report stored for the same inputs is returned as it was computed (its
    ``cached`` is true; its edits are computed on demand), and a new one is stored."""
    key = cache.key(text, name, config, dialect, existing) if cache is not None else None
    if cache is not None:
        hit = cache.get(key)
        if hit is not None:
            return replace(hit, fixes=lambda: lint_text(text, name, config, dialect=dialect, existing=existing).edits)
    from dbarch.tools.lint.engine import lint_script
    from dbarch.tools.sql.parse import parse_script

    report = lint_script(
        parse_script(text, dialect=dialect, source=name),
        existing=existing,
        select=config.select,
        ignore=config.ignore,
        min_severity=config.severity,
        options=config.options,
        severities=config.severities,
        assume_in_transaction=config.assume_in_transaction,
    )
    if cache is not None:
        cache.put(key, report)
    return report


def lint_sources(
    sources: Sequence[SqlSource],
    config: LintConfig,
    *,
    dialect: str = "postgres",
    existing: Schema | None = None,
    cache: LintCache | None = None,
) -> tuple[LintReport, ...]:
    """One report per source; ``existing`` is the schema they start from (live tables);
    ``cache`` stores and reuses reports (see :mod:`dbarch.tools.lint.cache`)."""
    return tuple(lint_text(s.text, s.name, config, dialect=dialect, existing=existing, cache=cache) for s in sources)


@dataclass(frozen=True, slots=True)
class FixResult:
    """One source after its safe fixes."""

    source: str
    original: str = field(repr=False)
    fixed: str = field(repr=False)
    edits: int
    """Edits applied."""
    remaining: tuple[Diagnostic, ...]
    """What linting the fixed text still finds (no automatic fix for those)."""
    changed: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "changed", self.fixed != self.original)


def fix_sources(
    sources: Sequence[SqlSource],
    config: LintConfig,
    *,
    dialect: str = "postgres",
    existing: Schema | None = None,
    reports: Sequence[LintReport] | None = None,
) -> tuple[FixResult, ...]:
    """Apply each source's safe fixes, then lint the fixed text again.

    ``reports`` are the sources' lint reports when the caller has them already. Nothing is
    written: the caller decides (``dbarch lint --fix --write`` writes the files)."""
    if reports is None:
        reports = lint_sources(sources, config, dialect=dialect, existing=existing)
    from dbarch.tools.lint.engine import apply_edits

    results: list[FixResult] = []
    for src, report in zip(sources, reports, strict=True):
        new = apply_edits(src.text, report.edits)
        remaining = report.diagnostics
        if new != src.text:
            remaining = lint_text(new, src.name, config, dialect=dialect, existing=existing).diagnostics
        results.append(FixResult(src.name, src.text, new, len(report.edits) if new != src.text else 0, remaining))
    return tuple(results)
