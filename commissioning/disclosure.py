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


def _backed_out(shown: dict, total_shown) -> list:
    """Keys of primary-suppressed cells that the shown cells and total pin to one value.

    What a reader can infer: a shown count r is within r-2..r+2 (8 or more), 0 is exact,
    and "*" is 1-7 (or, once any secondary suppression has been made, possibly more). A
    suppressed cell is backed out when the total minus the other cells leaves one value."""
    if total_shown in (None, SUPPRESSED):
        return []
    t_lo, t_hi = (0, 0) if total_shown == 0 else (max(total_shown - 2, THRESHOLD), total_shown + 2)
    stars = [key for key, value in shown.items() if value == SUPPRESSED]
    visible = [value for value in shown.values() if value != SUPPRESSED]
    vis_lo = sum(0 if v == 0 else max(v - 2, THRESHOLD) for v in visible)
    vis_hi = sum(0 if v == 0 else v + 2 for v in visible)
    pinned = []
    for key in stars:
        others = len(stars) - 1
        other_hi = others * (THRESHOLD - 1) if len(stars) <= 1 else float("inf")
        lo = max(1, t_lo - vis_hi - other_hi)
        hi = min(THRESHOLD - 1, t_hi - vis_lo - others)
        if hi <= lo:
            pinned.append(key)
    return pinned


def controlled_table(counts: dict, total: int | None = None) -> tuple[dict, int | str | None]:
    """Counts of people in the categories of one breakdown, and their total, as they may
    be released: each cell and the total through `controlled_count` (the total rounded
    on its own), then secondary suppression: while the total and the other cells would
    pin a suppressed cell to a single value (for example 8, 8 and 1 give 10, 10, * and a
    total of 15, which leaves only 1), the smallest shown non-zero cell is suppressed
    too. Returns (cells, total) with the cells in the order given."""
    shown = {key: controlled_count(value) for key, value in counts.items()}
    total_shown = controlled_count(total)
    while _backed_out(shown, total_shown):
        candidates = [k for k, v in shown.items() if v not in (SUPPRESSED, 0, None)]
        if not candidates:
            total_shown = SUPPRESSED
            break
        smallest = min(candidates, key=lambda k: (counts[k], str(k)))
        shown[smallest] = SUPPRESSED
    return shown, total_shown
