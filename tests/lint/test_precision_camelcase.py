"""False positives found by reviewing every finding of `dbarch lint` on AdventureWorks (a CamelCase
schema whose tables are CREATE SCHEMA elements), each as a case that stays silent where the
design is deliberate and still fires where the rule is meant to."""

from __future__ import annotations

import textwrap

from dbarch.tools.lint.engine import lint_script
from dbarch.tools.sql.parse import parse_script


def findings(sql: str, rule: str) -> list[str]:
    report = lint_script(parse_script(textwrap.dedent(sql).strip() + "\n"), select=[rule])
    return [d.message for d in report.diagnostics]


def test_camelcase_bookkeeping_columns_are_not_a_duplicated_column_set() -> None:
    periods = """
    CREATE TABLE ProductCostHistory (ProductID int PRIMARY KEY, StartDate timestamptz, EndDate timestamptz,
        rowguid uuid, ModifiedDate timestamptz);
    CREATE TABLE SpecialOffer (SpecialOfferID int PRIMARY KEY, StartDate timestamptz, EndDate timestamptz,
        rowguid uuid, ModifiedDate timestamptz);
    """
    assert findings(periods, "no-duplicated-column-set") == []
    copied = """
    CREATE TABLE Customer (CustomerID int PRIMARY KEY, Street text, City text, PostalCode text, ModifiedDate timestamptz);
    CREATE TABLE Vendor (VendorID int PRIMARY KEY, Street text, City text, PostalCode text, ModifiedDate timestamptz);
    """
    assert findings(copied, "no-duplicated-column-set") == [
        "Extract the columns city, postalcode, street that vendor shares with customer"]


def test_camelcase_address_lines_are_not_a_repeating_group() -> None:
    sql = "CREATE TABLE Address (AddressID int PRIMARY KEY, AddressLine1 text, AddressLine2 text);"
    assert findings(sql, "no-repeating-groups") == []
    phones = "CREATE TABLE Contact (ContactID int PRIMARY KEY, Phone1 text, Phone2 text);"
    assert len(findings(phones, "no-repeating-groups")) == 1


def test_the_head_noun_decides_singular_or_plural() -> None:
    singular = """
    CREATE TABLE BillOfMaterials (id bigint PRIMARY KEY);
    CREATE TABLE Product (id bigint PRIMARY KEY);
    CREATE TABLE WorkOrder (id bigint PRIMARY KEY);
    CREATE TABLE bill_of_materials (id bigint PRIMARY KEY);
    """
    assert findings(singular, "consistent-table-plurality") == []
    mixed = """
    CREATE TABLE Product (id bigint PRIMARY KEY);
    CREATE TABLE WorkOrder (id bigint PRIMARY KEY);
    CREATE TABLE OrderItems (id bigint PRIMARY KEY);
    """
    assert findings(mixed, "consistent-table-plurality") == ["Name table 'OrderItems' in the singular like the others"]


def test_a_sequence_number_in_a_composite_key_is_no_id() -> None:
    sql = """
    CREATE TABLE WorkOrderRouting (
        WorkOrderID bigint NOT NULL,
        OperationSequence smallint NOT NULL,
        LineID integer NOT NULL,
        PRIMARY KEY (WorkOrderID, OperationSequence, LineID)
    );
    """
    assert findings(sql, "prefer-bigint-over-int") == ["Use bigint for the id column workorderrouting.lineid"]
    single = "CREATE TABLE Archive (TransactionID integer PRIMARY KEY);"
    assert findings(single, "prefer-bigint-over-int") == ["Use bigint for the id column archive.transactionid"]


def test_a_star_over_a_column_definition_list_has_a_fixed_shape() -> None:
    crosstab = """
    CREATE VIEW sales_by_year AS
    SELECT * FROM crosstab('SELECT person, year, total FROM sales ORDER BY 1, 2', $$VALUES (2013), (2014)$$)
        AS t ("Person" integer, "2013" numeric, "2014" numeric);
    """
    assert findings(crosstab, "select-star") == []
    aliased = "CREATE VIEW v AS SELECT * FROM orders AS o (a, b);"
    assert len(findings(aliased, "select-star")) == 1
    joined = "SELECT * FROM crosstab('q') AS t (a integer) JOIN orders ON orders.id = t.a;"
    assert len(findings(joined, "select-star")) == 1
