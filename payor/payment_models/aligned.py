"""Aligned payment and incentive (API): a fixed element plus a variable element.

The fixed element pays for the planned activity. The variable element pays, for each
unit delivered above plan, a set share of the unit price, and takes back the same (or
another) share of the unit price for each unit below plan. NHS England's 2019/20 blended
payment for emergency care used 20% both ways; the 2022/23 API default was 75% above
plan and 50% below; the 2023/25 NHS Payment Scheme paid elective activity at 100% of unit
prices (docs/payment-models.md gives the sources).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .statement import Statement, StatementLine, percent, plain, pounds, pounds_exact
from .values import (
    ONE,
    build,
    build_items,
    measured_inputs,
    money,
    number,
    per_code,
    settle,
    share,
    text,
)

CODE = "aligned"


@dataclass(frozen=True)
class PlannedCurrency:
    """A currency in the variable element: its unit price and planned activity."""

    code: str
    unit_price: Decimal
    planned_activity: Decimal
    description: str = ""

    def __post_init__(self) -> None:
        settle(self, "code", text(self.code, "code"))
        settle(self, "unit_price", money(self.unit_price, f"currencies[{self.code!r}].unit_price"))
        settle(
            self,
            "planned_activity",
            number(self.planned_activity, f"currencies[{self.code!r}].planned_activity"),
        )
        settle(self, "description", text(self.description, "description", required=False))

    @property
    def label(self) -> str:
        return self.description or self.code


@dataclass(frozen=True)
class AlignedTerms:
    """Fixed element, currencies with plan and price, and the variable shares.

    `fixed_element` is the agreed sum for the period; left out, it is planned activity ×
    unit price for each currency (one line each). `variable_share_below` defaults to
    `variable_share_above`. Measured: `activity`, `{code: units delivered}`.
    """

    currencies: tuple[PlannedCurrency, ...]
    variable_share_above: Decimal
    variable_share_below: Decimal | None = None
    fixed_element: Decimal | None = None

    def __post_init__(self) -> None:
        settle(self, "currencies", build_items(PlannedCurrency, self.currencies, "currencies"))
        above = share(self.variable_share_above, "variable_share_above")
        settle(self, "variable_share_above", above)
        below = self.variable_share_below
        settle(
            self,
            "variable_share_below",
            above if below is None else share(below, "variable_share_below"),
        )
        if self.fixed_element is not None:
            settle(self, "fixed_element", money(self.fixed_element, "fixed_element"))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "AlignedTerms":
        return build(cls, data, "terms")


def aligned_statement(terms: AlignedTerms, measured: Mapping[str, Any]) -> Statement:
    """Fixed element line(s), then one variable line per currency: (delivered - planned)
    × share × unit price, positive above plan, negative below, zero on plan."""
    measured_inputs(measured, required=["activity"])
    codes = [currency.code for currency in terms.currencies]
    delivered = per_code(measured["activity"], codes, "activity", "activity")
    lines = [*_fixed_lines(terms)]
    lines += [_variable_line(terms, c, delivered[c.code]) for c in terms.currencies]
    summary = (
        f"Aligned payment and incentive: fixed element, plus {percent(terms.variable_share_above)}"
        f" of unit price for activity above plan and less "
        f"{percent(terms.variable_share_below)} of unit price for activity below plan."
    )
    return Statement(CODE, tuple(lines), summary)


def _fixed_lines(terms: AlignedTerms) -> list[StatementLine]:
    if terms.fixed_element is not None:
        planned = "; ".join(f"{plain(c.planned_activity)} {c.label}" for c in terms.currencies)
        return [
            StatementLine(
                "Fixed element",
                ONE,
                terms.fixed_element,
                f"Agreed fixed element for planned activity ({planned}).",
            )
        ]
    return [
        StatementLine(
            f"Fixed element: {c.label}",
            c.planned_activity,
            c.unit_price,
            f"{plain(c.planned_activity)} planned × {pounds(c.unit_price)} unit price.",
        )
        for c in terms.currencies
    ]


def _variable_line(terms: AlignedTerms, c: PlannedCurrency, delivered: Decimal) -> StatementLine:
    difference = delivered - c.planned_activity
    if difference < 0:
        rate_share, where = terms.variable_share_below, "below"
    else:
        rate_share, where = terms.variable_share_above, "above"
    rate = rate_share * c.unit_price
    if difference == 0:
        explanation = f"Delivered {plain(delivered)}, exactly the plan: no variable payment."
        where = "on"
    else:
        explanation = (
            f"Delivered {plain(delivered)} against a plan of {plain(c.planned_activity)}: "
            f"{plain(difference)} × {percent(rate_share)} of {pounds(c.unit_price)} "
            f"({pounds_exact(rate)} a unit)."
        )
    return StatementLine(f"Variable element: {c.label} {where} plan", difference, rate, explanation)
