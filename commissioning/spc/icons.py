"""Improvement direction, point classification and the Making Data Count icons.

Each special-cause point is an improvement, a concern or (for an indicator with no
improvement direction) neither, according to the side of its signal: above the mean or
a rising trend is "high", below or falling is "low". The variation icon is the type of
the last point; the assurance icon compares the target with the last segment's process
limits. Icons are stable string codes (stored, compared, used to pick an image) with a
plain-English label for people.
"""

from __future__ import annotations

IMPROVEMENT_DIRECTIONS = ("higher", "lower", "neutral")

COMMON, IMPROVEMENT, CONCERN, NEITHER = "common", "improvement", "concern", "neither"
HIGH, LOW = "high", "low"

VARIATION_LABELS = {
    "common_cause": "Common cause variation: no significant change",
    "improvement_high": "Special cause variation: improvement, from higher values",
    "improvement_low": "Special cause variation: improvement, from lower values",
    "concern_high": "Special cause variation: concern, from higher values",
    "concern_low": "Special cause variation: concern, from lower values",
    "neither_high": "Special cause variation: higher values, neither improvement nor concern",
    "neither_low": "Special cause variation: lower values, neither improvement nor concern",
}

ASSURANCE_LABELS = {
    "pass": "The process is expected to pass the target consistently",
    "fail": "The process is expected to fail the target consistently",
    "hit_and_miss": "Hit and miss: the process will pass and fail the target at random",
}


def check_improvement(improvement: str) -> str:
    """The improvement direction, or ValueError if it is not higher, lower or neutral."""
    if improvement not in IMPROVEMENT_DIRECTIONS:
        raise ValueError(f"improvement must be 'higher', 'lower' or 'neutral', not {improvement!r}")
    return improvement


def classify(side: int, improvement: str) -> str:
    """'common', 'improvement', 'concern' or 'neither' for a signal side of +1, -1 or 0."""
    if side == 0:
        return COMMON
    if improvement == "neutral":
        return NEITHER
    good = 1 if improvement == "higher" else -1
    return IMPROVEMENT if side == good else CONCERN


def side_name(side: int) -> str | None:
    """'high' for +1, 'low' for -1, None for no signal."""
    return {1: HIGH, -1: LOW}.get(int(side))


def variation_icon(variation: str, side: str | None) -> str:
    """The icon code for one point's type, e.g. 'common_cause' or 'concern_low'."""
    if variation == COMMON:
        return "common_cause"
    return f"{variation}_{side}"


def assurance_icon(target: float | None, lcl: float, ucl: float, improvement: str):
    """'pass', 'fail' or 'hit_and_miss' for a target against process limits.

    The process consistently passes when the target lies beyond the limit on the bad
    side (for higher-is-better, target below the lower limit: every expected value is
    above it), consistently fails when it lies beyond the limit on the good side, and is
    hit and miss when the target is between the limits (or on one). None without a
    target or for an indicator with no improvement direction."""
    if target is None or improvement == "neutral":
        return None
    if target > ucl:
        return "fail" if improvement == "higher" else "pass"
    if target < lcl:
        return "pass" if improvement == "higher" else "fail"
    return "hit_and_miss"
