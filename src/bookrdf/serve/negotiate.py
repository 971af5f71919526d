"""Proactive content negotiation on the Accept header (RFC 9110, section 12.5.1), q-values
included: each offer takes the q of the most specific range that matches it; the highest q
wins, and the server's order breaks ties (so `*/*`, or no Accept header, gets the first offer)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class MediaRange:
    """One entry of an Accept header: `type/subtype` (either may be `*`) and its weight."""

    type: str
    subtype: str
    q: float

    def specificity(self, media_type: str) -> int:
        """How closely this range names `media_type`: 2 exactly, 1 `type/*`, 0 `*/*`, -1 not."""
        kind, _, sub = media_type.partition("/")
        if self.type == "*":
            return 0 if self.subtype == "*" else -1
        if self.type != kind:
            return -1
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == sub else -1


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an Accept header; malformed entries are left out."""
    ranges = []
    for item in (header or "").split(","):
        media, *params = (part.strip() for part in item.split(";"))
        kind, slash, sub = media.lower().partition("/")
        if not slash or not kind or not sub or (kind == "*" and sub != "*"):
            continue
        q = _weight(params)
        if q is not None:
            ranges.append(MediaRange(kind, sub, q))
    return ranges


def _weight(params: Sequence[str]) -> float | None:
    """An entry's q (1.0 when it has none), None when its q is not a number (`q=abc`)."""
    q = 1.0
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                q = float(value.strip())
            except ValueError:
                return None
            if not math.isfinite(q):
                return None
    return min(max(q, 0.0), 1.0)


def quality(ranges: Sequence[MediaRange], media_type: str) -> float:
    """The q the client gives `media_type` (1.0 when it sent no Accept header)."""
    if not ranges:
        return 1.0
    best = max(ranges, key=lambda r: r.specificity(media_type))
    return best.q if best.specificity(media_type) >= 0 else 0.0


def choose(header: str | None, offers: Sequence[str]) -> str | None:
    """The offer the client prefers, or None when it accepts none of them (406)."""
    ranges = parse_accept(header)
    if header is not None and header.strip() and not ranges:
        ranges = [MediaRange("*", "*", 1.0)]  # an unreadable header is as good as none
    best: tuple[float, int] | None = None
    chosen = None
    for order, offer in enumerate(offers):
        q = quality(ranges, offer)
        if q > 0 and (best is None or (q, -order) > best):
            best, chosen = (q, -order), offer
    return chosen
