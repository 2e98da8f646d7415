"""Labelled lint corpora: snippets of one migration family, and (dangerous, safe) pairs.

Both are plain ``.sql`` files a reviewer reads top to bottom, with ``--`` directive lines:

*Family files* (``tests/fixtures/lint/families/*.sql``) hold the snippets of one squawk rule
family and the dbarch rules that must fire on every snippet::

    -- family: transaction-nesting
    -- rules: transaction-nesting
    -- case: BEGIN inside BEGIN
    -- existing: CREATE TABLE t (id bigint);     (the schema before the snippet; optional)
    -- assume-in-transaction                     (the runner wraps the file; optional)
    BEGIN; ... ;

*Pair files* (``tests/fixtures/lint/pairs/*.sql``) hold migrations that are dangerous next to
their safe rewrite, each with the schema that exists before it::

    -- pair: SET NOT NULL after a validated CHECK
    -- assume-in-transaction                     (optional, for both)
    -- existing:
    CREATE TABLE ...;
    -- bad:
    ALTER TABLE ...;
    -- safe:
    ALTER TABLE ...;
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dbarch.tools.errors import LintError


@dataclass(frozen=True, slots=True)
class FamilyCase:
    family: str
    """The squawk rule family the snippet belongs to."""
    rules: tuple[str, ...]
    """dbarch rules of which at least one must fire."""
    name: str
    sql: str
    existing: str = ""
    assume_in_transaction: bool = False
    where: str = ""


@dataclass(frozen=True, slots=True)
class Pair:
    name: str
    existing: str
    bad: str
    safe: str
    assume_in_transaction: bool = False
    where: str = ""


def _directive(line: str) -> tuple[str, str] | None:
    stripped = line.strip()
    if not stripped.startswith("-- "):
        return None
    head, sep, rest = stripped[3:].partition(":")
    head = head.strip().lower()
    if head == "assume-in-transaction" and not sep:
        return head, ""
    if sep and head in {"family", "rules", "case", "existing", "pair", "bad", "safe"}:
        return head, rest.strip()
    return None


def read_families(text: str, where: str = "") -> list[FamilyCase]:
    """The snippets of one family file."""
    family, rules = "", tuple[str, ...]()
    cases: list[FamilyCase] = []
    existing: list[str] = []
    body: list[str] = []
    name, assume, line_no = "", False, 0

    def flush() -> None:
        if name:
            sql = "\n".join(body).strip()
            if not sql or not family or not rules:
                raise LintError(f"{where}:{line_no}: case {name!r} needs a family, rules and SQL")
            cases.append(FamilyCase(family, rules, name, sql + "\n", "\n".join(existing), assume,
                                    f"{where}:{line_no}"))

    for i, line in enumerate(text.splitlines(), 1):
        d = _directive(line)
        if d is None:
            if name:
                body.append(line)
            continue
        key, value = d
        if key == "family":
            flush()
            family, name = value, ""
        elif key == "rules":
            rules = tuple(r.strip() for r in value.split(",") if r.strip())
        elif key == "case":
            flush()
            name, existing, body, assume, line_no = value, [], [], False, i
        elif key == "existing" and name:
            existing.append(value)
        elif key == "assume-in-transaction" and name:
            assume = True
        elif name:
            body.append(line)
    flush()
    return cases


def read_pairs(text: str, where: str = "") -> list[Pair]:
    """The pairs of one pair file."""
    pairs: list[Pair] = []
    name, section, assume, line_no = "", "", False, 0
    parts: dict[str, list[str]] = {}

    def flush() -> None:
        if name:
            bad, safe = "\n".join(parts.get("bad", [])).strip(), "\n".join(parts.get("safe", [])).strip()
            if not bad or not safe:
                raise LintError(f"{where}:{line_no}: pair {name!r} needs a bad and a safe migration")
            pairs.append(Pair(name, "\n".join(parts.get("existing", [])).strip(), bad + "\n", safe + "\n",
                              assume, f"{where}:{line_no}"))

    for i, line in enumerate(text.splitlines(), 1):
        d = _directive(line)
        if d is not None and d[0] == "pair":
            flush()
            name, section, assume, parts, line_no = d[1], "", False, {}, i
        elif d is not None and d[0] in {"existing", "bad", "safe"} and not d[1]:
            section = d[0]
        elif d is not None and d[0] == "assume-in-transaction":
            assume = True
        elif name and section:
            parts.setdefault(section, []).append(line)
    flush()
    return pairs


def load_families(folder: Path) -> list[FamilyCase]:
    return [c for path in sorted(folder.glob("*.sql")) for c in read_families(path.read_text(), path.name)]


def load_pairs(folder: Path) -> list[Pair]:
    return [p for path in sorted(folder.glob("*.sql")) for p in read_pairs(path.read_text(), path.name)]
