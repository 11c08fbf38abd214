"""Cutting text to a limit, the one way every part of the bot does it."""

from __future__ import annotations


def clip(text: str, limit: int) -> str:
    """``text`` without surrounding spaces, cut to at most ``limit`` characters with an ellipsis
    marking the cut."""
    text = text.strip()
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"
