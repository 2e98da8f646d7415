"""One helper for the golden files: ``tests/fixtures/lint/NAME.sql`` and ``NAME.expected.json``.

A first-line comment ``-- test: select=a,b`` chooses the rules (default: all). Set
``DBARCH_UPDATE_GOLDEN=1`` to rewrite the expected files after reviewing the change.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from dbarch.tools.lint.engine import lint_script
from dbarch.tools.sql.parse import parse_script

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
    got = findings(name)
    expected_path = FIXTURES / f"{name}.expected.json"
    if os.environ.get("DBARCH_UPDATE_GOLDEN") or not expected_path.exists():
        expected_path.write_text(json.dumps(got, indent=2) + "\n", encoding="utf-8")
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    assert got == expected, f"{name}.sql findings changed; review and rerun with DBARCH_UPDATE_GOLDEN=1"
