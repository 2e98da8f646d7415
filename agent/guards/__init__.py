"""Boundary guards: the input classifier and the output guard (no heavy imports)."""

from dbarch.agent.guards.input import VERDICTS, GuardVerdict, Verdict, classify_request, strip_data

__all__ = ["VERDICTS", "GuardVerdict", "Verdict", "classify_request", "strip_data"]
