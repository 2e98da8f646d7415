"""``dbarch chat`` as a real process on a pseudo-terminal (pexpect): Ctrl-C during a turn that
is waiting on the model cancels the turn and keeps the session; Ctrl-D leaves."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pexpect

from tests.interfaces.slowmodel import FIRST_WORDS, slow_model

PROMPT = "dbarch>"  # prompt_toolkit draws the space as a cursor move


def _spawn(tmp_path: Path, env: dict[str, str]) -> pexpect.spawn:
    dbarch = str(Path(sys.executable).with_name("dbarch"))
    base = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "DBARCH_MODEL"))}
    base.update(PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm")  # pexpect answers no cursor queries
    return pexpect.spawn(dbarch, ["chat", "--workspace", str(tmp_path)], env={**base, **env},
                         cwd=str(tmp_path), encoding="utf-8", timeout=60, dimensions=(40, 120))


def test_ctrl_c_cancels_the_turn_and_keeps_the_session(tmp_path: Path, sandbox: object) -> None:
    with slow_model() as url:
        child = _spawn(tmp_path, {"OPENAI_BASE_URL": url, "DBARCH_MODEL": "slow-model",
                                  "OPENAI_API_KEY": "test-key", "DBARCH_MAX_RETRIES": "0"})
        try:
            child.expect_exact(PROMPT)
            child.send("Design the tables for invoices\r")
            child.expect_exact(FIRST_WORDS)  # the turn is streaming, then waits on the model
            child.sendintr()
            if child.expect_exact(["turn cancelled", pexpect.TIMEOUT], timeout=15) == 1:
                child.sendintr()  # a starved machine: press it again (the model still waits)
                child.expect_exact("turn cancelled")
            child.expect_exact(PROMPT)
            child.send("/workspace\r")
            child.expect_exact("files: none yet")  # what /workspace prints
            child.expect_exact(PROMPT)
            child.send("/quit\r")  # the model is still "thinking": leaving must not wait for it
            child.expect(pexpect.EOF)
        finally:
            child.close(force=True)
    assert child.exitstatus == 0, child.before


def test_no_model_first_prompt_and_ctrl_d(tmp_path: Path, sandbox: object) -> None:
    child = _spawn(tmp_path, {})
    try:
        child.expect_exact("No model is configured")
        child.expect_exact(PROMPT)
        child.send("/lint nothing.sql\r")
        child.expect_exact("error: nothing.sql: no such file")
        child.expect_exact(PROMPT)
        child.sendeof()
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0
