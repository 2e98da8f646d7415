"""Reading requirement tests from YAML or JSON, with the line of every mistake.

The file is a list of tests (or a mapping with a ``tests:`` list)::

    - name: a copy has at most one open loan
      steps:
        - sql: INSERT INTO loans (copy_id, member_id) SELECT id, 1 FROM copies LIMIT 1
        - sql: INSERT INTO loans (copy_id, member_id) SELECT id, 2 FROM copies LIMIT 1
          expect: {error: "23505"}

A file that does not parse or does not have this shape is a :class:`UsageError` naming its
line. Pydantic validates the shape here, at the edge; the result is frozen dataclasses
(:mod:`tools.reqtest.model`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from dbarch.tools.errors import UsageError
from dbarch.tools.reqtest.model import Expect, RequirementTest, Step
from dbarch.tools.reqtest.sqlstate import normalize_code

_HINT = "see docs/requirement-tests.md: a list of {name, description?, steps: [{sql, expect}]}"
MAX_BYTES = 2 * 1024 * 1024


class OkSpec(BaseModel):
    """``expect: {ok: {rows: N, value: X}}``: both optional."""

    model_config = ConfigDict(extra="forbid")
    rows: int | None = Field(default=None, ge=0, description="rows returned (SELECT, RETURNING) or affected")
    value: Any = Field(default=None, description="the first column of the first row")


class ExpectSpec(BaseModel):
    """``ok`` (or ``{ok: {...}}``) or ``{error: SQLSTATE | class | any, constraint?: name}``."""

    model_config = ConfigDict(extra="forbid")
    ok: OkSpec | None = Field(default=None, description="the step must succeed")
    error: str | int | None = Field(
        default=None, description='the step must fail: a SQLSTATE ("23505"), a class ("23") or "any"'
    )
    constraint: str | None = Field(default=None, description="the constraint PostgreSQL must name in the error")

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        if isinstance(data, str) and data.strip().lower() in ("ok", "error"):
            return {data.strip().lower(): {} if data.strip().lower() == "ok" else "any"}
        if isinstance(data, str):
            raise ValueError(f"expect is ok, {{ok: {{rows: N}}}}, {{ok: {{value: X}}}} or {{error: SQLSTATE}}, not {data!r}")
        if isinstance(data, dict) and "ok" in data and data["ok"] is None:
            return {**data, "ok": {}}
        return data

    @field_validator("error")
    @classmethod
    def _code(cls, value: str | int | None) -> str | None:
        return None if value is None else normalize_code(value)

    @model_validator(mode="after")
    def _one(self) -> ExpectSpec:
        if (self.ok is None) == (self.error is None):
            raise ValueError("expect either ok or error, not both or neither")
        if self.constraint is not None and self.error is None:
            raise ValueError("constraint goes with an expected error")
        return self

    def build(self) -> Expect:
        if self.error is not None:
            return Expect(error=str(self.error), constraint=self.constraint)
        assert self.ok is not None
        has_value = "value" in self.ok.model_fields_set
        return Expect(rows=self.ok.rows, value=self.ok.value, check_value=has_value)


class StepSpec(BaseModel):
    """One SQL step and what it must do (a bare string is a step expecting ``ok``)."""

    model_config = ConfigDict(extra="forbid")
    sql: str = Field(min_length=1, description="one SQL statement (or several, the last one's result counts)")
    expect: ExpectSpec = Field(default_factory=lambda: ExpectSpec(ok=OkSpec()), description="default: ok")

    @model_validator(mode="before")
    @classmethod
    def _bare_sql(cls, data: Any) -> Any:
        return {"sql": data} if isinstance(data, str) else data

    @field_validator("sql")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the step's SQL is empty")
        return value.strip()


class RequirementTestSpec(BaseModel):
    """A requirement test as written in a file or by the agent: its JSON Schema is the format's."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, description="the requirement it proves, e.g. 'a copy has one open loan at most'")
    description: str = ""
    steps: list[StepSpec] = Field(min_length=1, description="run in order in one transaction, rolled back")


class TestFileSpec(BaseModel):
    __test__ = False  # not a pytest test class
    model_config = ConfigDict(extra="forbid")
    tests: list[RequirementTestSpec] = Field(min_length=1)


def load_requirement_tests(text: str, *, source: str = "<tests>") -> tuple[RequirementTest, ...]:
    """Parse YAML or JSON ``text`` into tests; a :class:`UsageError` with the line otherwise."""
    data, root = _parse(text, source)
    return _build(data, root, source, text)


