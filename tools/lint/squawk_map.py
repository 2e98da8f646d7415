"""Which dbarch rules answer for each squawk rule: one explicit table, read by the fidelity bench.

Every rule squawk has is in exactly one of :data:`COUNTERPARTS` (the dbarch rules of the same
family: a squawk violation snippet is *recalled* when one of them fires, and a squawk ok
snippet is a *false alarm* when one of them fires at warning or above) or
:data:`NO_COUNTERPART` (with the reason it is left out, printed by the bench).
``tests/lint/test_squawk_map.py`` checks that every dbarch id named here exists.
"""

from __future__ import annotations

COUNTERPARTS: dict[str, tuple[str, ...]] = {
    "adding-field-with-default": ("volatile-default-rewrite",),
    "adding-foreign-key-constraint": ("add-foreign-key-without-not-valid",),
    "adding-not-nullable-field": ("set-not-null",),
    "adding-required-field": ("add-not-null-column-without-default",),
    "adding-serial-primary-key-field": ("add-primary-key-in-place",),
    "ban-alter-domain-with-add-constraint": ("ban-alter-domain-with-add-constraint",),
    "ban-char-field": ("prefer-text-over-char",),
    "ban-concurrent-index-creation-in-transaction": ("concurrently-in-transaction",),
    "ban-create-domain-with-constraint": ("create-domain-with-constraint",),
    "ban-drop-column": ("drop-column",),
    "ban-drop-database": ("drop-database",),
    "ban-drop-not-null": ("ban-drop-not-null",),
    "ban-drop-table": ("drop-table",),
    "ban-duplicate-column-assignments": ("duplicate-column-assignment",),
    "ban-truncate-cascade": ("truncate-cascade",),
    "ban-uncommitted-transaction": ("uncommitted-transaction",),
    "changing-column-type": ("change-column-type",),
    "constraint-missing-not-valid": ("add-foreign-key-without-not-valid", "add-check-without-not-valid"),
    "disallowed-unique-constraint": ("add-unique-constraint-in-place",),
    "identifier-too-long": ("identifier-too-long",),
    "prefer-bigint-over-int": ("prefer-bigint-over-int", "prefer-bigint-primary-key"),
    "prefer-bigint-over-smallint": ("prefer-bigint-over-int", "prefer-bigint-primary-key"),
    "prefer-identity": ("prefer-identity",),
    "prefer-robust-stmts": ("not-retryable",),
    "prefer-text-field": ("prefer-text-field",),
    "prefer-timestamp-tz": ("prefer-timestamptz",),
    "renaming-column": ("rename-column",),
    "renaming-table": ("rename-table",),
    "require-concurrent-index-creation": ("create-index-non-concurrently",),
    "require-concurrent-index-deletion": ("drop-index-non-concurrently",),
    "require-concurrent-partition-detach": ("detach-partition-non-concurrently",),
    "require-concurrent-reindex": ("reindex-non-concurrently",),
    "require-enum-value-ordering": ("enum-add-value-without-position",),
    "require-lock-timeout": ("missing-lock-timeout",),
    "require-statement-timeout": ("require-statement-timeout",),
    "require-timeout-settings": ("missing-lock-timeout", "require-statement-timeout"),
    "transaction-nesting": ("transaction-nesting",),
}
"""squawk rule id -> the dbarch rules of the same family."""

NO_COUNTERPART: dict[str, str] = {
    "prefer-repack": "REPACK is PostgreSQL 19 syntax; dbarch targets the PostgreSQL 18 of its sandbox",
    "require-table-schema": "opt-in in squawk; dbarch resolves unqualified names through search_path as "
                            "PostgreSQL does, so an unqualified name is not a finding",
    "unused-ignore": "about squawk's own ignore comments (dbarch has its own suppressions)",
}
"""squawk rule id -> why dbarch has no rule of that family (left out of the measure, said aloud)."""

MIN_PG_MAJOR = 12
"""dbarch's migration advice is for PostgreSQL 12 and later (its sandbox runs 18): squawk cases
pinned to an older server (whose locks differ: ADD COLUMN ... DEFAULT rewrote the table before
11) are left out, with that reason."""

_SPLIT_BIGINT = ("dbarch's prefer-bigint-over-int covers smallint and integer ids alike; squawk splits them "
                 "into two rules, and this ok snippet holds ids its sibling rule flags")
_OWN_DIRECTIVE = ("the snippet relies on squawk's own comment `-- squawk-disable-assume-in-transaction`; "
                  "dbarch takes --assume-in-transaction (or [tool.dbarch.lint]) per run, not from another tool's comments")

