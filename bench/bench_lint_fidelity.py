"""Lint fidelity in one run: ``python bench/bench_lint_fidelity.py``.

1. Recall per squawk rule family on our own labelled snippets
   (``tests/fixtures/lint/families/*.sql``): the share of snippets where one of the family's
   dbarch rules fires.
2. Discrimination on our paired corpus (``tests/fixtures/lint/pairs/*.sql``): the share of
   dangerous migrations flagged (a finding at warning or above) minus the share of their safe
   rewrites flagged, each linted against the schema that exists before it.
3. Findings per table on sample databases (pagila, Chinook, Northwind and AdventureWorks from ``bench/schemas/``, plus any
   folder given with ``--samples``), as a new user runs ``dbarch lint`` on them.
4. Time against squawk on a real migration history (``bench/data/migrations/*.sql``
   concatenated, or ``--history FILE``): whole processes, the median of 5 runs each; dbarch
   cold (``--no-cache``) and warm (the unchanged file's report read from the lint cache),
   each as a ratio to squawk. Needs ``pip install squawk-cli``.

5. With ``--squawk-repo PATH`` (a checkout or a bare snapshot of github.com/sbdchd/squawk):
   squawk's own rule tests, read at run time from that path (nothing of squawk's is kept
   here). Each test's SQL is linted with the dbarch rules of the same family
   (``tools/lint/squawk_map.py``): recall on its violation snippets, false alarms (warning or
   above) on its ok snippets, per squawk rule and in total.

Always exits 0: a report, not a gate (tests hold the limits).
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dbarch.tools.lint.base import Severity  # noqa: E402
from dbarch.tools.lint.corpus import load_families, load_pairs  # noqa: E402
from dbarch.tools.lint.engine import lint_script  # noqa: E402
from dbarch.tools.lint.rust_tests import RustCase, SkippedTest, read_rust_tests  # noqa: E402
from dbarch.tools.lint.squawk_map import COUNTERPARTS, DISAGREEMENTS, MIN_PG_MAJOR, NO_COUNTERPART  # noqa: E402
from dbarch.tools.schema.elements import schema_elements  # noqa: E402
from dbarch.tools.schema.from_sql import schema_from_sql  # noqa: E402
from dbarch.tools.sql.parse import ParsedScript, ParsedStatement, parse_script  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "lint"
DATA = ROOT / "bench" / "data"


def recall() -> None:
    cases = load_families(FIXTURES / "families")
    hits: dict[str, list[bool]] = {}
    misses = []
    for c in cases:
        existing = schema_from_sql(c.existing) if c.existing else None
        report = lint_script(parse_script(c.sql), existing=existing, assume_in_transaction=c.assume_in_transaction)
        hit = bool({d.rule for d in report.diagnostics} & set(c.rules))
        hits.setdefault(c.family, []).append(hit)
        if not hit:
            misses.append(f"{c.family}: {c.name} ({c.where})")
    total = sum(sum(v) for v in hits.values())
    n = sum(len(v) for v in hits.values())
    print(f"== 1. recall per squawk family ({n} snippets of our own)")
    for family, v in sorted(hits.items()):
        print(f"  {family:46} {sum(v):>3}/{len(v):<3} {sum(v) / len(v):.2f}")
    print(f"  {'overall':46} {total:>3}/{n:<3} {total / n:.3f}")
    for m in misses:
        print(f"  missed: {m}")


def discrimination() -> None:
    pairs = load_pairs(FIXTURES / "pairs")
    bad = safe = 0
    notes = []
    for p in pairs:
        existing = schema_from_sql(p.existing)
        found = []
        for sql in (p.bad, p.safe):
            report = lint_script(parse_script(sql), existing=existing,
                                 assume_in_transaction=p.assume_in_transaction, min_severity=Severity.WARNING)
            found.append(sorted({d.rule for d in report.diagnostics}))
        bad += bool(found[0])
        safe += bool(found[1])
        if not found[0] or found[1]:
            notes.append(f"{p.name}: bad={found[0]} safe={found[1]}")
    n = len(pairs)
    print(f"\n== 2. discrimination on {n} (dangerous, safe, existing schema) pairs of our own")
    print(f"  bad flagged {bad}/{n} = {bad / n:.2f}; safe flagged {safe}/{n} = {safe / n:.2f}; "
          f"discrimination = {(bad - safe) / n:.2f}")
    for note in notes:
        print(f"  {note}")


SAMPLE_SCHEMAS = ("chinook", "northwind", "pagila", "adventureworks")
"""Public sample databases in ``bench/schemas/`` (sources and licences in its README)."""


def samples(extra: list[Path]) -> None:
    schemas = Path(__file__).resolve().parent / "schemas"
    folders = [schemas / f"{name}.sql" for name in SAMPLE_SCHEMAS if (schemas / f"{name}.sql").exists()] + extra
    print("\n== 3. findings per table on sample databases (`dbarch lint` defaults)")
    if not folders:
        print("  no sample databases (bench/schemas/<name>.sql or --samples DIR)")
    for folder in folders:
        files = sorted(folder.glob("*.sql")) if folder.is_dir() else [folder]
        text = "\n".join(f.read_text(encoding="utf-8", errors="replace") for f in files)
        t0 = time.perf_counter()
        script = parse_script(text, source=folder.stem if folder.is_file() else folder.name)
        report = lint_script(script)
        seconds = time.perf_counter() - t0
        spans = table_spans(script)
        tables = {m.group(1).replace('"', "").split(".")[-1].lower() for st in _units(script)
                  if (m := _CREATE_TABLE.match(st.text))}
        per_table = Counter(next((n for a, b, n in spans if a <= d.line <= b), "(no table)") for d in report.diagnostics)
        by_rule = Counter(d.rule for d in report.diagnostics)
        per = len(report.diagnostics) / len(tables) if tables else float("nan")
        print(f"  {folder.stem if folder.is_file() else folder.name}: {len(report.diagnostics)} findings on {len(tables)} tables "
              f"({per:.2f} per table), {report.skipped} statements not analysed, {seconds:.2f} s")
        print("    by rule:  " + ", ".join(f"{r} {n}" for r, n in by_rule.most_common()))
        print("    by table: " + ", ".join(f"{t} {n}" for t, n in sorted(per_table.items())))


_TABLE_STATEMENT = re.compile(
    r"(?:create\s+(?:unlogged\s+)?table|alter\s+table(?:\s+only)?|create\s+(?:unique\s+)?index\s+\S*\s*on(?:\s+only)?"
    r"|insert\s+into)\s+(?:if\s+not\s+exists\s+)?([\w.\"]+)", re.I)


_CREATE_TABLE = re.compile(r"\s*create\s+(?:unlogged\s+)?table\s+(?:if\s+not\s+exists\s+)?([\w.\"]+)", re.I)


def table_spans(script: ParsedScript) -> list[tuple[int, int, str]]:
    """(first line, last line, table) of each statement about one table, to count findings per table."""
    spans = []
    for st in _units(script):
        m = _TABLE_STATEMENT.search(st.text)
        if m:
            spans.append((st.line, st.line + st.text.count("\n"), m.group(1).replace('"', "").split(".")[-1].lower()))
    return spans


def _units(script: ParsedScript) -> list[ParsedStatement]:
    """The script's statements, each ``CREATE SCHEMA s CREATE TABLE ...`` replaced by its elements
    (AdventureWorks creates its 68 tables so)."""
    out: list[ParsedStatement] = []
    for st in script.statements:
        found = schema_elements(st)
        out.extend(e.statement for e in found.elements) if found is not None else out.append(st)
    return out


def _median_seconds(cmd: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def speed(history: Path | None, repeat: int) -> None:
    """dbarch against squawk on one migration history, as whole processes: dbarch cold (every
    statement parsed and linted: ``--no-cache``) and warm (the file unchanged since the last
    run: its report read back from the lint cache), each as a ratio to squawk."""
    print("\n== 4. time against squawk on a real migration history")
    files = [history] if history else sorted((DATA / "migrations").glob("*.sql"))
    if not files:
        print("  no migration history (bench/data/migrations/*.sql or --history FILE)")
        return
    squawk = shutil.which("squawk") or str(Path(sys.executable).with_name("squawk"))
    dbarch = shutil.which("dbarch") or str(Path(sys.executable).with_name("dbarch"))
    if not Path(squawk).exists():
        print("  squawk not found: pip install squawk-cli")
        return
    with tempfile.TemporaryDirectory(prefix="dbarch-fidelity-") as tmp:
        path = Path(tmp) / "history.sql"
        path.write_text("\n".join(f.read_text(encoding="utf-8") for f in files), encoding="utf-8")
        lines = path.read_text(encoding="utf-8").count("\n")
        lint = [dbarch, "lint", str(path), "--format", "json", "--no-config"]
        cache = ["--cache-dir", str(Path(tmp) / "cache")]
        theirs = _median_seconds([squawk, "--reporter", "json", str(path)], repeat)
        cold = _median_seconds([*lint, "--no-cache"], repeat)
        subprocess.run([*lint, *cache], capture_output=True, timeout=600)  # fills the cache
        warm = _median_seconds([*lint, *cache], repeat)
        stages = _stages(path)
    print(f"  {lines} lines ({', '.join(f.name for f in files)[:80]}); median of {repeat} runs each")
    print("  where a cold run's time goes (CPU, one run): " + ", ".join(f"{k} {v:.3f} s" for k, v in stages.items()))
    print(f"  squawk {theirs:.3f} s")
    for label, ours in (("cold (--no-cache)", cold), ("warm (unchanged file)", warm)):
        ratio = ours / theirs
        verdict = "within" if ratio <= 10 else "NOT within"
        print(f"  dbarch {label:22} {ours:.3f} s: {ratio:5.1f}x squawk ({verdict} the 10x goal)")


_STAGES = """
import sys, time
t0 = time.process_time()
from dbarch.tools.lint.engine import build_schema, lint_script
from dbarch.tools.sql.parse import parse_script
t1 = time.process_time()
text = open(sys.argv[1], encoding="utf-8").read()
script = parse_script(text)
t2 = time.process_time()
schema = build_schema(script, None)
t3 = time.process_time()
lint_script(script, schema=schema)
t4 = time.process_time()
print(t1 - t0, t2 - t1, t3 - t2, t4 - t3)
"""


def _stages(path: Path) -> dict[str, float]:
    """CPU seconds of a cold lint in a fresh process: imports, parsing (PostgreSQL's grammar to
    validate, sqlglot to analyse), the schema model, the rules."""
    out = subprocess.run([sys.executable, "-c", _STAGES, str(path)], capture_output=True, text=True, timeout=600)
    try:
        values = [float(v) for v in out.stdout.split()]
    except ValueError:
        return {"failed": float("nan")}
    return dict(zip(("imports", "parsing", "schema model", "rules"), values, strict=False))


SQUAWK_RULES = "crates/squawk_linter/src/rules"


def squawk_rule_files(repo: Path) -> list[tuple[str, str]]:
    """``(file name, text)`` of each rule module of squawk at ``repo`` (a checkout, or a git
    directory without a work tree, read at its HEAD)."""
    folder = repo / SQUAWK_RULES
    if folder.is_dir():
        return [(f.name, f.read_text(encoding="utf-8")) for f in sorted(folder.glob("*.rs")) if f.name != "mod.rs"]
    git = ["git", "-C", str(repo)]
    listing = subprocess.run([*git, "ls-tree", "--name-only", f"HEAD:{SQUAWK_RULES}"],
                             capture_output=True, text=True, check=True).stdout.split()
    return [(name, subprocess.run([*git, "show", f"HEAD:{SQUAWK_RULES}/{name}"], capture_output=True,
                                  text=True, check=True).stdout)
            for name in sorted(listing) if name.endswith(".rs") and name != "mod.rs"]


def squawk_cases(repo: Path) -> tuple[list[RustCase], list[SkippedTest]]:
    cases: list[RustCase] = []
    skipped: list[SkippedTest] = []
    for name, text in squawk_rule_files(repo):
        found, left = read_rust_tests(text, default_rule=name.removesuffix(".rs").replace("_", "-"), where=name)
        cases += found
        skipped += left
    return cases, skipped


def squawk_tests(repo: Path, verbose: bool) -> None:
    print(f"\n== 5. squawk's own rule tests ({repo})")
    try:
        cases, skipped = squawk_cases(repo)
    except (OSError, subprocess.CalledProcessError) as exc:
        print(f"  cannot read squawk's rules at {repo}: {exc}")
        return
    print(f"  {len(cases)} lint calls read from squawk's tests; {len(skipped)} tests left out:")
    for t in skipped:
        print(f"    {t.where} {t.test}: {t.reason}")
    excluded: Counter[str] = Counter()
    kept: list[RustCase] = []
    for c in cases:
        if c.rule in NO_COUNTERPART:
            excluded[c.rule] += 1
        elif c.rule not in COUNTERPARTS:
            excluded[f"{c.rule} (not in tools/lint/squawk_map.py: add it)"] += 1
        elif c.pg_version is not None and c.pg_version < MIN_PG_MAJOR:
            excluded[f"{c.rule} pinned to PostgreSQL {c.pg_version}"] += 1
        else:
            kept.append(c)
    for rule, n in sorted(excluded.items()):
        reason = NO_COUNTERPART.get(rule, f"dbarch's advice is for PostgreSQL {MIN_PG_MAJOR}+" if "pinned" in rule else "")
        print(f"    excluded {n:>2} cases of {rule}: {reason}")
    rows: dict[str, list[int]] = {}  # rule -> [hit, violations, false alarms, ok snippets]
    notes: list[str] = []
    for c in kept:
        rules = COUNTERPARTS[c.rule]
        report = lint_script(parse_script(c.sql, source=c.where), select=list(rules),
                             assume_in_transaction=c.assume_in_transaction)
        fired = [d for d in report.diagnostics if d.rule in rules]
        row = rows.setdefault(c.rule, [0, 0, 0, 0])
        agreed = DISAGREEMENTS.get((c.rule, c.test))
        if c.expect_violation:
            row[0] += bool(fired)
            row[1] += 1
            if not fired:
                notes.append(f"missed      {c.rule}: {c.test} ({c.where})" + (f" [on purpose: {agreed}]" if agreed else ""))
        else:
            alarm = [d for d in fired if d.severity >= Severity.WARNING]
            row[2] += bool(alarm)
            row[3] += 1
            if alarm:
                notes.append(f"false alarm {c.rule}: {c.test} ({c.where}): {sorted({d.rule for d in alarm})}"
                             + (f" [on purpose: {agreed}]" if agreed else ""))
            if verbose and alarm:
                notes.append("    " + c.sql.strip().replace("\n", "\n    "))
        if verbose and c.expect_violation and not fired:
            notes.append("    " + c.sql.strip().replace("\n", "\n    "))
    print(f"  {'squawk rule':46} {'recall':>12} {'false alarms':>14}   dbarch rules")
    for rule, (hit, bad, alarms, ok) in sorted(rows.items()):
        r = f"{hit}/{bad} {hit / bad:.2f}" if bad else "-"
        f = f"{alarms}/{ok}" if ok else "-"
        print(f"  {rule:46} {r:>12} {f:>14}   {', '.join(COUNTERPARTS[rule])}")
    hit, bad, alarms, ok = (sum(v[i] for v in rows.values()) for i in range(4))
    print(f"  {'total':46} {f'{hit}/{bad} {hit / max(bad, 1):.3f}':>12} {f'{alarms}/{ok} {alarms / max(ok, 1):.3f}':>14}")
    missed_on_purpose = sum(1 for n in notes if n.startswith("missed") and "[on purpose" in n)
    alarms_on_purpose = sum(1 for n in notes if n.startswith("false alarm") and "[on purpose" in n)
    if missed_on_purpose or alarms_on_purpose:
        kept_bad, kept_ok = bad - missed_on_purpose, ok - alarms_on_purpose
        print(f"  {'total, disagreements set aside':46} {f'{hit}/{kept_bad} {hit / max(kept_bad, 1):.3f}':>12} "
              f"{f'{alarms - alarms_on_purpose}/{kept_ok} {(alarms - alarms_on_purpose) / max(kept_ok, 1):.3f}':>14}")
        print(f"  {missed_on_purpose + alarms_on_purpose} of the misses and false alarms below are disagreements "
              "on purpose (tools/lint/squawk_map.py DISAGREEMENTS says why, next to each)")
    for note in notes:
        print(f"  {note}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=Path, action="append", default=[], help="another sample database folder")
    ap.add_argument("--history", type=Path, help="a concatenated migration history")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--squawk-repo", type=Path, help="squawk's repository (checkout or git dir): lint its rule tests")
    ap.add_argument("--only-squawk", action="store_true", help="run only part 5 (with --squawk-repo)")
    ap.add_argument("--verbose", action="store_true", help="print the SQL of each miss and false alarm")
    args = ap.parse_args(argv)
    import logging

    logging.getLogger("sqlglot").setLevel(logging.CRITICAL)  # an entry point: its own logging
    if args.only_squawk and not args.squawk_repo:
        ap.error("--only-squawk needs --squawk-repo")
    if not args.only_squawk:
        recall()
        discrimination()
        samples(args.samples)
        speed(args.history, args.repeat)
    if args.squawk_repo:
        squawk_tests(args.squawk_repo, args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
