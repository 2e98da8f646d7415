"""Several files applied in order: the design the whole run builds is what the design rules
judge; migration-safety rules treat earlier files' tables as live unless the run is fresh."""

from __future__ import annotations

from dbarch.tools.lint.findings import Diagnostic
from dbarch.tools.lint.sequence import lint_in_order
from dbarch.tools.schema.from_sql import schema_from_sql
from dbarch.tools.sql.parse import Note, parse_script

TABLES = """\
CREATE TABLE artist (id bigint NOT NULL, name text NOT NULL);
CREATE TABLE queue (release bigint NOT NULL);
CREATE TABLE scratch (id bigint NOT NULL);
"""
KEYS = """\
ALTER TABLE artist ADD CONSTRAINT artist_pkey PRIMARY KEY (id);
ALTER TABLE scratch ADD CONSTRAINT scratch_pkey PRIMARY KEY (id);
CREATE INDEX artist_name_idx ON artist (name);
"""
CLEANUP = "DROP TABLE scratch;\n"


def _run(*texts: str, fresh: bool = False, existing: str | None = None,
         notes: list[Note] | None = None) -> list[Diagnostic]:
    scripts = [parse_script(t, source=f"{i:02d}.sql") for i, t in enumerate(texts)]
    return lint_in_order(scripts, fresh=fresh, existing=schema_from_sql(existing) if existing else None, notes=notes)


def _where(found: list[Diagnostic], rule: str) -> list[tuple[str | None, int]]:
    return [(d.file, d.line) for d in found if d.rule == rule]


def test_a_primary_key_added_by_a_later_file_counts_in_both_readings() -> None:
    for fresh in (False, True):
        found = _run(TABLES, KEYS, fresh=fresh)
        assert _where(found, "require-primary-key") == [("00.sql", 2)], fresh  # only the queue has none


def test_a_table_a_later_file_drops_is_not_reviewed() -> None:
    found = _run("CREATE TABLE scratch (id bigint, note text);", CLEANUP)
    assert _where(found, "require-primary-key") == []


def test_one_file_alone_still_gets_the_finding() -> None:
    assert _where(_run(TABLES), "require-primary-key") == [("00.sql", 1), ("00.sql", 2), ("00.sql", 3)]


def test_by_default_later_files_are_migrations_on_live_tables_and_a_note_says_how_to_read_them_fresh() -> None:
    notes: list[Note] = []
    found = _run(TABLES, KEYS, notes=notes)
    assert ("01.sql", 3) in _where(found, "create-index-non-concurrently")
    assert ("01.sql", 1) in _where(found, "add-primary-key-in-place")
    (note,) = notes
    assert "--fresh" in note.message and note.file == "01.sql"


def test_a_fresh_run_has_no_live_tables_and_findings_stay_in_their_own_file_and_line() -> None:
    notes: list[Note] = []
    found = _run("-- types\n\n" + TABLES, KEYS, "CREATE TABLE price (id bigint PRIMARY KEY, amount float);", fresh=True,
                 notes=notes)
    assert not [d for d in found if d.rule in ("create-index-non-concurrently", "add-primary-key-in-place")]
    assert _where(found, "no-float-money") == [("02.sql", 1)]
    assert _where(found, "require-primary-key") == [("00.sql", 4)]
    assert notes == []


def test_with_an_existing_schema_no_note_is_added() -> None:
    notes: list[Note] = []
    _run("ALTER TABLE artist ADD COLUMN born date;", "CREATE INDEX artist_born_idx ON artist (born);",
         existing="CREATE TABLE artist (id bigint PRIMARY KEY);", notes=notes)
    assert notes == []
