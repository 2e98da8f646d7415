"""``check``: real schemas apply cleanly, broken ones fail at the right line with SQLSTATE."""

from __future__ import annotations

from pathlib import Path

from dbarch.tools.check import check_sources
from dbarch.tools.sandbox import Sandbox
from dbarch.tools.sql.source import SqlSource, read_sql

FIXTURES = Path(__file__).parents[1] / "fixtures" / "check"


def check(sandbox: Sandbox, *texts: str) -> object:
    sources = [SqlSource(f"f{i}.sql", t) for i, t in enumerate(texts)]
    return check_sources(sources, sandbox=sandbox, lint=False)


def test_an_older_pg_dump_style_file_applies_cleanly(sandbox: Sandbox) -> None:
    result = check_sources([read_sql(str(FIXTURES / "legacy_pg_dump.sql"))], sandbox=sandbox, lint=False)
    assert result.errors == () and result.applied
    assert {"title", "sale", "sale_2024_01"} <= set(result.tables)
    assert any('role "reporting" does not exist' in n.message for n in result.notes)


def test_a_pg_dump_file_applies_cleanly_with_notes_for_what_was_skipped(sandbox: Sandbox) -> None:
    result = check_sources([read_sql(str(FIXTURES / "pg_dump_style.sql"))], sandbox=sandbox, lint=False)
    assert result.errors == () and result.applied
    notes = " | ".join(n.message for n in result.notes)
    assert "\\connect" in notes
    assert "ownership change skipped" in notes
    assert 'role "reporting" does not exist' in notes


def test_the_server_error_is_mapped_to_the_line_and_column_in_the_file(sandbox: Sandbox) -> None:
    result = check(sandbox, "CREATE TABLE a (id int);\n\nCREATE TABLE b (\n  id int,\n  x no_such_type\n);")
    (error,) = result.errors  # type: ignore[attr-defined]
    assert (error.file, error.line, error.column, error.sqlstate) == ("f0.sql", 5, 5, "42704")
    assert not result.applied  # type: ignore[attr-defined]


def test_several_files_are_applied_in_order_like_migrations(sandbox: Sandbox) -> None:
    ok = check(sandbox, "CREATE TABLE a (id int PRIMARY KEY);", "ALTER TABLE a ADD COLUMN b text;")
    assert ok.applied  # type: ignore[attr-defined]
    bad = check(sandbox, "CREATE TABLE a (id int PRIMARY KEY);", "ALTER TABLE a DROP COLUMN nope;")
    (error,) = bad.errors  # type: ignore[attr-defined]
    assert error.file == "f1.sql" and error.sqlstate == "42703"


def test_a_missing_extension_is_named_with_what_to_do(sandbox: Sandbox) -> None:
    result = check(sandbox, "CREATE EXTENSION IF NOT EXISTS hypopg;")
    (error,) = result.errors  # type: ignore[attr-defined]
    assert "hypopg" in error.message and "--sandbox-dsn" in (error.hint or "")


def test_an_available_extension_is_installed_for_the_check(sandbox: Sandbox) -> None:
    result = check(sandbox, "CREATE EXTENSION citext;\nCREATE TABLE u (email citext UNIQUE);")
    assert result.applied, result.errors  # type: ignore[attr-defined]


def test_a_hanging_statement_is_reported_as_a_timeout(sandbox: Sandbox) -> None:
    from dbarch.tools.sandbox import SandboxSettings

    quick = Sandbox(SandboxSettings(statement_timeout_ms=300))
    try:
        sql = "CREATE TABLE t (x int);\nINSERT INTO t VALUES (1);\nALTER TABLE t ADD COLUMN y text DEFAULT pg_sleep(1e6)::text;"
        result = check_sources([SqlSource("hang.sql", sql)], sandbox=quick, lint=False)
    finally:
        quick.close()
    (error,) = result.errors
    assert error.sqlstate == "57014" and error.line == 3
    assert "statement_timeout" in (error.hint or "")


def test_parse_errors_stop_before_the_sandbox(sandbox: Sandbox) -> None:
    result = check(sandbox, "CREATE TABLE (;")
    assert not result.apply_attempted  # type: ignore[attr-defined]
    assert result.errors[0].sqlstate == "42601"  # type: ignore[attr-defined]


def test_copy_data_blocks_are_loaded_and_their_errors_reported(sandbox: Sandbox) -> None:
    sql = "CREATE TABLE t (x int NOT NULL);\nCOPY t (x) FROM stdin;\n1\n\\N\n\\.\n"
    (error,) = check(sandbox, sql).errors  # type: ignore[attr-defined]
    assert error.sqlstate == "23502"


def test_other_dialects_are_parsed_not_applied() -> None:
    result = check_sources([SqlSource("m.sql", "CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY);")],
                           dialect="mysql", sandbox=None, lint=False)
    assert result.errors == () and not result.apply_attempted


def test_an_extension_a_vetted_one_needs_is_visible_to_it_inside_the_scripts_transaction(sandbox: Sandbox) -> None:
    # earthdistance is installed with the sandbox's rights on another connection; the cube it
    # needs was created by the script's own open transaction (as MusicBrainz's Extensions.sql does)
    result = check(sandbox, "BEGIN;\nCREATE EXTENSION IF NOT EXISTS cube WITH SCHEMA public;\n"
                   "CREATE EXTENSION IF NOT EXISTS earthdistance WITH SCHEMA public;\n"
                   "CREATE TABLE place (id bigint PRIMARY KEY, at earth);\nCOMMIT;")
    assert result.applied, result.errors  # type: ignore[attr-defined]
    assert any("cube ran outside the script's transaction" in n.message for n in result.notes)  # type: ignore[attr-defined]


def test_files_that_build_a_new_database_are_checked_fresh(sandbox: Sandbox) -> None:
    files = ("CREATE TABLE t (id bigint NOT NULL, name text);",
             "ALTER TABLE t ADD PRIMARY KEY (id);\nCREATE INDEX t_name_idx ON t (name);")
    migrations = check_sources([SqlSource(f"f{i}.sql", t) for i, t in enumerate(files)], sandbox=sandbox)
    fresh = check_sources([SqlSource(f"f{i}.sql", t) for i, t in enumerate(files)], sandbox=sandbox, fresh=True)
    assert migrations.applied and fresh.applied
    assert {d.rule for d in migrations.lint} >= {"create-index-non-concurrently", "add-primary-key-in-place"}
    assert any("--fresh" in n.message for n in migrations.notes)
    assert not {d.rule for d in fresh.lint} & {"create-index-non-concurrently", "add-primary-key-in-place",
                                               "require-primary-key"}
