"""Requirement tests as values: a test is named, ordered SQL steps, each with an expectation.

A step expects ``ok`` (optionally a row count or the value of the first column of the first
row) or an error: an exact SQLSTATE (``23505``), a class (``23``) or ``any``. A test with at
least one step that expects an error is *negative* (it proves the schema rejects something);
the others are *positive* (they prove it accepts what it must). See ``docs/requirement-tests.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

ANY_ERROR = "any"


@dataclass(frozen=True, slots=True)
class Expect:
    """What a step must do.

    ``error`` is ``None`` when the step must succeed; otherwise a five-character SQLSTATE
    (``23P01``), a two-character class (``23``) or ``"any"``. ``rows`` and ``value`` apply to a
    success; ``value`` is compared only when ``check_value`` is true (``null`` is a value).
    ``constraint`` (errors only) is the name PostgreSQL reports for the violated constraint.
    """

    error: str | None = None
    rows: int | None = None
    value: Any = None
    check_value: bool = False
    constraint: str | None = None

    @property
    def is_error(self) -> bool:
        return self.error is not None

    @property
    def is_exact(self) -> bool:
        """True for a five-character SQLSTATE (not a class, not ``any``)."""
        return self.error is not None and len(self.error) == 5

    def to_data(self) -> str | dict[str, Any]:
        """The expectation as the test format writes it (the inverse of loading)."""
        if self.error is not None:
            data: dict[str, Any] = {"error": self.error}
            if self.constraint:
                data["constraint"] = self.constraint
            return data
        ok: dict[str, Any] = {}
        if self.rows is not None:
            ok["rows"] = self.rows
        if self.check_value:
            ok["value"] = self.value
        return {"ok": ok} if ok else "ok"


OK = Expect()


@dataclass(frozen=True, slots=True)
class Step:
    """One SQL step (one or more statements sent in one round trip) and its expectation."""

    sql: str
    expect: Expect = OK
    line: int | None = None
    """Line of the step's SQL in the test file, when it was read from one."""

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"sql": self.sql}
        if self.expect != OK:
            data["expect"] = self.expect.to_data()
        return data


@dataclass(frozen=True, slots=True)
class RequirementTest:
    """A named test: its steps run in order in one transaction that is always rolled back."""

    name: str
    steps: tuple[Step, ...]
    description: str = ""
    line: int | None = None
    """Line where the test starts in its file."""
    source: str | None = None
    """The file the test was read from."""

    @property
    def kind(self) -> Literal["positive", "negative"]:
        return "negative" if any(s.expect.is_error for s in self.steps) else "positive"

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name}
        if self.description:
            data["description"] = self.description
        data["steps"] = [s.to_data() for s in self.steps]
        return data
