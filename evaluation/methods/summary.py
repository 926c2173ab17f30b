"""The plain-English sentence of an evaluation result. It does not overclaim: an interval
that includes zero is "consistent with no change", a difference is "estimated", and every
summary says what the design cannot rule out."""

from __future__ import annotations

import math
from datetime import date

from evaluation.methods.estimate import Estimate

MINUS = "\u2212"
CAVEATS = {
    "its": (
        "This design compares the series with its own earlier trend, so it cannot rule out "
        "other causes that changed at the same time."
    ),
    "did": (
        "This design assumes the intervention and comparison areas would have moved in "
        "parallel without the intervention; it cannot rule out other causes that affected "
        "only one of them."
    ),
}
CAVEATS["did_snapshots"] = CAVEATS["did"]


def number(value: float, places: int = 1) -> str:
    """A number with thousands separators and a true minus sign: -1234.5 -> "−1,234.5"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "not available"
    text = f"{abs(value):,.{places}f}"
    return f"{MINUS}{text}" if value < 0 and text.strip("0.,") else text


def decimal_places(standard_error: float) -> int:
    """Decimals worth showing for an estimate with this standard error (1 to 3): about two
    significant figures of the SE, so 0.02 shows 3 decimals and 130 shows 1."""
    if not standard_error or standard_error <= 0 or math.isnan(standard_error):
        return 1
    return max(1, min(3, 1 - math.floor(math.log10(standard_error))))


def effect_with_interval(estimate: Estimate, places: int = 1) -> str:
    """ "−12.1 (−19.0 to −5.2)" """
    return (
        f"{number(estimate.effect, places)} "
        f"({number(estimate.lower, places)} to {number(estimate.upper, places)})"
    )


def p_text(p_value: float) -> str:
    """ "p = 0.012", or "p < 0.001" for very small p values."""
    return "p < 0.001" if p_value < 0.001 else f"p = {p_value:.3f}"


def _with_unit(value: float, unit: str, places: int) -> str:
    return f"{number(abs(value), places)} {unit}".strip()


def plain_summary(
    estimate: Estimate,
    *,
    unit: str = "",
    intervention_date: date | None = None,
    polarity: str = "neutral",
    places: int = 1,
) -> str:
    """One paragraph saying what the estimate shows and what it does not.

    `unit` is how the measure is counted ("admissions per 100,000 per month");
    `polarity` is the indicator's ("lower", "higher" or "neutral")."""
    when = f" after {intervention_date:%B %Y}" if intervention_date else ""
    what = "change in level" if estimate.method == "its" else "difference-in-differences"
    interval = f"95% CI {number(estimate.lower, places)} to {number(estimate.upper, places)}"
    mde = (
        f"The smallest change this design could reliably detect (80% power, 5% "
        f"significance) is {_with_unit(estimate.mde, unit, places)}; smaller real effects "
        "could have been missed."
    )
    caveat = CAVEATS.get(estimate.method, CAVEATS["its"])
    if estimate.interval_includes_zero:
        return (
            f"The estimated {what}{when} is {number(estimate.effect, places)} {unit} "
            f"({interval}). This is consistent with no change: the interval includes zero, "
            f"so the data cannot tell an effect from chance. {mde} {caveat}"
        ).replace("  ", " ")
    direction = "fall" if estimate.effect < 0 else "rise"
    judged = ""
    if polarity in ("lower", "higher"):
        better = (direction == "fall") == (polarity == "lower")
        judged = f" This is in the {'better' if better else 'worse'} direction for this measure."
    return (
        f"An estimated {direction} of {_with_unit(estimate.effect, unit, places)}{when} "
        f"({interval}; {p_text(estimate.p_value)}).{judged} The interval excludes zero, so "
        f"chance alone is an unlikely explanation. {mde} {caveat}"
    )
