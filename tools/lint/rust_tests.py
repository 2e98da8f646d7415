"""SQL snippets and their expectations, read from the ``#[cfg(test)]`` module of a Rust lint rule.

Third-party linters written in Rust (squawk) keep each rule's tests next to the rule::

    #[cfg(test)]
    mod test {
        use crate::test_utils::{lint_errors, lint_ok};

        fn lint_ok_with(sql: &str, settings: LinterSettings) {
            crate::test_utils::lint_ok_with(sql, settings, Rule::Foo);
        }

        #[test]
        fn bad() {
            let sql = r#"ALTER TABLE t ..."#;
            assert_snapshot!(lint_errors(sql, Rule::Foo));
        }

        #[test]
        fn good_in_transaction() {
            lint_ok_with("ALTER TABLE t ...", LinterSettings { assume_in_transaction: true, ..Default::default() });
        }
    }

:func:`read_rust_tests` tokenizes such a module (strings, raw strings and comments as Rust
reads them, never by regex over the text) and returns one :class:`RustCase` per call of a
lint helper whose SQL it can resolve: ``lint_errors*``/``fix_sql*`` (and ``assert_ne!(errors.len(),
0)``) expect a violation, ``lint_ok*`` (and ``assert_eq!(errors.len(), 0)``) expect none. Local
wrappers (``fn lint(sql) { lint_errors(sql, Rule::X) }``) are followed, and so are the
settings they or the call pass (``pg_version``, ``assume_in_transaction``). A test it cannot
read (SQL built with ``format!``, no lint call) comes back as a :class:`SkippedTest` with the
reason: nothing is dropped silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

ERRORS, OK = "errors", "ok"
BASE_HELPERS = {
    "lint_errors": ERRORS, "lint_errors_with": ERRORS, "fix_sql": ERRORS, "fix_sql_with": ERRORS,
    "lint_ok": OK, "lint_ok_with": OK,
}
"""The shared test helpers and what each call expects of its SQL."""


@dataclass(frozen=True, slots=True)
class RustCase:
    rule: str
    """The linter's rule id (``Rule::AddingFieldWithDefault`` -> ``adding-field-with-default``)."""
    test: str
    sql: str
    expect_violation: bool
    pg_version: int | None = None
    """The PostgreSQL major version the test sets (``None``: the linter's default)."""
    assume_in_transaction: bool = False
    where: str = ""


@dataclass(frozen=True, slots=True)
class SkippedTest:
    test: str
    reason: str
    where: str = ""


@dataclass(frozen=True, slots=True)
class Token:
    kind: str
    """``ident``, ``str`` (a string literal, ``text`` is its value), ``num`` or ``punct``."""
    text: str
    line: int


_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "\\": "\\", '"': '"', "'": "'"}


def tokenize(src: str) -> list[Token]:
    """Rust tokens, with comments dropped and string literals decoded."""
    out: list[Token] = []
    i, line, n = 0, 1, len(src)
    while i < n:
        c = src[i]
        if c == "\n":
            line += 1
            i += 1
        elif c.isspace():
            i += 1
        elif src.startswith("//", i):
            j = src.find("\n", i)
            i = n if j < 0 else j
        elif src.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if src.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif src.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            line += src.count("\n", i, j)
            i = j
        elif (raw := _raw_string(src, i)) is not None:
            value, end = raw
            out.append(Token("str", value, line))
            line += src.count("\n", i, end)
            i = end
        elif c == '"' or (c == "b" and src.startswith('b"', i)):
            value, end = _cooked_string(src, i + (2 if c == "b" else 1))
            out.append(Token("str", value, line))
            line += src.count("\n", i, end)
            i = end
        elif c == "'" and i + 2 < n and (src[i + 2] == "'" or src[i + 1] == "\\"):
            end = src.index("'", i + 3 if src[i + 1] == "\\" else i + 2) + 1
            out.append(Token("punct", src[i:end], line))
            i = end
        elif (m := _IDENT.match(src, i)) is not None:
            out.append(Token("ident", m.group(), line))
            i = m.end()
        elif c.isdigit():
            j = i
            while j < n and (src[j].isalnum() or src[j] == "_"):
                j += 1
            out.append(Token("num", src[i:j], line))
            i = j
        else:
            out.append(Token("punct", c, line))
            i += 1
    return out


