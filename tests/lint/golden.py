"""One helper for the golden files: ``tests/fixtures/lint/NAME.sql`` and ``NAME.expected.json``.

A first-line comment ``-- test: select=a,b`` chooses the rules (default: all). A missing or
different expected file fails (see :mod:`tests.golden`: ``DBARCH_UPDATE_GOLDEN=1`` rewrites them
after reviewing the change).
"""

from __future__ import annotations

import json
from pathlib import Path

from dbarch.tools.lint.engine import lint_script
from dbarch.tools.sql.parse import parse_script
from tests.golden import assert_golden

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "lint"


def golden_cases() -> list[str]:
    return sorted(p.stem for p in FIXTURES.glob("*.sql"))


def findings(name: str) -> list[dict[str, object]]:
    text = (FIXTURES / f"{name}.sql").read_text(encoding="utf-8")
    select = None
    for line in text.splitlines()[:3]:
        if line.startswith("-- test: select="):
            select = line.removeprefix("-- test: select=").split(",")
    report = lint_script(parse_script(text, source=f"{name}.sql"), select=select)
    return [
        {"rule": d.rule, "severity": str(d.severity), "line": d.line, "column": d.column, "message": d.message}
        for d in report.diagnostics
    ] + [{"skipped": report.skipped}]


def check_golden(name: str) -> None:
    assert_golden(FIXTURES / f"{name}.expected.json", json.dumps(findings(name), indent=2) + "\n")
