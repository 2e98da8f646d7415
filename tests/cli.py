"""One helper for running ``dbarch`` in tests: as a user does (a child process), or in-process.

The child runs ``python -m dbarch.agent.cli.main`` with this checkout importable, so exit codes,
standard output and standard error are exactly what a user sees.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def dbarch(
    *args: str,
    cwd: Path = ROOT,
    stdin: str | bytes | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """Run ``dbarch ARGS`` in a child process; stdout and stderr decoded as UTF-8."""
    data = stdin.encode() if isinstance(stdin, str) else stdin
    proc = subprocess.run(
        [sys.executable, "-m", "dbarch.agent.cli.main", *args],
        input=data, capture_output=True, cwd=cwd, timeout=timeout, check=False,
        env={**os.environ, **(env or {})},
    )
    return subprocess.CompletedProcess(
        proc.args, proc.returncode, proc.stdout.decode(errors="replace"), proc.stderr.decode(errors="replace")
    )


def run_main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run ``dbarch ARGS`` in this process: ``(exit code, stdout, stderr)``."""
    from dbarch.agent.cli.main import main

    capsys.readouterr()
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err
