"""The Python API for pipelines: the architect's compiled graph as a node of a parent graph with
a different state (``docs/examples/review_pipeline.py``, shown in ``docs/pipelines.md``), and
``langgraph.json`` naming a graph LangGraph's server can load from its path."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.interfaces.cassettes import model_env, replay

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "examples" / "review_pipeline.py"


def _load(path: Path, name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # as an import would: type hints resolve in its namespace
    spec.loader.exec_module(module)
    return module


def _context(tmp_path: Path, sandbox: Any) -> Any:
    from dbarch.agent import Context
    from dbarch.agent.services import Services
    from dbarch.memory import Workspace

    return Context(model="test-model", base_url="http://llm.test/v1", retry_backoff=0.0,
                   workspace=str(tmp_path), services=Services(sandbox, Workspace(tmp_path)))


def test_the_architect_as_a_node_of_a_parent_graph(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    sandbox: Any) -> None:
    model_env(monkeypatch)
    pipeline = _load(EXAMPLE, "review_pipeline").build_pipeline()
    with replay("design_turn"):
        out = pipeline.invoke({"ticket": "Members borrow books: loans with a due date"},
                              context=_context(tmp_path, sandbox))
    assert set(out) == {"ticket", "design", "ddl", "status"}  # the parent's state, not the child's
    assert out["status"] == "ready"
    assert "CREATE TABLE loans" in out["ddl"]
    assert out["design"].verification.applied is True


def test_a_refused_ticket_is_rejected_without_a_model_call(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sandbox: Any
) -> None:
    model_env(monkeypatch)
    pipeline = _load(EXAMPLE, "review_pipeline").build_pipeline()
    with replay("no_call"):
        out = pipeline.invoke({"ticket": "Write a React component that shows the cart"},
                              context=_context(tmp_path, sandbox))
    assert out["status"] == "rejected" and out["ddl"] == ""


def test_docs_show_the_example_as_it_is() -> None:
    doc = (ROOT / "docs" / "pipelines.md").read_text(encoding="utf-8")
    body = EXAMPLE.read_text(encoding="utf-8").split('"""\n', 2)[-1].strip()  # minus the docstring
    assert body in doc, "docs/pipelines.md no longer shows docs/examples/review_pipeline.py"


def test_public_names_for_pipelines() -> None:
    from dbarch.agent import DesignResult, InputState, build_graph

    graph = build_graph()
    assert "messages" in graph.get_input_jsonschema()["properties"]
    assert graph.get_output_jsonschema()["properties"]["result"]
    assert DesignResult.model_json_schema()["title"] == "DesignResult"
    assert InputState.__dataclass_fields__["messages"]


def test_langgraph_json_names_a_loadable_graph() -> None:
    config = json.loads((ROOT / "langgraph.json").read_text(encoding="utf-8"))
    assert config["dependencies"] == ["."]
    (spec,) = config["graphs"].values()
    path, _, attr = spec.partition(":")
    module = _load(ROOT / path, "langgraph_json_graph")  # as LangGraph's server loads it: a file
    graph = getattr(module, attr)
    from langgraph.pregel import Pregel

    assert isinstance(graph, Pregel)
    assert graph.name == "dbarch-architect"
    assert set(graph.get_output_jsonschema()["properties"]) == {"result"}
    assert graph.checkpointer is None  # the server brings its own
