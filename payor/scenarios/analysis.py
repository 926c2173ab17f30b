"""The arithmetic of a resource-shift scenario. Pure: numpy and Decimal, no ORM.

With acute emergency spend E, shift share s, horizon N and a time profile giving the
cumulative share c(t) of the shift made by the end of year t (strategy.delivery.trajectory:
linear t/N, front-loaded, back-loaded, step), the money moved out of acute in year t is

    moved(t) = E × s × c(t)                      (pounds, rounded to the penny)

Of it, a share k goes to community and 1 − k to prevention. While old and new services
overlap (the first D years) acute is still paid a share d of the moved money:

    double_running(t) = moved(t) × d   for t ≤ D, else 0

Activity: the moved money used to pay for moved(t) / cost-per-admission emergency
admissions (cost per admission = E / base admissions). The new services avoid a share e
(the effect) of those; the rest still arrive at hospital and are an unfunded pressure:

    avoided(t)    = e × moved(t) / cost_per_admission
    admissions(t) = base admissions − avoided(t)
    net_cost(t)   = double_running(t) + moved(t) × (1 − e)

so a scenario pays for itself (apart from double running) only when e = 1. The effect is
uncertain: e ~ Normal(mean, sd), clipped to [0, 1], drawn many times from a seed; net
cost and admissions are summarised as P10, P50 and P90 over the draws.

Worked example: E = £100m, s = 5%, N = 3, linear, d = 60% for D = 2 years:
moved £1,666,666.67, £3,333,333.33, £5,000,000.00; double running £1,000,000.00,
£2,000,000.00, £0.00.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from strategy.delivery.trajectory import cumulative_shares

PENNY = Decimal("0.01")
SETTINGS = ["acute", "community", "mental_health", "primary_care", "prevention", "other"]
# Which setting a provider sector's income counts under.
SECTOR_SETTING = {
    "acute": "acute",
    "community": "community",
    "mental_health": "mental_health",
    "primary_care": "primary_care",
    "vcse": "prevention",
}


def pounds(value) -> Decimal:
    """A number as Decimal pounds to the penny (half up)."""
    return Decimal(str(value)).quantize(PENNY, rounding=ROUND_HALF_UP)


@dataclass
class ShiftInputs:
    """Everything the arithmetic needs. Shares are Decimals from 0 to 1."""

    base_spend: dict[str, Decimal]
    emergency_spend: Decimal
    emergency_admissions: int
    shift_share: Decimal
    years: int
    profile: str = "linear"
    step_year: int | None = None
    community_share: Decimal = Decimal("1")
    double_running_share: Decimal = Decimal("0")
    double_running_years: int = 0
    effect_mean: float = 0.0
    effect_sd: float = 0.0
    draws: int = 1000
    seed: int = 1
    allocation: list[Decimal] = field(default_factory=list)


def moved_by_year(inputs: ShiftInputs) -> list[Decimal]:
    """Money moved out of acute emergency care in each year 1..N (cumulative, pounds)."""
    shares = cumulative_shares(inputs.profile, inputs.years, inputs.step_year)
    target = inputs.emergency_spend * inputs.shift_share
    return [pounds(target * Decimal(repr(share))) for share in shares]


def double_running_by_year(inputs: ShiftInputs, moved: list[Decimal]) -> list[Decimal]:
    """The share of moved money still paid to acute in the first D years."""
    return [
        pounds(amount * inputs.double_running_share)
        if year <= inputs.double_running_years
        else Decimal("0.00")
        for year, amount in enumerate(moved, start=1)
    ]


def spend_by_setting(inputs: ShiftInputs, moved: list[Decimal], double: list[Decimal]) -> list:
    """Per year, spend by setting (pounds): acute loses the moved money and keeps the
    double-running payment; community and prevention gain their shares."""
    rows = []
    for amount, extra in zip(moved, double, strict=True):
        to_community = pounds(amount * inputs.community_share)
        spend = {s: pounds(inputs.base_spend.get(s, 0)) for s in SETTINGS}
        spend["acute"] = spend["acute"] - amount + extra
        spend["community"] += to_community
        spend["prevention"] += amount - to_community
        rows.append(spend)
    return rows


def effect_draws(inputs: ShiftInputs) -> np.ndarray:
    """`draws` effect sizes from Normal(mean, sd), clipped to [0, 1], reproducible by seed."""
    rng = np.random.default_rng(inputs.seed)
    return np.clip(rng.normal(inputs.effect_mean, inputs.effect_sd, inputs.draws), 0.0, 1.0)


def uncertainty(inputs: ShiftInputs, moved: list[Decimal], double: list[Decimal]) -> list[dict]:
    """Per year P10/P50/P90 of net cost (pounds) and of emergency admissions.

    Net cost falls and admissions fall as the effect grows, so their percentiles are those
    of the effect taken in reverse order (P10 of net cost is at P90 of the effect), which
    keeps the money in Decimal and the median equal to the central figure when sd is 0."""
    effects = np.percentile(effect_draws(inputs), [90, 50, 10])
    rows = []
    for amount, extra in zip(moved, double, strict=True):
        net, admissions = zip(
            *(central(inputs, amount, extra, float(effect)) for effect in effects), strict=True
        )
        rows.append({"net_cost": list(net), "admissions": list(admissions)})
    return rows


def central(
    inputs: ShiftInputs, amount: Decimal, extra: Decimal, effect: float | None = None
) -> tuple[Decimal, float]:
    """Net cost and admissions at an effect (default the mean), clipped to [0, 1]."""
    chosen = inputs.effect_mean if effect is None else effect
    effect = Decimal(repr(min(max(chosen, 0.0), 1.0)))
    net = pounds(extra + amount * (1 - effect))
    avoided = effect * amount * inputs.emergency_admissions / inputs.emergency_spend
    return net, round(inputs.emergency_admissions - float(avoided), 1)


def check(inputs: ShiftInputs) -> dict[str, str]:
    """What is wrong with the inputs, by field (empty when they can be computed)."""
    errors = {}
    if inputs.emergency_spend <= 0:
        errors["emergency_spend"] = "Enter the acute emergency spend in pounds, more than £0."
    elif inputs.emergency_spend > pounds(inputs.base_spend.get("acute", 0)):
        errors["emergency_spend"] = "Emergency spend cannot be more than the acute spend."
    if inputs.emergency_admissions <= 0:
        errors["emergency_admissions"] = "Enter the number of emergency admissions, more than 0."
    if inputs.allocation and len(inputs.allocation) != inputs.years:
        errors["allocation"] = f"Give one allocation per year: {inputs.years} numbers."
    if inputs.draws < 10 or inputs.draws > 100_000:
        errors["draws"] = "Use from 10 to 100,000 draws."
    if inputs.effect_sd < 0:
        errors["effect_sd"] = "The standard deviation cannot be negative."
    try:
        cumulative_shares(inputs.profile, inputs.years, inputs.step_year)
    except ValueError as exc:
        errors["step_year" if inputs.profile == "step" else "profile"] = str(exc)
    return errors


def scenario_years(inputs: ShiftInputs) -> list[dict]:
    """One dict per year 1..N: year, moved, double_running, spend (by setting), total,
    net_cost and admissions at the mean effect, net_cost_p (P10, P50, P90),
    admissions_p (P10, P50, P90), allocation and headroom (allocation − base total −
    P50 net cost; None without an allocation). Money is Decimal pounds."""
    moved = moved_by_year(inputs)
    double = double_running_by_year(inputs, moved)
    spends = spend_by_setting(inputs, moved, double)
    bands = uncertainty(inputs, moved, double)
    base_total = sum((pounds(inputs.base_spend.get(s, 0)) for s in SETTINGS), Decimal("0.00"))
    rows = []
    for index, (amount, extra) in enumerate(zip(moved, double, strict=True)):
        net, admissions = central(inputs, amount, extra)
        allocation = pounds(inputs.allocation[index]) if inputs.allocation else None
        p50 = bands[index]["net_cost"][1]
        rows.append(
            {
                "year": index + 1,
                "moved": amount,
                "double_running": extra,
                "spend": spends[index],
                "total": sum(spends[index].values(), Decimal("0.00")),
                "net_cost": net,
                "admissions": admissions,
                "net_cost_p": bands[index]["net_cost"],
                "admissions_p": bands[index]["admissions"],
                "allocation": allocation,
                "headroom": None if allocation is None else allocation - base_total - p50,
            }
        )
    return rows
