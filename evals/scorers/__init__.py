"""The deterministic scorers, in the order a report lists them.

Each is ``(case, analysis) -> Score | None``; ``None`` means the scorer does not apply to the
case (a boundary case has no schema to cover). :func:`dbarch.evals.score.score_answer` runs
them all through :func:`dbarch.evals.scoring.run_scorer`, which keeps them from raising.
"""

from __future__ import annotations

from dbarch.evals.scorers import perf, reqtests, schema, sql, text
from dbarch.evals.scoring import Scorer

SCORERS: tuple[tuple[str, Scorer], ...] = (
    ("sql_present", sql.sql_present),
    ("parses", sql.parses),
    ("applies", sql.applies),
    ("lint", sql.lint),
    ("entities", schema.entities),
    ("relationships", schema.relationships),
    ("foreign_keys_declared", schema.foreign_keys_declared),
    ("constraints", schema.constraints),
    ("foreign_keys_indexed", schema.foreign_keys_indexed),
    ("types", schema.types),
    ("normalization", schema.normalization),
    ("access_patterns", perf.access_patterns),
    ("query_gain", perf.query_gain),
    ("requirement_tests", reqtests.requirement_tests),
    ("migration_safety", sql.migration_safety),
    ("migration_applies", perf.migration_applies),
    ("refusal", text.refusal),
    ("no_app_code", text.no_app_code),
    ("justification", text.justification),
    ("mentions", text.mentions),
    ("forbids", text.forbids),
    ("memory", text.memory),
)
"""Every deterministic scorer by name."""

SCORER_NAMES = tuple(name for name, _ in SCORERS)
