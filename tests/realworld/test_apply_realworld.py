"""Items 2-4 of issue 16: queries see their schema, wrong options fail, and a check goes past
the first blocker (extension stand-ins, psql variables, --keep-going, grouped notes)."""

from __future__ import annotations

from typing import Any

import pytest

from dbarch.tools.check import check_sources
from dbarch.tools.datagen import parse_rows
from dbarch.tools.errors import UsageError
from dbarch.tools.perf.workload import explain_workload
from dbarch.tools.sql.parse import normalize_dialect
from dbarch.tools.sql.source import SqlSource
from tests.realworld.conftest import public_schema


def test_queries_see_a_pg_dump_schema_that_emptied_the_search_path(sandbox: Any) -> None:
    pagila = [SqlSource("pagila.sql", public_schema("pagila.sql"))]
    run = explain_workload(pagila, "SELECT count(*) FROM rental r JOIN customer c USING (customer_id)",
                           parse_rows("*=50"), sandbox=sandbox)
    assert run.ok, [r.error for r in run.queries]
    assert run.data.complete, run.data.shortfalls


def test_an_unknown_dialect_is_a_usage_error_listing_the_accepted_names() -> None:
    with pytest.raises(UsageError) as info:
        normalize_dialect("klingon")
    assert "postgres" in (info.value.hint or "") and "mysql" in (info.value.hint or "")
    assert normalize_dialect("PostgreSQL") == "postgres" and normalize_dialect("mariadb") == "mysql"
    with pytest.raises(UsageError):  # before any work: no sandbox, nothing parsed
        check_sources([SqlSource("a.sql", "CREATE TABLE a (x int);")], translate_to="klingon")


@pytest.mark.parametrize(
    "argv",
    [["lint", "--dialect", "klingon"], ["check", "--dialect", "mysql8"], ["check", "--to", "klingon"],
     ["erd", "--dialect", "klingon"]],
)
def test_every_command_reading_sql_refuses_an_unknown_dialect(argv: list[str], tmp_path: Any,
                                                              capsys: Any) -> None:
    from dbarch.agent.cli.main import main

    bad = tmp_path / "bad.sql"
    bad.write_text("CREATE TABLE t (;\n")
    with pytest.raises(SystemExit) as info:
        main([*argv, str(bad)])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "unknown SQL dialect" in err and "accepted: postgres" in err


def test_pgcrypto_and_uuid_ossp_stand_ins_compute_and_are_named(sandbox: Any) -> None:
    sql = """
    CREATE SCHEMA extensions;
    CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA extensions;
    CREATE EXTENSION IF NOT EXISTS "uuid-ossp";
    COMMENT ON EXTENSION pgcrypto IS 'cryptographic functions';
    CREATE TABLE users (
      id uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
      password text NOT NULL DEFAULT extensions.crypt('x', extensions.gen_salt('bf', 8)),
      CHECK (extensions.crypt('x', password) = password)
    );
    CREATE TABLE vectors AS SELECT
      encode(extensions.hmac('The quick brown fox jumps over the lazy dog', 'key', 'sha256'), 'hex') AS hmac,
      uuid_generate_v3(uuid_ns_dns(), 'www.example.com')::text AS v3,
      encode(extensions.digest('abc', 'sha256'), 'hex') AS digest;
    INSERT INTO users DEFAULT VALUES;
    """
    with sandbox.scratch() as db:
        from dbarch.tools.sandbox.apply import apply_scripts
        from dbarch.tools.sql.parse import parse_script

        result = apply_scripts(sandbox, db, [parse_script(sql, source="s.sql")])
        assert result.applied, result.error
        hmac, v3, digest = db.conn.execute("SELECT hmac, v3, digest FROM vectors").fetchone()
    # the published test vectors (RFC 4231 style example, RFC 4122 appendix-style v3, SHA-256 "abc")
    assert hmac == "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
    assert v3 == "5df41881-3aed-3515-88a7-2f4a814cf09e"
    assert digest == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    stand_ins = [n.message for n in result.notes if "stand-in" in n.message]
    assert any('"pgcrypto"' in m and "schema extensions" in m for m in stand_ins)
    assert any('"uuid-ossp"' in m for m in stand_ins)


