"""The statement splitter: every statement, with its place in the file, and nothing else."""

from dbarch.tools.sql.statements import StatementKind, split_statements


def texts(sql: str) -> list[str]:
    return [s.text for s in split_statements(sql)]


def test_semicolons_inside_quotes_comments_and_dollar_bodies_do_not_split() -> None:
    sql = (
        "SELECT ';', \"a;b\", E'it\\'s;';\n"
        "/* one ; /* nested ; */ still ; */ SELECT 2;\n"
        "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;\n"
        "-- a comment; with a semicolon\nSELECT 3"
    )
    assert texts(sql) == [
        "SELECT ';', \"a;b\", E'it\\'s;'",
        "SELECT 2",
        "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql",
        "SELECT 3",
    ]


def test_begin_atomic_bodies_keep_their_inner_semicolons() -> None:
    sql = (
        "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; "
        "SELECT CASE WHEN true THEN 2 END; END;\nSELECT 4;"
    )
    assert len(texts(sql)) == 2
    assert texts(sql)[0].endswith("END; END")


def test_positions_are_lines_and_columns_of_the_source() -> None:
    stmts = split_statements("\n\n  SELECT 1;  SELECT\n 2;")
    assert [(s.line, s.column) for s in stmts] == [(3, 3), (3, 14)]
    assert stmts[1].position(len("SELECT\n ")) == (4, 2)


def test_psql_meta_commands_and_copy_data_are_their_own_kinds() -> None:
    sql = "\\connect db\nCOPY t (a) FROM stdin;\n1\n2\n\\.\nSELECT 1;\n"
    kinds = [(s.kind, s.text) for s in split_statements(sql)]
    assert kinds == [
        (StatementKind.META, "\\connect db"),
        (StatementKind.SQL, "COPY t (a) FROM stdin"),
        (StatementKind.COPY_DATA, "1\n2"),
        (StatementKind.SQL, "SELECT 1"),
    ]


def test_mysql_backticks_and_hash_comments() -> None:
    assert [s.text for s in split_statements("# c;\nSELECT `a;b`; SELECT 'x\\';'", "mysql")] == [
        "SELECT `a;b`",
        "SELECT 'x\\';'",
    ]


def test_a_dollar_parameter_is_not_a_dollar_quote() -> None:
    assert texts("SELECT $1; SELECT $2") == ["SELECT $1", "SELECT $2"]
