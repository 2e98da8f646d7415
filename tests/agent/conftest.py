"""Fixtures for the agent tests: hand-written cassettes replayed through vcrpy, a workspace
in a temporary folder, and the session's real sandbox.

Cassettes (``tests/cassettes/agent/*.yaml``) are replayed in file order, each response once
(``match_on`` ignores the body); a test asserts every response was played.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import vcr

CASSETTES = Path(__file__).resolve().parents[1] / "cassettes" / "agent"
BASE_URL = "http://llm.test/v1"

REPLAY = vcr.VCR(
    record_mode="none",
    match_on=["method", "scheme", "host", "path"],
    decode_compressed_response=True,
    filter_headers=["authorization", "openai-organization", "openai-project", "cookie", "set-cookie"],
)


@pytest.fixture(autouse=True)
def _model_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    for var in ("OPENAI_BASE_URL", "DBARCH_MODEL", "DBARCH_MAX_TOOL_ROUNDS", "DBARCH_WORKSPACE"):
        monkeypatch.delenv(var, raising=False)


class Replay:
    """A cassette being replayed, and the requests the code really sent (in order)."""

    def __init__(self, cassette: Any, sent: list[Any]) -> None:
        self.cassette = cassette
        self._sent = sent

    def body(self, index: int) -> dict[str, Any]:
        """The JSON body of the ``index``-th request sent to the model."""
        raw = self._sent[index].body
        return json.loads(raw.decode() if isinstance(raw, bytes) else raw)

    @property
    def count(self) -> int:
        return len(self._sent)


@contextlib.contextmanager
def replay(name: str) -> Iterator[Replay]:
    """Replay ``tests/cassettes/agent/<name>.yaml``; fail if a response was left unplayed."""
    sent: list[Any] = []
    path = str(CASSETTES / f"{name}.yaml")
    with REPLAY.use_cassette(path, allow_playback_repeats=False) as cassette:
        play = cassette.play_response

        def record_and_play(request: Any) -> Any:
            sent.append(request)  # each request vcrpy answers from the cassette, once
            return play(request)

        cassette.play_response = record_and_play
        yield Replay(cassette, sent)
    assert cassette.all_played, f"{name}: {cassette.play_count} of {len(cassette.data)} responses played"


@pytest.fixture
def make_architect(sandbox: Any, tmp_path: Path) -> Iterator[Callable[..., Any]]:
    """``make_architect(**context_fields)``: an Architect on the shared sandbox, a workspace
    in ``tmp_path / 'ws'`` and an in-memory checkpointer."""
    from dbarch.agent.checkpoint import make_checkpointer
    from dbarch.agent.context import Context
    from dbarch.agent.session import Architect

    made: list[Any] = []

    def make(**fields: Any) -> Any:
        fields.setdefault("model", "test-model")
        fields.setdefault("base_url", BASE_URL)
        fields.setdefault("workspace", str(tmp_path / "ws"))
        fields.setdefault("retry_backoff", 0.0)
        architect = Architect(Context(**fields), sandbox=sandbox, checkpointer=make_checkpointer("memory"))
        made.append(architect)
        return architect

    yield make
    for architect in made:
        architect.close()
