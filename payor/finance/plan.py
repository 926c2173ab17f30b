"""The five-year plan's arithmetic, pure (no ORM): allocation × growth, budgets per year,
surplus or deficit per year.

Growth compounds exactly: year k (0-based) is base × (1 + growth)^k worked out in Decimal
and rounded to the penny once (ROUND_HALF_UP), so a rounded year never feeds the next.
A year balances when spending (the sum of the rounded budget lines) is no more than the
allocation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

from commissioning import financial_years

PENNY = Decimal("0.01")


def grow(base: Decimal, growth: Decimal, years: int) -> list[Decimal]:
    """`years` yearly figures from `base` growing by `growth` (0.03 for 3%) a year, each
    rounded to the penny. grow(1000, 0.03, 3) == [1000.00, 1030.00, 1060.90]."""
    if years < 1:
        raise ValueError("a plan covers at least one year")
    with localcontext(prec=50):
        factor = Decimal(1) + Decimal(growth)
        return [
            (Decimal(base) * factor**k).quantize(PENNY, rounding=ROUND_HALF_UP)
            for k in range(years)
        ]


@dataclass(frozen=True)
class BudgetLine:
    """A budget line as the plan needs it: a label, its first-year budget and growth."""

    key: str
    label: str
    budget: Decimal
    growth: Decimal


@dataclass(frozen=True)
class PlanYear:
    """One year of the plan: `surplus` is allocation - spending (negative = deficit)."""

    year: int
    label: str
    allocation: Decimal
    spending: Decimal
    by_line: dict[str, Decimal]

    @property
    def surplus(self) -> Decimal:
        return self.allocation - self.spending

    @property
    def deficit(self) -> Decimal:
        """How far spending exceeds the allocation (0 when the year balances)."""
        return max(-self.surplus, Decimal("0.00"))

    @property
    def balances(self) -> bool:
        return self.surplus >= 0


def year_label(year: int) -> str:
    """2026 -> '2026/27'."""
    return financial_years.label(year)


def plan_years(
    *,
    first_year: int,
    years: int,
    allocation: Decimal,
    allocation_growth: Decimal,
    lines: Sequence[BudgetLine],
) -> list[PlanYear]:
    """The medium-term plan year by year: allocation, each line's budget, total spending
    and (through PlanYear) the surplus or deficit and whether the year balances."""
    allocations = grow(allocation, allocation_growth, years)
    per_line = {line.key: grow(line.budget, line.growth, years) for line in lines}
    result = []
    for k in range(years):
        by_line = {key: values[k] for key, values in per_line.items()}
        spending = sum(by_line.values(), Decimal("0.00"))
        result.append(
            PlanYear(
                year=first_year + k,
                label=year_label(first_year + k),
                allocation=allocations[k],
                spending=spending,
                by_line=by_line,
            )
        )
    return result


def totals_by_setting(lines: Sequence[tuple[str, list[Decimal]]]) -> dict[str, list[Decimal]]:
    """Add up yearly figures of lines sharing a setting: [(setting, [y1..yn])] in,
    {setting: [y1..yn]} out."""
    totals: dict[str, list[Decimal]] = {}
    for setting, values in lines:
        if setting in totals:
            totals[setting] = [a + b for a, b in zip(totals[setting], values, strict=True)]
        else:
            totals[setting] = list(values)
    return totals
