"""The user's configuration file, ``config.toml`` in the user folder (``DBARCH_HOME``).

The first run of an interactive command creates the folder and a commented default file.
Values come, lowest first, from the defaults, the file, then the environment; the result feeds
the agent's :class:`dbarch.agent.context.Context` (:func:`context_kwargs`). Only entry points
call :func:`load_user_config`: library code gets the values passed in.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from dbarch.tools.errors import DbarchError

CONFIG_NAME = "config.toml"

DEFAULT_CONFIG = """\
# dbarch user configuration. Environment variables override every value here.
# Uncomment a line to set it.

[model]
# Any OpenAI-compatible endpoint. OpenAI: set OPENAI_API_KEY and pick a model.
# Ollama, vLLM or a llama.cpp server: set base_url (or OPENAI_BASE_URL) and name (or DBARCH_MODEL).
# name = "gpt-4.1-mini"                    # DBARCH_MODEL
# base_url = "http://localhost:11434/v1"   # OPENAI_BASE_URL
# api_key_env = "OPENAI_API_KEY"           # the variable holding the key (never the key itself)
# temperature = 0.2                        # DBARCH_TEMPERATURE
# max_tool_rounds = 12                     # DBARCH_MAX_TOOL_ROUNDS

[workspace]
# The folder with 00_soul.md, 01_state.md, 02_memory.md and migrations/ (default: the current one).
# path = "~/projects/shop/db"              # DBARCH_WORKSPACE
# dialect = "postgres"                     # DBARCH_DIALECT

[sandbox]
# A PostgreSQL server of yours instead of the embedded one (its role needs CREATEDB).
# dsn = "postgresql://me@localhost/postgres"   # DBARCH_SANDBOX_DSN

[database]
# A database of yours the architect may READ (its schema, EXPLAIN plans, hypothetical indexes),
# in read-only mode: never written to. Best with a read-only role (docs/SECURITY.md) and the
# password in ~/.pgpass or PGPASSWORD rather than here.
# dsn = "postgresql://dbarch_reader@db.internal/shop"   # DBARCH_DATABASE_DSN

[repl]
# verbose = false          # show every tool call's arguments and full result
# cost_per_1k_input = 0.0  # your price per 1,000 input tokens, for the per-turn estimate
# cost_per_1k_output = 0.0 # and per 1,000 output tokens
"""

# (section, key) in the file -> (field, environment variable, type)
_KEYS: dict[tuple[str, str], tuple[str, str | None, type]] = {
    ("model", "name"): ("model", "DBARCH_MODEL", str),
    ("model", "base_url"): ("base_url", "OPENAI_BASE_URL", str),
    ("model", "api_key_env"): ("api_key_env", "DBARCH_API_KEY_ENV", str),
    ("model", "temperature"): ("temperature", "DBARCH_TEMPERATURE", float),
    ("model", "max_tool_rounds"): ("max_tool_rounds", "DBARCH_MAX_TOOL_ROUNDS", int),
    ("workspace", "path"): ("workspace", "DBARCH_WORKSPACE", str),
    ("workspace", "dialect"): ("dialect", "DBARCH_DIALECT", str),
    ("sandbox", "dsn"): ("sandbox_dsn", "DBARCH_SANDBOX_DSN", str),
    ("database", "dsn"): ("database_dsn", "DBARCH_DATABASE_DSN", str),
    ("repl", "verbose"): ("verbose", None, bool),
    ("repl", "cost_per_1k_input"): ("cost_per_1k_input", "DBARCH_COST_PER_1K_INPUT", float),
    ("repl", "cost_per_1k_output"): ("cost_per_1k_output", "DBARCH_COST_PER_1K_OUTPUT", float),
}

_CONTEXT_FIELDS = (
    "model", "base_url", "api_key_env", "temperature", "max_tool_rounds", "workspace",
    "sandbox_dsn", "database_dsn", "dialect",
)


class ConfigError(DbarchError):
    """The configuration file or a configuration variable has a bad value."""

    kind = "config"


@dataclass(frozen=True, slots=True, kw_only=True)
class UserConfig:
    """Settings of one user, resolved from defaults, ``config.toml`` and the environment.

    ``None`` means "not set here": the agent's own default (or its environment fallback) holds.
    """

    model: str | None = None
    base_url: str | None = None
    api_key_env: str | None = None
    temperature: float | None = None
    max_tool_rounds: int | None = None
    workspace: str | None = None
    dialect: str | None = None
    sandbox_dsn: str | None = None
    database_dsn: str | None = field(default=None, repr=False)
    """The user's database, read-only (may hold a password: kept out of ``repr``)."""
    verbose: bool = False
    cost_per_1k_input: float = 0.0
    cost_per_1k_output: float = 0.0
    path: Path | None = None
    """The file read, if any."""

    def api_key_present(self, environ: Mapping[str, str]) -> bool:
        return bool(environ.get(self.api_key_env or "OPENAI_API_KEY"))

    def model_configured(self, environ: Mapping[str, str]) -> bool:
        """A model can be called: an API key, or a local endpoint with a model name."""
        return self.api_key_present(environ) or bool(self.base_url and self.model)


def config_path(home: Path) -> Path:
    return home / CONFIG_NAME


def ensure_user_home(home: Path) -> bool:
    """Create the user folder and a commented ``config.toml`` when missing; True if created."""
    path = config_path(home)
    if path.exists():
        return False
    home.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text(DEFAULT_CONFIG, encoding="utf-8")
    os.replace(tmp, path)
    return True


def load_user_config(home: Path, environ: Mapping[str, str]) -> UserConfig:
    """Read ``home/config.toml`` (if any) and let ``environ`` override it."""
    path = config_path(home)
    values: dict[str, Any] = {}
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"bad TOML: {exc}", file=str(path),
                              hint="fix the file, or delete it to get a fresh default") from exc
        for (section, key), (name, _env, kind) in _KEYS.items():
            table = data.get(section, {})
            if isinstance(table, dict) and key in table:
                values[name] = _coerce(table[key], kind, f"{section}.{key}", str(path))
    for (_section, _key), (name, env, kind) in _KEYS.items():
        if env and environ.get(env):
            values[name] = _coerce(environ[env], kind, env, None)
    return replace(UserConfig(**values), path=path if path.is_file() else None)


def context_kwargs(config: UserConfig, **overrides: Any) -> dict[str, Any]:
    """Keyword arguments for the agent's ``Context``: the values set, plus ``overrides``."""
    out = {k: getattr(config, k) for k in _CONTEXT_FIELDS if getattr(config, k) is not None}
    out.update({k: v for k, v in overrides.items() if v is not None})
    return out


def make_context(config: UserConfig, **overrides: Any) -> Any:
    """The agent's ``Context`` for ``config`` (fields the Context does not know are dropped)."""
    from dbarch.agent.context import Context

    known = {f.name for f in fields(Context)}
    return Context(**{k: v for k, v in context_kwargs(config, **overrides).items() if k in known})


def _coerce(value: object, kind: type, where: str, file: str | None) -> Any:
    try:
        if kind is bool:
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in ("1", "true", "yes", "on"):
                return True
            if text in ("0", "false", "no", "off"):
                return False
            raise ValueError(text)
        if kind is str:
            if not isinstance(value, str):
                raise ValueError(value)
            return value
        return kind(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{where} must be a {kind.__name__}, not {value!r}", file=file) from None
