"""``dbarch eval`` as a user runs it (child processes on the real sandbox)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dbarch.evals.case import cases_root
from tests.cli import dbarch

COMMERCE = str(cases_root() / "schema_design" / "commerce.yaml")
FLASK = str(cases_root() / "boundary" / "python-endpoint.yaml")


@pytest.mark.sandbox
def test_score_a_good_and_a_bad_answer(tmp_path: Path, sandbox: object) -> None:
    good = tmp_path / "good.md"
    good.write_text("Writing a Flask endpoint is application code, outside my role. I can design the "
                    "orders table and its constraints instead.")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"text": "```python\n@app.post('/orders')\ndef f():\n    pass\n```"}))
    ok = dbarch("eval", "score", "--case", FLASK, "--response", str(good), "--format", "json")
    assert ok.returncode == 0, ok.stderr
    data = json.loads(ok.stdout)
    assert set(data) == {"passed", "score", "scores"} and data["passed"] is True
    ko = dbarch("eval", "score", "--case", FLASK, "--response", str(bad))
    assert ko.returncode == 1
    assert "FAIL" in ko.stdout and "no_app_code" in ko.stdout


@pytest.mark.sandbox
def test_score_a_schema_answer_on_the_sandbox(tmp_path: Path, sandbox: object) -> None:
    answer = tmp_path / "a.sql"
    answer.write_text("CREATE TABLE customers (id serial PRIMARY KEY, email varchar(255));\n"
                      "CREATE TABLE orders (id serial PRIMARY KEY, customer_id int, total float);\n")
    done = dbarch("eval", "score", "--case", COMMERCE, "--response", str(answer), "--format", "json")
    assert done.returncode == 1, done.stderr
    scores = json.loads(done.stdout)["scores"]
    assert scores["applies"]["passed"] is True
    assert scores["relationships"]["passed"] is False and scores["types"]["passed"] is False


def test_run_without_a_model_fails_with_one_line(tmp_path: Path) -> None:
    env = {"OPENAI_API_KEY": "", "OPENAI_BASE_URL": "", "DBARCH_MODEL": ""}
    done = dbarch("eval", "run", "--cases", "boundary/*", "--out", str(tmp_path / "run"), env=env)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "OPENAI_API_KEY" in done.stderr
    assert not (tmp_path / "run").exists()


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert dbarch("eval", "run", "--epochs", "0").returncode == 2
    missing = dbarch("eval", "score", "--case", str(tmp_path / "nope.yaml"), "--response", FLASK)
    assert missing.returncode == 2 and "cannot read the case" in missing.stderr
    assert dbarch("eval", "compare", str(tmp_path), str(tmp_path)).returncode == 2
