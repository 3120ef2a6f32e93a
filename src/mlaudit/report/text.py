"""Text helpers shared by renderers: make repository-controlled strings safe to show."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(text: str, *, max_chars: int = 300) -> str:
    """No control characters (ANSI escapes, bidi overrides), no newlines, bounded length."""
    text = _CONTROL.sub("\ufffd", text.replace("\r", " ").replace("\n", " ").replace("\t", " "))
    return text if len(text) <= max_chars else text[: max_chars - 1] + "…"


OUTCOME_SYMBOL = {
    "pass": "✔",
    "partial": "◐",
    "fail": "✘",
    "not_applicable": "–",
    "unknown": "?",
    "error": "!",
}
