"""Outcome-based: a share of the contract value is at risk, earned by outcome achievement.

Each outcome has a floor and a target. Nothing is earned at or short of the floor, all of
the outcome's part of the value at risk at or beyond the target, and a straight-line
share in between. Where lower is better (emergency admissions, say) the floor is the
higher figure and the target the lower. Weights divide the value at risk between
outcomes.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal, localcontext
from typing import Any

from .errors import MeasurementError, TermsError
from .statement import Statement, StatementLine, percent, plain, pounds
from .values import (
    ONE,
    PENNY,
    ZERO,
    build,
    build_items,
    choice,
    measured_inputs,
    money,
    number,
    round_pounds,
    settle,
    share,
    text,
)

CODE = "outcome"
POLARITIES = ("higher", "lower")


@dataclass(frozen=True)
class Outcome:
    """An outcome measure with its weight, floor, target and polarity ('higher' or 'lower'
    is better, as `commissioning.models.Polarity`). A floor equal to the target makes the
    outcome all or nothing."""

    code: str
    weight: Decimal
    floor: Decimal
    target: Decimal
    polarity: str = "higher"
    description: str = ""

    def __post_init__(self) -> None:
        settle(self, "code", text(self.code, "code"))
        settle(self, "weight", number(self.weight, f"outcomes[{self.code!r}].weight"))
        settle(self, "floor", number(self.floor, f"outcomes[{self.code!r}].floor", minimum=None))
        settle(self, "target", number(self.target, f"outcomes[{self.code!r}].target", minimum=None))
        choice(self.polarity, f"outcomes[{self.code!r}].polarity", POLARITIES)
        settle(self, "description", text(self.description, "description", required=False))
        field = f"outcomes[{self.code!r}].floor"
        if self.polarity == "higher" and self.floor > self.target:
            raise TermsError(
                field,
                f"{field} ({self.floor}) is above its target ({self.target}); "
                "where higher is better the floor must be at or below the target",
            )
        if self.polarity == "lower" and self.floor < self.target:
            raise TermsError(
                field,
                f"{field} ({self.floor}) is below its target ({self.target}); "
                "where lower is better the floor must be at or above the target",
            )

    @property
    def label(self) -> str:
        return self.description or self.code


@dataclass(frozen=True)
class OutcomeTerms:
    """Contract value, the share of it at risk, and the outcomes.

    Measured: `achievement`, `{outcome code: measured value}` for every outcome.
    """

    contract_value: Decimal
    share_at_risk: Decimal
    outcomes: tuple[Outcome, ...]

    def __post_init__(self) -> None:
        settle(self, "contract_value", money(self.contract_value, "contract_value"))
        settle(self, "share_at_risk", share(self.share_at_risk, "share_at_risk"))
        settle(self, "outcomes", build_items(Outcome, self.outcomes, "outcomes"))
        if sum((o.weight for o in self.outcomes), ZERO) == 0:
            raise TermsError("outcomes", "outcome weights must not all be zero")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "OutcomeTerms":
        return build(cls, data, "terms")

    @property
    def value_at_risk(self) -> Decimal:
        """Contract value × share at risk, to the penny (worked out exactly, then rounded)."""
        with localcontext(prec=60):
            return round_pounds(self.contract_value * self.share_at_risk)


def earned_fraction(outcome: Outcome, achieved: Decimal) -> Decimal:
    """The share (0 to 1) of an outcome's money earned by `achieved`: 0 at or short of the
    floor, 1 at or beyond the target, on a straight line between."""
    if outcome.polarity == "higher":
        if achieved >= outcome.target:
            return ONE
        if achieved <= outcome.floor:
            return ZERO
        return (achieved - outcome.floor) / (outcome.target - outcome.floor)
    if achieved <= outcome.target:
        return ONE
    if achieved >= outcome.floor:
        return ZERO
    return (outcome.floor - achieved) / (outcome.floor - outcome.target)


def outcome_maxima(terms: OutcomeTerms) -> dict[str, Decimal]:
    """Each outcome's part of the value at risk, in pounds and pence, by weight.

    The value at risk is divided to the penny by the largest-remainder method (pennies
    left over by rounding down go to the largest fractions, first-listed outcome first on
    a tie), so the parts add up to exactly the value at risk and no outcome line, however
    rounded, can take the total past it."""
    total_weight = sum((o.weight for o in terms.outcomes), ZERO)
    exact = {o.code: terms.value_at_risk * o.weight / total_weight for o in terms.outcomes}
    parts = {code: value.quantize(PENNY, rounding=ROUND_DOWN) for code, value in exact.items()}
    pennies = int((terms.value_at_risk - sum(parts.values(), ZERO)) / PENNY)
    order = sorted(exact, key=lambda code: exact[code] - parts[code], reverse=True)
    for code in order[:pennies]:
        parts[code] += PENNY
    return parts


def outcome_statement(terms: OutcomeTerms, measured: Mapping[str, Any]) -> Statement:
    """The part of the contract value not at risk, then one line per outcome: the share
    earned × the outcome's part of the value at risk."""
    measured_inputs(measured, required=["achievement"])
    achievement = _achievement(terms, measured["achievement"])
    maxima = outcome_maxima(terms)
    lines: list[StatementLine] = []
    guaranteed = terms.contract_value - terms.value_at_risk
    if guaranteed:
        lines.append(
            StatementLine(
                "Contract value not at risk",
                ONE,
                guaranteed,
                f"{pounds(terms.contract_value)} less the {percent(terms.share_at_risk)} at "
                f"risk ({pounds(terms.value_at_risk)}).",
            )
        )
    total_weight = sum((o.weight for o in terms.outcomes), ZERO)
    for outcome in terms.outcomes:
        achieved = achievement[outcome.code]
        fraction = earned_fraction(outcome, achieved)
        lines.append(
            StatementLine(
                f"Outcome: {outcome.label}",
                fraction,
                maxima[outcome.code],
                _explain(outcome, achieved, fraction, maxima[outcome.code], total_weight),
            )
        )
    summary = (
        f"Outcome-based: {percent(terms.share_at_risk)} of {pounds(terms.contract_value)} "
        f"({pounds(terms.value_at_risk)}) is at risk, earned by outcome achievement."
    )
    return Statement(CODE, tuple(lines), summary)


