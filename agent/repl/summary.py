"""The two lines under every answer: what was verified, and what the turn cost.

The verification line is always shown, also when nothing could be verified ("a check that
silently checks nothing is worse than no check"). Prices: the user's own (config.toml) win;
otherwise a small table of public list prices per million tokens, by model-name prefix; local
endpoints cost nothing we can know, so the estimate says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from rich.text import Text

if TYPE_CHECKING:
    from dbarch.agent.userconfig import UserConfig

# USD per million tokens (input, output): OpenAI list prices, 2025. Longest prefix wins.
PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1-nano": (0.10, 0.40),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1": (2.00, 8.00),
    "o4-mini": (1.10, 4.40),
}


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def verification_line(result: Any) -> Text:
    """``verified: parsed · lint 0 errors, 2 warnings · applied in sandbox · 3 plans checked``.

    ``result`` is a :class:`dbarch.agent.result.DesignResult`. Shown under every answer, also
    when there was nothing to verify, so that silence never passes for a check.
    """
    if _get(result, "refused"):
        reason = _get(result, "refusal_reason") or ""
        return Text(f"refused: {reason}".rstrip(": "), style="yellow")
    v = _get(result, "verification")
    if v is None or not _get(v, "sql_found"):
        return Text("verification: no SQL in this answer, nothing to check", style="dim")
    parts: list[str] = []
    parsed = _get(v, "parsed")
    parts.append("parsed" if parsed else "did NOT parse" if parsed is False else "not parsed")
    lint = _get(v, "lint")
    counts = {sev: int(_get(lint, sev, 0) or 0) for sev in ("error", "warning", "info")}
    parts.append("lint " + (", ".join(f"{n} {s}" for s, n in counts.items() if n) or "clean"))
    applied = _get(v, "applied")
    parts.append("applied in sandbox" if applied else "NOT applied" if applied is False
                 else "not applied")
    plans = _get(v, "plans") or ()
    parts.append(f"{len(plans)} plan(s) checked")
    not_checked = _get(v, "not_checked") or ()
    if not_checked:
        parts.append("not checked: " + "; ".join(map(str, not_checked)))
    if _get(v, "tool_round_limit_reached"):
        parts.append("tool-round limit reached")
    ok = bool(parsed) and bool(applied) and not counts["error"] and not _get(v, "errors")
    return Text(("verified: " if ok else "verification: ") + " · ".join(parts),
                style="green" if ok else "bold yellow")


def tokens(result: Any) -> tuple[int, int]:
    """(input, output) tokens of the turn, 0 when the endpoint did not say."""
    usage = _get(result, "usage") or _get(result, "token_usage") or {}
    inp = _get(usage, "input_tokens") or _get(usage, "prompt_tokens") or 0
    out = _get(usage, "output_tokens") or _get(usage, "completion_tokens") or 0
    return int(inp), int(out)


def cost(model: str | None, inp: int, out: int, config: UserConfig | None) -> float | None:
    """Estimated USD for the turn, or None when no price is known."""
    if config is not None and (config.cost_per_1k_input or config.cost_per_1k_output):
        return inp / 1000 * config.cost_per_1k_input + out / 1000 * config.cost_per_1k_output
    if config is not None and config.base_url:
        return None  # a local or private endpoint: no list price applies
    for prefix in sorted(PRICES, key=len, reverse=True):
        if model and model.startswith(prefix):
            p_in, p_out = PRICES[prefix]
            return (inp * p_in + out * p_out) / 1_000_000
    return None


def footer(result: Any, config: UserConfig | None, *, seconds: float) -> Text:
    inp, out = tokens(result)
    model = _get(result, "model")
    estimate = cost(model, inp, out, config)
    money = f"~${estimate:.4f}" if estimate is not None else "cost n/a"
    version = _get(result, "prompt_version")
    extra = f" · {model}" if model else ""
    extra += f" · prompt {version}" if version else ""
    return Text(f"{inp:,} in / {out:,} out tokens · {money} · {seconds:.1f} s{extra}", style="dim")