def load_requirement_tests_file(path: str | Path) -> tuple[RequirementTest, ...]:
    """Read and parse a test file (``-`` is not accepted: tests come from a file)."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read the test file: {exc.strerror or exc}", file=str(path)) from None
    if len(raw) > MAX_BYTES:
        raise UsageError(f"the test file is over {MAX_BYTES // 1_048_576} MiB", file=str(path))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(f"the test file is not UTF-8 (byte {exc.start})", file=str(path)) from None
    return load_requirement_tests(text, source=str(path))


def requirement_tests_from_data(data: Any, *, source: str | None = None) -> tuple[RequirementTest, ...]:
    """Tests from already-parsed data (a list of dicts, e.g. embedded in an eval case)."""
    return _build(data, None, source or "<tests>")


def dump_requirement_tests(tests: Sequence[RequirementTest]) -> str:
    """The tests as YAML in the format :func:`load_requirement_tests` reads (SQL as blocks)."""
    return yaml.dump([t.to_data() for t in tests], Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


class _Dumper(yaml.SafeDumper):
    """Writes multi-line strings as ``|`` blocks (a subclass: no global representer)."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


# -- parsing ---------------------------------------------------------------------------------
def _parse(text: str, source: str) -> tuple[Any, yaml.Node | None]:
    if not text.strip():
        raise UsageError("the test file is empty", file=source, hint=_HINT)
    if source.lower().endswith(".json") or text.lstrip().startswith(("[", "{")):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise UsageError(f"the test file is not valid JSON: {exc.msg}", file=source,
                             line=exc.lineno, column=exc.colno, hint=_HINT) from None
        try:
            return data, yaml.compose(text, Loader=yaml.SafeLoader)  # lines, when YAML reads it
        except yaml.YAMLError:
            return data, None
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise UsageError(
            f"the test file is not valid YAML: {exc.problem or exc.context}", file=source,
            line=mark.line + 1 if mark else None, column=mark.column + 1 if mark else None, hint=_HINT,
        ) from None
    except yaml.YAMLError as exc:
        raise UsageError(f"the test file is not valid YAML: {exc}", file=source, hint=_HINT) from None
    finally:
        loader.dispose()
    return data, root


def tests_from_specs(specs: Sequence[RequirementTestSpec], *, source: str | None = None) -> tuple[RequirementTest, ...]:
    """Tests from already-validated specs (an agent tool's arguments)."""
    return _from_specs(list(specs), None, source or "<tests>", wrapped=False, text="")


