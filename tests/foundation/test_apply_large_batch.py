"""A batch of statements larger than the socket buffers is flushed before its results are read
(regression: ``dbarch check`` of the Chinook sample, 600 KB of INSERTs, waited forever)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli import dbarch


@pytest.mark.usefixtures("sandbox")
def test_a_megabyte_statement_applies(tmp_path: Path) -> None:
    values = ",\n".join(f"({i}, '{'x' * 200}')" for i in range(1, 5001))  # one 1 MB statement
    path = tmp_path / "big.sql"
    path.write_text(
        "CREATE TABLE notes (id bigint PRIMARY KEY, body text NOT NULL);\n"
        f"INSERT INTO notes (id, body) VALUES\n{values};\n"
        "CREATE INDEX notes_body_idx ON notes (left(body, 10));\n"
    )
    out = dbarch("check", "--no-lint", str(path), timeout=120)  # a hang fails here, it does not stall the run
    assert out.returncode == 0, out.stdout + out.stderr
    assert "3 statements" in out.stdout and "applied cleanly" in out.stdout
