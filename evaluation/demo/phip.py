"""The demo strategy: a five-year Population Health Improvement Plan for the demo ICB's
2025/26 cycle (first year 2025), with three priorities, an outcome each on a library
indicator for the ICB or a place, and interventions starting in plan year 1 (April 2025).

Written through stage 2's actions (strategy.lifecycle, strategy.prioritisation,
strategy.delivery) as the demo commissioner, except two things no stage 2 action can do
without a computed needs profile, done by audited demo actions (evaluation.demo.actions):
the approved needs assessment findings the priorities rest on, and the outcomes'
baselines, which come from the seeded indicator series (2024/25) instead of the profile.
The strategy then goes to consultation, is approved and published.
"""

from __future__ import annotations

import math

from django.db import transaction

from commissioning.models import Area, AreaLevel, CommissioningCycle, Indicator
from evaluation.demo import actions as demo_actions
from strategy.delivery import actions as delivery
from strategy.lifecycle import actions as lifecycle
from strategy.models import Strategy, StrategyStatus
from strategy.prioritisation import actions as prioritisation

TITLE = "Vale and Downs Population Health Improvement Plan 2025 to 2030"
VISION = (
    "People in the Vale and Downs live longer, healthier lives, and the gap between our "
    "most and least deprived neighbourhoods narrows: care moves from hospital to "
    "community, from treating sickness to preventing it."
)
FIRST_YEAR = 2025

# Each priority: title, description, group, finding (title, summary), outcome
# (indicator, area name or None for the ICB, domain, target as a ratio of the baseline,
# profile, owner) and interventions (name, area name or None, cohort, effect, cost, evidence).
# Cohorts and effects match the effects planted in the series (evaluation.demo.series):
# 105,000 of Riverton's 420,000 and 82,500 of Marshfield's 330,000 people with multiple
# long-term conditions at -32% is -8% in each place and -5.9% for the ICB (the target,
# as stage 2 compounds the two);
# 210,000 of Riverton's people at +12% is the +6% more hypertension found there. Talking
# therapies outreach expects +3% recorded depression ICB-wide, but the series has no
# effect planted: the demo's intervention that does not (yet) work.
PRIORITIES = [
    {
        "title": "Reducing emergency admissions for people with multiple long-term conditions",
        "description": "Proactive, joined-up care for people living with two or more "
        "long-term conditions, so fewer of them need an emergency admission.",
        "group": "People with multiple long-term conditions",
        "finding": (
            "Emergency admissions are highest among people with multiple long-term conditions",
            "People with two or more long-term conditions account for over half of "
            "emergency admissions; rates in Riverton are 15% above the ICB average.",
        ),
        "outcome": ("EMADM_DSR", None, "system", 0.942, "linear", "Director of Strategy"),
        "interventions": [
            ("Proactive anticipatory care for people with multiple long-term conditions",
             "Riverton", 105_000, -0.32, "1800000", "moderate"),
            ("Virtual wards and urgent community response", "Marshfield", 82_500, -0.32,
             "2400000", "moderate"),
        ],
    },
    {
        "title": "Hypertension detection and control in Core20 neighbourhoods",
        "description": "Find and treat undiagnosed high blood pressure in the most "
        "deprived 20% of neighbourhoods (Core20PLUS5 clinical area).",
        "group": "Core20",
        "finding": (
            "Hypertension is under-diagnosed in Core20 neighbourhoods",
            "Recorded hypertension prevalence in Riverton's Core20 neighbourhoods is below "
            "what their age and deprivation predict: an estimated 1 in 3 cases is not found.",
        ),
        "outcome": ("HYP_PREV", "Riverton", "clinical", 1.06, "front_loaded",
                    "Riverton place director"),
        "interventions": [
            ("Community blood pressure checks in Core20 neighbourhoods", "Riverton", 210_000,
             0.12, "450000", "strong"),
        ],
    },
    {
        "title": "Improving mental health and access to talking therapies",
        "description": "Earlier recognition and treatment of depression and anxiety, with "
        "outreach to groups who use NHS Talking Therapies least.",
        "group": "Adults with common mental health problems",
        "finding": (
            "Depression is under-recorded and talking therapies under-used",
            "Recorded depression prevalence varies twofold between practices serving similar "
            "populations, and referrals from deprived areas are lowest.",
        ),
        "outcome": ("DEP_PREV", None, "clinical", 1.03, "linear",
                    "Mental health programme lead"),
        "interventions": [
            ("NHS Talking Therapies outreach through community connectors", None, 250_000,
             0.12, "600000", "moderate"),
        ],
    },
]  # fmt: skip


