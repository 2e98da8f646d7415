"""Resource limits a query cannot lift: temp files (``temp_file_limit``, settable only by a
superuser) and memory (the server's address-space limit), on a server of their own."""

from __future__ import annotations

from pathlib import Path

from dbarch.tools.check import check_sources
from dbarch.tools.sandbox import Sandbox, SandboxSettings
from dbarch.tools.sql.source import SqlSource


def test_runaway_temp_files_and_memory_end_in_a_clear_error(cold_root: Path) -> None:
    box = Sandbox(SandboxSettings(root=cold_root, temp_file_limit="2MB", backend_memory_mb=512,
                                  statement_timeout_ms=60000))
    box.start()
    try:
        def check(sql: str) -> list[str]:
            result = check_sources([SqlSource("runaway.sql", sql)], sandbox=box, lint=False)
            return [f"{e.sqlstate} {e.message}" for e in result.errors]

        spill = check("SET work_mem = '64kB';\nSELECT count(*) FROM (SELECT g FROM generate_series(1, 5000000) g "
                      "ORDER BY g DESC) s;")
        assert len(spill) == 1 and spill[0].startswith("53400") and "temp_file_limit" in spill[0]
        lift = check("SET temp_file_limit = -1;")
        assert len(lift) == 1 and lift[0].startswith("42501")
        # 900 MB held at once: fine for PostgreSQL's own limits (1 GB per value), not for 512 MB
        hog = check("SELECT length(array_agg(repeat('x', 10000000))::text) FROM generate_series(1, 90);")
        assert len(hog) == 1 and hog[0].startswith("53200"), hog  # out of memory, not a dead server
        assert box.admin().execute("SELECT 1").fetchone() == (1,)
    finally:
        box.close()
