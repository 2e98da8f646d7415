"""Partitioned tables: what a script declares on every partition covers the parent (the model
keeps partitions as storage of their parent, not as tables)."""

from __future__ import annotations

import textwrap

from dbarch.tools.lint.engine import lint_script
from dbarch.tools.sql.parse import parse_script

PARENTS = """
CREATE TABLE shops (id bigint PRIMARY KEY, name text NOT NULL UNIQUE);
CREATE TABLE tickets (
    id bigint GENERATED ALWAYS AS IDENTITY,
    sold_at timestamptz NOT NULL,
    shop_id bigint NOT NULL,
    PRIMARY KEY (id, sold_at)
) PARTITION BY RANGE (sold_at);
"""


def findings(sql: str, rule: str) -> list[str]:
    report = lint_script(parse_script(textwrap.dedent(PARENTS + sql)), select=[rule])
    return [d.message for d in report.diagnostics]


ATTACHED = """
CREATE TABLE tickets_h1 (id bigint NOT NULL, sold_at timestamptz NOT NULL, shop_id bigint NOT NULL);
CREATE TABLE tickets_h2 (id bigint NOT NULL, sold_at timestamptz NOT NULL, shop_id bigint NOT NULL);
ALTER TABLE ONLY tickets ATTACH PARTITION tickets_h1 FOR VALUES FROM ('2026-01-01') TO ('2026-07-01');
ALTER TABLE ONLY tickets ATTACH PARTITION tickets_h2 FOR VALUES FROM ('2026-07-01') TO ('2027-01-01');
ALTER TABLE ONLY tickets_h1 ADD CONSTRAINT tickets_h1_shop_fk FOREIGN KEY (shop_id) REFERENCES shops (id);
"""


def test_a_reference_on_every_attached_partition_covers_the_parent() -> None:
    both = ATTACHED + "ALTER TABLE ONLY tickets_h2 ADD CONSTRAINT tickets_h2_shop_fk FOREIGN KEY (shop_id) REFERENCES shops (id);\n"
    assert findings(both, "require-foreign-key") == []


def test_a_reference_on_some_partitions_only_is_still_missing_and_says_how_many() -> None:
    (message,) = findings(ATTACHED, "require-foreign-key")
    assert "tickets.shop_id -> shops" in message and "only 1 of its 2 partitions" in message


def test_partition_of_with_inline_references() -> None:
    sql = """
    CREATE TABLE tickets_2026 PARTITION OF tickets (
        CONSTRAINT tickets_2026_shop_fk FOREIGN KEY (shop_id) REFERENCES shops (id)
    ) FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
    """
    assert findings(sql, "require-foreign-key") == []


def test_a_partitioned_table_without_partitions_is_flagged_as_before() -> None:
    assert len(findings("", "require-foreign-key")) == 1


def test_an_index_on_every_partition_serves_the_parents_foreign_key() -> None:
    fk = "ALTER TABLE tickets ADD CONSTRAINT tickets_shop_fk FOREIGN KEY (shop_id) REFERENCES shops (id) ON DELETE RESTRICT;\n"
    parts = """
    CREATE TABLE tickets_2025 PARTITION OF tickets FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
    CREATE TABLE tickets_2026 PARTITION OF tickets FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
    CREATE INDEX ON tickets_2025 (shop_id, sold_at);
    """
    assert len(findings(fk + parts, "index-foreign-key")) == 1
    assert findings(fk + parts + "CREATE INDEX ON tickets_2026 (shop_id);\n", "index-foreign-key") == []
    partial = parts + "CREATE INDEX ON tickets_2026 (shop_id) WHERE sold_at > '2026-06-01';\n"
    assert len(findings(fk + partial, "index-foreign-key")) == 1


def test_partitions_are_not_judged_by_table_name_plurality() -> None:
    sql = """
    CREATE TABLE refunds (id bigint PRIMARY KEY);
    CREATE TABLE tickets_2025 PARTITION OF tickets FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
    CREATE TABLE tickets_2026 PARTITION OF tickets FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
    """
    assert findings(sql, "consistent-table-plurality") == []


def test_references_declared_on_partitions_set_the_width_of_the_parent_column() -> None:
    narrow = """
    CREATE TABLE venues (id integer PRIMARY KEY, name text NOT NULL UNIQUE);
    CREATE TABLE seats (id bigint GENERATED ALWAYS AS IDENTITY, sold_at timestamptz NOT NULL,
                        venue_id integer NOT NULL, PRIMARY KEY (id, sold_at)) PARTITION BY RANGE (sold_at);
    CREATE TABLE seats_2026 PARTITION OF seats (
        CONSTRAINT seats_2026_venue_fk FOREIGN KEY (venue_id) REFERENCES venues (id)
    ) FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
    """
    on_seats = [m for m in findings(narrow, "prefer-bigint-over-int") if "seats" in m]
    assert on_seats == []  # same width as venues.id (reported itself): widen the parent first
    wide = narrow.replace("venues (id integer", "venues (id bigint")
    (message,) = findings(wide, "prefer-bigint-over-int")
    assert "seats.venue_id bigint" in message
