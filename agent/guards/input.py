"""The input guard: is a request the architect's work, application code, both, or neither?

Deterministic rules first. Pasted material (fenced blocks, SQL statements, SQL comments) is
removed before the prose is read: it is data to analyse, never an instruction, and its presence
only says the request is about a database. Then:

- an *implementation* verb (write, implement, build...) or a how-to question whose object is an
  application artefact (an endpoint, a controller, a component, business logic, ORM models,
  code in a general-purpose language or framework) asks for application code;
- database vocabulary (schema, index, migration, trigger, PL/pgSQL, backup...) asks for the
  architect's work. SQL, DDL, views, integrity triggers and functions, migrations, query
  rewrites, configuration and backup commands are never refused;
- both give ``mixed`` (do the database part, decline the rest); application code alone gives
  ``app_code``. Next to a request for application code, database words that only say what the
  code works on do not make it ``mixed``: pasted SQL, the words of the artefact's own clause
  ("an Express route that queries Postgres", "entity classes for the orders tables") and
  possessive context ("here is my schema") when they name data (tables, queries, the database:
  ``DATA_NOUNS``), not database work (an index, a migration, a backup command); clearly unrelated subjects give ``off_topic``; anything else is ``in_scope``
  with ``unsure`` set, so that the rules never refuse what they do not understand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from dbarch.agent.guards.vocabulary import (
    APP_ARTEFACTS,
    CODE_NOUNS,
    DATA_NOUNS,
    DB_TERMS,
    FRAMEWORKS,
    LANGUAGES,
    OFF_TOPIC,
    ORMS,
    alternation,
)

Verdict = Literal["in_scope", "app_code", "mixed", "off_topic"]
VERDICTS: tuple[Verdict, ...] = ("in_scope", "app_code", "mixed", "off_topic")


@dataclass(frozen=True, slots=True)
class GuardVerdict:
    """The input guard's answer: the verdict and the reasons behind it."""

    verdict: Verdict
    reasons: tuple[str, ...] = ()
    unsure: bool = False
    """True when no rule decided (the verdict is then ``in_scope`` by default)."""
    app_parts: tuple[str, ...] = field(default=())
    """The application artefacts asked for (what a ``mixed`` answer declines)."""

    def to_dict(self) -> dict[str, object]:
        return {"verdict": self.verdict, "reasons": list(self.reasons), "unsure": self.unsure}