def _achievement(terms: OutcomeTerms, values: Any) -> dict[str, Decimal]:
    if not isinstance(values, Mapping):
        raise MeasurementError("achievement", "achievement must be a mapping of code to value")
    codes = [o.code for o in terms.outcomes]
    unknown = sorted(str(code) for code in set(values) - set(codes))
    if unknown:
        raise MeasurementError(
            f"achievement[{unknown[0]!r}]",
            f"achievement has {unknown[0]!r}, which is not one of the contract's outcomes",
        )
    result = {}
    for outcome in terms.outcomes:
        field = f"achievement[{outcome.code!r}]"
        if values.get(outcome.code) is None:
            raise MeasurementError(
                field, f"no measurement of outcome {outcome.code!r} ({outcome.label})"
            )
        result[outcome.code] = number(
            values[outcome.code], field, error=MeasurementError, minimum=None
        )
    return result


def _explain(
    outcome: Outcome, achieved: Decimal, fraction: Decimal, maximum: Decimal, total: Decimal
) -> str:
    better = "higher" if outcome.polarity == "higher" else "lower"
    head = (
        f"Achieved {plain(achieved)} against floor {plain(outcome.floor)} and target "
        f"{plain(outcome.target)} ({better} is better)"
    )
    part = f"{pounds(maximum)} (weight {plain(outcome.weight)} of {plain(total)})"
    if fraction == ONE:
        return f"{head}: target met, so all of {part}."
    if fraction == ZERO:
        return f"{head}: at or short of the floor, so none of {part}."
    if outcome.polarity == "higher":
        sums = f"({plain(achieved)} - {plain(outcome.floor)}) ÷ "
        sums += f"({plain(outcome.target)} - {plain(outcome.floor)})"
    else:
        sums = f"({plain(outcome.floor)} - {plain(achieved)}) ÷ "
        sums += f"({plain(outcome.floor)} - {plain(outcome.target)})"
    return f"{head}: {sums} = {percent(fraction)} of {part}."
