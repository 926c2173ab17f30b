"""Small-number disclosure control (DESIGN.md section 5): the one function for it.

Applied to every aggregate about people shown to a provider representative or a partner,
and to every export. ICB commissioners and analysts see exact figures on screen and in
the API. Figures not about people (budgets, contract values) are not controlled.

- counts of 1-7 are suppressed and shown as "*"; 8 or more are rounded to the nearest 5;
  totals are rounded independently (round the total itself, never sum rounded parts);
- rates and percentages are suppressed when the numerator or denominator is 1-7, and
  otherwise computed from the rounded numerator and denominator;
- means and medians only where n >= 8;
- a filter that would define a population smaller than the threshold is refused.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

SUPPRESSED = "*"
THRESHOLD = 8  # counts below this (other than zero) are suppressed
ROUND_TO = 5


class PopulationTooSmall(ValueError):
    """A filter would define a group of fewer people than disclosure control allows."""


def _round_to_five(count: int) -> int:
    return int((Decimal(count) / ROUND_TO).quantize(Decimal(1), rounding=ROUND_HALF_UP)) * ROUND_TO


def controlled_count(count: int | None) -> int | str | None:
    """A count as it may be released: 0 stays 0, 1-7 becomes "*", 8+ rounds to nearest 5."""
    if count is None:
        return None
    count = int(count)
    if count < 0:
        raise ValueError("a count of people cannot be negative")
    if count == 0:
        return 0
    if count < THRESHOLD:
        return SUPPRESSED
    return _round_to_five(count)


def controlled_rate(
    numerator: int | None, denominator: int | None, per: float = 100.0
) -> float | str | None:
    """A rate or percentage from rounded parts, or "*" when either part is 1-7."""
    if numerator is None or denominator is None:
        return None
    num, den = controlled_count(numerator), controlled_count(denominator)
    if SUPPRESSED in (num, den):
        return SUPPRESSED
    if den == 0:
        return None
    return float(num) / float(den) * per


def controlled_mean(total: float, n: int) -> float | str | None:
    """A mean (or median, passed as `total`=median*n) only where n >= 8."""
    if n == 0:
        return None
    return total / n if n >= THRESHOLD else SUPPRESSED


def require_population_at_least(size: int) -> None:
    """Refuse a filter whose population is smaller than the threshold (but not empty)."""
    if 0 < size < THRESHOLD:
        raise PopulationTooSmall(
            f"This selection describes fewer than {THRESHOLD} people, so it cannot be shown."
        )
