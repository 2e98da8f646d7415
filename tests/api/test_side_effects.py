"""Library calls leave the process as they found it; the sandbox is shared safely by threads."""

from __future__ import annotations

import gc
import logging
import os
import signal
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from dbarch.tools.check import check_sources
from dbarch.tools.sandbox import Sandbox
from dbarch.tools.sql.source import SqlSource

SCHEMA = "CREATE TABLE events (id bigint PRIMARY KEY, happened_at timestamp NOT NULL);\n"


def _process_state() -> tuple[object, ...]:
    return (
        sys.getswitchinterval(),
        signal.getsignal(signal.SIGTERM),
        gc.get_threshold(),
        gc.get_freeze_count(),
        logging.getLogger("sqlglot").level,
    )


def test_check_with_the_sandbox_changes_no_process_wide_setting(sandbox: Sandbox) -> None:
    before = _process_state()
    result = check_sources([SqlSource("s.sql", SCHEMA)], sandbox=sandbox)
    assert result.applied and _process_state() == before


def test_a_fresh_sandbox_installs_no_signal_handler(sandbox: Sandbox) -> None:
    before = _process_state()
    with Sandbox() as box, box.scratch() as db:  # a second client of the session's server
        assert db.conn.execute("SELECT 1").fetchone() == (1,)
    assert _process_state() == before


def test_the_cli_main_function_leaves_gc_and_switch_interval_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from dbarch.agent.cli.main import main

    (tmp_path / "s.sql").write_text(SCHEMA)
    before = _process_state()
    assert main(["lint", str(tmp_path / "s.sql"), "--no-config"]) == 1
    assert main(["check", "--no-apply", str(tmp_path / "s.sql")]) == 0
    assert _process_state() == before
    assert "prefer-timestamptz" in capsys.readouterr().out


def test_check_reads_no_configuration_from_the_current_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.dbarch.lint]\nignore = ["prefer-timestamptz"]\n')
    monkeypatch.chdir(tmp_path)
    result = check_sources([SqlSource("s.sql", SCHEMA)], apply=False)
    assert [d.rule for d in result.lint] == ["prefer-timestamptz"]


def test_the_lint_configuration_is_passed_explicitly() -> None:
    from dbarch.tools.lint.config import LintConfig

    config = LintConfig().with_overrides(ignore=["prefer-timestamptz"])
    result = check_sources([SqlSource("s.sql", SCHEMA)], apply=False, lint_config=config)
    assert result.lint == () and result.passed


def test_one_sandbox_serves_several_threads_at_once(sandbox: Sandbox) -> None:
    def one(n: int) -> tuple[bool, tuple[str, ...]]:
        sql = f"CREATE TABLE t{n} (id bigint PRIMARY KEY);\nINSERT INTO t{n} SELECT generate_series(1, 500);\n"
        result = check_sources([SqlSource(f"s{n}.sql", sql)], sandbox=sandbox, lint=False)
        return result.applied, result.tables

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(one, range(8)))
    assert outcomes == [(True, (f"t{n}",)) for n in range(8)]


def test_the_console_script_tunes_its_own_process_only(tmp_path: Path) -> None:
    import subprocess

    script = (
        "import gc, sys\n"
        "from dbarch.agent.cli.main import tune_process\n"
        "tune_process('lint'); print(sys.getswitchinterval(), gc.get_threshold()[0])\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                         env={**os.environ})
    assert out.stdout.split() == ["0.001", "100000"]
