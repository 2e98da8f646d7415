"""Item 6 of issue 16: ``--to`` output never carries a construct over silently."""

from __future__ import annotations

from dbarch.tools.sql.parse import parse_script
from dbarch.tools.sql.transpile import transpile_script

SCHEMA = """CREATE TABLE t (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text UNIQUE NOT NULL,
  name text,
  doc jsonb,
  CONSTRAINT t_name UNIQUE (name)
);
CREATE INDEX ON t (name);
CREATE TABLE s (id serial PRIMARY KEY, tags text[]);
"""


def _warnings(target: str) -> tuple[str, list[str]]:
    result = transpile_script(parse_script(SCHEMA, source="s.sql"), target)
    return result.sql, [str(w) for w in result.warnings]


def test_mysql_gets_its_own_identity_and_json_and_is_told_what_changed() -> None:
    sql, warnings = _warnings("mysql")
    assert "AUTO_INCREMENT" in sql and "GENERATED" not in sql
    assert "JSONB" not in sql and "JSON" in sql
    assert any(w.startswith("2:3: GENERATED ... AS IDENTITY became AUTO_INCREMENT") for w in warnings)


def test_mysql_text_keys_unnamed_indexes_serial_and_arrays_are_named() -> None:
    _, warnings = _warnings("mysql")
    assert any("TEXT/BLOB column email" in w for w in warnings)
    assert any("TEXT/BLOB column name" in w for w in warnings)
    assert any(w.startswith("8:") and "an index needs a name in mysql" in w for w in warnings)
    assert any("SERIAL in MySQL" in w for w in warnings)
    assert any("array type TEXT[]" in w for w in warnings)


def test_sqlite_serial_and_unnamed_indexes_are_named() -> None:
    _, warnings = _warnings("sqlite")
    assert any("serial types do not exist in sqlite" in w for w in warnings)
    assert any("an index needs a name in sqlite" in w for w in warnings)


def test_lint_rules_speak_only_about_the_dialects_they_apply_to() -> None:
    from dbarch.tools.lint.engine import lint_script

    sql = ("CREATE TABLE t (id bigint PRIMARY KEY, at DATETIME);\n"
           "ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (id) REFERENCES u(id);\n")
    mysql = {d.rule for d in lint_script(parse_script(sql, dialect="mysql", source="m.sql")).diagnostics}
    postgres = {d.rule for d in lint_script(parse_script(sql.replace("DATETIME", "timestamp"),
                                                         source="p.sql")).diagnostics}
    assert "prefer-timestamptz" in postgres and "missing-lock-timeout" in postgres
    assert "prefer-timestamptz" not in mysql and "missing-lock-timeout" not in mysql
    assert "require-on-delete" in mysql  # design advice holds in every dialect
