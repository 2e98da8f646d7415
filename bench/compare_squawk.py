"""dbarch's migration rules next to squawk's, on the same realistic migrations.

Each case is a migration run against one current schema (``CURRENT``, given to dbarch as
``existing``; squawk cannot be told) and the squawk rules that *should* fire on it, labelled by
hand from PostgreSQL's locking behaviour. For each squawk rule family dbarch covers, the table
shows how many cases each tool flags, how many of those are right, what each misses and each
one's false positives. Always exits 0 (a report, not a gate).

Run: ``.venv/bin/python bench/compare_squawk.py`` (needs ``pip install squawk-cli``).

Labels that differ from squawk on purpose: an ``integer`` counter (``login_count``) is not an id,
so ``prefer-bigint-over-int`` should not fire on it; tables and domains created in the same
migration are new, so no locking or domain rule should fire on them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dbarch.tools.lint.engine import lint_script
from dbarch.tools.lint.registry import BY_ID
from dbarch.tools.schema.from_sql import schema_from_sql
from dbarch.tools.sql.parse import parse_script

FAMILIES: dict[str, frozenset[str]] = {
    "require-concurrent-index-creation": frozenset({"create-index-non-concurrently"}),
    "require-concurrent-index-deletion": frozenset({"drop-index-non-concurrently"}),
    "ban-concurrent-index-creation-in-transaction": frozenset({"concurrently-in-transaction"}),
    "adding-required-field": frozenset({"add-not-null-column-without-default"}),
    "adding-not-nullable-field": frozenset({"set-not-null"}),
    "adding-foreign-key-constraint": frozenset({"add-foreign-key-without-not-valid"}),
    "constraint-missing-not-valid": frozenset({"add-foreign-key-without-not-valid", "add-check-without-not-valid"}),
    "changing-column-type": frozenset({"change-column-type"}),
    "renaming-column": frozenset({"rename-column"}),
    "renaming-table": frozenset({"rename-table"}),
    "ban-drop-column": frozenset({"drop-column"}),
    "ban-drop-table": frozenset({"drop-table"}),
    "disallowed-unique-constraint": frozenset({"add-unique-constraint-in-place"}),
    "adding-serial-primary-key-field": frozenset({"add-primary-key-in-place"}),
    "adding-field-with-default": frozenset({"volatile-default-rewrite"}),
    "require-lock-timeout": frozenset({"missing-lock-timeout"}),
    "ban-truncate-cascade": frozenset({"truncate-cascade"}),
    "require-enum-value-ordering": frozenset({"enum-add-value-without-position"}),
    "prefer-robust-stmts": frozenset({"not-retryable"}),
    "require-statement-timeout": frozenset({"require-statement-timeout"}),
    "ban-drop-not-null": frozenset({"ban-drop-not-null"}),
    "ban-alter-domain-with-add-constraint": frozenset({"ban-alter-domain-with-add-constraint"}),
    "prefer-bigint-over-int": frozenset({"prefer-bigint-over-int", "prefer-bigint-primary-key"}),
    "prefer-text-field": frozenset({"prefer-text-field"}),
}
"""squawk rule -> the dbarch rules that cover it."""

CURRENT = """
CREATE TABLE orgs (id bigint PRIMARY KEY, name text NOT NULL);
CREATE TABLE users (id bigint PRIMARY KEY, org_id bigint, email varchar(100), age integer,
                    legacy_code text, created_at timestamptz);
