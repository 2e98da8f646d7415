"""Suppression comments: ``-- dbarch: ignore[rule-id, other-id]`` and ``-- dbarch: ignore-file[...]``.

A comment alone on its line applies to the next line; a comment after code applies to its own
line. ``ignore-file`` counts only in the comments above the first statement. Ids may also be
family names (``ignore[naming]``); a bare ``-- dbarch: ignore`` silences every rule on the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_COMMENT = re.compile(r"--\s*dbarch:\s*(ignore-file|ignore)(?:\[([^\]]*)\])?")
ALL = "*"


@dataclass(frozen=True, slots=True)
class Suppressions:
    by_line: dict[int, frozenset[str]] = field(default_factory=dict)
    file: frozenset[str] = frozenset()

    def silences(self, rule: str, family: str, line: int) -> bool:
        for ids in (self.file, self.by_line.get(line, frozenset())):
            if ALL in ids or rule in ids or family in ids:
                return True
        return False


def _ids(raw: str | None) -> frozenset[str]:
    if raw is None:
        return frozenset({ALL})
    found = frozenset(p.strip() for p in raw.split(",") if p.strip())
    return found or frozenset({ALL})


def parse_suppressions(text: str, first_statement_line: int | None) -> Suppressions:
    """Read every ``dbarch:`` comment of ``text``."""
    if "dbarch:" not in text:
        return Suppressions()
    by_line: dict[int, set[str]] = {}
    file_ids: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        match = _COMMENT.search(line)
        if match is None:
            continue
        ids = _ids(match.group(2))
        if match.group(1) == "ignore-file":
            if first_statement_line is None or number <= first_statement_line:
                file_ids |= ids
            continue
        own_line = line[: match.start()].strip() == ""
        target = number + 1 if own_line else number
        by_line.setdefault(target, set()).update(ids)
    return Suppressions({k: frozenset(v) for k, v in by_line.items()}, frozenset(file_ids))
