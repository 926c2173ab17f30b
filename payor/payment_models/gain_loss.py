"""Gain/loss share: savings (or overspend) against a baseline, shared between the parties.

Savings are baseline minus actual spend; a negative saving is an overspend. The provider
receives its gain share of savings and bears its loss share of an overspend; the
commissioner keeps (or bears) the rest. The provider's payment is then held between the
collar and the cap: the cap is the most the provider can receive, the collar the most
it can be asked to give back, written as a negative amount (or zero).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .errors import MeasurementError, TermsError
from .statement import Statement, StatementLine, percent, pounds
from .values import ONE, build, measured_inputs, money, settle, share

CODE = "gain_loss"


@dataclass(frozen=True)
class GainLossTerms:
    """Baseline spend, the provider's shares of gains and losses, and the optional cap
    (most paid to the provider, at or above zero) and collar (least paid, that is the
    most the provider repays, at or below zero). Measured: `actual_spend` in pounds."""

    baseline: Decimal
    provider_gain_share: Decimal
    provider_loss_share: Decimal
    cap: Decimal | None = None
    collar: Decimal | None = None

    def __post_init__(self) -> None:
        settle(self, "baseline", money(self.baseline, "baseline"))
        settle(self, "provider_gain_share", share(self.provider_gain_share, "provider_gain_share"))
        settle(self, "provider_loss_share", share(self.provider_loss_share, "provider_loss_share"))
        if self.cap is not None:
            settle(self, "cap", money(self.cap, "cap", signed=True))
        if self.collar is not None:
            settle(self, "collar", money(self.collar, "collar", signed=True))
        if self.cap is not None and self.collar is not None and self.cap < self.collar:
            raise TermsError(
                "cap",
                f"cap ({self.cap}) is below collar ({self.collar}): the cap is the most the "
                "provider can receive and the collar the least, so the cap must not be "
                "below the collar",
            )
        if self.cap is not None and self.cap < 0:
            raise TermsError(
                "cap",
                f"cap must not be negative ({self.cap}): it is the most the provider can "
                "receive for savings",
            )
        if self.collar is not None and self.collar > 0:
            raise TermsError(
                "collar",
                f"collar must not be positive ({self.collar}): it is the most the provider "
                f"can be asked to give back, written as a negative amount (e.g. -{self.collar})",
            )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "GainLossTerms":
        return build(cls, data, "terms")


def gain_loss_statement(terms: GainLossTerms, measured: Mapping[str, Any]) -> Statement:
    """The provider's share of savings (positive) or of an overspend (negative), then a
    line bringing it back to the cap or up to the collar where it passes either."""
    measured_inputs(measured, required=["actual_spend"])
    actual = money(measured["actual_spend"], "actual_spend", error=MeasurementError)
    savings = terms.baseline - actual
    lines = [_share_line(terms, actual, savings)]
    shared = lines[0].amount
    if terms.cap is not None and shared > terms.cap:
        lines.append(
            StatementLine(
                "Cap on the provider's gain share",
                ONE,
                terms.cap - shared,
                f"The provider's share, {pounds(shared)}, is above the cap of "
                f"{pounds(terms.cap)}; the {pounds(shared - terms.cap)} above it is not paid.",
            )
        )
    if terms.collar is not None and shared < terms.collar:
        lines.append(
            StatementLine(
                "Collar on the provider's loss share",
                ONE,
                terms.collar - shared,
                f"The provider's share of the overspend, {pounds(-shared)}, is more than the "
                f"collar of {pounds(-terms.collar)}; the {pounds(terms.collar - shared)} "
                "beyond it falls to the commissioner.",
            )
        )
    summary = (
        f"Gain/loss share against a baseline of {pounds(terms.baseline)}: the provider "
        f"receives {percent(terms.provider_gain_share)} of savings and bears "
        f"{percent(terms.provider_loss_share)} of an overspend{_limits(terms)}."
    )
    return Statement(CODE, tuple(lines), summary)


def _share_line(terms: GainLossTerms, actual: Decimal, savings: Decimal) -> StatementLine:
    spend = f"Baseline {pounds(terms.baseline)} - actual spend {pounds(actual)}"
    if savings > 0:
        provider = terms.provider_gain_share
        commissioner = (ONE - provider) * savings
        return StatementLine(
            "Provider's share of savings against baseline",
            savings,
            provider,
            f"{spend} = savings of {pounds(savings)}; the provider receives "
            f"{percent(provider)} and the commissioner keeps {percent(ONE - provider)} "
            f"({pounds(commissioner)}).",
        )
    if savings < 0:
        provider = terms.provider_loss_share
        commissioner = (ONE - provider) * -savings
        return StatementLine(
            "Provider's share of overspend against baseline",
            savings,
            provider,
            f"{spend} = overspend of {pounds(-savings)}; the provider bears "
            f"{percent(provider)} and the commissioner {percent(ONE - provider)} "
            f"({pounds(commissioner)}).",
        )
    return StatementLine(
        "Spend exactly on baseline",
        savings,
        terms.provider_gain_share,
        f"{spend}: no savings and no overspend, so nothing to share.",
    )


def _limits(terms: GainLossTerms) -> str:
    limits = []
    if terms.cap is not None:
        limits.append(f"a cap of {pounds(terms.cap)}")
    if terms.collar is not None:
        limits.append(f"a collar of {pounds(terms.collar)}")
    return f", within {' and '.join(limits)}" if limits else ""