def _raw_string(src: str, i: int) -> tuple[str, int] | None:
    """``(value, end)`` of a raw string (``r"..."``, ``r#"..."#``, ``br"..."``) starting at ``i``."""
    j = i + (1 if src.startswith("br", i) else 0)
    if not src.startswith("r", j) or (i > 0 and (src[i - 1].isalnum() or src[i - 1] == "_")):
        return None
    j += 1
    hashes = 0
    while j < len(src) and src[j] == "#":
        hashes, j = hashes + 1, j + 1
    if j >= len(src) or src[j] != '"':
        return None
    close = '"' + "#" * hashes
    end = src.find(close, j + 1)
    if end < 0:
        raise ValueError(f"unterminated raw string at offset {i}")
    return src[j + 1 : end], end + len(close)


def _cooked_string(src: str, i: int) -> tuple[str, int]:
    """``(value, end)`` of a ``"..."`` string whose body starts at ``i``."""
    out: list[str] = []
    while i < len(src):
        c = src[i]
        if c == '"':
            return "".join(out), i + 1
        if c != "\\":
            out.append(c)
            i += 1
            continue
        nxt = src[i + 1 : i + 2]
        if nxt == "\n":  # a line continuation eats the newline and the next line's indent
            i += 2
            while i < len(src) and src[i] in " \t\r\n":
                i += 1
        elif nxt == "u" and src.startswith("{", i + 2):
            close = src.index("}", i + 3)
            out.append(chr(int(src[i + 3 : close].replace("_", ""), 16)))
            i = close + 1
        elif nxt == "x":
            out.append(chr(int(src[i + 2 : i + 4], 16)))
            i += 4
        else:
            out.append(_ESCAPES.get(nxt, nxt))
            i += 2
    raise ValueError("unterminated string literal")


@dataclass(frozen=True, slots=True)
class _Fn:
    name: str
    is_test: bool
    body: list[Token]
    line: int


def _matching(tokens: list[Token], i: int) -> int:
    """Index of the bracket closing the one at ``i``."""
    pairs = {"(": ")", "[": "]", "{": "}"}
    opening, depth = tokens[i].text, 0
    for j in range(i, len(tokens)):
        t = tokens[j]
        if t.kind == "punct" and t.text == opening:
            depth += 1
        elif t.kind == "punct" and t.text == pairs[opening]:
            depth -= 1
            if depth == 0:
                return j
    raise ValueError(f"unbalanced {opening!r} at line {tokens[i].line}")


def _is(t: Token, text: str) -> bool:
    return t.text == text and t.kind != "str"


def _test_modules(tokens: list[Token]) -> Iterator[list[Token]]:
    """The token bodies of every ``#[cfg(test)] mod NAME { ... }``."""
    for i in range(len(tokens) - 8):
        if [t.text for t in tokens[i : i + 7]] == ["#", "[", "cfg", "(", "test", ")", "]"]:
            j = i + 7
            while j < len(tokens) and not _is(tokens[j], "{") and not _is(tokens[j], ";"):
                j += 1
            if j < len(tokens) and _is(tokens[j], "{") and any(_is(t, "mod") for t in tokens[i + 7 : j]):
                yield tokens[j + 1 : _matching(tokens, j)]


def _functions(module: list[Token]) -> list[_Fn]:
    """The ``fn`` items at the top level of a module body, with whether ``#[test]`` marks them."""
    fns: list[_Fn] = []
    i, attrs = 0, []
    while i < len(module):
        t = module[i]
        if _is(t, "#") and i + 1 < len(module) and _is(module[i + 1], "["):
            close = _matching(module, i + 1)
            attrs.append(" ".join(x.text for x in module[i + 2 : close]))
            i = close + 1
        elif _is(t, "fn") and i + 1 < len(module) and module[i + 1].kind == "ident":
            j = i + 2
            while j < len(module) and not _is(module[j], "{") and not _is(module[j], ";"):
                j += 1
            if j >= len(module) or _is(module[j], ";"):
                i, attrs = j + 1, []
                continue
            close = _matching(module, j)
            fns.append(_Fn(module[i + 1].text, "test" in attrs, module[j + 1 : close], t.line))
            i, attrs = close + 1, []
        elif _is(t, "{"):
            i, attrs = _matching(module, i) + 1, []
        else:
            if _is(t, ";"):
                attrs = []
            i += 1
    return fns


