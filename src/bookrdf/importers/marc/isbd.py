"""The ISBD punctuation and bracketed placeholders that MARC subfields carry around values."""

from __future__ import annotations

import re

# Placeholders that say a value is unknown: they are no value at all.
_UNKNOWN = re.compile(
    r"s\.\s?l\.?|s\.\s?n\.?|n\.\s?d\.?|place of publication not identified"
    r"|publisher not identified|date of publication not identified|sine loco|sine nomine",
    re.I,
)


def bare(text: str) -> str:
    """Text without the punctuation that closes a subfield (' /', ' :', ' ;', ' =', ',', '.')."""
    # A final period goes only after a word of two or more letters: "Lankov, Andrei N." keeps
    # the period of its initial, "Crisis in North Korea." loses its closing one.
    while True:
        trimmed = re.sub(r"\s*[/:;=,]$", "", text.strip())
        trimmed = re.sub(r"(?<=[^\s.]{2})\.$", "", trimmed)
        if trimmed == text:
            return trimmed
        text = trimmed


def unbracket(text: str) -> str | None:
    """'[Honolulu]' -> 'Honolulu'; None for a placeholder such as '[S.l.]' or '[s.n.]'."""
    value = bare(text)
    if value.startswith("[") and value.find("]") in (-1, len(value) - 1):
        value = bare(value.strip("[]").rstrip(" ?"))
    return None if not value or _UNKNOWN.fullmatch(value) else value
