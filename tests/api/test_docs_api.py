"""Every example in ``docs/api.md`` runs as written, against the real sandbox."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dbarch.tools import Sandbox

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def examples() -> list[tuple[str, str]]:
    """``(section heading, code)`` of each Python block."""
    found: list[tuple[str, str]] = []
    heading = ""
    for block in re.split(r"(?m)^(## .*)$", DOC.read_text(encoding="utf-8")):
        if block.startswith("## "):
            heading = block[3:].strip()
            continue
        found.extend((heading, code) for code in re.findall(r"```python\n(.*?)```", block, re.S))
    return found


def test_every_capability_has_an_example() -> None:
    headings = {h.split(":")[0].split(" ")[0].lower() for h, _ in examples()}
    assert {"check", "lint", "explain", "advise", "generate", "the", "json"} <= headings
    assert len(examples()) >= 8


@pytest.mark.usefixtures("sandbox")
@pytest.mark.parametrize(("heading", "code"), examples(), ids=[h for h, _ in examples()])
def test_example_runs(heading: str, code: str, capsys: pytest.CaptureFixture[str], sandbox: Sandbox) -> None:
    exec(compile(code, f"docs/api.md ({heading})", "exec"), {"__name__": "__docs__"})
    assert capsys.readouterr().out.strip()  # every example shows something
