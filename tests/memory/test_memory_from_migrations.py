"""``dbarch memory schema --from-migrations``: 00_soul.md states what the migrations really make."""

from __future__ import annotations

from pathlib import Path

import pytest

from dbarch.agent.cli.main import main


@pytest.mark.usefixtures("sandbox")
def test_the_soul_schema_is_written_from_the_replayed_migrations_and_then_shows_no_drift(
    ws_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (ws_dir / "migrations").mkdir(parents=True)
    (ws_dir / "migrations" / "001_customers.sql").write_text(
        "CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL UNIQUE);"
    )
    (ws_dir / "migrations" / "002_orders.sql").write_text(
        "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers (id));\n"
        "CREATE INDEX orders_customer_id_idx ON orders (customer_id);"
    )
    ws = ["--workspace", str(ws_dir)]
    assert main(["memory", "check", *ws]) == 1  # nothing stated yet: drift
    assert main(["memory", "schema", "--from-migrations", *ws]) == 0
    soul = (ws_dir / "00_soul.md").read_text()
    assert "REFERENCES customers (id)" in soul and "CREATE INDEX orders_customer_id_idx" in soul
    capsys.readouterr()
    assert main(["memory", "check", *ws]) == 0
    assert "no drift" in capsys.readouterr().out


def test_a_file_and_from_migrations_together_are_a_usage_error(
    ws_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["memory", "schema", "x.sql", "--from-migrations", "--workspace", str(ws_dir)]) == 2
    assert "either FILE.sql or --from-migrations" in capsys.readouterr().err
