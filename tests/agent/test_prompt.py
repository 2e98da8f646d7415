"""The role prompt: its version, and every rule of prompts/COVERAGE.md found where it says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dbarch.prompts import HERE, load_prompt

ROWS = [
    [cell.strip() for cell in line.strip().strip("|").split("|")]
    for line in (HERE / "COVERAGE.md").read_text().splitlines()
    if re.match(r"^\| \d+ \|", line)
]


def phrases(cell: str) -> list[str]:
    """The quoted phrases of a "Look for" cell (``\\"`` is a quote inside a phrase)."""
    cell = cell.replace('\\"', "\x00")
    return [p.replace("\x00", '"') for p in re.findall(r'"([^"]+)"', cell)]


def sections(text: str) -> dict[str, str]:
    parts = re.split(r"^# (.+)$", text, flags=re.M)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def test_the_prompt_has_a_version_and_no_front_matter_left() -> None:
    prompt = load_prompt()
    assert re.fullmatch(r"architect-\d{4}\.\d{2}\.\d{2}\.\d+", prompt.version)
    assert not prompt.text.startswith("---")


def test_coverage_lists_every_rule() -> None:
    assert len(ROWS) >= 54
    assert [int(r[0]) for r in ROWS] == list(range(1, len(ROWS) + 1))


@pytest.mark.parametrize("row", ROWS, ids=[r[0] for r in ROWS])
def test_each_rule_is_in_the_section_named(row: list[str]) -> None:
    text = load_prompt().text
    by_section = sections(text)
    # "How you design a schema, 1-6" and "How you choose a store (4)" name their section
    named = [re.sub(r"\s*\(.*\)$|,\s*[\d-]+$", "", part.strip()) for part in row[2].split(";")]
    for name in named:
        assert name in by_section, f"rule {row[0]}: no section '# {name}'"
    for phrase in phrases(row[3]):
        phrase = phrase.strip("`")
        assert any(phrase in by_section[n] for n in named), f"rule {row[0]}: {phrase!r} not in {named}"


def test_the_prompt_is_not_the_role_text() -> None:
    repo = Path(__file__).resolve().parents[2]
    candidates = [repo.parent / "shared" / "seed" / "architect-role.md", Path("/work/shared/seed/architect-role.md")]
    role = next((p for p in candidates if p.exists()), None)
    if role is None:
        pytest.skip("the role text (shared/seed/architect-role.md) is not beside this checkout")
    ours = load_prompt().text
    theirs = role.read_text()
    # no sentence of eight words or more is copied from the role
    words = re.findall(r"[a-z0-9']+", theirs.lower())
    ours_flat = " ".join(re.findall(r"[a-z0-9']+", ours.lower()))
    copied = [" ".join(words[i : i + 8]) for i in range(len(words) - 8) if " ".join(words[i : i + 8]) in ours_flat]
    assert copied == []
