"""The "is the strategy working?" dashboard: for each priority of a strategy, its
outcomes against trajectory with their SPC icons (evaluation.tracking), its
interventions' latest evaluation results (evaluation.plans), the performance of the
contracts whose KPIs feed its outcomes (evaluation.performance), and a cautious verdict
(evaluation.dashboard.verdict); for the strategy, the money planned to move out of
hospital (payor finance plan). ICB staff of the strategy's ICB only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from commissioning.access import visible_to
from commissioning.models import Contract
from evaluation.dashboard.verdict import Verdict, improving_effect, verdict
from evaluation.performance.queries import ContractPerformance, contract_performance
from evaluation.plans.queries import latest_result
from evaluation.tracking.queries import OutcomeTrack, track_strategy
from payor.finance.queries import plan_view
from payor.models import ContractKpi, FinancialPlan
from strategy.models import Intervention, Priority, Strategy

OUT_OF_HOSPITAL = ("community", "primary_care", "prevention", "mental_health")


@dataclass
class InterventionEvidence:
    intervention: Intervention
    result: object | None  # EvaluationResult
    improving: bool = False


@dataclass
class PriorityAnswer:
    priority: Priority
    outcomes: list[OutcomeTrack]
    interventions: list[InterventionEvidence]
    contracts: list[ContractPerformance]
    verdict: Verdict


@dataclass
class PlanShare:
    """The out-of-hospital share of one plan year, and the pounds its change from the
    plan's first year is worth in that year (change in share × that year's spending)."""

    label: str
    share: Decimal
    shifted: Decimal
    change: Decimal  # percentage points against the first year

    @property
    def percent(self) -> str:
        return f"{self.share * 100:.1f}%"


@dataclass
class MoneyShift:
    """Planned spending out of hospital in the plan's first year, the current year and
    its last year."""

    plan: FinancialPlan
    first: PlanShare
    now: PlanShare
    last: PlanShare
    by_setting: list[dict] = field(default_factory=list)

    # Shortcuts kept for the current year.
    @property
    def first_percent(self) -> str:
        return self.first.percent

    @property
    def now_percent(self) -> str:
        return self.now.percent

    @property
    def shifted(self) -> Decimal:
        return self.now.shifted

    @property
    def change_points(self) -> Decimal:
        return self.now.change

    @property
    def now_label(self) -> str:
        return self.now.label


def _interventions(user, priority: Priority, polarity_of) -> list[InterventionEvidence]:
    found = []
    for intervention in visible_to(user, Intervention).filter(priority=priority):
        result = latest_result(user, intervention)
        improving = bool(
            result
            and improving_effect(result.effect, result.lower, result.upper,
                                 polarity_of(intervention))
        )  # fmt: skip
        found.append(InterventionEvidence(intervention, result, improving))
    return found


def _contracts(user, outcome_ids: list[int]) -> list[ContractPerformance]:
    contract_ids = (
        visible_to(user, ContractKpi)
        .filter(outcome_id__in=outcome_ids)
        .values_list("contract_id", flat=True)
        .distinct()
    )
    contracts = visible_to(user, Contract).filter(pk__in=list(contract_ids)).order_by("reference")
    return [contract_performance(user, contract) for contract in contracts]


def answer(user, strategy: Strategy) -> list[PriorityAnswer]:
    """Every priority of the strategy with its evidence and verdict."""
    answers = []
    for tracked in track_strategy(user, strategy):
        outcomes = tracked.outcomes

        def polarity_of(intervention, outcomes=outcomes) -> str:
            for track in outcomes:
                if track.outcome.pk == intervention.outcome_id:
                    return track.direction
            return intervention.outcome.indicator.polarity if intervention.outcome else ""

        evidence = _interventions(user, tracked.priority, polarity_of)
        concerns = sum(
            1 for t in outcomes if t.variation_icon and t.variation_icon.startswith("concern")
        )
        answers.append(
            PriorityAnswer(
                priority=tracked.priority,
                outcomes=outcomes,
                interventions=evidence,
                contracts=_contracts(user, [t.outcome.pk for t in outcomes]),
                verdict=verdict(
                    [t.status for t in outcomes], concerns, sum(e.improving for e in evidence)
                ),
            )
        )
    return answers


def money_shift(user, strategy: Strategy, today_year: int) -> MoneyShift | None:
    """Out-of-hospital share of the ICB's latest financial plan, first year against the
    year `today_year` (the financial year now, 2026 for 2026/27), or None without a plan."""
    plan = (
        visible_to(user, FinancialPlan)
        .filter(icb_id=strategy.icb_id)
        .order_by("-first_year", "-pk")
        .first()
    )
    if plan is None:
        return None
    view = plan_view(plan)
    years = [year.year for year in view.years]
    now = min(max(today_year, years[0]), years[-1])
    first_index, now_index = 0, years.index(now)

    def share(index: int) -> tuple[Decimal, Decimal]:
        total = sum((row["values"][index] for row in view.setting_rows), Decimal("0"))
        out = sum(
            (row["values"][index] for row in view.setting_rows
             if row["setting"] in OUT_OF_HOSPITAL),
            Decimal("0"),
        )  # fmt: skip
        return (out / total if total else Decimal("0")), total

    first_share, _ = share(first_index)

    def year(index: int) -> PlanShare:
        value, total = share(index)
        return PlanShare(
            label=view.years[index].label,
            share=value,
            shifted=((value - first_share) * total).quantize(Decimal("1")),
            change=((value - first_share) * 100).quantize(Decimal("0.1")),
        )

    return MoneyShift(
        plan=plan,
        first=year(first_index),
        now=year(now_index),
        last=year(len(years) - 1),
        by_setting=[
            {
                "label": row["label"],
                "first": row["values"][first_index],
                "now": row["values"][now_index],
            }
            for row in view.setting_rows
        ],  # fmt: skip
    )
