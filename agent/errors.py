"""Errors of the agent layer, under the one root :class:`dbarch.tools.errors.DbarchError`."""

from __future__ import annotations

from dbarch.tools.errors import ModelError

CONFIGURE_HINT = (
    "set OPENAI_API_KEY for OpenAI, or OPENAI_BASE_URL (and DBARCH_MODEL) for an "
    "OpenAI-compatible server such as Ollama, vLLM or llama.cpp; see docs/agent.md"
)


class ModelNotConfigured(ModelError):
    """No language model is configured: the message names the variable to set."""

    kind = "model-config"

    def __init__(self, message: str, *, hint: str = CONFIGURE_HINT) -> None:
        super().__init__(message, hint=hint)


class ModelUnavailable(ModelError):
    """The model endpoint kept failing (rate limit, server error, timeout) after the retries."""

    kind = "model-unavailable"
