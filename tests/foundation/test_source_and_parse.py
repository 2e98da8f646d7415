"""Reading input and parsing it: bad input is refused with a located, readable error."""

from pathlib import Path

import pytest

from dbarch.tools.errors import InputError
from dbarch.tools.sql.parse import parse_script
from dbarch.tools.sql.source import decode_sql, read_sql


def test_a_missing_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_sql(str(tmp_path / "nope.sql"))


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "e.sql").write_text("  \n\n")
    with pytest.raises(InputError, match="empty"):
        read_sql(str(tmp_path / "e.sql"))


def test_binary_content_is_refused_with_a_hint() -> None:
    with pytest.raises(InputError, match="binary") as info:
        decode_sql(b"PGDMP\x00\x01\x02", "dump.custom")
    assert "pg_restore" in (info.value.hint or "")


def test_non_utf8_gives_the_line_and_column_of_the_first_bad_byte() -> None:
    with pytest.raises(InputError) as info:
        decode_sql(b"SELECT 1;\nSELECT 'caf\xe9';", "latin1.sql")
    assert (info.value.line, info.value.column) == (2, 12)


def test_a_file_over_the_limit_is_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.sql"
    big.write_bytes(b"SELECT 1;\n" * 1_100_000)
    with pytest.raises(InputError, match="MiB") as info:
        read_sql(str(big), limit_option="--max-bytes")
    assert "--max-bytes" in (info.value.hint or "")
    with pytest.raises(InputError, match="MiB") as info:
        read_sql(str(big))  # a command without the option must not name it
    assert "--max-bytes" not in (info.value.hint or "")


def test_a_utf8_bom_is_ignored() -> None:
    assert decode_sql(b"\xef\xbb\xbfSELECT 1;", "bom.sql").text == "SELECT 1;"


def test_postgres_syntax_errors_are_located_in_the_file() -> None:
    script = parse_script("CREATE TABLE a (x int);\n\nCREATE TABLE b (\n  y int,,\n  z int);", source="f.sql")
    (error,) = script.errors
    assert (error.file, error.line, error.column, error.sqlstate) == ("f.sql", 4, 9, "42601")


def test_statements_sqlglot_cannot_analyse_are_not_errors() -> None:
    script = parse_script("ALTER TABLE t OWNER TO bob;\nCREATE EXTENSION citext;")
    assert script.errors == ()
    assert [s.analysed for s in script.statements] == [False, False]


def test_other_dialects_use_sqlglot_errors_with_positions() -> None:
    script = parse_script("SELECT 1;\nSELECT (1 + ;", dialect="mysql", source="m.sql")
    (error,) = script.errors
    assert error.line == 2


def test_every_syntax_error_is_found_not_only_the_first() -> None:
    script = parse_script(
        "SELECT 1;\nSELECT (;\nSELECT 2 -- a comment before the semicolon\n;\n"
        "CREATE TABLE t (a int,, b int);\nSELECT 3;\nSELECT (",
        source="f.sql",
    )
    assert [(e.line, e.column) for e in script.errors] == [(2, 9), (5, 23), (7, 9)]
    assert script.errors[0].message == "syntax error at end of input"