def kebab(name: str) -> str:
    """``AddingFieldWithDefault`` -> ``adding-field-with-default``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", name).lower()


@dataclass(frozen=True, slots=True)
class _Facts:
    """What a span of tokens says: the rule it names and the settings it passes."""

    rule: str | None = None
    pg_version: int | None = None
    assume: bool | None = None

    def over(self, other: _Facts) -> _Facts:
        """These facts, with ``other`` filling the gaps."""
        return _Facts(self.rule or other.rule,
                      self.pg_version if self.pg_version is not None else other.pg_version,
                      self.assume if self.assume is not None else other.assume)


def _facts(span: list[Token], fns: dict[str, _Fn], seen: frozenset[str] = frozenset()) -> _Facts:
    found = _Facts()
    for k, t in enumerate(span):
        nxt = span[k + 1 : k + 4]
        if t.text == "Rule" and len(nxt) >= 3 and _is(nxt[0], ":") and _is(nxt[1], ":") and nxt[2].kind == "ident":
            found = found.over(_Facts(rule=kebab(nxt[2].text)))
        elif t.text == "pg_version" and len(nxt) >= 2 and _is(nxt[0], ":") and nxt[1].kind == "str":
            major = re.match(r"\d+", nxt[1].text)
            found = found.over(_Facts(pg_version=int(major.group()) if major else None))
        elif t.text == "assume_in_transaction" and len(nxt) >= 2 and _is(nxt[0], ":"):
            found = found.over(_Facts(assume=nxt[1].text == "true"))
        elif t.kind == "ident" and t.text in fns and t.text not in seen and nxt and _is(nxt[0], "("):
            found = found.over(_facts(fns[t.text].body, fns, seen | {t.text}))
    return found


def _calls(span: list[Token]) -> Iterator[tuple[str, list[Token]]]:
    """``(name, argument tokens)`` of every call ``name(...)`` in ``span``, outermost first."""
    for k in range(len(span) - 1):
        if span[k].kind == "ident" and _is(span[k + 1], "(") and (k == 0 or not _is(span[k - 1], "fn")):
            yield span[k].text, span[k + 2 : _matching(span, k + 1)]


def _helpers(fns: list[_Fn]) -> dict[str, tuple[str, _Facts]]:
    """Every helper a test may call: the shared ones, and local wrappers around them."""
    local = {f.name: f for f in fns if not f.is_test}
    known: dict[str, tuple[str, _Facts]] = {name: (expect, _Facts()) for name, expect in BASE_HELPERS.items()}
    wrappers: dict[str, tuple[str, _Facts]] = {}
    for _ in range(len(local) + 1):
        changed = False
        for name, fn in local.items():
            if name in wrappers:
                continue
            for callee, args in _calls(fn.body):
                target = wrappers.get(callee) if callee != name else None
                target = target or known.get(callee)
                if target is not None:
                    wrappers[name] = (target[0], _facts(args, local).over(target[1]))
                    changed = True
                    break
        if not changed:
            break
    return {**known, **wrappers}


def read_rust_tests(text: str, *, default_rule: str, where: str = "") -> tuple[list[RustCase], list[SkippedTest]]:
    """The lint cases of every test module in one Rust source file, and the tests skipped.

    ``default_rule`` names the rule when neither the call nor its wrapper says ``Rule::X``."""
    cases: list[RustCase] = []
    skipped: list[SkippedTest] = []
    tokens = tokenize(text)
    for module in _test_modules(tokens):
        fns = _functions(module)
        local = {f.name: f for f in fns if not f.is_test}
        helpers = _helpers(fns)
        for fn in (f for f in fns if f.is_test):
            found, reasons = _cases_of(fn, helpers, local, default_rule, where)
            cases.extend(found)
            if not found:
                skipped.append(SkippedTest(fn.name, reasons or "no lint call (it tests the linter's internals)",
                                           f"{where}:{fn.line}"))
    return cases, skipped


def _cases_of(fn: _Fn, helpers: dict[str, tuple[str, _Facts]], local: dict[str, _Fn], default_rule: str,
              where: str) -> tuple[list[RustCase], str]:
    body = fn.body
    strings: dict[str, str | None] = {}  # let NAME = "...";  (None: built another way)
    bound: dict[str, list[Token]] = {}  # let NAME = <tokens>;  (settings built before the call)
    for k in range(len(body) - 3):
        if _is(body[k], "let"):
            m = k + 1 + (1 if _is(body[k + 1], "mut") else 0)
            if m + 2 < len(body) and body[m].kind == "ident" and _is(body[m + 1], "="):
                value = body[m + 2]
                plain = value.kind == "str" and m + 3 < len(body) and _is(body[m + 3], ";")
                strings[body[m].text] = value.text if plain else None
                bound[body[m].text] = _until_semicolon(body, m + 2)
    cases: list[RustCase] = []
    reasons: list[str] = []
    for name, args in _calls(body):
        if name not in helpers:
            continue
        expect, facts = helpers[name]
        sql = _first_argument(args, strings)
        if sql is None:
            reasons.append(f"{name}: its SQL is built at run time (format!)")
            continue
        named = [t for a in args if a.kind == "ident" and a.text in bound for t in bound[a.text]]
        facts = _facts(args + named, local).over(facts)
        cases.append(RustCase(facts.rule or default_rule, fn.name, sql, expect == ERRORS, facts.pg_version,
                              bool(facts.assume), f"{where}:{fn.line}"))
    if not cases:
        cases.extend(_assert_len_cases(fn, local, strings, default_rule, where))
    return cases, "; ".join(reasons)


def _until_semicolon(tokens: list[Token], start: int) -> list[Token]:
    """``tokens[start:]`` up to the ``;`` that ends the statement (brackets skipped whole)."""
    k = start
    while k < len(tokens) and not _is(tokens[k], ";"):
        k = _matching(tokens, k) + 1 if tokens[k].kind == "punct" and tokens[k].text in "([{" else k + 1
    return tokens[start:k]


def _first_argument(args: list[Token], strings: dict[str, str | None]) -> str | None:
    first: list[Token] = []
    depth = 0
    for t in args:
        if t.kind == "punct" and t.text in "([{":
            depth += 1
        elif t.kind == "punct" and t.text in ")]}":
            depth -= 1
        elif depth == 0 and _is(t, ","):
            break
        first.append(t)
    first = [t for t in first if not _is(t, "&")]
    if len(first) == 1 and first[0].kind == "str":
        return first[0].text
    if len(first) == 1 and first[0].kind == "ident":
        return strings.get(first[0].text)
    return None


def _assert_len_cases(fn: _Fn, local: dict[str, _Fn], strings: dict[str, str | None], default_rule: str,
                      where: str) -> Iterator[RustCase]:
    """The older layout: ``let errors = lint(sql, ...); assert_eq!(errors.len(), 0);``."""
    body = fn.body
    sql = next((v for v in strings.values() if v is not None), None)
    if sql is None:
        return
    for k in range(len(body) - 6):
        if body[k].text in ("assert_eq", "assert_ne") and _is(body[k + 1], "!") and _is(body[k + 2], "("):
            args = body[k + 3 : _matching(body, k + 2)]
            texts = [t.text for t in args]
            if "len" in texts and texts[-1:] == ["0"]:
                facts = _facts(body, local)
                yield RustCase(facts.rule or default_rule, fn.name, sql, body[k].text == "assert_ne",
                               facts.pg_version, bool(facts.assume), f"{where}:{fn.line}")
                return