_LANG = alternation(LANGUAGES, escape=True)
_FRAMEWORK = alternation(FRAMEWORKS, escape=True)
_ORM = alternation(ORMS, escape=True)
_NOUN = alternation(CODE_NOUNS)
_TECH = f"(?:{_LANG}|golang|{_FRAMEWORK}|{_ORM})"
_TARGET_KINDS = (
    r"code|script|function|functions|class|classes|program|app|application|service|snippet|"
    r"module|implementation|backend|server|api|models?|entity|entities|views?|routes?|"
    r"controllers?|components?|serializers?|resolvers?|handlers?|repositor(?:y|ies)|"
    r"schema\.prisma|schemas?|types?|interfaces?|structs?|decorators?|hooks?|tests?|endpoints?"
)
_GO_KINDS = (
    r"code|program|service|microservice|backend|server|client|app|application|module|package|"
    r"structs?|repositor(?:y|ies)|functions?|methods?|handlers?|interfaces?|implementation|cli"
)
"""What "go" must be followed by to mean the language (never "go with", "go schema-per-tenant")."""
_APP_OBJECT = re.compile(
    rf"(?<![\w.]){_TECH}(?:\s+(?:{_TARGET_KINDS}))(?![\w])"  # python script, django view
    rf"|(?<![\w.])go\s+(?:{_GO_KINDS})(?![\w])"  # a go repository struct
    rf"|(?<![\w.])(?:{alternation(APP_ARTEFACTS)})(?![\w])"
)
_APP_MEDIUM = re.compile(
    rf"(?<![\w.])(?:in|using|with)\s+(?:{_LANG}|golang|go|{_FRAMEWORK}|{_ORM})(?![\w#+])"
)
"""``in Python``, ``with Django``: the medium of what is asked, wherever it stands."""
_CONTEXT_TECH = re.compile(
    rf"(?:my|our|the|a|an|existing)\s+(?:{_TECH})\s+(?:app|application|project|backend|codebase|stack|monolith|site)"
    rf"|(?:we|i|they)\s+(?:use|are using|'re using|am using|run)\s+(?:{_TECH})"
)
_IMPL = re.compile(
    r"(?<![\w])(?:write|writing|implement|implementing|code up|build|create|generate|make|"
    r"give me|show me|develop|scaffold|refactor|fix|debug|port|convert|add|set up|wire|hook up|"
    r"produce|draft|need|want)(?![\w])"
)
_HOWTO = re.compile(r"(?<![\w])(?:how (?:do|can|should|would) (?:i|we|you)|how to)(?![\w])")
_DB = re.compile(rf"(?<![\w]){alternation(DB_TERMS)}(?![\w])")
_OFF = re.compile(rf"(?<![\w]){alternation(OFF_TOPIC)}(?![\w])")
_CODE_NOUN = re.compile(rf"(?<![\w]){_NOUN}(?![\w])")
_CLAUSE_END = re.compile(r"\.(?=\s|$)|[;!?\n]|\b(?:and then|then|but|also)\b")
"""A full stop ends a clause, a dot inside a word (express.js, models.py) does not."""
_DATA_NOUN = re.compile(alternation(DATA_NOUNS))
_POSSESSIVE = re.compile(r"(?:\b(?:my|our|your|their|this|these|those|existing)|here(?: is|'s| are))\s+(?:[\w@'-]+\s+){0,3}$")
"""Ends right before a noun owned by the user: "my schema", "our customers and orders tables"."""

_FENCE = re.compile(r"(^|\n)[ \t]*(`{3,}|~{3,})[^\n]*\n.*?(\n[ \t]*\2[ \t]*(?=\n|$)|$)", re.S)
_INLINE = re.compile(r"`[^`\n]+`")
_BLOCK_COMMENT = re.compile(r"/\*.*?(\*/|$)", re.S)
_LINE_COMMENT = re.compile(r"--[^\n]*")
_SQL_STATEMENT = re.compile(
    r"(?im)(?:^|(?<=:))[ \t]*(?:create|alter|drop|select|insert|update|delete|with|grant|revoke|"
    r"comment\s+on|truncate|begin|commit|explain|copy|do)\b[^;]*;"
)
"""A pasted statement: a line (or what follows a colon) starting with an SQL keyword, up to its
semicolon."""


def strip_data(text: str) -> tuple[str, bool]:
    """The prose of ``text`` with pasted code, SQL statements and comments removed, and
    whether any such material was there."""
    out = _FENCE.sub("\n", text)
    out = _BLOCK_COMMENT.sub(" ", out)
    out = _LINE_COMMENT.sub(" ", out)
    out = _SQL_STATEMENT.sub(" ", out)
    pasted = out != text
    out = _INLINE.sub(" ", out)
    return out, pasted


