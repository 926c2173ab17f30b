"""Figures of an outcome's plan as a reader sees them on the pages: thousands
separators, the unit's precision, intervals as "1,234 (1,200 to 1,270)", financial
years as "2026/27", and the plan check's verdict as an NHS.UK tag."""

from __future__ import annotations

from needs_assessment.models import NeedsAssessment
from needs_assessment.profile import measures as profile_measures
from needs_assessment.profile.formatting import NOT_AVAILABLE, is_number
from strategy.delivery import queries
from strategy.delivery.trajectory import financial_year_label
from strategy.models import TrajectoryProfile

VERDICT_TAGS = {
    "adds_up": ("Adds up", "nhsuk-tag--green"),
    "short": ("Falls short", "nhsuk-tag--red"),
    "unchecked": ("Not checked", "nhsuk-tag--grey"),
    "no_baseline": ("No baseline yet", "nhsuk-tag--yellow"),
}


def verdict_key(plan: queries.OutcomePlan) -> str:
    if not plan.baseline.frozen:
        return "no_baseline"
    if not plan.verdict or plan.verdict["adds_up"] is None:
        return "unchecked"
    return "adds_up" if plan.verdict["adds_up"] else "short"


def tag(plan: queries.OutcomePlan) -> dict:
    label, css = VERDICT_TAGS[verdict_key(plan)]
    return {"label": label, "css": css}


def profile_text(outcome) -> str:
    label = TrajectoryProfile(outcome.profile).label
    if outcome.profile == TrajectoryProfile.STEP and outcome.step_year:
        return f"{label} in year {outcome.step_year}"
    return label


def period_text(plan: queries.OutcomePlan) -> str:
    b = plan.baseline
    if not (b.period_start and b.period_end):
        return ""
    return f"{b.period_start:%B %Y} to {b.period_end:%B %Y}"


def baseline_source_text(plan: queries.OutcomePlan) -> str:
    """Where the baseline came from, e.g. "Riverside INA 2025 (needs profile 12), whole
    population, Dobson (Byars)"."""
    source = plan.baseline.source
    if not source:
        return ""
    breakdown = source.get("breakdown", "")
    group = profile_measures.BREAKDOWN_LABELS.get(breakdown, breakdown).lower()
    if breakdown:
        group = f"{group}: {profile_measures.category_label(breakdown, source.get('category', ''))}"
    title = (
        NeedsAssessment.objects.filter(pk=source.get("needs_assessment"))
        .values_list("title", flat=True)
        .first()
    )
    where = (
        f"{title} (needs profile {source.get('profile')})"
        if title
        else (f"Needs profile {source.get('profile')}")
    )
    method = f", {source['method']}" if source.get("method") else ""
    return f"{where}, {group}{method}"


def baseline_year(plan: queries.OutcomePlan) -> str:
    """The baseline's period as a financial year ("2024/25") when it is one (April to
    March), else as months ("Jan 2024 to Dec 2024"); "" when there is no baseline."""
    start, end = plan.baseline.period_start, plan.baseline.period_end
    if not (start and end):
        return ""
    if (start.month, start.day, end.month, end.day) == (4, 1, 3, 31) and end.year == start.year + 1:
        return financial_year_label(start.year)
    return f"{start:%b %Y} to {end:%b %Y}"


def year_labels(plan: queries.OutcomePlan) -> list[str]:
    """Labels of a trajectory's plan years: "Baseline (2024/25)", "2026/27", …"""
    if plan.trajectory is None:
        return []
    when = baseline_year(plan)
    return [
        (f"Baseline ({when})" if when else "Baseline")
        if row.plan_year == 0
        else financial_year_label(row.financial_year) or f"Year {row.plan_year}"
        for row in plan.trajectory.itertuples(index=False)
    ]


