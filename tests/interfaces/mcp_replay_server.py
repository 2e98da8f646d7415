"""``dbarch mcp`` in a process whose model endpoint is a hand-written cassette.

vcrpy patches the HTTP client inside one process, so the test cannot wrap the server from
outside: this launcher opens the cassette, then runs the real entry point
(``main(["mcp", ...])``) in the same process. When the client closes the connection it writes
how many responses were played to ``REPORT`` (JSON), for the test to check.

Usage: ``python mcp_replay_server.py CASSETTE REPORT -- mcp --workspace DIR``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.interfaces.cassettes import _VCR, CASSETTES


def main(argv: list[str]) -> int:
    cassette_name, report, separator, *command = argv
    assert separator == "--", argv
    from dbarch.agent.cli.main import main as dbarch

    with _VCR.use_cassette(str(CASSETTES / f"{cassette_name}.yaml"),
                           allow_playback_repeats=False) as cassette:
        try:
            code = dbarch(command)
        finally:
            Path(report).write_text(json.dumps({"played": cassette.play_count,
                                                "total": len(cassette.data)}))
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