CREATE INDEX users_email_idx ON users (email);
CREATE TABLE events (id bigint NOT NULL, user_id bigint, payload jsonb);
CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped');
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, status order_status, total numeric);
"""

LT = "SET lock_timeout = '2s';\nSET statement_timeout = '30s';\n"


@dataclass(frozen=True)
class Case:
    name: str
    sql: str
    expect: frozenset[str]
    """squawk rules that rightly fire on this migration."""


def case(name: str, sql: str, *expect: str) -> Case:
    return Case(name, sql.strip() + "\n", frozenset(expect))


ROBUST, LOCK, STMT = "prefer-robust-stmts", "require-lock-timeout", "require-statement-timeout"
TIMEOUTS = (LOCK, STMT)
BIGINT, TEXT = "prefer-bigint-over-int", "prefer-text-field"
NEW_SQUAWK_FAMILIES = (STMT, "ban-drop-not-null", "ban-alter-domain-with-add-constraint", BIGINT, TEXT)
"""Families added with dbarch's rules for them; their rows count only rules the registry lists."""
CASES: tuple[Case, ...] = (
    case("index on live table", "CREATE INDEX users_age_idx ON users (age);",
         "require-concurrent-index-creation", *TIMEOUTS, ROBUST),
    case("index concurrently", LT + "CREATE INDEX CONCURRENTLY IF NOT EXISTS users_age_idx ON users (age);"),
    case("concurrently in transaction", "BEGIN;\nSET LOCAL lock_timeout = '2s';\n"
         "CREATE INDEX CONCURRENTLY IF NOT EXISTS users_age_idx ON users (age);\nCOMMIT;",
         "ban-concurrent-index-creation-in-transaction"),
    case("new table + index", "CREATE TABLE IF NOT EXISTS invoices (id bigint PRIMARY KEY, number text);\n"
         "CREATE INDEX IF NOT EXISTS invoices_number_idx ON invoices (number);"),
    case("new table + index in tx", "BEGIN;\nCREATE TABLE invoices (id bigint PRIMARY KEY, number text NOT NULL);\n"
         "CREATE UNIQUE INDEX invoices_number_key ON invoices (number);\n"
         "ALTER TABLE invoices ADD COLUMN due_on date NOT NULL;\nCOMMIT;"),
    case("new table with fk to live table", "BEGIN;\nCREATE TABLE profiles (id bigint PRIMARY KEY, user_id bigint NOT NULL);\n"
         "ALTER TABLE profiles ADD CONSTRAINT profiles_user_fk FOREIGN KEY (user_id) REFERENCES users (id);\n"
         "CREATE INDEX profiles_user_idx ON profiles (user_id);\nCOMMIT;", *TIMEOUTS),
    case("new table dropped again", "CREATE TABLE IF NOT EXISTS import_tmp (id bigint, raw text);\n"
         "INSERT INTO import_tmp (id, raw) SELECT id, legacy_code FROM users;\nDROP TABLE IF EXISTS import_tmp;"),
    case("add NOT NULL without default", "ALTER TABLE users ADD COLUMN status text NOT NULL;",
         "adding-required-field", *TIMEOUTS, ROBUST),
    case("add NOT NULL with default", LT + "ALTER TABLE users ADD COLUMN IF NOT EXISTS status text NOT NULL DEFAULT 'active';"),
    case("set not null", LT + "ALTER TABLE users ALTER COLUMN email SET NOT NULL;", "adding-not-nullable-field"),
    case("set not null, safe path", LT + "ALTER TABLE users DROP CONSTRAINT IF EXISTS users_email_nn;\n"
         "ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;\n"
         "ALTER TABLE users VALIDATE CONSTRAINT users_email_nn;\n"
         "ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n"
         "ALTER TABLE users DROP CONSTRAINT IF EXISTS users_email_nn;"),
    case("add fk", LT + "ALTER TABLE users DROP CONSTRAINT IF EXISTS users_org_fk;\n"
         "ALTER TABLE users ADD CONSTRAINT users_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id);",
         "adding-foreign-key-constraint", "constraint-missing-not-valid"),
    case("add fk without drop first", LT + "ALTER TABLE users ADD CONSTRAINT users_org_fk "
         "FOREIGN KEY (org_id) REFERENCES orgs (id) NOT VALID;", ROBUST),
    case("add fk not valid + validate", LT + "ALTER TABLE users DROP CONSTRAINT IF EXISTS users_org_fk;\n"
         "ALTER TABLE users ADD CONSTRAINT users_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id) NOT VALID;\n"
         "ALTER TABLE users VALIDATE CONSTRAINT users_org_fk;"),
    # the inline REFERENCES is validated by a scan too; the fix is ADD COLUMN, then ADD ... NOT VALID
    case("add column with references", LT + "ALTER TABLE orders ADD COLUMN IF NOT EXISTS org_id bigint REFERENCES orgs (id);",
         "adding-foreign-key-constraint", "constraint-missing-not-valid"),
    case("add check", LT + "ALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_total_pos;\n"
         "ALTER TABLE orders ADD CONSTRAINT orders_total_pos CHECK (total >= 0);", "constraint-missing-not-valid"),
    case("add check not valid", LT + "ALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_total_pos;\n"
         "ALTER TABLE orders ADD CONSTRAINT orders_total_pos CHECK (total >= 0) NOT VALID;"),
    case("int to bigint", LT + "ALTER TABLE users ALTER COLUMN age TYPE bigint;", "changing-column-type"),
    case("varchar widened", LT + "ALTER TABLE users ALTER COLUMN email TYPE varchar(255);"),
    case("varchar to text", LT + "ALTER TABLE users ALTER COLUMN email TYPE text;"),
    case("rename column", LT + "ALTER TABLE users RENAME COLUMN legacy_code TO code;", "renaming-column"),
    case("rename table", LT + "ALTER TABLE events RENAME TO user_events;", "renaming-table"),
    case("drop column", LT + "ALTER TABLE users DROP COLUMN IF EXISTS legacy_code;", "ban-drop-column"),
    case("drop table", LT + "DROP TABLE IF EXISTS events;", "ban-drop-table"),
    case("unique in place", LT + "ALTER TABLE users DROP CONSTRAINT IF EXISTS users_email_key;\n"
         "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);", "disallowed-unique-constraint"),
    case("unique using index", LT + "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_key ON users (email);\n"
         "ALTER TABLE users DROP CONSTRAINT IF EXISTS users_email_key;\n"
         "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;"),
    case("primary key in place", LT + "ALTER TABLE events DROP CONSTRAINT IF EXISTS events_pkey;\n"
         "ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY (id);", "adding-serial-primary-key-field"),
    case("volatile default", LT + "ALTER TABLE users ADD COLUMN IF NOT EXISTS public_id uuid DEFAULT gen_random_uuid();",
         "adding-field-with-default"),
    case("now() default", LT + "ALTER TABLE users ADD COLUMN IF NOT EXISTS seen_at timestamptz DEFAULT now();"),
    case("bigserial column", LT + "ALTER TABLE events ADD COLUMN IF NOT EXISTS seq bigserial;", "adding-field-with-default"),
    case("truncate cascade", LT + "TRUNCATE orgs CASCADE;", "ban-truncate-cascade"),
    case("enum value appended", "ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'refunded';", "require-enum-value-ordering"),
    case("enum value placed", "ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'refunded' AFTER 'paid';"),
    case("drop index", "DROP INDEX users_email_idx;", "require-concurrent-index-deletion", *TIMEOUTS, ROBUST),
    case("drop index concurrently", "DROP INDEX CONCURRENTLY IF EXISTS users_email_idx;"),
    case("no lock_timeout", "ALTER TABLE users ADD COLUMN IF NOT EXISTS nickname text;", *TIMEOUTS),
    case("no statement_timeout", "SET lock_timeout = '2s';\nALTER TABLE users ALTER COLUMN email SET NOT NULL;",
         "adding-not-nullable-field", STMT),
    case("drop not null", LT + "ALTER TABLE users ALTER COLUMN org_id DROP NOT NULL;", "ban-drop-not-null"),
    case("drop not null on new table", "CREATE TABLE IF NOT EXISTS invites (id bigint PRIMARY KEY, email text NOT NULL);\n"
         "ALTER TABLE invites ALTER COLUMN email DROP NOT NULL;"),
    case("domain constraint", LT + "ALTER DOMAIN positive_amount ADD CONSTRAINT positive CHECK (VALUE > 0);",
         "ban-alter-domain-with-add-constraint"),
    case("domain constraint not valid", LT + "ALTER DOMAIN positive_amount ADD CONSTRAINT positive CHECK (VALUE > 0) NOT VALID;",
         "ban-alter-domain-with-add-constraint"),
    case("domain created here", "CREATE DOMAIN positive_amount AS numeric;\n"
         "ALTER DOMAIN positive_amount ADD CONSTRAINT positive CHECK (VALUE > 0);"),
    case("int ids in new table", "CREATE TABLE IF NOT EXISTS tags (id integer PRIMARY KEY, org_id integer REFERENCES orgs (id),\n"
         "                                 name text NOT NULL);", BIGINT, *TIMEOUTS),
    case("serial primary key", "CREATE TABLE IF NOT EXISTS tags (id serial PRIMARY KEY, name text NOT NULL);", BIGINT),
    case("int fk to bigint key", LT + "ALTER TABLE orders ADD COLUMN IF NOT EXISTS org_id integer REFERENCES orgs (id);",
         BIGINT, "adding-foreign-key-constraint", "constraint-missing-not-valid"),
    case("int counter column", LT + "ALTER TABLE users ADD COLUMN IF NOT EXISTS login_count integer NOT NULL DEFAULT 0;"),
    # the new table's foreign key still takes SHARE ROW EXCLUSIVE on the live orgs table
    case("bigint ids", "CREATE TABLE IF NOT EXISTS tags (id bigint PRIMARY KEY, org_id bigint REFERENCES orgs (id),\n"
         "                                 name text NOT NULL);", *TIMEOUTS),
    case("varchar column added", LT + "ALTER TABLE users ADD COLUMN IF NOT EXISTS city varchar(80);", TEXT),
    case("varchar in new table", "CREATE TABLE IF NOT EXISTS cities (id bigint PRIMARY KEY, name varchar(80) NOT NULL);", TEXT),
    case("text with check", "CREATE TABLE IF NOT EXISTS cities (id bigint PRIMARY KEY,\n"
         "                                   name text NOT NULL CHECK (char_length(name) <= 80));"),
)


