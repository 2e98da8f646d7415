"""Turns of the REPL with a (fake, hand-written) model: a design turn replayed from a cassette,
rendered as it streams, with the tool line, the verification summary and the footer."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.interfaces.cassettes import model_env, replay
from tests.interfaces.replhelp import ENTER, drive


def test_a_design_turn_streams_with_tool_line_verification_and_footer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sandbox: object
) -> None:
    env = model_env(monkeypatch)
    ws = tmp_path / "ws"
    ws.mkdir()
    with replay("design_turn"):
        run = drive("Design members and loans for a small library" + ENTER + "/threads" + ENTER,
                    home=tmp_path / "home", workspace=ws, environ=env)
    out = run.out
    assert "No model is configured" not in out
    assert "✓ apply_sql" in out  # one compact line for the tool call
    assert "Members borrow books" in out and "CREATE TABLE loans" in out
    verification = next(line for line in out.splitlines() if line.startswith("verified"))
    assert "parsed" in verification and "applied in sandbox" in verification
    assert "6,300 in / 230 out tokens" in out and "cost n/a" in out
    assert "Design members and loans" in out.split("/threads", 1)[-1]  # listed by /threads
    assert (tmp_path / "home" / "threads.sqlite").is_file()


def test_verbose_shows_tool_arguments(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      sandbox: object) -> None:
    env = model_env(monkeypatch)
    with replay("design_turn"):
        run = drive("/verbose on" + ENTER + "Design members and loans" + ENTER,
                    home=tmp_path / "home", workspace=tmp_path, environ=env)
    assert '> apply_sql({"sql": "CREATE TABLE members' in run.out


def test_an_app_code_request_is_refused_without_the_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sandbox: object
) -> None:
    env = model_env(monkeypatch)
    with replay("no_call"):
        run = drive("Write a React component that shows the cart" + ENTER,
                    home=tmp_path / "home", workspace=tmp_path, environ=env)
    assert "refused:" in run.out
