"""Activity-based: each unit of activity delivered is paid at its unit price."""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .statement import Statement, StatementLine, plain, pounds
from .values import build, build_items, measured_inputs, money, per_code, settle, text

CODE = "activity"


@dataclass(frozen=True)
class UnitPrice:
    """The price of one unit of a currency (an HRG, an attendance, a contact …)."""

    code: str
    unit_price: Decimal
    description: str = ""

    def __post_init__(self) -> None:
        settle(self, "code", text(self.code, "code"))
        settle(self, "unit_price", money(self.unit_price, f"prices[{self.code!r}].unit_price"))
        settle(self, "description", text(self.description, "description", required=False))

    @property
    def label(self) -> str:
        return self.description or self.code


@dataclass(frozen=True)
class ActivityTerms:
    """The unit prices, one per currency. Measured: `activity`, `{code: units delivered}`."""

    prices: tuple[UnitPrice, ...]

    def __post_init__(self) -> None:
        settle(self, "prices", build_items(UnitPrice, self.prices, "prices"))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "ActivityTerms":
        return build(cls, data, "terms")


def activity_statement(terms: ActivityTerms, measured: Mapping[str, Any]) -> Statement:
    """One line per currency: units delivered × unit price. Every priced currency must have
    a count for the period (zero if none was delivered), so a missing return is noticed."""
    measured_inputs(measured, required=["activity"])
    codes = [price.code for price in terms.prices]
    volumes = per_code(measured["activity"], codes, "activity", "activity")
    lines = tuple(
        StatementLine(
            price.label,
            volumes[price.code],
            price.unit_price,
            f"{plain(volumes[price.code])} delivered × {pounds(price.unit_price)} unit price.",
        )
        for price in terms.prices
    )
    return Statement(CODE, lines, "Activity-based: each unit delivered at its unit price.")
