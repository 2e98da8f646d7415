"""Real-world dumps: what a restore by a role that is not a superuser cannot do is skipped with
a note saying why; what the schema itself gets wrong stays an error, located, with a hint."""

from __future__ import annotations

from pathlib import Path

from dbarch.tools.check import CheckResult, check_sources
from dbarch.tools.sandbox import Sandbox
from dbarch.tools.sql.source import SqlSource, read_sql

FIXTURES = Path(__file__).parents[1] / "fixtures" / "check"


def check(sandbox: Sandbox, text: str) -> CheckResult:
    return check_sources([SqlSource("dump.sql", text)], sandbox=sandbox, lint=False)


def notes_of(result: CheckResult) -> str:
    return " | ".join(f"{n.line}:{n.message}" for n in result.notes)


def test_superuser_only_statements_are_skipped_with_a_note_each(sandbox: Sandbox) -> None:
    result = check_sources([read_sql(str(FIXTURES / "superuser_only_dump.sql"))], sandbox=sandbox, lint=False)
    assert result.errors == () and result.applied, result.errors
    notes = notes_of(result)
    for expected in (
        "9:CREATE LANGUAGE plpgsql skipped: every new database already has it",
        "12:CREATE SCHEMA public skipped",
        '16:AUTHORIZATION skipped: role "billing_owner" does not exist',
        "18:function skipped: permission denied for language c",
        '30:policy checked for PUBLIC: roles "app_reader", "app_auditor" do not exist',
        "34:publication skipped: must be superuser",
        "40:event trigger skipped",
        "42:security label skipped",
        "44:ALTER SYSTEM skipped",
        "46:default privileges skipped",
    ):
        assert expected in notes, (expected, notes)
    assert "CREATE USER skipped" not in notes  # CREATE USER MAPPING is not CREATE USER
    assert "billing.invoice" in result.tables


def test_a_policy_for_missing_roles_still_has_its_expressions_checked(sandbox: Sandbox) -> None:
    result = check(
        sandbox,
        "CREATE TABLE doc (id int, owner_id int);\n"
        "CREATE POLICY mine ON doc FOR SELECT TO authenticated\n  USING (no_such_column = 1);",
    )
    (error,) = result.errors
    assert error.sqlstate == "42703" and "no_such_column" in error.message
    assert (error.line, error.column) == (2, 1)


def test_a_statement_needing_a_skipped_one_names_it_in_its_hint(sandbox: Sandbox) -> None:
    result = check(
        sandbox,
        "CREATE TEXT SEARCH PARSER wordparser (START = prsd_start, GETTOKEN = prsd_nexttoken,\n"
        "    END = prsd_end, HEADLINE = prsd_headline, LEXTYPES = prsd_lextype);\n"
        "CREATE TEXT SEARCH CONFIGURATION words (PARSER = wordparser);",
    )
    (error,) = result.errors
    assert (error.line, error.sqlstate) == (3, "42704")
    assert "line 1 was skipped" in (error.hint or "") and "text search parser" in (error.hint or "")


def test_notes_inside_the_scripts_own_transaction_do_not_abort_it(sandbox: Sandbox) -> None:
    result = check(
        sandbox,
        "BEGIN;\nCREATE TABLE t (id int);\nGRANT SELECT ON t TO reporting_nobody;\n"
        "CREATE POLICY p ON t TO web_anon USING (true);\nCREATE PUBLICATION p FOR ALL TABLES;\n"
        "CREATE TABLE u (id int);\nCOMMIT;",
    )
    assert result.errors == () and result.applied, result.errors
    assert {"t", "u"} <= set(result.tables)
    assert len(result.notes) == 3


def test_quoted_missing_extensions_with_a_schema_are_named(sandbox: Sandbox) -> None:
    result = check(sandbox, 'SET search_path = public;\nCREATE EXTENSION IF NOT EXISTS "uuid-ossp" WITH SCHEMA public;')
    assert result.applied, result.errors  # a stand-in, named as one (tests/realworld covers it)
    assert any('"uuid-ossp"' in n.message and "stand-in" in n.message for n in result.notes)
    postgis = check(sandbox, "CREATE EXTENSION IF NOT EXISTS postgis WITH SCHEMA public;")
    (error,) = postgis.errors
    assert '"postgis"' in error.message and "ICU" not in error.message  # not a contrib module
    assert "PostGIS" in (error.hint or "")


def test_a_language_the_sandbox_lacks_is_named_like_an_extension(sandbox: Sandbox) -> None:
    result = check(sandbox, "CREATE TRUSTED PROCEDURAL LANGUAGE plperl;")
    (error,) = result.errors
    assert error.message.startswith('language "plperl" is not available') and error.sqlstate == "0A000"


def test_an_extension_created_twice_is_still_an_error(sandbox: Sandbox) -> None:
    result = check(sandbox, "CREATE EXTENSION citext;\nCREATE EXTENSION citext;")
    (error,) = result.errors
    assert (error.line, error.sqlstate) == (2, "42710")


def test_a_foreign_server_can_use_the_wrapper_its_extension_brought(sandbox: Sandbox) -> None:
    result = check(
        sandbox,
        "CREATE EXTENSION postgres_fdw;\nCREATE SERVER s FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'h');\n"
        "CREATE USER MAPPING FOR CURRENT_USER SERVER s OPTIONS (user 'u');",
    )
    assert result.errors == () and result.applied, result.errors
    # the real postgres_fdw is never installed (it would connect out): a handler-less stand-in
    (note,) = result.notes
    assert note.line == 1 and "stand-in" in note.message and "nothing connects" in note.message
