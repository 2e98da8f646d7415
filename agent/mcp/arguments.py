"""A tool function's arguments as a pydantic model: its JSON Schema is the tool's input schema
(:mod:`.catalog`), and the server validates a call's arguments with it (:mod:`.server`).

The model is built from the function's typed signature, without its first parameter (the
:class:`~dbarch.agent.mcp.tools.Services` the server injects). Unknown arguments are an error,
never silently dropped. Building a model costs a few milliseconds, so the server builds each
one when its tool is first called, never at start.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable
from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, create_model

INJECTED = "svc"
"""The parameter every tool function takes first and the client never sees."""


@cache
def arguments_model(fn: Callable[..., Any]) -> type[BaseModel]:
    """The model of ``fn``'s arguments (every parameter but ``svc``)."""
    hints = typing.get_type_hints(fn, include_extras=True)
    fields: dict[str, Any] = {}
    for param in inspect.signature(fn).parameters.values():
        if param.name == INJECTED:
            continue
        default = ... if param.default is inspect.Parameter.empty else param.default
        fields[param.name] = (hints[param.name], default)
    name = "".join(part.title() for part in fn.__name__.split("_")) + "Arguments"
    model: type[BaseModel] = create_model(name, __config__=ConfigDict(extra="forbid"), **fields)
    return model


def input_schema(fn: Callable[..., Any]) -> dict[str, Any]:
    """The JSON Schema of ``fn``'s arguments: the tool's input schema."""
    return arguments_model(fn).model_json_schema(by_alias=True)


def validate_arguments(fn: Callable[..., Any], arguments: dict[str, Any]) -> dict[str, Any]:
    """``arguments`` checked and converted for ``fn``: keyword arguments to call it with.

    Raises :class:`pydantic.ValidationError` when they do not fit the input schema.
    """
    model = arguments_model(fn)
    validated = model.model_validate(arguments)
    return {name: getattr(validated, name) for name in model.model_fields}
