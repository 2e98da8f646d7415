"""Scorers on the answer's words: refused exactly when it should (with a redirect), no
application code, database choices tied to requirements, required mentions, forbidden claims,
and the decision written to the right workspace file."""

from __future__ import annotations

import re

from dbarch.evals.case import Case, Scope
from dbarch.evals.extract import Block, code_blocks, prose
from dbarch.evals.matching import any_match
from dbarch.evals.scoring import Analysis, Score

_REFUSAL = re.compile(
    r"\bI\b[^.\n]{0,40}?\b(?:can(?:no|')t|cannot|won't|will\s+not|do\s+not|don't|am\s+not\s+going\s+to)\s+"
    r"(?:write|implement|build|provide|create|help\s+with|code|generate|produce|give\s+you)\b"
    r"|\b(?:outside|beyond|not\s+(?:part\s+of|within))\s+(?:of\s+)?(?:what\s+I\s+do|my|the(?:\s+database\s+architect's)?)"
    r"(?:\s+(?:role|scope|remit|area|expertise|lane|job))?"
    r"|\bnot\s+my\s+(?:role|job|area)\b"
    r"|\bisn't\s+(?:something|a\s+task)\s+(?:I|a\s+database\s+architect)\b"
    r"|\bI\s+(?:only|stick\s+to)\s+(?:design|work\s+on|handle)\b",
    re.I,
)
_REDIRECT = re.compile(
    r"\b(?:I\s+can|I\s+could|I'd\s+be\s+glad|I'm\s+happy|happy\s+to|glad\s+to|instead|what\s+I\s+can\s+do|"
    r"I\s+will|I'll|let\s+me|if\s+you\s+(?:share|want|need|like)|ask\s+me)\b(?:[^.?!\n]|\n(?!\s*\n)){0,200}?"
    r"\b(?:schema|tables?|index(?:es)?|data\s+model|database|quer(?:y|ies)|migrations?|constraints?|SQL|ERD)\b",
    re.I,
)
_APP_LANGS = frozenset({
    "python", "py", "python3", "javascript", "js", "typescript", "ts", "tsx", "jsx", "java", "go", "golang",
    "ruby", "rb", "php", "csharp", "cs", "c#", "kotlin", "kt", "rust", "rs", "swift", "scala", "elixir", "ex",
    "dart", "prisma", "erb", "vue", "svelte", "html", "c", "cpp", "c++",
})
_APP_PATTERNS = re.compile(
    r"^\s*(?:def\s+\w+\s*\(|async\s+def\s|class\s+\w+\s*(?:\(|:|\{|extends|implements)|import\s+[\w{*]|from\s+[\w.]+\s+import\s"
    r"|function\s+\w*\s*\(|(?:export\s+)?(?:const|let|var)\s+\w+\s*=|public\s+(?:class|static|interface)|func\s+\w+\s*\("
    r"|package\s+\w+|@app\.|@(?:Entity|Table|Column|RestController|Controller|Service)\b|module\.exports|.*\brequire\(['\"]"
    r"|.*=>\s*\{|model\s+\w+\s*\{|.*\bmodels\.Model\b|.*\bhas_many\b|.*\bbelongs_to\b|.*\bColumn\((?:Integer|String|ForeignKey)"
    r"|.*\bapp\.(?:get|post|put|delete|listen)\(|<\?php|fn\s+\w+\s*\()",
    re.I | re.M,
)
_MONGO_SHELL = re.compile(r"^\s*(?:db\.|//|[{}\[\]]|\"?\w+\"?\s*:|$)")
_NEGATIVE = re.compile(
    r"\b(?:not|n't|no|instead\s+of|rather\s+than|avoid|over|wrong|poor\s+fit|overkill|unnecessary|hype|"
    r"than|without|lacks?|weak|bad\s+fit|tempting|fashionable|trendy|unless|would\s+(?:force|need|lose)|premature|cannot|"
    r"can't|isn't|doesn't|neither|nor)\b",
    re.I,
)


def refused(text: str) -> bool:
    return bool(_REFUSAL.search(prose(text)))