def existing(icb: Area) -> Strategy | None:
    return Strategy.objects.filter(icb=icb, title=TITLE).first()


def _area(icb: Area, name: str | None) -> Area:
    if name is None:
        return icb
    return Area.objects.get(icb=icb, level=AreaLevel.PLACE, name=name)


@transaction.atomic
def seed_strategy(*, icb: Area, by) -> str:
    """Make the demo strategy once (see the module docstring). Returns a one-line summary,
    empty when it was there already. Loads the demo series first (its baselines)."""
    if existing(icb) is not None:
        return ""
    demo_actions.load_series(icb=icb, by=by)
    cycle = CommissioningCycle.objects.get(icb=icb, financial_year=FIRST_YEAR)
    strategy = lifecycle.create_strategy(
        icb=icb, cycle=cycle, level="icb", area=icb, title=TITLE, vision=VISION,
        first_year=FIRST_YEAR, needs_assessment=None, by=by,
    )  # fmt: skip
    findings = demo_actions.record_findings(
        cycle=cycle, findings=[p["finding"] for p in PRIORITIES], by=by
    )
    interventions = 0
    for spec, finding in zip(PRIORITIES, findings, strict=True):
        interventions += _priority(strategy, spec, finding, icb, by)
    for status in (StrategyStatus.CONSULTATION, StrategyStatus.APPROVED, StrategyStatus.PUBLISHED):
        lifecycle.move_to(strategy=strategy, status=status, by=by, note="Demo strategy.")
    return (
        f"strategy {strategy.pk} “{TITLE}” published with {len(PRIORITIES)} priorities and "
        f"{interventions} interventions"
    )


def _towards_baseline(value: float, ratio: float) -> float:
    """value x ratio to 2 places, rounded towards the baseline: the interventions' expected
    effect (sized to the ratio exactly) then meets the target instead of missing it by a
    rounding error."""
    target = value * ratio * 100
    return (math.floor(target) if ratio > 1 else math.ceil(target)) / 100


def _priority(strategy: Strategy, spec: dict, finding, icb: Area, by) -> int:
    priority = prioritisation.raise_priority(
        strategy=strategy, title=spec["title"], description=spec["description"],
        findings=[finding], segment=None, area=None, group=spec["group"], by=by,
    )  # fmt: skip
    code, area_name, domain, ratio, profile, owner = spec["outcome"]
    indicator = Indicator.objects.get(code=code)
    area = _area(icb, area_name)
    baseline = demo_actions.series_baseline(indicator, area)
    target = _towards_baseline(baseline["value"], ratio) if baseline else None
    outcome = delivery.set_outcome(
        priority=priority, indicator=indicator, domain=domain, area=area,
        target_value=target, profile=profile, owner=owner, by=by,
    )  # fmt: skip
    demo_actions.set_baseline_from_series(outcome=outcome, by=by)
    for name, where, cohort, effect, cost, strength in spec["interventions"]:
        delivery.add_intervention(
            priority=priority, by=by, name=name, description="", outcome=outcome,
            segment=None, area=_area(icb, where), cohort_size=cohort,
            evidence_source="NICE and NHS England published evidence",
            evidence_strength=strength, expected_effect=effect, cost_per_year=cost,
            start_year=1,
        )  # fmt: skip
    return len(spec["interventions"])
