"""Capitated: a rate per head of population, risk-adjusted by segment or risk tier.

Each segment (or tier) has a weight: how much its people need relative to the others.
Weights are normalised by dividing by an average weight, so that they redistribute money
between segments rather than add to it:

- `population` (the default): the average over the contract's own population, so the
  total is always per-head rate × population and risk changes only who it is paid for;
- `reference`: the average over a reference population (say the whole ICB), so a list
  sicker than the reference is paid more than rate × population, a healthier one less;
- `none`: the weights are used as given (already normalised elsewhere).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .errors import TermsError
from .statement import Statement, StatementLine, plain, pounds, pounds_exact
from .values import (
    ONE,
    ZERO,
    build,
    build_items,
    choice,
    measured_inputs,
    money,
    number,
    per_code,
    settle,
    text,
)

CODE = "capitated"
NORMALISATIONS = ("population", "reference", "none")
BASES = ("segment", "tier")


@dataclass(frozen=True)
class PopulationSegment:
    """A population segment or risk tier, its weight, and (for `reference` normalisation)
    how many people of the reference population are in it."""

    code: str
    weight: Decimal = ONE
    description: str = ""
    reference_count: Decimal | None = None

    def __post_init__(self) -> None:
        settle(self, "code", text(self.code, "code"))
        weight = number(self.weight, f"segments[{self.code!r}].weight", above_minimum=True)
        settle(self, "weight", weight)
        settle(self, "description", text(self.description, "description", required=False))
        if self.reference_count is not None:
            count = number(self.reference_count, f"segments[{self.code!r}].reference_count")
            settle(self, "reference_count", count)

    @property
    def label(self) -> str:
        return self.description or self.code


@dataclass(frozen=True)
class CapitatedTerms:
    """Per-head rate for the period, the segments or tiers with weights, and how weights
    are normalised. Measured: `population`, `{segment code: people}`."""

    per_head_rate: Decimal
    segments: tuple[PopulationSegment, ...]
    normalisation: str = "population"
    basis: str = "segment"

    def __post_init__(self) -> None:
        settle(self, "per_head_rate", money(self.per_head_rate, "per_head_rate"))
        settle(self, "segments", build_items(PopulationSegment, self.segments, "segments"))
        choice(self.normalisation, "normalisation", NORMALISATIONS)
        choice(self.basis, "basis", BASES)
        for segment in self.segments:
            has_count = segment.reference_count is not None
            if self.normalisation == "reference" and not has_count:
                field = f"segments[{segment.code!r}].reference_count"
                raise TermsError(field, f"{field} is needed for reference normalisation")
            if self.normalisation != "reference" and has_count:
                raise TermsError(
                    f"segments[{segment.code!r}].reference_count",
                    f"segments[{segment.code!r}].reference_count is only used with normalisation "
                    f"'reference' (normalisation is {self.normalisation!r})",
                )
        if self.normalisation == "reference" and self.reference_population == 0:
            raise TermsError(
                "segments", "the reference population must not be empty (all counts are 0)"
            )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "CapitatedTerms":
        return build(cls, data, "terms")

    @property
    def reference_population(self) -> Decimal:
        return sum((s.reference_count or ZERO for s in self.segments), ZERO)


def average_weight(terms: CapitatedTerms, population: Mapping[str, Decimal]) -> Decimal | None:
    """The weight that normalised weights divide by: 1 for `none`; otherwise the
    people-weighted mean weight of the contract's or the reference population (None when
    the contract's population is empty, and there is nothing to average)."""
    if terms.normalisation == "none":
        return ONE
    if terms.normalisation == "reference":
        counts = {s.code: s.reference_count or ZERO for s in terms.segments}
    else:
        counts = dict(population)
    people = sum(counts.values(), ZERO)
    if people == 0:
        return None
    return sum((counts[s.code] * s.weight for s in terms.segments), ZERO) / people


def capitated_statement(terms: CapitatedTerms, measured: Mapping[str, Any]) -> Statement:
    """One line per segment: people × per-head rate × (weight ÷ average weight)."""
    measured_inputs(measured, required=["population"])
    codes = [s.code for s in terms.segments]
    population = per_code(measured["population"], codes, "population", "population count")
    average = average_weight(terms, population)
    lines = tuple(_segment_line(terms, s, population[s.code], average) for s in terms.segments)
    people = sum(population.values(), ZERO)
    summary = (
        f"Capitated: {pounds(terms.per_head_rate)} per head for {plain(people)} people, "
        f"risk-adjusted by {terms.basis} weights ({_normalisation_words(terms, average)})."
    )
    return Statement(CODE, lines, summary)


def _segment_line(
    terms: CapitatedTerms, segment: PopulationSegment, people: Decimal, average: Decimal | None
) -> StatementLine:
    rate_in = pounds(terms.per_head_rate)
    if average is None:
        rate = terms.per_head_rate * segment.weight
        explanation = "No people counted in the population, so nothing is due."
    elif terms.normalisation == "none":
        rate = terms.per_head_rate * segment.weight
        explanation = (
            f"{plain(people)} people × {rate_in} per head × weight {plain(segment.weight)} "
            f"= {pounds_exact(rate)} per head."
        )
    else:
        relative = segment.weight / average
        rate = terms.per_head_rate * relative
        explanation = (
            f"{plain(people)} people × {rate_in} per head × weight {plain(segment.weight)} "
            f"÷ average weight {plain(average)} (= {plain(relative)}), "
            f"so {pounds_exact(rate)} per head."
        )
    return StatementLine(f"{terms.basis.capitalize()}: {segment.label}", people, rate, explanation)


def _normalisation_words(terms: CapitatedTerms, average: Decimal | None) -> str:
    if terms.normalisation == "none":
        return "weights used as given"
    whose = "this population" if terms.normalisation == "population" else "the reference"
    if average is None:
        return f"normalised to an average of 1 over {whose}"
    return f"normalised to an average of 1 over {whose}: average weight {plain(average)}"
