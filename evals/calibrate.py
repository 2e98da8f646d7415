"""Calibration: the suite must tell good from bad, case by case.

Every reference answer passes, every flawed answer fails, and every reference scores above
each of its flawed answers. ``make eval-calibrate`` runs it on the whole suite.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from dbarch.evals.case import Case
from dbarch.evals.score import score_answer
from dbarch.evals.scoring import CaseScore, ScoringContext


@dataclass(frozen=True, slots=True)
class Calibration:
    case: Case
    reference: CaseScore
    flawed: tuple[tuple[str, CaseScore], ...]
    seconds: float

    @property
    def problems(self) -> list[str]:
        out: list[str] = []
        if not self.reference.passed:
            why = "; ".join(f"{s.name}: {s.explanation}" for s in self.reference.failures)
            out.append(f"{self.case.id}: the reference fails ({why})")
        for flaw, score in self.flawed:
            if score.passed:
                out.append(f"{self.case.id}: flawed answer '{flaw}' passes (score {score.score:.3f})")
            if score.score >= self.reference.score:
                out.append(f"{self.case.id}: flawed answer '{flaw}' scores {score.score:.3f}, "
                           f"not below the reference's {self.reference.score:.3f}")
        return out


def calibrate_case(case: Case, ctx: ScoringContext) -> Calibration:
    t0 = time.perf_counter()
    ref = score_answer(case, case.reference, ctx)
    flawed = tuple((f.flaw, score_answer(case, case.flawed_answer(f), ctx)) for f in case.flawed)
    return Calibration(case, ref, flawed, time.perf_counter() - t0)


def calibrate(cases: Iterable[Case], ctx: ScoringContext, *, workers: int = 1) -> list[Calibration]:
    cases = list(cases)
    if workers <= 1:
        return [calibrate_case(c, ctx) for c in cases]
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="dbarch-calibrate") as pool:
        return list(pool.map(lambda c: calibrate_case(c, ctx), cases))
