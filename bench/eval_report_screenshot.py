"""Render an eval run's HTML report in a real browser (headless Chromium) and save a PNG.

    python bench/eval_report_screenshot.py [RUN_DIR] [--out report.png]

Without RUN_DIR it makes a run offline first: each case answered by its reference, except
every third case answered by its first flawed answer (so the page shows passes and failures).
Needs Debian's chromium (`apt-get install -y chromium`). The report must render with no
network: Chromium runs with every network request blocked except file://.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def _offline_run(out: Path) -> Path:
    from dbarch.evals.case import Case
    from dbarch.evals.runner import RunOptions, run_suite
    from dbarch.evals.sample import Sample
    from dbarch.evals.solver import ReferenceSolver
    from dbarch.tools.sandbox import Sandbox

    good, bad = ReferenceSolver(), ReferenceSolver("")

    class Mixed:
        name = "reference (every third case flawed)"

        def __call__(self, case: Case, epoch: int) -> Sample:
            return (bad if hash(case.id) % 3 == 0 and epoch == 1 else good)(case, epoch)

    logging.getLogger("sqlglot").setLevel(logging.ERROR)
    with Sandbox() as sandbox:
        run = run_suite(RunOptions(out=str(out), epochs=2, cases="*"), sandbox=sandbox, solver=Mixed())
    return run.directory


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("run", nargs="?")
    ap.add_argument("--out", default="eval-report.png")
    args = ap.parse_args()
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        print("chromium not found: apt-get install -y chromium", file=sys.stderr)
        return 2
    run = Path(args.run) if args.run else _offline_run(Path(tempfile.mkdtemp(prefix="dbarch-eval-run-")))
    html = (run / "report.html").resolve()
    text = html.read_text(encoding="utf-8")
    page = text.replace('xmlns="http://www.w3.org/2000/svg"', "")  # a namespace name, never fetched
    external = [w for w in ("http://", "https://", "<script", "<link", "url(") if w in page.split("<h2>Samples</h2>")[0]]
    print(f"report: {html} ({len(text):,} bytes); external references before the samples: {external or 'none'}")
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
           "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>", "--window-size=1200,2400",
           f"--screenshot={Path(args.out).resolve()}", html.as_uri()]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if done.returncode != 0 or not Path(args.out).exists():
        print(done.stderr[-2000:], file=sys.stderr)
        return 1
    print(f"screenshot: {Path(args.out).resolve()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
