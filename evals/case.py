"""The eval case format: one YAML file per case, validated by pydantic (documented in docs/evals.md).

A case states a request, what a senior database architect's answer must contain (``expect``),
and ships answers that calibrate the scorers: one ``reference`` that must pass and at least one
``flawed`` answer that must fail. A flawed answer is either written in full or derived from the
reference by exact text substitutions (``edits``), which keeps the flaw visible in review.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from dbarch.tools.errors import InputError


class Category(StrEnum):
    SCHEMA_DESIGN = "schema_design"
    DB_SELECTION = "db_selection"
    QUERY_OPTIMIZATION = "query_optimization"
    MIGRATION = "migration"
    BACKUP_SCALE = "backup_scale"
    BOUNDARY = "boundary"


class Scope(StrEnum):
    """What the request is, as the role sees it (the agent's guard uses the same words)."""

    IN_SCOPE = "in_scope"
    APP_CODE = "app_code"
    MIXED = "mixed"
    OFF_TOPIC = "off_topic"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Entity(_Model):
    name: str
    """The table the case expects (plural or singular both match)."""
    synonyms: tuple[str, ...] = ()


class Relationship(_Model):
    """A foreign key from a table of entity ``from_`` to one of entity ``to``."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    from_: str = Field(alias="from")
    to: str


ConstraintKind = Literal["primary_key", "not_null", "unique", "check", "exclusion", "foreign_key"]


class Constraint(_Model):
    entity: str
    kind: ConstraintKind
    columns: tuple[str, ...] = ()
    """Column names (each may list synonyms as ``a|b``); empty: any constraint of that kind."""


class TypeRule(_Model):
    """Columns whose type class is fixed: ``money`` (numeric/money, never float), ``timestamptz``,
    ``uuid``, ``integer`` (an integer type), ``text``, ``jsonb``."""

    entity: str
    column: str
    """Column name, synonyms as ``a|b``."""
    type: Literal["money", "timestamptz", "uuid", "integer", "text", "jsonb", "date", "boolean"]


class AccessPattern(_Model):
    """A critical query against the answer's own names: filter on ``where`` (each item is a column
    name with ``|`` synonyms, or ``->entity`` for the foreign key to that entity), optionally
    ordered by ``order_by``. The scorer writes the SQL from the answer's schema and EXPLAINs it."""

    name: str
    entity: str
    where: tuple[str, ...] = ()
    order_by: str | None = None
    range: bool = False
    """The last ``where`` item is a range (``>=``) rather than an equality."""


class Query(_Model):
    """A critical query written against the case's given schema (literal SQL)."""

    name: str
    sql: str


class Mention(_Model):
    """At least one regular expression of ``any`` must match the answer (case-insensitive)."""

    what: str
    any: tuple[str, ...]


class Choice(_Model):
    """Database selection: the answer must recommend one of ``accept`` and not ``reject``."""

    accept: tuple[str, ...]
    reject: tuple[str, ...] = ()
    requirements: tuple[Mention, ...] = ()
    """Requirements of the case the justification must name."""


class MemoryExpect(_Model):
    file: Literal["00_soul.md", "01_state.md", "02_memory.md"]
    contains: tuple[str, ...] = ()


class Expect(_Model):
    scope: Scope = Scope.IN_SCOPE
    sql: bool = False
    """The answer must contain SQL that parses and applies (implied by entities/patterns)."""
    entities: tuple[Entity, ...] = ()
    relationships: tuple[Relationship, ...] = ()
    constraints: tuple[Constraint, ...] = ()
    types: tuple[TypeRule, ...] = ()
    access_patterns: tuple[AccessPattern, ...] = ()
    queries: tuple[Query, ...] = ()
    """Critical queries on the given schema (query optimization): the answer must make them
    ``min_gain`` times cheaper on the sandbox at the case's volumes."""
    min_gain: float = 2.0
    migration: bool = False
    """The answer's SQL is a migration of ``schema``: lint its migration rules, apply on top."""
    choice: Choice | None = None
    mentions: tuple[Mention, ...] = ()
    forbids: tuple[Mention, ...] = ()
    """No regular expression of any of these may match the answer."""
    memory: MemoryExpect | None = None
    lint_max_errors: int = 0
    """Lint findings of severity error allowed in the answer's SQL."""
    requirement_tests: str | None = None
    """Hidden requirement tests (YAML, :mod:`dbarch.tools.reqtest` format) run on the answer's
    schema; table names are the answer's, so write them against a fixed schema only."""

    @property
    def wants_sql(self) -> bool:
        return bool(self.sql or self.entities or self.access_patterns or self.queries or self.migration)


