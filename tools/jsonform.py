"""One JSON form and one JSON Schema for every result value.

Results are frozen dataclasses; pydantic's :class:`~pydantic.TypeAdapter` reads them as they
are and gives both the JSON document (``dbarch ... --format json``, an MCP tool result, an LLM
tool message: the same document) and its JSON Schema. Nobody writes a ``to_dict`` by hand.

Conventions the result types follow so that this works:

- a field that is not part of the JSON form (sqlglot trees, callables) is declared with
  ``field(..., metadata={"exclude": True})``;
- a value derived from the others that belongs in the JSON (``passed``) is a field with
  ``init=False`` set in ``__post_init__``;
- a type that is never part of a JSON form but sits in an excluded field (a parsed script
  with its sqlglot trees) returns :func:`opaque_schema` from ``__get_pydantic_core_schema__``;
- a type pydantic cannot read by itself (:class:`~dbarch.tools.errors.DbarchError`,
  :class:`~dbarch.tools.lint.base.Severity`) defines ``__get_pydantic_core_schema__``.

pydantic is imported on first use only, so ``dbarch lint`` in text form never pays for it.

>>> from dbarch.tools.lint.base import Diagnostic, Severity
>>> to_jsonable(Diagnostic("no-float-money", Severity.WARNING, "use numeric", 1, 17))["severity"]
'warning'
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from pydantic import TypeAdapter


_ADAPTERS: dict[object, TypeAdapter[Any]] = {}


def _adapter(type_: object) -> TypeAdapter[Any]:
    """One adapter per type, built on first use (building costs milliseconds; using, little)."""
    adapter = _ADAPTERS.get(type_)
    if adapter is None:
        from pydantic import TypeAdapter

        adapter = _ADAPTERS[type_] = TypeAdapter(cast(Any, type_))
    return adapter


def to_jsonable(value: object, type_: Any = None) -> Any:
    """``value`` as plain JSON data (dicts, lists, str, numbers, bools, None).

    ``type_`` is the declared type; give it for containers (``tuple[Diagnostic, ...]``),
    whose items' types cannot be told from the container alone. Default: ``type(value)``.
    """
    return _adapter(type(value) if type_ is None else type_).dump_python(value, mode="json")


def to_json(value: object, type_: Any = None, *, indent: int | None = 2) -> str:
    """``value`` as a JSON document (see :func:`to_jsonable`)."""
    return json.dumps(to_jsonable(value, type_), indent=indent, ensure_ascii=False)


def json_schema(type_: Any) -> dict[str, Any]:
    """The JSON Schema of ``type_``'s JSON form (what :func:`to_jsonable` produces)."""
    schema: dict[str, Any] = _adapter(type_).json_schema(mode="serialization")
    return schema


def from_jsonable(type_: type[Any], data: Any) -> Any:
    """Read a value of ``type_`` back from its JSON form."""
    return _adapter(type_).validate_python(data)


def opaque_schema(cls: type[Any]) -> Any:
    """The pydantic core schema of a type with no JSON form: an instance check, nothing more.
    For values kept in excluded fields (``metadata={"exclude": True}``)."""
    from pydantic_core import core_schema as cs

    return cs.is_instance_schema(cls)
