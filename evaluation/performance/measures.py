"""From indicator values to a payment calculator's measured inputs (pure: no ORM).

Which indicator measures which term (the mapping, also on the contract performance page):

- Each measured term of the contract's payment terms has a code: an outcome's `code`
  (outcome-based), a currency's or price's `code` (aligned payment, activity-based), or
  the fixed code `actual_spend` (gain/loss share).
- The term is measured by the contract KPI whose indicator code equals that code
  (ignoring case), or else the KPI whose description contains the code in square
  brackets (for example "Emergency admissions 65+ [EA65]"), or else the KPI whose
  indicator name or description equals the outcome's description. A term with no such
  KPI is unmeasured, and no statement is worked out (never treated as zero).
- The values used are the provider's own, whole-population values (no breakdown) of the
  KPI's indicator in the period (a financial year, April to March). A value covering the
  whole year is used as it is; otherwise the values in the year of the most common
  period length (monthly, quarterly) are combined: outcome measures by their mean (to six
  decimal places), activity and spend by their sum.
- Outcome floors and targets are in the indicator's units, except that where the
  indicator's unit is a percentage and the outcome's floor and target are both between
  0 and 1 the terms are shares, so the measured percentage is divided by 100.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from commissioning import financial_years
from evaluation.periods import length_class, same_length  # noqa: F401 - used here and by queries
from payor.payment_models.statement import plain

MEAN, SUM = "mean", "sum"
SIX_PLACES = Decimal("0.000001")


@dataclass(frozen=True)
class Term:
    """One measured term of the payment terms: where it goes in `measured` and how the
    period's values are combined."""

    group: str | None  # "achievement", "activity" or None for a top-level input
    code: str
    label: str
    how: str  # MEAN or SUM
    floor: Decimal | None = None
    target: Decimal | None = None

    @property
    def limits_text(self) -> str:
        """'floor 0.6, target 0.8' for outcomes, '' otherwise."""
        if self.floor is None or self.target is None:
            return ""
        return f"floor {plain(self.floor)}, target {plain(self.target)}"


@dataclass(frozen=True)
class Point:
    """One indicator value: its period and value."""

    period_start: date
    period_end: date
    value: float


@dataclass
class Measurement:
    """A term with the indicator measuring it and the value for the period."""

    term: Term
    indicator_code: str | None = None
    indicator_name: str = ""
    points_used: int = 0
    value: Decimal | None = None
    note: str = ""

    @property
    def value_text(self) -> str:
        """The value used, without trailing zeros ('0.77', '1,234')."""
        return "–" if self.value is None else plain(self.value)


def measured_terms(payment_model: str, terms: Mapping[str, Any]) -> list[Term]:
    """The terms of a payment model that indicators can measure (empty for block,
    capitated and bundled contracts, whose inputs are not indicator values)."""
    if payment_model == "outcome":
        return [
            Term(
                "achievement",
                str(o.get("code")),
                str(o.get("description") or o.get("code")),
                MEAN,
                Decimal(str(o.get("floor"))),
                Decimal(str(o.get("target"))),
            )
            for o in terms.get("outcomes", [])
        ]
    if payment_model in ("aligned", "activity"):
        key = "currencies" if payment_model == "aligned" else "prices"
        return [
            Term("activity", str(c.get("code")), str(c.get("description") or c.get("code")), SUM)
            for c in terms.get(key, [])
        ]
    if payment_model == "gain_loss":
        return [Term(None, "actual_spend", "Actual spend (£)", SUM)]
    return []


def financial_year(label: str) -> tuple[date, date]:
    """'2025/26' -> (1 April 2025, 31 March 2026); ValueError naming the label otherwise."""
    try:
        first, second = label.split("/")
        year = int(first)
        if len(first) != 4 or int(second) != (year + 1) % 100:
            raise ValueError
    except ValueError:
        raise ValueError(f"period {label!r} is not a financial year such as 2025/26") from None
    return date(year, 4, 1), date(year + 1, 3, 31)


def year_label(day: date) -> str:
    """The financial year containing `day`: 2026-03-31 -> '2025/26'."""
    return financial_years.label(financial_years.financial_year(day))


def period_value(points: Sequence[Point], start: date, end: date, how: str) -> tuple:
    """(value, points used, note) for the period from the points of one indicator."""
    inside = [p for p in points if p.period_start >= start and p.period_end <= end]
    whole = [p for p in inside if p.period_start == start and p.period_end == end]
    if whole:
        return Decimal(repr(whole[-1].value)), 1, "value for the whole year"
    inside = same_length(inside)
    if not inside:
        return None, 0, "no values in the period"
    numbers = [Decimal(repr(p.value)) for p in inside]
    total = sum(numbers, Decimal(0))
    unit = length_class(inside[0])
    if how == SUM:
        return total, len(inside), f"sum of {len(inside)} {unit}ly values"
    mean = (total / len(numbers)).quantize(SIX_PLACES, rounding=ROUND_HALF_UP).normalize()
    return mean, len(inside), f"mean of {len(inside)} {unit}ly values"


def as_share(term: Term, value: Decimal, unit: str) -> tuple[Decimal, bool]:
    """A percentage measured against share terms (floor and target within 0 to 1) is
    divided by 100; anything else is returned as it is."""
    percent = (unit or "").strip().lower() in {"%", "percent", "percentage"}
    shares = term.floor is not None and term.target is not None
    if percent and shares and 0 <= term.floor <= 1 and 0 <= term.target <= 1:
        return value / 100, True
    return value, False


def build_measured(payment_model: str, measurements: Sequence[Measurement]) -> dict:
    """The calculator's `measured` mapping (numbers as strings) from measured terms."""
    measured: dict[str, Any] = {}
    for m in measurements:
        value = m.value
        if value is None:
            continue
        if m.term.group == "activity":
            text = str(int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP)))
        elif m.term.code == "actual_spend":
            text = str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
        else:
            text = format(value.normalize(), "f")
        if m.term.group:
            measured.setdefault(m.term.group, {})[m.term.code] = text
        else:
            measured[m.term.code] = text
    return measured