class Answer(_Model):
    text: str
    memory: dict[str, str] = Field(default_factory=dict)
    """Workspace files the answer wrote (``00_soul.md``: content), for the memory scorer."""


class Flawed(_Model):
    flaw: str
    """What is wrong, in a few words (``float money``, ``missed refusal``)."""
    text: str | None = None
    edits: tuple[tuple[str, str], ...] = ()
    """Exact ``[old, new]`` substitutions applied to the reference (each ``old`` must occur)."""
    memory: dict[str, str] | None = None

    @model_validator(mode="after")
    def _one_form(self) -> Flawed:
        if (self.text is None) == (not self.edits):
            raise ValueError("a flawed answer has either `text` or `edits` (not both, not neither)")
        return self


class Case(_Model):
    id: str
    category: Category
    title: str
    prompt: str
    schema_sql: str | None = Field(default=None, alias="schema")
    """The existing schema the request is about (optimization, migration, review)."""
    prepare: str | None = None
    """SQL run after synthetic data is loaded into ``schema`` and before a migration is
    applied: brings the rows to the state the prompt describes (duplicates cleaned, a column
    backfilled, orphans removed)."""
    volumes: dict[str, int | str] = Field(default_factory=dict)
    """Stated rows per entity/table (``10m``, ``50k``, or a number)."""
    expect: Expect = Field(default_factory=Expect)
    rubric: str | None = None
    """For the optional LLM judge: what a good answer does."""
    reference: Answer
    flawed: tuple[Flawed, ...] = Field(min_length=1)
    tags: tuple[str, ...] = ()

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not v or any(c.isspace() for c in v):
            raise ValueError("id is a non-empty word like schema/ledger")
        return v

    @model_validator(mode="after")
    def _edits_apply(self) -> Case:
        for f in self.flawed:
            for old, _new in f.edits:
                if old not in self.reference.text:
                    raise ValueError(f"flawed answer {f.flaw!r}: edit text {old[:40]!r} is not in the reference")
        names = {e.name for e in self.expect.entities}
        for r in self.expect.relationships:
            for n in (r.from_, r.to):
                if n not in names:
                    raise ValueError(f"relationship names entity {n!r} that `expect.entities` does not list")
        refs: list[tuple[str, str]] = [("constraint", c.entity) for c in self.expect.constraints]
        refs += [("type rule", t.entity) for t in self.expect.types]
        refs += [("access pattern", p.entity) for p in self.expect.access_patterns]
        for what, entity in refs:
            if entity not in names:
                raise ValueError(f"{what} names entity {entity!r} that `expect.entities` does not list")
        return self

    def flawed_answer(self, flawed: Flawed) -> Answer:
        if flawed.text is not None:
            return Answer(text=flawed.text, memory=flawed.memory or {})
        text = self.reference.text
        for old, new in flawed.edits:
            text = text.replace(old, new)
        memory = self.reference.memory if flawed.memory is None else flawed.memory
        return Answer(text=text, memory=memory)

    def answers(self) -> list[tuple[str, Answer]]:
        """``("reference", answer)`` then ``("flawed:<flaw>", answer)`` for each flawed one."""
        out = [("reference", self.reference)]
        out += [(f"flawed:{f.flaw}", self.flawed_answer(f)) for f in self.flawed]
        return out


def parse_case(data: Any, *, source: str = "<case>") -> Case:
    try:
        return Case.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise InputError(f"invalid case: {where}: {first['msg']}{more}", file=source,
                         hint="see docs/evals.md for the case format") from None


def load_case(path: str | Path) -> Case:
    import yaml

    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read the case: {exc.strerror or exc}", file=str(p)) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(f"the case is not valid YAML: {getattr(exc, 'problem', None) or exc}", file=str(p),
                         line=mark.line + 1 if mark else None, column=mark.column + 1 if mark else None) from None
    return parse_case(data, source=str(p))


def cases_root() -> Path:
    return Path(__file__).parent / "cases"


def load_cases(pattern: str | None = None, root: Path | None = None) -> list[Case]:
    """Every case under ``root`` (default: the shipped suite) whose path relative to it, or id,
    matches the glob ``pattern`` (``schema_design/*``, ``*ledger*``)."""
    import fnmatch

    base = root or cases_root()
    out: list[Case] = []
    for path in sorted(base.rglob("*.yaml")):
        rel = path.relative_to(base).as_posix()
        case = load_case(path)
        if pattern and not (fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(case.id, pattern)
                            or fnmatch.fnmatch(rel.removesuffix(".yaml"), pattern)):
            continue
        out.append(case)
    ids = [c.id for c in out]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise InputError(f"duplicate case ids: {', '.join(dupes)}", file=str(base))
    return out
