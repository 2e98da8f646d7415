"""The chat model: an OpenAI-compatible endpoint through ``langchain-openai``, called with
streaming and retried on 429, 5xx, timeouts and connection errors with exponential backoff.

The SDK's own retries are off (``max_retries=0``): one layer retries, with the context's
backoff (0 in tests, so a replayed 500 costs no sleep).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from dbarch.agent.errors import ModelUnavailable
from dbarch.tools.errors import ModelError

if TYPE_CHECKING:
    from langchain_core.messages import AIMessage, BaseMessage

    from dbarch.agent.context import Context

RETRYABLE_STATUS = frozenset({408, 409, 429, 500, 502, 503, 504})


def make_chat_model(context: Context) -> Any:
    """A ``ChatOpenAI`` for the context (raises ModelNotConfigured naming what to set)."""
    from langchain_openai import ChatOpenAI

    name = context.model_name()
    key = context.api_key or "not-needed"  # local servers (Ollama, llama.cpp) ignore the key
    return ChatOpenAI(
        model=name,
        base_url=context.base_url,
        api_key=key,  # type: ignore[arg-type]
        temperature=context.temperature,
        max_retries=0,
        timeout=context.timeout,
        streaming=True,
        stream_usage=True,
    )


def _retryable(exc: BaseException) -> bool:
    import openai

    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in RETRYABLE_STATUS or exc.status_code >= 500
    return isinstance(exc, openai.APITimeoutError | openai.APIConnectionError)


def _describe(exc: BaseException, context: Context) -> ModelError:
    import openai

    where = context.base_url or "the OpenAI API"
    if isinstance(exc, openai.AuthenticationError):
        return ModelError(
            f"the model endpoint ({where}) refused the API key",
            hint=f"check {context.api_key_env}",
        )
    if isinstance(exc, openai.NotFoundError):
        return ModelError(
            f"the model endpoint ({where}) does not know model {context.model_name()!r}",
            hint="set DBARCH_MODEL to a model the endpoint serves",
        )
    if isinstance(exc, openai.APIStatusError):
        return ModelError(f"the model endpoint ({where}) answered {exc.status_code}: {redact_secrets(exc.message, context)}")
    return ModelError(f"the model call failed: {type(exc).__name__}: {redact_secrets(str(exc), context)}")


_KEY_LIKE = re.compile(r"\b(sk|pk|rk|key)-[A-Za-z0-9_\-]{12,}")


def redact_secrets(text: str, context: Context) -> str:
    """``text`` (an endpoint's error message) without the API key, should the endpoint echo it."""
    key = context.api_key
    if key:
        text = text.replace(key, "***")
    return _KEY_LIKE.sub("***", text)


def stream_reply(
    model: Any,
    messages: Sequence[BaseMessage],
    *,
    context: Context,
    sleep: Callable[[float], None],
    on_token: Callable[[str], None],
) -> AIMessage:
    """Stream one reply, calling ``on_token`` with each text delta; retry transient failures."""
    from langchain_core.messages import AIMessageChunk, message_chunk_to_message

    attempt = 0
    while True:
        try:
            total: AIMessageChunk | None = None
            for chunk in model.stream(list(messages)):
                text = chunk.content if isinstance(chunk.content, str) else ""
                if text:
                    on_token(text)
                total = chunk if total is None else total + chunk
            if total is None:
                raise ModelError("the model endpoint sent an empty reply")
            reply = message_chunk_to_message(total)
            return reply  # type: ignore[return-value]
        except ModelError:
            raise
        except Exception as exc:
            if not _retryable(exc):
                import openai

                # langchain-openai re-raises openai's errors as its own subclasses
                if isinstance(exc, openai.OpenAIError):
                    raise _describe(exc, context) from None  # the cause may carry the key
                raise
            if attempt >= context.max_retries:
                raise ModelUnavailable(
                    f"the model endpoint kept failing after {attempt + 1} attempts: {_describe(exc, context).message}",
                    hint="try again later, or raise DBARCH_MAX_RETRIES",
                ) from None  # the cause may carry the key
            sleep(context.retry_backoff * (2**attempt))
            attempt += 1
