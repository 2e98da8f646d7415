"""API keys never appear in errors, logs, the workspace, results or cassettes.

The model endpoint here is a hand-written cassette (written to a temporary folder by the test,
so no key, not even a fake one, sits in the repository) whose error bodies *echo the key back*,
as a careless proxy or local server might.
"""

from __future__ import annotations

import json
import re
import traceback
from pathlib import Path
from typing import Any

import pytest
import vcr

from dbarch.tools.errors import DbarchError

KEY = "sk-dbarch-test-5e3c7a1f9b2d4e6a8c0f1a3b5d7e9f21"
BASE_URL = "http://llm.test/v1"


def cassette(path: Path, *responses: tuple[int, str]) -> Path:
    interactions = []
    for status, message in responses:
        body = json.dumps({"error": {"message": message, "type": "invalid_request_error", "code": None}})
        interactions.append({
            "request": {"method": "POST", "uri": f"{BASE_URL}/chat/completions", "body": None, "headers": {}},
            "response": {"status": {"code": status, "message": "x"},
                         "headers": {"Content-Type": ["application/json"]}, "body": {"string": body}},
        })
    import yaml

    path.write_text("# Hand-written by the test: an endpoint that echoes the API key in its errors.\n"
                    + yaml.safe_dump({"interactions": interactions, "version": 1}))
    return path


REPLAY = vcr.VCR(record_mode="none", match_on=["method", "scheme", "host", "path"],
                 decode_compressed_response=True, filter_headers=["authorization"])

ECHOES = {
    "401": [(401, f"Incorrect API key provided: {KEY}")],
    "400": [(400, f"bad request from key {KEY}")],
    "500-retried": [(500, f"upstream failed for {KEY}")] * 3,
    "404": [(404, f"model not found for {KEY}")],
}


@pytest.mark.parametrize("case", list(ECHOES))
def test_a_key_echoed_by_the_endpoint_never_reaches_the_user(
    case: str, sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dbarch_home: Path
) -> None:
    from dbarch.agent.checkpoint import make_checkpointer
    from dbarch.agent.context import Context
    from dbarch.agent.session import Architect

    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    path = cassette(tmp_path / "echo.yaml", *ECHOES[case])
    context = Context(model="test-model", base_url=BASE_URL, workspace=str(tmp_path / "ws"), retry_backoff=0.0,
                      max_retries=2)
    architect = Architect(context, sandbox=sandbox, checkpointer=make_checkpointer("memory"))
    try:
        with REPLAY.use_cassette(str(path)), pytest.raises(DbarchError) as caught:
            architect.ask("Design a table of books")
    finally:
        architect.close()
    err = caught.value
    logged = "".join(traceback.format_exception(err))  # what the CLI writes to its log
    shown = " | ".join([err.one_line(), str(err), repr(vars(err)), logged])
    assert KEY not in shown and KEY[10:30] not in shown, shown
    for folder in (tmp_path / "ws", dbarch_home):
        for file in folder.rglob("*"):
            if file.is_file():
                assert KEY not in file.read_text(errors="replace"), file


def test_no_cassette_in_the_repository_carries_a_credential() -> None:
    root = Path(__file__).resolve().parents[1] / "cassettes"
    pattern = re.compile(r"(?i)(authorization|bearer\s|api[-_]key\s*[:=]|\bsk-[a-z0-9]{16,})")
    found = [f"{p}: {m.group(0)}" for p in root.rglob("*.yaml") for m in pattern.finditer(p.read_text())]
    assert not found, found