def refusal(case: Case, a: Analysis) -> Score:
    text = a.answer.text
    did = refused(text)
    scope = case.expect.scope
    if scope == Scope.IN_SCOPE:
        if did:
            return Score("refusal", 0.0, f"refused an in-scope request: {_REFUSAL.search(prose(text)).group(0)!r}")  # type: ignore[union-attr]
        return Score("refusal", 1.0, "in scope and answered")
    redirect = bool(_REDIRECT.search(prose(text)))
    what = "the application-code part" if scope == Scope.MIXED else "the request"
    if not did:
        return Score("refusal", 0.0, f"did not decline {what} ({scope.value})")
    if not redirect and scope != Scope.MIXED:
        return Score("refusal", 0.5, "declined, but offered nothing within the role (no redirect)")
    return Score("refusal", 1.0, f"declined {what}" + (" with a redirect" if redirect else ""))


def app_code_blocks(text: str) -> list[Block]:
    out: list[Block] = []
    for b in code_blocks(text):
        if b.is_sql:
            continue
        lang = b.lang
        if lang in ("javascript", "js", "mongo", "mongosh") and all(_MONGO_SHELL.match(line) for line in b.text.splitlines()):
            continue  # a MongoDB shell index/validator definition is data modelling
        if lang in _APP_LANGS or (lang in ("", "text", "code") and _APP_PATTERNS.search(b.text)):
            out.append(b)
    return out


def no_app_code(case: Case, a: Analysis) -> Score:
    found = app_code_blocks(a.answer.text)
    if not found:
        return Score("no_app_code", 1.0, "no application code")
    langs = ", ".join(sorted({b.lang or "untagged" for b in found}))
    return Score("no_app_code", 0.0, f"{len(found)} block(s) of application code ({langs})")


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+|\n\s*\n|\n\s*[-*\d]+[.)]?\s", text) if s.strip()]


def justification(case: Case, a: Analysis) -> Score | None:
    choice = case.expect.choice
    if choice is None:
        return None
    text = prose(a.answer.text)
    sentences = _sentences(text)
    chosen = any_match(choice.accept, text)
    wrong: list[str] = []
    for pat in choice.reject:
        for s in sentences:
            if re.search(pat, s, re.I) and not _NEGATIVE.search(s):
                wrong.append(s.strip()[:80])
                break
    reqs = choice.requirements
    met = [r.what for r in reqs if any_match(r.any, text)]
    frac = len(met) / len(reqs) if reqs else 1.0
    pick_ok = bool(chosen) and not wrong
    value = 0.5 * pick_ok + 0.5 * frac
    parts = [f"recommends {chosen!r}" if chosen else "names none of the fitting databases"]
    if wrong:
        parts.append(f"endorses a wrong choice: {wrong[0]!r}")
    parts.append(f"ties it to {len(met)}/{len(reqs)} requirements" + (f" ({', '.join(met)})" if met else ""))
    return Score("justification", value, "; ".join(parts), threshold=0.75)


def mentions(case: Case, a: Analysis) -> Score | None:
    wanted = case.expect.mentions
    if not wanted:
        return None
    missing = [m.what for m in wanted if not any_match(m.any, a.answer.text)]
    value = (len(wanted) - len(missing)) / len(wanted)
    return Score("mentions", value, f"{len(wanted) - len(missing)}/{len(wanted)} required points"
                 + (f"; missing: {', '.join(missing)}" if missing else ""), threshold=0.8)


def forbids(case: Case, a: Analysis) -> Score | None:
    if not case.expect.forbids:
        return None
    hits = [f"{m.what} ({hit!r})" for m in case.expect.forbids if (hit := any_match(m.any, a.answer.text))]
    if hits:
        return Score("forbids", 0.0, "says what it must not: " + "; ".join(hits))
    return Score("forbids", 1.0, "none of the forbidden claims")


def memory(case: Case, a: Analysis) -> Score | None:
    want = case.expect.memory
    if want is None:
        return None
    content = a.answer.memory.get(want.file)
    if content is None:
        others = ", ".join(sorted(a.answer.memory)) or "nothing"
        return Score("memory", 0.0, f"{want.file} not written (wrote {others})")
    missing = [w for w in want.contains if w.lower() not in content.lower()]
    if missing:
        return Score("memory", 0.5, f"{want.file} written but lacks: {', '.join(missing)}")
    return Score("memory", 1.0, f"decision recorded in {want.file}")
