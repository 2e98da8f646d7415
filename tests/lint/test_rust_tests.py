"""Reading lint cases out of a Rust rule's test module (the layout squawk uses), on small
modules written here: strings, raw strings, comments, wrappers and settings."""

from __future__ import annotations

import pytest

from dbarch.tools.lint.rust_tests import RustCase, kebab, read_rust_tests, tokenize

MODULE = r'''
pub(crate) fn rule_impl() { let s = "not a test: }"; }

#[cfg(test)]
mod test {
    use crate::test_utils::{lint_errors, lint_ok};
    use crate::{LinterSettings, Rule};

    fn lint_ok_with(sql: &str, settings: LinterSettings) {
        crate::test_utils::lint_ok_with(sql, settings, Rule::WidgetRule);
    }

    fn old_pg() -> LinterSettings {
        LinterSettings { pg_version: "10.2".parse().unwrap(), ..Default::default() }
    }

    #[test]
    fn flags_drop() {
        // a comment with "quotes" and a brace }
        let sql = r#"
DROP WIDGET "w";
        "#;
        assert_snapshot!(lint_errors(sql, Rule::WidgetRule));
    }

    #[test]
    #[ignore]
    fn accepts_inline_in_transaction() {
        /* block /* nested */ comment */
        lint_ok_with("CREATE WIDGET w;\nDROP WIDGET w;", LinterSettings {
            assume_in_transaction: true,
            ..Default::default()
        });
    }

    #[test]
    fn settings_bound_first() {
        let sql = "SELECT 'it''s';";
        let settings = LinterSettings { assume_in_transaction: true, ..Default::default() };
        lint_ok_with(sql, settings);
    }

    #[test]
    fn other_rule_and_version() {
        assert_snapshot!(crate::test_utils::lint_errors_with(r"ALTER WIDGET \w;", old_pg(), Rule::OtherRule));
    }

    #[test]
    fn built_at_run_time() {
        let sql = format!("DROP WIDGET {};", "x".repeat(3));
        lint_errors(&sql, Rule::WidgetRule);
    }

    #[test]
    fn internals_only() {
        assert_eq!(1 + 1, 2);
    }

    #[test]
    fn legacy_layout() {
        let sql = r##"DROP WIDGET "#";"##;
        let errors = lint(sql, Rule::WidgetRule);
        assert_ne!(errors.len(), 0);
    }
}
'''


def cases() -> dict[str, RustCase]:
    found, _ = read_rust_tests(MODULE, default_rule="widget-rule", where="widget.rs")
    return {c.test: c for c in found}


def test_violation_snippet_from_a_raw_string() -> None:
    c = cases()["flags_drop"]
    assert (c.rule, c.expect_violation, c.sql.strip(), c.assume_in_transaction) == ("widget-rule", True, 'DROP WIDGET "w";', False)
    assert c.where == "widget.rs:18"


def test_wrapper_gives_the_rule_and_the_call_gives_the_settings() -> None:
    c = cases()["accepts_inline_in_transaction"]
    assert (c.rule, c.expect_violation, c.sql, c.assume_in_transaction) == (
        "widget-rule", False, "CREATE WIDGET w;\nDROP WIDGET w;", True)


def test_settings_bound_to_a_variable_before_the_call() -> None:
    c = cases()["settings_bound_first"]
    assert (c.sql, c.assume_in_transaction, c.expect_violation) == ("SELECT 'it''s';", True, False)


def test_rule_and_version_named_by_the_call() -> None:
    c = cases()["other_rule_and_version"]
    assert (c.rule, c.pg_version, c.sql, c.expect_violation) == ("other-rule", 10, r"ALTER WIDGET \w;", True)


def test_legacy_assert_on_the_error_count() -> None:
    c = cases()["legacy_layout"]
    assert (c.sql, c.expect_violation) == ('DROP WIDGET "#";', True)


def test_unreadable_tests_are_reported_with_a_reason() -> None:
    _, skipped = read_rust_tests(MODULE, default_rule="widget-rule", where="widget.rs")
    reasons = {s.test: s.reason for s in skipped}
    assert set(reasons) == {"built_at_run_time", "internals_only"}
    assert "format!" in reasons["built_at_run_time"]
    assert "no lint call" in reasons["internals_only"]


def test_code_outside_the_test_module_is_ignored() -> None:
    assert "rule_impl" not in cases()
    assert len(cases()) == 5


@pytest.mark.parametrize(("src", "value"), [
    (r'"a\nb\t\"c\"\\"', 'a\nb\t"c"\\'),
    ('"one \\\n      two"', "one two"),
    (r'"\u{1F600}\x41"', "\U0001F600A"),
    ('r"C:\\path"', "C:\\path"),
    ('r#"say "hi""#', 'say "hi"'),
    ("br##\"x\"#y\"##", 'x"#y'),
])
def test_string_literals_decode_as_rust_reads_them(src: str, value: str) -> None:
    tokens = tokenize(src)
    assert [(t.kind, t.text) for t in tokens] == [("str", value)]


def test_char_literals_and_lifetimes_do_not_open_strings() -> None:
    tokens = tokenize("""fn f<'a>(x: &'a str) -> char { '"' }""")
    assert all(t.kind != "str" for t in tokens)


def test_rule_names_follow_the_linter_ids() -> None:
    assert kebab("AddingFieldWithDefault") == "adding-field-with-default"
    assert kebab("PreferTimestampTz") == "prefer-timestamp-tz"