def test_a_stand_in_exists_only_when_the_script_asks_for_the_extension(sandbox: Any) -> None:
    result = check_sources([SqlSource("u.sql", "CREATE TABLE t (id uuid DEFAULT uuid_generate_v4());")],
                           sandbox=sandbox, lint=False)
    (error,) = result.errors
    assert error.sqlstate == "42883" and not result.applied


def test_postgis_is_named_as_what_cannot_be_checked(sandbox: Any) -> None:
    result = check_sources([SqlSource("g.sql", "CREATE EXTENSION postgis;\nCREATE TABLE t (id int);")],
                           sandbox=sandbox, lint=False, keep_going=True)
    (error,) = result.errors
    assert '"postgis"' in error.message and "--engine system" in (error.hint or "")
    assert "t" in result.tables


def test_psql_variables_from_set_let_postgrest_apply_to_the_end(sandbox: Any) -> None:
    source = [SqlSource("big_schema.sql", public_schema("postgrest_big_schema.sql"))]
    unset = check_sources(source, sandbox=sandbox, lint=False)
    (error,) = unset.errors
    assert error.line == 11404 and "--set PGUSER=" in (error.hint or "")
    assert "parse errors" in unset.apply_verdict and "no sandbox" not in unset.apply_verdict
    done = check_sources(source, sandbox=sandbox, lint=False, variables={"PGUSER": "postgrest_test_author"})
    assert done.applied and not done.errors, done.errors


def test_keep_going_applies_every_statement_it_can_and_reports_each_failure(sandbox: Any) -> None:
    sql = (
        "CREATE TABLE a (id int PRIMARY KEY);\n"
        "CREATE TABLE b (id int REFERENCES nope(id));\n"
        "CREATE TABLE c (;\n"
        "BEGIN;\nCREATE TABLE d (id int);\nALTER TABLE d ADD COLUMN x nosuchtype;\nCREATE TABLE e (id int);\nCOMMIT;\n"
        "CREATE TABLE f (id int REFERENCES a(id));\n"
    )
    result = check_sources([SqlSource("k.sql", sql)], sandbox=sandbox, lint=False, keep_going=True)
    lines = sorted((e.line, e.sqlstate) for e in result.errors)
    assert lines == [(2, "42P01"), (3, "42601"), (6, "42704")]
    assert not result.applied and result.apply_attempted
    assert "--keep-going" in result.apply_verdict
    stopped = check_sources([SqlSource("k.sql", sql)], sandbox=sandbox, lint=False)
    assert [e.line for e in stopped.errors] == [3]  # the parse error: nothing applied


def test_notes_repeated_per_statement_are_one_line_with_a_count(sandbox: Any) -> None:
    result = check_sources([SqlSource("pagila.sql", public_schema("pagila.sql"))], sandbox=sandbox, lint=False)
    assert result.applied, result.errors
    owner = [n for n in result.notes if n.message.startswith("ownership change skipped")]
    assert len(owner) == 1 and owner[0].count == 106 and owner[0].line == 26
    assert "106 times, first here" in str(owner[0])


def test_a_dump_with_thousands_of_inserts_applies_in_large_batches(sandbox: Any) -> None:
    # batches larger than the socket buffer: every byte must be flushed before reading results
    result = check_sources([SqlSource("chinook.sql", public_schema("chinook.sql"))], sandbox=sandbox, lint=False)
    assert result.applied, result.errors
    big = "".join(f"INSERT INTO t VALUES ({i}, '{'x' * 4000}');\n" for i in range(400))
    wide = check_sources([SqlSource("wide.sql", "CREATE TABLE t (id int, v text);\n" + big)],
                         sandbox=sandbox, lint=False)
    assert wide.applied, wide.errors
