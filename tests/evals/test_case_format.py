from __future__ import annotations

from pathlib import Path

import pytest

from dbarch.evals.case import Category, load_case, load_cases, parse_case
from dbarch.tools.errors import InputError

MINIMAL = {
    "id": "x/one",
    "category": "boundary",
    "title": "t",
    "prompt": "p",
    "reference": {"text": "fine"},
    "flawed": [{"flaw": "f", "edits": [["fine", "bad"]]}],
}


def test_the_suite_has_the_promised_size() -> None:
    cases = load_cases()
    counts = {cat: sum(1 for c in cases if c.category == cat) for cat in Category}
    assert len(cases) >= 60, counts
    minimum = {Category.SCHEMA_DESIGN: 20, Category.DB_SELECTION: 6, Category.QUERY_OPTIMIZATION: 10,
               Category.MIGRATION: 8, Category.BACKUP_SCALE: 4, Category.BOUNDARY: 12}
    assert all(counts[c] >= n for c, n in minimum.items()), counts


def test_every_case_ships_a_reference_and_a_flawed_answer() -> None:
    for case in load_cases():
        answers = case.answers()
        assert answers[0][0] == "reference"
        assert len(answers) >= 2
        assert all(text.text != case.reference.text for _, text in answers[1:]), case.id


def test_edits_derive_a_flawed_answer() -> None:
    case = parse_case(MINIMAL)
    assert case.answers()[1][1].text == "bad"


def test_an_edit_that_does_not_occur_is_rejected() -> None:
    bad = {**MINIMAL, "flawed": [{"flaw": "f", "edits": [["absent", "x"]]}]}
    with pytest.raises(InputError, match="not in the reference"):
        parse_case(bad)


def test_unknown_fields_and_missing_flawed_are_errors() -> None:
    with pytest.raises(InputError, match="flawed"):
        parse_case({**MINIMAL, "flawed": []})
    with pytest.raises(InputError, match="colour"):
        parse_case({**MINIMAL, "colour": "red"})


def test_relationships_must_name_listed_entities() -> None:
    data = {**MINIMAL, "expect": {"entities": [{"name": "a"}], "relationships": [{"from": "a", "to": "b"}]}}
    with pytest.raises(InputError, match="'b'"):
        parse_case(data)


def test_bad_yaml_is_located(tmp_path: Path) -> None:
    f = tmp_path / "c.yaml"
    f.write_text("id: x\n  bad: [\n")
    with pytest.raises(InputError) as info:
        load_case(f)
    assert info.value.file == str(f) and info.value.line is not None