def baseline_with_unit(plan: queries.OutcomePlan) -> str:
    """ "9,870 (9,852 to 9,888) per 100,000" or "7.62% (7.57% to 7.67%)"."""
    b = plan.baseline
    if not b.shown:
        return plan.baseline_text
    if plan.unit.strip() == "%" and is_number(b.lower) and is_number(b.upper):
        return f"{plan.fmt(b.value)}% ({plan.fmt(b.lower)}% to {plan.fmt(b.upper)}%)"
    return queries.with_unit(plan.baseline_text, plan.unit)


def outcome_row(plan: queries.OutcomePlan) -> dict:
    outcome = plan.outcome
    return {
        "outcome": outcome,
        "baseline": plan.baseline_text,
        "baseline_unit": baseline_with_unit(plan),
        "period": period_text(plan),
        "target": plan.fmt(outcome.target_value),
        "target_unit": queries.with_unit(plan.fmt(outcome.target_value), plan.unit),
        "profile": profile_text(outcome),
        "tag": tag(plan),
        "verdict": queries.verdict_text(plan),
    }


def trajectory_rows(plan: queries.OutcomePlan) -> list[dict]:
    if plan.trajectory is None:
        return []
    return [
        {
            "year": label,
            "plan_year": row.plan_year,
            "share": f"{row.share:.0%}",
            "value": plan.fmt(row.value),
        }  # fmt: skip
        for label, row in zip(
            year_labels(plan), plan.trajectory.itertuples(index=False), strict=True
        )
    ]


def _ahead_or_short(plan: queries.OutcomePlan, shortfall: float, share: float) -> str:
    if abs(shortfall) < 1e-9:
        return "On the trajectory"
    amount = plan.fmt(abs(shortfall))
    if shortfall > 0:
        return (
            f"{amount} short ({share:.0%} of the change needed)"
            if is_number(share)
            else (f"{amount} short")
        )
    return f"{amount} ahead"


def check_rows(plan: queries.OutcomePlan) -> list[dict]:
    if plan.check is None:
        return []
    return [
        {
            "year": financial_year_label(row.financial_year),
            "trajectory": plan.fmt(row.trajectory),
            "expected": plan.fmt(row.expected),
            "required": plan.fmt(row.required_change),
            "expected_change": plan.fmt(row.expected_change),
            "overlap": plan.fmt(row.overlap),
            "position": _ahead_or_short(plan, row.shortfall, row.shortfall_share),
            "on_track": bool(row.on_track),
        }
        for row in plan.check.itertuples(index=False)
    ]


def people(value) -> str:
    if value == "*":
        return "*"
    return f"{value:,}" if is_number(value) else NOT_AVAILABLE


def intervention_rows(plan: queries.OutcomePlan) -> list[dict]:
    rows = []
    for row in plan.interventions:
        ratio = row.get("rate_ratio")
        rows.append(
            {
                "intervention": row["intervention"],
                "cohort": people(row["cohort_size"]),
                "effect": f"{row['expected_effect']:+.0%}",
                "start": f"Year {row['start_year']}",
                "ratio": f"{ratio:.2f}" if is_number(ratio) else "1 (assumed)",
                "weight": f"{row['weight']:.1%}" if "weight" in row else NOT_AVAILABLE,
                "contribution": plan.fmt(row["contribution"]) if "contribution" in row else "",
            }
        )
    return rows


def aggregate_label(aggregate, unit: str) -> str:
    """A needs profile figure offered as a baseline, e.g. "Whole population: 1,234
    (1,200 to 1,270)" or "IMD decile: 1 (most deprived): 2,010 (1,900 to 2,120)"."""
    breakdown = aggregate.breakdown
    group = profile_measures.BREAKDOWN_LABELS.get(breakdown, breakdown)
    if breakdown:
        group = f"{group}: {profile_measures.category_label(breakdown, aggregate.category)}"
    shown = queries.figure_with_interval(
        aggregate.value, aggregate.lower95, aggregate.upper95, unit
    )
    return f"{group}: {shown}"
