"""Scoring one answer to one case with every deterministic scorer, and reading a response file."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from dbarch.evals.case import Answer, Case
from dbarch.evals.scoring import Analysis, CaseScore, Score, ScoringContext, run_scorer
from dbarch.tools.errors import InputError


def score_answer(case: Case, answer: Answer, ctx: ScoringContext, *, only: tuple[str, ...] = ()) -> CaseScore:
    from dbarch.evals.scorers import SCORERS

    analysis = Analysis(case, answer, ctx)
    if case.expect.wants_sql:
        # the shared analysis (parse, model, apply, lint), timed on its own; the scorers that
        # need it report a failure themselves
        with contextlib.suppress(Exception):
            _ = analysis.lint
    scores: list[Score] = []
    for name, fn in SCORERS:
        if only and name not in only:
            continue
        s = run_scorer(name, fn, case, analysis)
        if s is not None:
            scores.append(s)
    return CaseScore(case.id, case.category.value, tuple(scores))


def read_response(path: str) -> Answer:
    """A response file: Markdown/plain text (the answer), or JSON ``{"text"|"answer": ..., "memory": {...}}``
    (what ``dbarch eval run`` logs per sample is accepted too)."""
    p = Path(path)
    try:
        raw = p.read_text(encoding="utf-8") if path != "-" else __import__("sys").stdin.read()
    except OSError as exc:
        raise InputError(f"cannot read the response: {exc.strerror or exc}", file=path) from None
    except UnicodeDecodeError:
        raise InputError("the response is not UTF-8 text", file=path) from None
    if p.suffix.lower() == ".json":
        try:
            data = json.loads(raw)
        except ValueError as exc:
            raise InputError(f"the response is not valid JSON: {exc}", file=path) from None
        if isinstance(data, dict):
            text = data.get("text", data.get("answer", data.get("output")))
            if isinstance(text, str):
                memory = data.get("memory") or {}
                return Answer(text=text, memory={str(k): str(v) for k, v in memory.items()})
        raise InputError('a JSON response is an object with a "text" string', file=path)
    if not raw.strip():
        raise InputError("the response is empty", file=path)
    return Answer(text=raw)
