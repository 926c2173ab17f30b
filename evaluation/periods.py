"""One series, one frequency: indicator values of one indicator for one area or provider
may mix period lengths (monthly values loaded from a CSV, a yearly value written from a
needs profile). A chart, a forecast or a KPI reads only the most common period length,
one value per period end, so dates strictly increase and like is compared with like.

Works on anything with `period_start` and `period_end` dates (IndicatorValue rows,
evaluation.performance.measures.Point)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence


def length_class(point) -> str:
    """'month' (up to 31 days), 'quarter' (up to 92), 'year' (365 or more) or 'other'."""
    days = (point.period_end - point.period_start).days + 1
    if days <= 31:
        return "month"
    if days <= 92:
        return "quarter"
    return "year" if days >= 365 else "other"


def same_length(points: Sequence) -> list:
    """The points of the most common period length (ties: the shorter period, which has
    more points to chart), in date order, one per period end (the last given wins)."""
    if not points:
        return []
    order = {"month": 0, "quarter": 1, "other": 2, "year": 3}
    counts = Counter(length_class(p) for p in points)
    common = min(counts, key=lambda kind: (-counts[kind], order[kind]))
    by_end = {p.period_end: p for p in points if length_class(p) == common}
    return [by_end[end] for end in sorted(by_end)]
