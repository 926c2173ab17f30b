"""Bundled: one price per pathway episode, covering all the care in the pathway.

A pathway may also have an excess-day rule for outliers, like the long-stay payments of
the NHS tariff: episodes that last longer than the trim point earn `excess_day_price` for
each day beyond it. The data return counts those days (`excess_days`, summed over the
pathway's episodes); the calculator prices them.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .errors import MeasurementError, TermsError
from .statement import Statement, StatementLine, plain, pounds
from .values import (
    ZERO,
    build,
    build_items,
    measured_inputs,
    money,
    per_code,
    settle,
    text,
    whole_number,
)

CODE = "bundled"


@dataclass(frozen=True)
class Pathway:
    """A pathway's episode price and, optionally, its excess-day rule (both terms or
    neither: a trim point in days and a price per day beyond it)."""

    code: str
    episode_price: Decimal
    description: str = ""
    trim_point_days: int | None = None
    excess_day_price: Decimal | None = None

    def __post_init__(self) -> None:
        settle(self, "code", text(self.code, "code"))
        settle(
            self,
            "episode_price",
            money(self.episode_price, f"pathways[{self.code!r}].episode_price"),
        )
        settle(self, "description", text(self.description, "description", required=False))
        if (self.trim_point_days is None) != (self.excess_day_price is None):
            raise TermsError(
                f"pathways[{self.code!r}]",
                f"pathway {self.code!r}: give both trim_point_days and excess_day_price for "
                "an excess-day rule, or neither",
            )
        if self.trim_point_days is not None:
            days = whole_number(self.trim_point_days, f"pathways[{self.code!r}].trim_point_days")
            settle(self, "trim_point_days", days)
            price = money(self.excess_day_price, f"pathways[{self.code!r}].excess_day_price")
            settle(self, "excess_day_price", price)

    @property
    def label(self) -> str:
        return self.description or self.code

    @property
    def has_excess_rule(self) -> bool:
        return self.trim_point_days is not None


@dataclass(frozen=True)
class BundledTerms:
    """The pathways. Measured: `episodes`, `{code: episodes completed}`; and for pathways
    with an excess-day rule, `excess_days`, `{code: days beyond the trim point}`."""

    pathways: tuple[Pathway, ...]

    def __post_init__(self) -> None:
        settle(self, "pathways", build_items(Pathway, self.pathways, "pathways"))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "BundledTerms":
        return build(cls, data, "terms")


def bundled_statement(terms: BundledTerms, measured: Mapping[str, Any]) -> Statement:
    """Per pathway: episodes × episode price; then, for a pathway with an excess-day rule,
    excess days × excess-day price."""
    with_rule = [p.code for p in terms.pathways if p.has_excess_rule]
    required = ["episodes", "excess_days"] if with_rule else ["episodes"]
    measured_inputs(measured, required=required, optional=["excess_days"])
    if not with_rule and measured.get("excess_days"):
        raise MeasurementError("excess_days", "no pathway has an excess-day rule")
    codes = [p.code for p in terms.pathways]
    episodes = per_code(measured["episodes"], codes, "episodes", "episode count", integer=True)
    excess = (
        per_code(measured["excess_days"], with_rule, "excess_days", "excess days", integer=True)
        if with_rule
        else {}
    )
    lines: list[StatementLine] = []
    for pathway in terms.pathways:
        count = episodes[pathway.code]
        lines.append(
            StatementLine(
                f"Episodes: {pathway.label}",
                count,
                pathway.episode_price,
                f"{plain(count)} episodes × {pounds(pathway.episode_price)} per episode.",
            )
        )
        if pathway.has_excess_rule:
            lines.append(_excess_line(pathway, excess.get(pathway.code, ZERO)))
    return Statement(CODE, tuple(lines), "Bundled: a price per pathway episode.")


def _excess_line(pathway: Pathway, days: Decimal) -> StatementLine:
    price = pathway.excess_day_price or ZERO
    if days == 0:
        explanation = f"No episode lasted longer than the {pathway.trim_point_days}-day trim point."
    else:
        explanation = (
            f"{plain(days)} days beyond the {pathway.trim_point_days}-day trim point × "
            f"{pounds(price)} per excess day."
        )
    return StatementLine(f"Excess days: {pathway.label}", days, price, explanation)
