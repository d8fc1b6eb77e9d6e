"""Why a generation failed, as a kind and parameters the page turns into a sentence (never a key)."""

from __future__ import annotations

from typing import Any

from domain.resume import texts

#: kinds: auth, forbidden, rate_limit, server, timeout, network, tls, model, rejected, truncated,
#: malformed, key_unreadable, interrupted, no_profile, unexpected
KINDS = (
    "auth",
    "forbidden",
    "rate_limit",
    "server",
    "timeout",
    "network",
    "tls",
    "model",
    "rejected",
    "truncated",
    "malformed",
    "key_unreadable",
    "interrupted",
    "no_profile",
    "unexpected",
)


class GenerationError(RuntimeError):
    """A generation failed for a reason the user can be told (``kind``, ``detail``)."""

    def __init__(self, kind: str, **detail: Any) -> None:
        super().__init__(kind)
        self.kind = kind if kind in KINDS else "unexpected"
        self.detail = detail


def message(kind: str | None, detail: dict[str, Any] | None, lang: str) -> str:
    """The sentence for a failed generation."""
    detail = dict(detail or {})
    kind = kind if kind in KINDS else "unexpected"
    if kind == "rate_limit":
        seconds = detail.get("retry_after") or 0
        if seconds and seconds > 0:
            return texts.tr("gen.rate_limit", lang, seconds=int(-(-float(seconds) // 1)))
        return texts.tr("gen.rate_limit_later", lang)
    values = {k: detail.get(k, "?") for k in ("status", "seconds", "model")}
    return texts.tr(f"gen.{kind}", lang, **values)