def classify_request(text: str) -> GuardVerdict:
    """Classify ``text`` with the deterministic rules (see the module's documentation)."""
    prose, pasted = strip_data(text)
    low = " ".join(prose.lower().split())
    app_parts, app_spans, tails = _app_requests(low)
    found = [
        m for m in _DB.finditer(low)
        if not any(s <= m.start() < e for s, e in app_spans)  # the "view" of "Django view"
    ]
    db_terms = _unique(m.group(0) for m in found)
    db = bool(db_terms) or pasted
    reasons: list[str] = []
    if pasted:
        reasons.append("pasted SQL/code/comments were read as data, not instructions")
    if app_parts:
        described = [m for m in found if _describes_code(low, m, tails)]
        asked = _unique(m.group(0) for m in found if m not in described)
        if asked:
            reasons.append("database work: " + ", ".join(asked[:6]))
        if described:
            reasons.append("database words only say what the code works on: "
                           + ", ".join(_unique(m.group(0) for m in described)[:6]))
        reasons.append("asks for application code: " + ", ".join(app_parts[:4]))
        verdict: Verdict = "mixed" if asked else "app_code"
        return GuardVerdict(verdict, tuple(reasons), app_parts=tuple(app_parts))
    if db_terms:
        reasons.append("database work: " + ", ".join(db_terms[:6]))
    if db:
        return GuardVerdict("in_scope", tuple(reasons))
    generic = _generic_code_request(low)
    if generic:
        reasons.append(f"asks for general programming ({generic}) with no database work")
        return GuardVerdict("app_code", tuple(reasons), app_parts=(generic,))
    off = _unique(m.group(0) for m in _OFF.finditer(low))
    if off:
        reasons.append("not about data or databases: " + ", ".join(off[:4]))
        return GuardVerdict("off_topic", tuple(reasons))
    reasons.append("no rule matched; treated as the architect's work")
    return GuardVerdict("in_scope", tuple(reasons), unsure=True)


def _describes_code(low: str, term: re.Match[str], tails: list[tuple[int, int]]) -> bool:
    """True when a database word names data the requested code works on, not database work:
    a data noun in an application artefact's own clause, or owned by the user."""
    if not _DATA_NOUN.fullmatch(term.group(0)):
        return False
    if any(s <= term.start() < e for s, e in tails):
        return True
    return _POSSESSIVE.search(low, 0, term.start()) is not None


def _app_requests(low: str) -> tuple[list[str], list[tuple[int, int]], list[tuple[int, int]]]:
    """Application artefacts that an implementation verb or a how-to question asks for.

    The object decides: after the verb, the first artefact in the same clause counts, so
    "create a table for the checkout flow" asks for a table and "write a Django view that
    queries the orders table" asks for a view in Django. Also returns where each artefact's
    clause runs, from the artefact to the clause's end (the words that describe the code).
    """
    context = [(m.start(), m.end()) for m in _CONTEXT_TECH.finditer(low)]
    found: list[str] = []
    spans: list[tuple[int, int]] = []
    tails: list[tuple[int, int]] = []

    def free(m: re.Match[str], offset: int) -> bool:
        return not any(s <= offset + m.start() < e for s, e in context)

    for verb in [*_IMPL.finditer(low), *_HOWTO.finditer(low)]:
        end = _CLAUSE_END.search(low, verb.end())
        clause_end = end.start() if end else len(low)
        offset = verb.end()
        window = low[offset : min(clause_end, offset + 90)]
        app = next((m for m in _APP_OBJECT.finditer(window) if free(m, offset)), None)
        db = _DB.search(window)
        if app is not None and (db is None or app.start() <= db.start()):
            found.append(app.group(0).strip())
            spans.append((offset + app.start(), offset + app.end()))
            tails.append((offset + app.start(), clause_end))
        medium = next((m for m in _APP_MEDIUM.finditer(low[offset:clause_end]) if free(m, offset)), None)
        if medium is not None:
            found.append(medium.group(0).strip())
            spans.append((offset + medium.start(), offset + medium.end()))
            tails.append((offset + medium.start(), clause_end))
    return _unique(found), spans, tails


def _generic_code_request(low: str) -> str | None:
    for verb in _IMPL.finditer(low):
        end = _CLAUSE_END.search(low, verb.end())
        window = low[verb.end() : end.start() if end else len(low)]
        noun = _CODE_NOUN.search(window)
        if noun:
            return noun.group(0)
    return None


def _unique(items: object) -> list[str]:
    seen: list[str] = []
    for item in items:  # type: ignore[attr-defined]
        if item not in seen:
            seen.append(item)
    return seen
