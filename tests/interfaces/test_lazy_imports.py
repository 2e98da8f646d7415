"""``dbarch lint`` and ``dbarch --help`` stay light: neither loads LangGraph, the model clients,
the MCP SDK or prompt_toolkit (they are imported inside the commands that need them)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HEAVY = ("langgraph", "langchain_core", "langchain_openai", "openai", "mcp", "prompt_toolkit")

PROBE = """
import json, sys
PRELOAD
from dbarch.agent.cli.main import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
heavy = sorted({m.split('.')[0] for m in sys.modules} & set(json.loads(HEAVY)))
print("HEAVY=" + json.dumps(heavy), file=sys.stderr)
"""


def _heavy_modules(args: list[str], preload: str = "") -> list[str]:
    code = PROBE.replace("HEAVY)", f"{json.dumps(json.dumps(HEAVY))})").replace("PRELOAD", preload)
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          timeout=120, check=False)
    line = next(line for line in done.stderr.splitlines() if line.startswith("HEAVY="))
    return list(json.loads(line.removeprefix("HEAVY=")))


def test_lint_imports_nothing_heavy(tmp_path: Path) -> None:
    small = tmp_path / "small.sql"
    small.write_text("create table t (id bigint primary key, at timestamp);\n")
    assert _heavy_modules(["lint", "--no-config", str(small)]) == []


def test_help_imports_nothing_heavy() -> None:
    assert _heavy_modules(["--help"]) == []


def test_the_probe_sees_a_heavy_import() -> None:
    assert _heavy_modules(["--help"], preload="import prompt_toolkit") == ["prompt_toolkit"]
