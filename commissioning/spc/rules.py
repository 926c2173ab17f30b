"""The four Making Data Count special-cause rules, applied to one segment.

Each rule function takes a segment's values (and its limits) and returns, per point,
+1 (a high signal: above the mean, or a rising trend), -1 (low) or 0 (no signal), so
that the rules can be tested one at a time. ``special_causes`` combines them in the
precedence DESIGN.md sets: a point that qualifies for several rules is reported under
the first, and takes its side from that rule.

1. ``outside_limits``: a point above the upper or below the lower process limit.
2. ``trend``: ``run_length`` (7, or 6) points each higher than the one before, or each
   lower; equal consecutive values break a trend. Every point of the run is flagged.
3. ``two_of_three``: in any 3 consecutive points all on the same side of the mean, at
   least 2 beyond the near (2-sigma) line on that side. The points beyond the near line
   are flagged (as NHS England's tools and NHSRplotthedots do), not the third point.
   Since NHS England's November 2023 tools a point beyond the process limit counts as
   beyond the near line; ``includes_beyond_limits=False`` gives NHSRplotthedots 0.2.2's
   reading, where only points between the near line and the limit count.
4. ``shift``: ``run_length`` points in a row on the same side of the mean; a point
   exactly on the mean breaks the run. Every point of the run is flagged.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

import numpy as np

from commissioning.spc.limits import ProcessLimits

RULES = ("outside_limits", "trend", "two_of_three", "shift")  # in order of precedence
RUN_LENGTHS = (6, 7)


class SpecialCauses(NamedTuple):
    """Per point: the rule that applies (None for common cause) and its side (+1/-1/0)."""

    rule: np.ndarray
    side: np.ndarray


def _runs(codes: np.ndarray, min_length: int) -> Iterator[tuple[int, int, int]]:
    """(start, stop, code) of each maximal run of one non-zero code, min_length or longer."""
    start = 0
    for stop in range(1, len(codes) + 1):
        if stop == len(codes) or codes[stop] != codes[start]:
            if codes[start] != 0 and stop - start >= min_length:
                yield start, stop, int(codes[start])
            start = stop


def outside_limits(values, lcl: float, ucl: float) -> np.ndarray:
    """+1 above the upper process limit, -1 below the lower, 0 on or inside them."""
    values = np.asarray(values, dtype="float64")
    return np.where(values > ucl, 1, np.where(values < lcl, -1, 0))


def trend(values, run_length: int = 7) -> np.ndarray:
    """+1 for points of a rising run of ``run_length`` points, -1 falling, 0 otherwise.

    A point at a peak or trough that ends one trend and starts the next takes the
    direction of the later trend (as NHSRplotthedots does)."""
    signal = np.zeros(len(values), dtype=int)
    steps = np.sign(np.diff(np.asarray(values, dtype="float64")))
    # step k joins points k and k + 1, so a run of steps start..stop-1 spans start..stop
    for start, stop, code in _runs(steps, run_length - 1):
        signal[start : stop + 1] = code
    return signal


def two_of_three(values, limits: ProcessLimits, *, includes_beyond_limits=True) -> np.ndarray:
    """+1/-1 for points beyond the near line in a qualifying 3-point window, else 0."""
    values = np.asarray(values, dtype="float64")
    side = np.sign(values - limits.mean)
    high = values > limits.near_upper
    low = values < limits.near_lower
    if not includes_beyond_limits:
        high &= values <= limits.ucl
        low &= values >= limits.lcl
    beyond = np.where(high, 1, np.where(low, -1, 0))
    signal = np.zeros(len(values), dtype=int)
    for start in range(len(values) - 2):
        window = slice(start, start + 3)
        code = side[start]
        if code != 0 and (side[window] == code).all() and (beyond[window] == code).sum() >= 2:
            signal[window] = np.where(beyond[window] == code, code, signal[window])
    return signal


def shift(values, mean: float, run_length: int = 7) -> np.ndarray:
    """+1/-1 for points of a run of ``run_length`` points above/below the mean, else 0."""
    signal = np.zeros(len(values), dtype=int)
    side = np.sign(np.asarray(values, dtype="float64") - mean)
    for start, stop, code in _runs(side, run_length):
        signal[start:stop] = code
    return signal


def special_causes(
    values,
    limits: ProcessLimits,
    *,
    run_length: int = 7,
    two_of_three_includes_beyond_limits: bool = True,
) -> SpecialCauses:
    """Apply the four rules to one segment and keep, per point, the first that applies."""
    if run_length not in RUN_LENGTHS:
        raise ValueError(f"run_length must be 6 or 7, not {run_length!r}")
    signals = {
        "outside_limits": outside_limits(values, limits.lcl, limits.ucl),
        "trend": trend(values, run_length),
        "two_of_three": two_of_three(
            values, limits, includes_beyond_limits=two_of_three_includes_beyond_limits
        ),
        "shift": shift(values, limits.mean, run_length),
    }
    rule = np.full(len(values), None, dtype=object)
    side = np.zeros(len(values), dtype=int)
    for name in RULES:
        take = (signals[name] != 0) & (side == 0)
        rule[take] = name
        side[take] = signals[name][take]
    return SpecialCauses(rule=rule, side=side)
