"""Start-up of the interfaces, next to ``python -c pass`` measured in the same run:

- ``dbarch --help`` and ``dbarch lint`` on a small file: CPU time of the process (target 0.5 s);
- ``dbarch chat`` to its first prompt, with a warm sandbox (the server already running):
  wall time from spawning it on a pseudo-terminal until the prompt is drawn (target 1.5 s);
- ``dbarch mcp`` answering ``tools/list``: wall time from spawning it until the response
  arrives, the client's initialize handshake included (target 1 s), printed next to
  ``python -c "import mcp"`` (the whole SDK, which ``dbarch mcp`` no longer imports in full).

Wall-clock figures depend on how busy the machine is: read them next to the baseline's wall
time printed on the same line. Run: ``python bench/bench_interfaces.py [--rounds N]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import scratch_with
from bench_cli_start import SMALL, median_cpu

TARGETS = {"help": 0.5, "lint": 0.5, "chat": 1.5, "mcp": 1.0}
DBARCH = str(Path(sys.executable).with_name("dbarch"))


def wall(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def chat_first_prompt(workspace: str) -> float:
    """Seconds from spawning ``dbarch chat`` on a pty to its first prompt (then Ctrl-D)."""
    import pexpect

    env = {**os.environ, "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm"}
    start = time.perf_counter()
    child = pexpect.spawn(DBARCH, ["chat", "--workspace", workspace], env=env, encoding="utf-8",
                          timeout=60)
    child.expect_exact("dbarch>")
    took = time.perf_counter() - start
    child.sendeof()
    child.expect(pexpect.EOF)
    child.close()
    return took


def mcp_start(workspace: str, dbarch: str = DBARCH) -> tuple[float, float]:
    """``dbarch mcp`` answering ``tools/list``: (wall seconds from spawning it to the response,
    CPU seconds the process used in all, its exit after stdin closes included)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen([dbarch, "mcp", "--workspace", workspace], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdin is not None and proc.stdout is not None
    messages = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {},
            "clientInfo": {"name": "bench", "version": "0"}}},
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/list", "params": {}},
    ]
    proc.stdin.write("".join(json.dumps(m) + "\n" for m in messages))
    proc.stdin.flush()
    tools = None
    for line in proc.stdout:
        reply = json.loads(line)
        if reply.get("id") == 2:
            tools = reply["result"]["tools"]
            break
    took = time.perf_counter() - start
    proc.stdin.close()
    proc.wait(timeout=30)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    assert tools and len(tools) == 9, tools
    return took, cpu


def row(label: str, took: float, base: float, target: float, unit: str) -> bool:
    ok = took <= target
    print(f"{label:34} {took * 1000:7.0f} ms {unit:4}  {took / base:5.1f}x baseline   "
          f"(target <= {target * 1000:.0f} ms: {'ok' if ok else 'OVER'})")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=5, help="runs per figure (median)")
    args = parser.parse_args(argv)
    n = args.rounds
    results = []
    with tempfile.TemporaryDirectory() as tmp, scratch_with("SELECT 1;"):  # the sandbox is warm
        small = Path(tmp) / "small.sql"
        small.write_text(SMALL, encoding="utf-8")
        base_cpu = median_cpu([sys.executable, "-c", "pass"], n)
        base_wall = statistics.median(wall([sys.executable, "-c", "pass"]) for _ in range(n))
        print(f"{'python -c pass':34} {base_cpu * 1000:7.0f} ms CPU   (baseline; "
              f"{base_wall * 1000:.0f} ms wall)")
        results.append(row("dbarch --help", median_cpu([DBARCH, "--help"], n), base_cpu,
                           TARGETS["help"], "CPU"))
        results.append(row("dbarch lint small.sql", median_cpu([DBARCH, "lint", "--no-config",
                           str(small)], n), base_cpu, TARGETS["lint"], "CPU"))
        chat_first_prompt(tmp)  # warm the bytecode and the file cache
        results.append(row("dbarch chat -> first prompt", statistics.median(
            chat_first_prompt(tmp) for _ in range(n)), base_wall, TARGETS["chat"], "wall"))
        mcp_start(tmp)
        runs = [mcp_start(tmp) for _ in range(n)]
        results.append(row("dbarch mcp -> tools/list answered", statistics.median(
            w for w, _ in runs), base_wall, TARGETS["mcp"], "wall"))
        cpu = statistics.median(c for _, c in runs)
        print(f"{'  the same, CPU time of the process':34} {cpu * 1000:7.0f} ms CPU  "
              f"{cpu / base_cpu:5.1f}x baseline   (steadier than wall time on a busy machine)")
        sdk = median_cpu([sys.executable, "-c", "import mcp"], n)
        label = "  for scale: python -c 'import mcp'"
        print(f"{label:34} {sdk * 1000:7.0f} ms CPU  "
              f"{sdk / base_cpu:5.1f}x baseline   (the whole SDK; dbarch mcp imports part of it)")
    if not all(results):
        print("some figures are over their target (see OVER above)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
