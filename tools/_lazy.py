"""PEP 562 lazy exports: a package's ``__init__`` names its public API without importing it.

``import dbarch.tools`` stays cheap (``dbarch lint`` must not pay for psycopg, pydantic or the
sandbox); ``dbarch.tools.check_sources`` imports :mod:`dbarch.tools.check` on first use.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(
    package: str, exports: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package``: each name in ``exports`` comes from the module
    it maps to (``"check_sources": "dbarch.tools.check"``), imported when first asked for."""
    namespace = importlib.import_module(package).__dict__

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value  # the next access is a plain attribute
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *exports})

    return __getattr__, __dir__
