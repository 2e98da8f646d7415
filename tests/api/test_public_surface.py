"""Every capability is found from the packages' ``__init__``, and importing them stays cheap."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

PACKAGES = ("dbarch.tools", "dbarch.tools.schema", "dbarch.memory")


@pytest.mark.parametrize("package", PACKAGES)
def test_every_exported_name_resolves(package: str) -> None:
    module = importlib.import_module(package)
    assert module.__all__
    missing = [name for name in module.__all__ if getattr(module, name, None) is None]
    assert missing == []
    assert set(module.__all__) <= set(dir(module))
    with pytest.raises(AttributeError):
        module.no_such_name  # noqa: B018


def test_importing_the_packages_loads_no_heavy_dependency() -> None:
    code = (
        "import sys, dbarch.tools, dbarch.tools.schema, dbarch.memory\n"
        "print(sorted(m for m in ('psycopg', 'pydantic', 'sqlglot', 'pglast') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "[]"
