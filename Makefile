# dbarch: every target installs what it needs into .venv first (Python 3.11).
PY ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install chat test lint bench docs clean eval-calibrate mcp-catalog

$(STAMP): pyproject.toml setup.py
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	@$(BIN)/python -c 'import sys; assert sys.version_info >= (3, 11), "dbarch needs Python 3.11+"'
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

chat: $(STAMP)
	$(BIN)/dbarch chat

test: $(STAMP)
	$(BIN)/python -m pytest -q

# mypy cannot follow setuptools' editable finder, so it reads the packages through a
# `dbarch` symlink to the checkout (the same mapping setup.py installs).
# The public API (docs/api.md): every module, class and function documented (pydocstyle D1).
PUBLIC_API := tools/__init__.py tools/check.py tools/jsonform.py tools/errors.py \
	tools/lint/workflow.py tools/lint/config.py tools/perf/workload.py tools/schema/__init__.py \
	tools/schema/idents.py tools/render tools/sandbox/sandbox.py tools/sandbox/settings.py \
	memory/__init__.py memory/drift.py memory/views.py

lint: $(STAMP)
	$(BIN)/ruff check agent tools memory evals prompts tests bench
	$(BIN)/ruff check --select D1,D419 --ignore D105,D107 $(PUBLIC_API)
	@mkdir -p $(VENV)/mypy-path && ln -sfn "$(CURDIR)" $(VENV)/mypy-path/dbarch
	MYPYPATH=$(VENV)/mypy-path $(BIN)/mypy -p dbarch.agent -p dbarch.tools -p dbarch.memory -p dbarch.evals

bench: $(STAMP)
	$(BIN)/python -m pip install -q squawk-cli sqlfluff  # the lint benchmark's peers (benchmark only)
	@set -e; for f in bench/bench_*.py; do echo "== $$f"; $(BIN)/python $$f; done

# every reference answer of the eval suite passes and every flawed one fails (real sandbox)
eval-calibrate: $(STAMP)
	$(BIN)/dbarch eval calibrate

docs: $(STAMP)
	$(BIN)/python -m dbarch.tools.lint.docs

# the MCP tools' descriptions and schemas that `dbarch mcp` serves (tests fail when it is stale)
mcp-catalog: $(STAMP)
	$(BIN)/python -m dbarch.agent.mcp.catalog

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info
