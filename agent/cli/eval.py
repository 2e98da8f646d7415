"""``dbarch eval``: run the eval suite against a model, score one answer, re-score or compare
runs, and calibrate the scorers on the suite's reference and flawed answers."""

from __future__ import annotations

import argparse
import sys

from dbarch.agent.cli.common import add_sandbox_args, print_json


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "eval",
        help="run, score, compare and calibrate the eval suite",
        description="The eval suite (evals/cases/*): run it against a model, score an answer "
        "without one, compare runs. See docs/evals.md.",
    )
    sub = p.add_subparsers(dest="eval_command", metavar="SUBCOMMAND", required=True)

    run = sub.add_parser("run", help="run the suite against a model and write the reports")
    run.add_argument("--model", help="model name (default: $DBARCH_MODEL)")
    run.add_argument("--base-url", help="OpenAI-compatible endpoint (default: $OPENAI_BASE_URL)")
    run.add_argument("--cases", metavar="GLOB", help="case ids or paths under evals/cases (schema_design/*)")
    run.add_argument("--cases-dir", metavar="DIR", help="read cases from DIR instead of the shipped suite")
    run.add_argument("--epochs", type=_positive, default=1, metavar="N", help="samples per case (pass@k over them)")
    run.add_argument("--concurrency", type=_positive, default=2, metavar="K", help="cases in flight at once")
    run.add_argument("--out", metavar="DIR", help="run folder (default: evals-runs/<timestamp>)")
    run.add_argument("--judge-model", metavar="M", help="also grade with an LLM judge (reported apart)")
    add_sandbox_args(run)
    run.set_defaults(func=_run)

    score = sub.add_parser("score", help="score one answer to one case (no model needed)")
    score.add_argument("--case", required=True, metavar="FILE", help="a case YAML file")
    score.add_argument("--response", required=True, metavar="FILE",
                       help="the answer: Markdown/text, or JSON {\"text\": ..., \"memory\": {...}}; - for stdin")
    score.add_argument("--format", choices=("text", "json"), default="text")
    add_sandbox_args(score)
    score.set_defaults(func=_score)

    rescore = sub.add_parser("rescore", help="re-score a saved run with the current scorers")
    rescore.add_argument("run_dir", metavar="RUN")
    rescore.add_argument("--cases-dir", metavar="DIR", help="where the run's cases are (default: the suite)")
    add_sandbox_args(rescore)
    rescore.set_defaults(func=_rescore)

    compare = sub.add_parser("compare", help="compare two runs: deltas and flipped cases")
    compare.add_argument("run_a", metavar="RUN_A")
    compare.add_argument("run_b", metavar="RUN_B")
    compare.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    compare.set_defaults(func=_compare)

    cal = sub.add_parser("calibrate", help="check every reference passes and every flawed answer fails")
    cal.add_argument("--cases", metavar="GLOB")
    cal.add_argument("--cases-dir", metavar="DIR")
    cal.add_argument("--workers", type=_positive, default=2, metavar="K")
    cal.add_argument("--format", choices=("text", "json"), default="text")
    add_sandbox_args(cal)
    cal.set_defaults(func=_calibrate)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _quiet_sqlglot() -> None:
    """sqlglot warns on stderr for every PL/pgSQL body it keeps as opaque text: noise in reports."""
    import logging

    logging.getLogger("sqlglot").setLevel(logging.ERROR)


def _context(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from dbarch.agent.cli.common import make_sandbox

    _quiet_sqlglot()
    from dbarch.evals.scoring import ScoringContext

    return ScoringContext(make_sandbox(args), own_sandbox=True)


def _score(args: argparse.Namespace) -> int:
    from dbarch.evals.case import load_case
    from dbarch.evals.score import read_response, score_answer

    case = load_case(args.case)
    answer = read_response(args.response)
    with _context(args) as ctx:
        result = score_answer(case, answer, ctx)
    if args.format == "json":
        print_json(result.to_dict())
    else:
        print(f"{case.id}: {'PASS' if result.passed else 'FAIL'}  score {result.score:.3f}")
        for s in result.scores:
            mark = "ok  " if s.passed else ("FAIL" if s.gate else "low ")
            print(f"  {mark} {s.name:<22} {s.value:.2f}  {s.explanation}")
    return 0 if result.passed else 1


def _calibrate(args: argparse.Namespace) -> int:
    import time
    from pathlib import Path

    from dbarch.evals.calibrate import calibrate
    from dbarch.evals.case import load_cases

    cases = load_cases(args.cases, Path(args.cases_dir) if args.cases_dir else None)
    t0 = time.perf_counter()
    with _context(args) as ctx:
        results = calibrate(cases, ctx, workers=args.workers)
    problems = [p for r in results for p in r.problems]
    if args.format == "json":
        print_json({"cases": len(results), "answers": sum(1 + len(r.flawed) for r in results),
                    "problems": problems, "seconds": round(time.perf_counter() - t0, 2),
                    "results": {r.case.id: {"reference": r.reference.score,
                                            "flawed": {f: s.score for f, s in r.flawed}} for r in results}})
    else:
        for r in results:
            worst = max((s.score for _, s in r.flawed), default=0.0)
            mark = "ok  " if not r.problems else "FAIL"
            print(f"{mark} {r.case.id:<40} reference {r.reference.score:.3f}  best flawed {worst:.3f}  ({len(r.flawed)} flawed)")
        for p in problems:
            print(f"  {p}")
        n = sum(1 + len(r.flawed) for r in results)
        print(f"{len(results)} cases, {n} answers, {len(problems)} problem(s) in {time.perf_counter() - t0:.1f} s")
    return 1 if problems else 0


def _run(args: argparse.Namespace) -> int:
    from dbarch.evals.runner import RunOptions, run_suite

    options = RunOptions(model=args.model, base_url=args.base_url, cases=args.cases, cases_dir=args.cases_dir,
                         epochs=args.epochs, concurrency=args.concurrency, out=args.out,
                         judge_model=args.judge_model)
    from dbarch.agent.cli.common import make_sandbox

    run = run_suite(options, sandbox=make_sandbox(args), progress=sys.stderr.isatty())
    print(f"run written to {run.directory} (report.md, report.html, samples.jsonl)")
    return 0


def _rescore(args: argparse.Namespace) -> int:
    from pathlib import Path

    from dbarch.evals.runner import rescore_run

    with _context(args) as ctx:
        run = rescore_run(Path(args.run_dir), ctx, Path(args.cases_dir) if args.cases_dir else None)
    print(f"re-scored {len(run.samples)} samples into {run.directory}")
    return 0


def _compare(args: argparse.Namespace) -> int:
    from pathlib import Path

    from dbarch.evals.compare import compare_runs, render_compare

    result = compare_runs(Path(args.run_a), Path(args.run_b))
    if args.format == "json":
        print_json(result.to_dict())
    else:
        sys.stdout.write(render_compare(result, markdown=args.format == "markdown"))
    return 0
