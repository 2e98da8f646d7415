"""Bad input, generated: the parser, lint, check, explain, the read-only guard and the CLI never
raise anything but a DbarchError (a clear, located error), never print a traceback or an
"internal error", and refuse inputs over the size limit with a message.

Hypothesis settings keep the whole file to a few seconds of generated cases plus a handful of
fixed extremes (10 MB, deep nesting, thousands of statements); ``FUZZ_EXAMPLES`` scales them.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from dbarch.agent.cli.main import main
from dbarch.tools.errors import DbarchError, InputError
from dbarch.tools.sandbox import Sandbox
from dbarch.tools.sandbox.readonly import guard
from dbarch.tools.sql.parse import parse_script
from dbarch.tools.sql.source import DEFAULT_MAX_BYTES, SqlSource, decode_sql

SCALE = int(os.environ.get("FUZZ_EXAMPLES", "1"))
FAST = settings(max_examples=50 * SCALE, deadline=None, suppress_health_check=list(HealthCheck))
SLOW = settings(max_examples=15 * SCALE, deadline=None, suppress_health_check=list(HealthCheck))

TOKENS = [
    "SELECT", "FROM", "WHERE", "CREATE", "TABLE", "INDEX", "ON", "ALTER", "ADD", "COLUMN", "DROP",
    "INSERT", "INTO", "VALUES", "UPDATE", "SET", "DELETE", "WITH", "AS", "JOIN", "USING", "PRIMARY",
    "KEY", "REFERENCES", "NOT", "NULL", "DEFAULT", "CHECK", "UNIQUE", "int", "text", "bigint",
    "numeric(10,2)", "timestamptz", "uuid", "jsonb", "t", "u", "id", "a", "b", "(", ")", ",", ";",
    "=", "<", ">", "*", "+", "-", "'x'", "''", "'", '"', '"q"', "$1", "?", ":name", "$$", "$f$", "1",
    "0.5", "-- c\n", "/*", "*/", "\\", "\\.", "COPY", "STDIN", "BEGIN", "COMMIT", "DO", "FUNCTION",
    "RETURNS", "LANGUAGE", "plpgsql", "E'\\\\'", "\n", " ", "\t", "é", "\u2028", "\ufeff", "\x00",
]
sqlish = st.lists(st.sampled_from(TOKENS), max_size=40).map(" ".join)
texts = st.one_of(sqlish, st.text(max_size=200))
idents = st.one_of(st.sampled_from(["t", "users", "order", '"Mixed Case"', '"ü"', "select", "a" * 70]),
                   st.from_regex(r"[a-z_][a-z0-9_]{0,20}", fullmatch=True))
types = st.sampled_from(["int", "bigint", "text", "varchar(10)", "numeric(5,2)", "timestamptz", "uuid",
                         "jsonb", "int[]", "serial", "money", "citext", "nosuchtype", "char(0)"])
constraints = st.sampled_from(["", "NOT NULL", "PRIMARY KEY", "UNIQUE", "DEFAULT 0", "DEFAULT now()",
                               "CHECK (1 > 0)", "REFERENCES t (id)", "GENERATED ALWAYS AS IDENTITY"])
ddl = st.lists(st.builds(lambda t, cols: f"CREATE TABLE {t} ({', '.join(cols)});", idents,
                         st.lists(st.builds(lambda c, ty, k: f"{c} {ty} {k}", idents, types, constraints),
                                  min_size=1, max_size=4)), min_size=1, max_size=4).map("\n".join)


@given(data=st.binary(max_size=400))
@FAST
def test_random_bytes_are_read_or_refused_clearly(data: bytes) -> None:
    try:
        source = decode_sql(data, "fuzz.sql")
    except InputError as err:
        assert err.message and err.file == "fuzz.sql"
        return
    parse_script(source.text, source="fuzz.sql")


@given(text=texts)
@FAST
def test_parser_and_lint_never_raise_anything_else(text: str) -> None:
    from dbarch.tools.lint.config import LintConfig
    from dbarch.tools.lint.workflow import lint_text

    with contextlib.suppress(DbarchError):
        script = parse_script(text, source="fuzz.sql")
        assert all(s.line >= 1 for s in script.statements)
    with contextlib.suppress(DbarchError):
        lint_text(text, "fuzz.sql", LintConfig())


@given(text=texts)
@FAST
def test_the_read_only_guard_refuses_or_passes_never_crashes(text: str) -> None:
    with contextlib.suppress(DbarchError):
        guard(text)


@pytest.fixture(scope="module")
def box(sandbox: Sandbox) -> Iterator[Sandbox]:
    yield sandbox


@given(text=st.one_of(ddl, sqlish))
@SLOW
def test_check_on_the_sandbox_never_raises_anything_else(box: Sandbox, text: str) -> None:
    from dbarch.tools.check import check_sources

    try:
        result = check_sources([SqlSource("fuzz.sql", text)], sandbox=box)
    except DbarchError:
        return
    for err in result.errors:
        assert isinstance(err, DbarchError) and err.message


@given(text=sqlish)
@SLOW
def test_explain_never_raises_anything_else(box: Sandbox, text: str) -> None:
    from dbarch.tools.perf.explain import explain_query
    from dbarch.tools.sql.queries import read_queries

    with box.scratch() as db:
        db.conn.execute("CREATE TABLE t (id int PRIMARY KEY, a int, b text); CREATE TABLE u (id int, t_id int)")
        try:
            queries = read_queries(text, "fuzz.sql")
        except DbarchError:
            return
        for q in queries:
            report = explain_query(db.conn, q)
            assert report.error is None or isinstance(report.error, DbarchError)


def run_cli(*argv: str) -> tuple[int, str]:
    err = io.StringIO()
    out = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        code = main(list(argv))
    return code, err.getvalue()


@given(data=st.binary(max_size=300))
@SLOW
def test_cli_never_prints_a_traceback(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "in.sql"
    path.write_bytes(data)
    for argv in (["lint", str(path)], ["check", "--no-apply", str(path)]):
        code, err = run_cli(*argv)
        assert code in (0, 1, 2)
        assert "internal error" not in err and "Traceback" not in err, err


# -- fixed extremes ---------------------------------------------------------------------------
def test_inputs_over_the_size_limit_are_refused_with_a_message(tmp_path: Path) -> None:
    big = tmp_path / "big.sql"
    statement = b"CREATE TABLE t (id int);\n"
    big.write_bytes(statement * (10 * 1024 * 1024 // len(statement) + 1))  # just over 10 MB
    assert big.stat().st_size > DEFAULT_MAX_BYTES
    code, err = run_cli("check", "--no-apply", str(big))
    assert code == 2 and "internal error" not in err
    assert "MiB" in err or "bytes" in err or "large" in err, err
    code, err = run_cli("lint", str(big))
    assert code == 2 and "internal error" not in err, err
    with pytest.raises(InputError):
        decode_sql(big.read_bytes(), "big.sql")


@pytest.mark.parametrize("depth", [200, 2000])
def test_deeply_nested_expressions_end_in_a_result_or_a_clear_error(box: Sandbox, depth: int) -> None:
    from dbarch.tools.check import check_sources
    from dbarch.tools.lint.config import LintConfig
    from dbarch.tools.lint.workflow import lint_text
    from dbarch.tools.sandbox.readonly import ReadOnlyRefusal

    nested = "SELECT " + "(" * depth + "1" + ")" * depth + ";\n"
    arith = "SELECT " + " + ".join(["1"] * depth) + ";\n"
    ddl = "CREATE TABLE t (a int CHECK (" + " AND ".join(f"a <> {i}" for i in range(depth)) + "));\n"
    for text in (nested, arith, ddl):
        with contextlib.suppress(DbarchError):
            lint_text(text, "deep.sql", LintConfig())
        with contextlib.suppress(DbarchError):
            result = check_sources([SqlSource("deep.sql", text)], sandbox=box)
            assert all(isinstance(e, DbarchError) for e in result.errors)
        with contextlib.suppress(ReadOnlyRefusal):
            guard(text.rstrip(";\n"))


def test_thousands_of_statements(box: Sandbox, tmp_path: Path) -> None:
    text = "".join(f"CREATE TABLE t{i} (id bigint PRIMARY KEY, v text NOT NULL);\n" for i in range(1500))
    path = tmp_path / "many.sql"
    path.write_text(text)
    code, err = run_cli("check", "--no-lint", "--format", "json", str(path))
    assert code == 0, err


def test_the_read_only_guard_refuses_an_oversized_query() -> None:
    from dbarch.tools.sandbox.readonly import MAX_QUERY_CHARS, ReadOnlyRefusal

    with pytest.raises(ReadOnlyRefusal, match="characters long"):
        guard("SELECT 1 " + " " * MAX_QUERY_CHARS)


answers = st.one_of(texts, st.lists(st.one_of(texts, st.just("```sql\n"), st.just("```\n"), st.just("~~~")),
                                    max_size=8).map("".join))


@given(text=answers)
@FAST
def test_the_request_guard_and_the_eval_extractor_never_crash(text: str) -> None:
    """The agent's input guard and the eval scorers' first step read model or user text."""
    from dbarch.agent.guards import classify_request
    from dbarch.evals.extract import extract

    verdict = classify_request(text)
    assert verdict.verdict in ("in_scope", "app_code", "mixed", "off_topic")
    extract(text)
