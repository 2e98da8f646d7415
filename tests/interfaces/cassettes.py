"""Replay hand-written cassettes (``tests/cassettes/interfaces/``) through vcrpy, in file order,
each response once; fail when one is left unplayed. The host ``llm.test`` does not exist."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import vcr

CASSETTES = Path(__file__).resolve().parents[1] / "cassettes" / "interfaces"
BASE_URL = "http://llm.test/v1"

_VCR = vcr.VCR(
    record_mode="none",
    match_on=["method", "scheme", "host", "path"],
    decode_compressed_response=True,
    filter_headers=["authorization", "openai-organization", "openai-project", "cookie"],
)


@contextlib.contextmanager
def replay(name: str) -> Iterator[Any]:
    with _VCR.use_cassette(str(CASSETTES / f"{name}.yaml"), allow_playback_repeats=False) as cassette:
        yield cassette
    assert cassette.all_played, f"{name}: {cassette.play_count} of {len(cassette.data)} played"


def model_env(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A configured (fake) endpoint in the environment; returns it for the REPL's ``environ``."""
    env = {"OPENAI_API_KEY": "test-key", "OPENAI_BASE_URL": BASE_URL, "DBARCH_MODEL": "test-model",
           "DBARCH_RETRY_BACKOFF": "0", "DBARCH_MAX_RETRIES": "0"}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


def no_model_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "DBARCH_MODEL", "DBARCH_API_KEY_ENV"):
        monkeypatch.delenv(var, raising=False)