def run_squawk(paths: list[Path]) -> dict[str, set[str]] | None:
    exe = shutil.which("squawk") or str(Path(sys.executable).with_name("squawk"))
    if not Path(exe).exists():
        return None
    proc = subprocess.run([exe, "--reporter", "json", *map(str, paths)], capture_output=True, text=True)
    found: dict[str, set[str]] = {p.name: set() for p in paths}
    for item in json.loads(proc.stdout or "[]"):
        found.setdefault(Path(item["file"]).name, set()).add(item["rule_name"])
    return found


def run_dbarch(sql: str) -> set[str]:
    select = ["migration", *sorted(r for rules in FAMILIES.values() for r in rules if r in BY_ID)]
    report = lint_script(parse_script(sql), existing=schema_from_sql(CURRENT), select=select)
    ours = {d.rule for d in report.diagnostics}
    return {family for family, rules in FAMILIES.items() if ours & rules}


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="dbarch-squawk-") as tmp:
        paths = []
        for i, c in enumerate(CASES):
            path = Path(tmp) / f"{i:02d}.sql"
            path.write_text(c.sql)
            paths.append(path)
        squawk = run_squawk(paths)
    if squawk is None:
        print("squawk not found: pip install squawk-cli")
        return 0
    theirs = {c.name: squawk[f"{i:02d}.sql"] & set(FAMILIES) for i, c in enumerate(CASES)}
    ours = {c.name: run_dbarch(c.sql) for c in CASES}
    head = f"{'squawk rule':46} {'expect':>6} {'squawk':>6} {'dbarch':>6} {'sq TP':>5} {'db TP':>5} {'sq FP':>5} {'db FP':>5} {'db miss':>7}"
    print(f"{len(CASES)} migrations against one current schema\n\n{head}\n{'-' * len(head)}")
    totals = [0] * 8
    for family in FAMILIES:
        exp_ = {c.name for c in CASES if family in c.expect}
        sq = {n for n, f in theirs.items() if family in f}
        db = {n for n, f in ours.items() if family in f}
        row = [len(exp_), len(sq), len(db), len(sq & exp_), len(db & exp_), len(sq - exp_), len(db - exp_), len(exp_ - db)]
        totals = [a + b for a, b in zip(totals, row, strict=True)]
        print(f"{family:46} " + " ".join(f"{v:>{w}}" for v, w in zip(row, (6, 6, 6, 5, 5, 5, 5, 7), strict=True)))
    print(f"{'total':46} " + " ".join(f"{v:>{w}}" for v, w in zip(totals, (6, 6, 6, 5, 5, 5, 5, 7), strict=True)))
    print("\nper case (F = false positive, M = missed):")
    for c in CASES:
        sq, db = theirs[c.name], ours[c.name]
        notes = [f"squawk F:{r}" for r in sorted(sq - c.expect)] + [f"squawk M:{r}" for r in sorted(c.expect - sq)]
        notes += [f"dbarch F:{r}" for r in sorted(db - c.expect)] + [f"dbarch M:{r}" for r in sorted(c.expect - db)]
        if notes:
            print(f"  {c.name:32} " + ", ".join(notes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
