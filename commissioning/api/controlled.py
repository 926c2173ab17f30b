"""Applying small-number disclosure control to the figures of an indicator value.

The rules themselves are `commissioning.disclosure`; this module only decides which rule
each figure of an IndicatorValue gets when it goes to a provider representative or a
partner (DESIGN.md section 5):

- numerator and denominator are counts of people: `controlled_count`;
- if either is suppressed (1-7), the value and its interval are suppressed too, since
  they would give the small count away;
- a value whose unit is a count is itself a controlled count;
- a crude rate or percentage with both parts known (unit "%" or "per N") is recomputed
  from the rounded parts (`controlled_rate`);
- once a figure is recomputed from rounded parts, the interval computed from the exact
  parts is withheld ("*"), because the interval and the rounded parts together would let
  a reader work the exact counts back out;
- any other value (a standardised rate, a figure not about people) is released as stored.
"""

from __future__ import annotations

import re

from commissioning.disclosure import SUPPRESSED, controlled_count, controlled_rate

COUNT_UNITS = {"count", "people", "persons", "patients", "number"}
_PER_N = re.compile(r"^per\s+([\d,]+)$")


def rate_scale(unit: str) -> float | None:
    """The multiplier of a crude rate's unit: "%" is 100, "per 100,000" is 100000."""
    unit = (unit or "").strip().lower()
    if unit in {"%", "percent", "percentage"}:
        return 100.0
    match = _PER_N.match(unit)
    return float(match.group(1).replace(",", "")) if match else None


def is_count_unit(unit: str) -> bool:
    return (unit or "").strip().lower() in COUNT_UNITS


def controlled_indicator_figures(
    *,
    unit: str,
    value: float | None,
    lower_ci: float | None,
    upper_ci: float | None,
    numerator: float | None,
    denominator: float | None,
) -> dict:
    """The releasable value, lower_ci, upper_ci, numerator and denominator of one
    indicator value, following the rules in this module's docstring."""
    num, den = _count_or_suppressed(numerator), _count_or_suppressed(denominator)
    figures = {"numerator": num, "denominator": den}
    if SUPPRESSED in (num, den):
        return figures | {"value": SUPPRESSED, "lower_ci": SUPPRESSED, "upper_ci": SUPPRESSED}
    withheld = {
        "lower_ci": None if lower_ci is None else SUPPRESSED,
        "upper_ci": None if upper_ci is None else SUPPRESSED,
    }
    if is_count_unit(unit):
        return figures | {"value": _count_or_suppressed(value)} | withheld
    scale = rate_scale(unit)
    if scale is not None and numerator is not None and denominator is not None:
        return figures | {"value": controlled_rate(numerator, denominator, per=scale)} | withheld
    return figures | {"value": value, "lower_ci": lower_ci, "upper_ci": upper_ci}


def _count_or_suppressed(value: float | None) -> int | str | None:
    try:
        return controlled_count(value)
    except ValueError:  # a negative "count" (a change, say) cannot be checked: withhold it
        return SUPPRESSED
