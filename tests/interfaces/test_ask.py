"""``dbarch ask``: the DesignResult as JSON, JSON lines with --stream, and the exit statuses
(0 answered, 3 refused, 1 error, 2 usage). The model is a hand-written cassette."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from dbarch.agent.cli.main import main
from tests.interfaces.cassettes import model_env, no_model_env, replay


def test_json_result_of_a_design_turn(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str], sandbox: object) -> None:
    model_env(monkeypatch)
    with replay("design_turn"):
        code = main(["ask", "Design members and loans for a library", "--json",
                     "--workspace", str(tmp_path), "--thread", "lib-1"])
    out = capsys.readouterr().out
    assert code == 0
    result = json.loads(out)
    assert result["refused"] is False and result["thread_id"] == "lib-1"
    assert "CREATE TABLE loans" in result["ddl"]
    assert result["verification"]["applied"] is True and result["verification"]["parsed"] is True
    assert result["usage"]["input_tokens"] == 6300 and result["model"] == "test-model"


def test_stream_prints_json_lines_ending_with_the_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    sandbox: object,
) -> None:
    model_env(monkeypatch)
    monkeypatch.setattr(sys, "stdin", io.StringIO("Design members and loans for a library\n"))
    with replay("design_turn"):
        code = main(["ask", "--stream", "--workspace", str(tmp_path)])
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    kinds = [e["event"] for e in events]
    assert code == 0
    assert kinds[-1] == "final" and kinds.count("final") == 1
    assert {"tool_start", "tool_end", "token"} <= set(kinds)
    start = next(e for e in events if e["event"] == "tool_start")
    assert start["name"] == "apply_sql" and "CREATE TABLE members" in start["args"]["sql"]
    end = next(e for e in events if e["event"] == "tool_end")
    assert end["ok"] is True and isinstance(end["ms"], float)
    tokens = "".join(e["text"] for e in events if e["event"] == "token")
    assert "Members borrow books" in tokens
    assert events[-1]["result"]["verification"]["applied"] is True


def test_refused_request_exits_3(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str], sandbox: object) -> None:
    model_env(monkeypatch)
    with replay("no_call"):
        code = main(["ask", "Write a React component that shows the cart", "--json",
                     "--workspace", str(tmp_path)])
    result = json.loads(capsys.readouterr().out)
    assert code == 3
    assert result["refused"] is True and result["guard_verdict"] == "app_code"


def test_no_model_is_one_clear_line_and_exit_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    no_model_env(monkeypatch)
    dbarch = Path(sys.executable).with_name("dbarch")
    done = subprocess.run([str(dbarch), "ask", "Design a schema for invoices", "--json"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120, check=False)
    assert done.returncode == 1
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "OPENAI_API_KEY" in lines[0] and "OPENAI_BASE_URL" in lines[0]


def test_empty_request_is_a_usage_error(monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("  \n"))
    assert main(["ask"]) == 2
    assert "empty request" in capsys.readouterr().err
