"""Demo data of the loop part: one approved evaluation finding on the demo ICB's 2025/26
cycle about the demo strategy's first priority, so that the 2026/27 needs assessment
opens with it as its starting point. Written through the loop's actions; idempotent."""

from __future__ import annotations

from commissioning.models import CommissioningCycle, FindingStage
from evaluation.loop import actions
from strategy.models import Priority

YEAR = 2025
TITLE = "Year 1: early improvement, but slower than the trajectory"
SUMMARY = (
    "In the first year of the strategy the outcome of the first priority improved on its "
    "baseline, and the SPC chart shows the change after the interventions began. The gain "
    "is smaller than the trajectory asks for, so the next cycle's needs assessment should "
    "look again at who is not yet reached."
)
EVIDENCE = (
    "Monthly indicator series from April 2023; Making Data Count XmR chart with the "
    "intervention start marked; evaluation plan results for the priority's interventions."
)


def seed_demo(*, icb, by) -> str:
    """Record and approve the demo finding once. Returns a one-line summary."""
    cycle = CommissioningCycle.objects.filter(icb=icb, financial_year=YEAR).first()
    if cycle is None:
        return "Findings and the loop: no 2025/26 cycle, nothing added."
    existing = cycle.findings.filter(stage=FindingStage.EVALUATION, title=TITLE).first()
    if existing is not None:
        return f"Findings and the loop: finding {existing.pk} already on {cycle.label}."
    priority = (
        Priority.objects.filter(strategy__icb=icb, strategy__cycle=cycle).order_by("pk").first()
    )
    links = [{"label": "SPC icon summary", "url": "/evaluation/spc/"}]
    finding = actions.record_finding(
        cycle=cycle,
        title=TITLE,
        summary=SUMMARY,
        evidence=EVIDENCE,
        priorities=[priority.pk] if priority else [],
        outcomes=list(priority.outcomes.values_list("pk", flat=True)[:1]) if priority else [],
        links=links,
        by=by,
        history=True,
    )
    actions.approve_finding(finding=finding, by=by)
    about = f" about “{priority.title}”" if priority else ""
    return f"Findings and the loop: approved finding {finding.pk} on {cycle.label}{about}."
