"""The payment statement every calculator returns: what is due and why, line by line.

Rounding rule: a line's amount is its quantity × rate, worked out exactly in Decimal and
then rounded to the penny with ROUND_HALF_UP (halves away from zero: £0.005 is £0.01 and
-£0.005 is -£0.01). Nothing else is rounded, so the statement's total is exactly the sum
of its lines, and a reader can check any line with a calculator.
"""

from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from typing import Any

from .values import ZERO, round_pounds


@dataclass(frozen=True)
class StatementLine:
    """One line: `amount` is `quantity × rate` rounded to the penny (computed, not given).

    `quantity` is what was counted or achieved (episodes, people, a share of an outcome
    earned, £ of savings); `rate` is the £ paid per unit of it.
    """

    description: str
    quantity: Decimal
    rate: Decimal
    explanation: str
    amount: Decimal = field(init=False)

    def __post_init__(self) -> None:
        # Enough digits that quantity × rate is exact before its one rounding.
        with localcontext(prec=60):
            object.__setattr__(self, "amount", round_pounds(self.quantity * self.rate))

    def to_dict(self) -> dict[str, str]:
        return {
            "description": self.description,
            "quantity": format(self.quantity, "f"),
            "rate": format(self.rate, "f"),
            "amount": str(self.amount),
            "explanation": self.explanation,
        }


@dataclass(frozen=True)
class Statement:
    """A payment statement for one contract and period under one payment model."""

    payment_model: str
    lines: tuple[StatementLine, ...]
    summary: str = ""

    @property
    def total(self) -> Decimal:
        """The sum of the lines' (already rounded) amounts: what is due for the period."""
        return sum((line.amount for line in self.lines), ZERO.quantize(Decimal("0.01")))

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: money and numbers as strings, so nothing passes through a float."""
        return {
            "payment_model": self.payment_model,
            "summary": self.summary,
            "lines": [line.to_dict() for line in self.lines],
            "total": str(self.total),
        }


def pounds(amount: Decimal) -> str:
    """£1,234.56 (to the penny, for explanations)."""
    sign = "-" if amount < 0 else ""
    return f"{sign}£{abs(round_pounds(amount)):,.2f}"


def pounds_exact(amount: Decimal) -> str:
    """£1,500.00 where the amount is whole pence, else every figure up to six decimals
    (a rate such as £55.555556… per head, which the line multiplies before rounding)."""
    if amount == round_pounds(amount):
        return pounds(amount)
    sign = "-" if amount < 0 else ""
    return f"{sign}£{plain(abs(amount))}"


def plain(value: Decimal, places: int | None = 6) -> str:
    """A number without exponent or trailing zeros; past `places` decimals it is cut short
    and marked with an ellipsis (explanations only: lines keep the exact figures)."""
    normal = value.normalize()
    if normal == 0:
        return "0"
    if places is not None and normal.as_tuple().exponent < -places:  # type: ignore[operator]
        return f"{value.quantize(Decimal(1).scaleb(-places)).normalize():,f}…"
    return f"{normal:,f}"


def percent(share: Decimal) -> str:
    """0.2 -> '20%'."""
    return f"{plain(share * 100, places=4)}%"