def _build(data: Any, root: yaml.Node | None, source: str, text: str = "") -> tuple[RequirementTest, ...]:
    wrapped = isinstance(data, dict)
    try:
        specs = TestFileSpec.model_validate(data).tests if wrapped else TestFileSpec.model_validate({"tests": data}).tests
    except ValidationError as exc:
        # an unknown field (a typo) explains a missing one: report it first
        err = min(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
        loc = tuple(err["loc"]) if wrapped else tuple(err["loc"])[1:]
        line = _line(root, loc, wrapped, key=err["type"] == "extra_forbidden")
        raise UsageError(f"{_where(loc, wrapped)}{_message(err)}", file=source, line=line, hint=_HINT) from None
    return _from_specs(specs, root, source, wrapped=wrapped, text=text)


def _from_specs(
    specs: list[RequirementTestSpec], root: yaml.Node | None, source: str, *, wrapped: bool, text: str
) -> tuple[RequirementTest, ...]:
    tests: list[RequirementTest] = []
    seen: dict[str, int | None] = {}
    for i, spec in enumerate(specs):
        path: tuple[Any, ...] = ("tests", i) if wrapped else (i,)
        test_line = _line(root, path, wrapped)
        if spec.name in seen:
            first = seen[spec.name]
            raise UsageError(f"two tests are named {spec.name!r}" + (f" (the first at line {first})" if first else ""),
                             file=source, line=test_line, hint="give every test its own name")
        seen[spec.name] = test_line
        steps = []
        for j, st in enumerate(spec.steps):
            step_line = _sql_line(root, (*path, "steps", j), wrapped)
            _check_sql(st.sql, source, step_line, _cut_by_comment(root, (*path, "steps", j), wrapped, text))
            steps.append(Step(st.sql, st.expect.build(), step_line))
        tests.append(RequirementTest(spec.name, tuple(steps), spec.description.strip(), test_line, source))
    return tuple(tests)


def _where(loc: tuple[Any, ...], wrapped: bool) -> str:
    """``test 2, step 1, expect.error: `` from pydantic's location of the error."""
    parts = list(loc[1:] if wrapped and loc[:1] == ("tests",) else loc)
    if wrapped and not parts:
        return "tests: "
    if not parts or not isinstance(parts[0], int):
        return ""
    text = f"test {parts[0] + 1}"
    rest = parts[1:]
    if len(rest) >= 2 and rest[0] == "steps" and isinstance(rest[1], int):
        text += f", step {rest[1] + 1}"
        rest = rest[2:]
    fields = [p for p in rest if isinstance(p, str) and p in _FIELDS]
    return text + (f", {'.'.join(fields)}" if fields else "") + ": "


_FIELDS = frozenset({"name", "description", "steps", "sql", "expect", "ok", "rows", "value", "error", "constraint"})


def _message(err: Any) -> str:
    msg = str(err.get("msg", "invalid"))
    kind = err.get("type")
    if kind == "missing":
        return "this field is required"
    if kind == "extra_forbidden":
        return (f"unknown field {err['loc'][-1]!r} (a test has name, description, steps; a step has sql, "
                "expect; an expectation has ok or error)")
    return msg.removeprefix("Value error, ")


# -- lines -------------------------------------------------------------------------------------
def _node(root: yaml.Node | None, path: tuple[Any, ...], wrapped: bool, *, key: bool = False) -> yaml.Node | None:
    node = root
    if node is None:
        return None
    if not wrapped and path[:1] == ("tests",):
        path = path[1:]
    for i, part in enumerate(path):
        child: yaml.Node | None = None
        last = i == len(path) - 1
        if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            child = node.value[part]
        elif isinstance(node, yaml.MappingNode) and isinstance(part, str):
            child = None if key and last else next(
                (v for k, v in node.value if getattr(k, "value", None) == part), None)
            if child is None:  # an unknown key: point at the key itself
                child = next((k for k, _ in node.value if getattr(k, "value", None) == part), None)
        if child is None:
            break
        node = child
    return node


def _line(root: yaml.Node | None, path: tuple[Any, ...], wrapped: bool, *, key: bool = False) -> int | None:
    node = _node(root, path, wrapped, key=key)
    return node.start_mark.line + 1 if node is not None else None


def _sql_line(root: yaml.Node | None, step: tuple[Any, ...], wrapped: bool) -> int | None:
    """The line where the step's SQL text starts (a ``|`` block starts on the next line)."""
    node = _node(root, step, wrapped)
    if isinstance(node, yaml.MappingNode):
        node = next((v for k, v in node.value if getattr(k, "value", None) == "sql"), node)
    if node is None:
        return None
    block = isinstance(node, yaml.ScalarNode) and node.style in ("|", ">")
    return node.start_mark.line + (2 if block else 1)


def _cut_by_comment(root: yaml.Node | None, step: tuple[Any, ...], wrapped: bool, text: str) -> bool:
    """True when the step's SQL is a plain YAML scalar followed by `` #...`` on its line:
    YAML read ``VALUES ('sale #1')`` as ``VALUES ('sale`` and a comment."""
    node = _node(root, step, wrapped)
    if isinstance(node, yaml.MappingNode):
        node = next((v for k, v in node.value if getattr(k, "value", None) == "sql"), None)
    if not isinstance(node, yaml.ScalarNode) or node.style is not None or not text:
        return False
    end = node.end_mark.index
    stop = text.find("\n", end)
    rest = text[end:] if stop < 0 else text[end:stop]
    return rest.lstrip().startswith("#")


def _check_sql(sql: str, source: str, line: int | None, cut: bool) -> None:
    """Steps run inside the test's transaction: COMMIT, ROLLBACK, SAVEPOINT... would break it."""
    from pglast import ast, parse_sql
    from pglast.parser import ParseError as PgParseError

    try:
        statements = parse_sql(sql)
    except PgParseError:
        if cut:
            raise UsageError(
                "the step's SQL was cut at ' #', which YAML reads as the start of a comment",
                file=source, line=line, hint="write the SQL as a block (sql: |) or in double quotes",
            ) from None
        return  # the server reports the syntax error when the test runs (the test fails)
    for raw in statements:
        if isinstance(raw.stmt, ast.TransactionStmt):
            word = sql[raw.stmt_location or 0:].split(None, 1)[0].upper() if sql else "COMMIT"
            raise UsageError(
                f"a step may not run {word}: each test runs in one transaction that is always rolled back",
                file=source, line=line,
                hint="to check deferred constraints as COMMIT would, write a step "
                "`SET CONSTRAINTS ALL IMMEDIATE`; every test also ends with that check",
            )