_UNSEEN_CHECK = ("squawk takes any VALIDATE CONSTRAINT of a constraint added elsewhere as proof that the column "
                 "is NOT NULL; dbarch checks the constraint's expression when the schema is given (--schema) and "
                 "otherwise says, in the finding, that it cannot see it")
_CREATES_ONLY = ("the file only creates new objects: dbarch reads it as a schema file, not a migration, "
                 "and not-retryable (info) speaks about migrations")
_RERUNS_FINE = "re-running the statement succeeds (checked on PostgreSQL 18): there is nothing to make retryable"
_WEAK_LOCK = ("the statement takes SHARE UPDATE EXCLUSIVE, which conflicts with no reads or writes (PostgreSQL docs, "
              "Table-Level Locks): a wait for it blocks no application query")

DISAGREEMENTS: dict[tuple[str, str], str] = {
    ("ban-char-field", "fix_char_with_length"): '`"char"(100)` is not char(n): PostgreSQL rejects it ("type modifier '
                                                'is not allowed for type \"char\""), `"char"` being the one-byte internal type',
    ("ban-char-field", "all_the_types"): "not valid PostgreSQL: `int array[]` is a syntax error in PostgreSQL's grammar "
                                         "(dbarch reports parse-error on the statement)",
    ("adding-foreign-key-constraint", "add_foreign_key_constraint_not_valid_validate"):
        "squawk's own constraint-missing-not-valid flags this very pattern (its test not_valid_validate_transaction_err): "
        "a lock is held until the transaction ends (PostgreSQL docs, Explicit Locking), so VALIDATE before COMMIT "
        "scans under the ADD's SHARE ROW EXCLUSIVE locks",
    ("adding-field-with-default", "default_random_with_args_err"):
        "`now(123)` does not exist in PostgreSQL (\"function now(integer) does not exist\", checked on 18): "
        "the statement fails, nothing is rewritten",
    ("adding-not-nullable-field", "pg16_cross_migration_validate_then_set_not_null_ok"): _UNSEEN_CHECK,
    ("adding-not-nullable-field", "pg12_cross_migration_validate_then_set_not_null_ok"): _UNSEEN_CHECK,
    ("prefer-robust-stmts", "fix_create_table_if_not_exists"): _CREATES_ONLY,
    ("prefer-robust-stmts", "create_table_err"): _CREATES_ONLY,
    ("prefer-robust-stmts", "create_temp_table_without_on_commit_drop_err"): _CREATES_ONLY,
    ("prefer-robust-stmts", "enable_row_level_security_err"): _RERUNS_FINE,
    ("prefer-robust-stmts", "enable_row_level_security_without_exists_check_err"): _RERUNS_FINE,
    ("prefer-robust-stmts", "disable_row_level_security_err"): _RERUNS_FINE,
    ("prefer-robust-stmts", "alter_column_set_not_null"): _RERUNS_FINE,
    ("prefer-robust-stmts", "create_table_with_on_commit_drop_err"):
        "PostgreSQL rejects the statement (\"ON COMMIT can only be used on temporary tables\", checked on 18)",
    ("require-timeout-settings", "err_other_ddl_operations"):
        "CREATE TYPE makes a new object and waits for no lock on any existing table",
    ("require-timeout-settings", "err_comment_on_explains_lock_impact"): _WEAK_LOCK,
    ("require-timeout-settings", "err_vacuum_full_false_uses_non_full_lock"): _WEAK_LOCK,
    ("require-timeout-settings", "err_lock_access_share_uses_correct_article"):
        "ACCESS SHARE conflicts only with ACCESS EXCLUSIVE (PostgreSQL docs, Table-Level Locks): "
        "waiting for it blocks no reads or writes",
    ("require-timeout-settings", "fix_multiple_ddl_statements"):
        "the ALTER TABLE changes a table the same file creates just before: new and empty, nobody waits on it "
        "(squawk's own rules treat tables created in the file as new too)",
    ("prefer-bigint-over-int", "ok"): _SPLIT_BIGINT,
    ("prefer-bigint-over-smallint", "ok"): _SPLIT_BIGINT,
    ("ban-concurrent-index-creation-in-transaction", "squawk_disable_assume_in_transaction_overrides"): _OWN_DIRECTIVE,
    ("transaction-nesting", "squawk_disable_assume_in_transaction_allows_begin_commit"): _OWN_DIRECTIVE,
}
"""``(squawk rule, squawk test name)`` -> why dbarch disagrees with squawk's expectation on
purpose (PostgreSQL's documentation on its side). The bench counts these cases like any
other and prints the reason next to them: the rule is not bent to match."""
