"""Packaging: the repository's top-level folders install under one namespace, ``dbarch``.

The user keeps ``agent/``, ``tools/``, ``memory/``, ``evals/`` and ``prompts/`` at the top of the
repository; installed (editable or not) they are ``dbarch.agent``, ``dbarch.tools``... so that a
pipeline with its own ``tools/`` package can embed us. Everything else lives in pyproject.toml.
"""

from pathlib import Path

from setuptools import setup

HERE = Path(__file__).parent
TOP_LEVEL = ("agent", "tools", "memory", "evals", "prompts")


def _packages() -> list[str]:
    found = ["dbarch"]
    for top in TOP_LEVEL:
        for init in sorted((HERE / top).rglob("__init__.py")):
            parts = init.parent.relative_to(HERE).parts
            if "__pycache__" not in parts:
                found.append("dbarch." + ".".join(parts))
    return found


setup(package_dir={"dbarch": "."}, packages=_packages())
