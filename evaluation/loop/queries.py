"""Reads of the loop part: cycles, evaluation findings with what they concern, the
preview of closing a cycle, and the findings shown on the INA, priority and contract
pages. Everything is fetched through `commissioning.access.visible_to`; the loop's pages
are ICB staff's only (anyone else gets 404).
"""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse

from commissioning import access, financial_years
from commissioning.models import (
    CommissioningCycle,
    Contract,
    CycleStatus,
    Finding,
    FindingStage,
    FindingStatus,
)
from evaluation.models import CycleClosure, LoopFindingDetail
from strategy.models import Intervention, Outcome, Priority, Strategy


def require_staff(user) -> None:
    """The loop's pages are for ICB staff: anyone else gets 404."""
    if not access.is_icb_staff(user):
        raise Http404("Not found")


def cycles_for(user):
    """The user's ICB's cycles, newest first."""
    return access.visible_to(user, CommissioningCycle).select_related("icb", "previous")


def cycle_or_404(user, pk: int) -> CommissioningCycle:
    require_staff(user)
    return access.get_visible_or_404(user, cycles_for(user), pk=pk)


def current_cycle(user) -> CommissioningCycle | None:
    """The cycle findings are being recorded on: the earliest open one, else the latest."""
    cycles = cycles_for(user).filter(icb_id=user.icb.pk)
    return (
        cycles.filter(status=CycleStatus.OPEN).order_by("financial_year").first()
        or cycles.order_by("-financial_year").first()
    )


def evaluation_findings(user):
    return (
        access.visible_to(user, Finding)
        .filter(stage=FindingStage.EVALUATION)
        .select_related("cycle", "created_by", "approved_by", "loop_detail")
    )


def findings_for(user, cycle: CommissioningCycle, status: str = ""):
    findings = evaluation_findings(user).filter(cycle=cycle)
    if status in FindingStatus.values:
        findings = findings.filter(status=status)
    return findings.order_by("-created_at", "-pk")


def finding_or_404(user, pk: int) -> Finding:
    require_staff(user)
    return access.get_visible_or_404(user, evaluation_findings(user), pk=pk)


def _strategy_link(name: str, strategy_id: int, **kwargs) -> str:
    return reverse(f"strategy:{name}", kwargs={"pk": strategy_id, **kwargs})


def concern_items(user, detail: LoopFindingDetail | None) -> list[dict]:
    """What a finding concerns, each as {kind, label, url}, only what `user` may see."""
    if detail is None:
        return []
    items = []
    for p in access.visible_to(user, detail.priorities.all()).select_related("strategy"):
        url = _strategy_link("priorities", p.strategy_id) + f"#priority-{p.pk}"
        items.append({"kind": "Priority", "label": p.title, "url": url})
    outcomes = access.visible_to(user, detail.outcomes.all()).select_related(
        "priority", "indicator", "area"
    )
    for o in outcomes:
        url = _strategy_link("outcome-detail", o.priority.strategy_id, outcome_pk=o.pk)
        items.append({"kind": "Outcome", "label": str(o), "url": url})
    for i in access.visible_to(user, detail.interventions.all()).select_related("priority"):
        url = _strategy_link("interventions", i.priority.strategy_id) + f"#intervention-{i.pk}"
        items.append({"kind": "Intervention", "label": i.name, "url": url})
    for c in access.visible_to(user, detail.contracts.all()).select_related("provider"):
        url = reverse("payor:finance-contract", args=[c.pk])
        items.append({"kind": "Contract", "label": f"{c} ({c.provider.name})", "url": url})
    return items


def detail_of(finding: Finding) -> LoopFindingDetail | None:
    try:
        return finding.loop_detail
    except LoopFindingDetail.DoesNotExist:
        return None


def finding_view(user, finding: Finding) -> dict:
    """A finding with its detail, concerns and evidence links, for pages."""
    detail = detail_of(finding)
    return {
        "finding": finding,
        "detail": detail,
        "concerns": concern_items(user, detail),
        "links": list(detail.links.all()) if detail else [],
    }


def concern_choices(user, icb_id: int) -> dict[str, list[tuple[int, str]]]:
    """The ICB's priorities, outcomes, interventions and contracts a finding may concern."""
    priorities = access.visible_to(user, Priority).filter(strategy__icb_id=icb_id)
    outcomes = access.visible_to(user, Outcome).filter(priority__strategy__icb_id=icb_id)
    interventions = access.visible_to(user, Intervention).filter(priority__strategy__icb_id=icb_id)
    contracts = access.visible_to(user, Contract).filter(commissioner__icb_id=icb_id)
    return {
        "priorities": [
            (p.pk, f"{p.title} ({p.strategy.title})")
            for p in priorities.select_related("strategy").order_by("strategy_id", "pk")
        ],
        "outcomes": [
            (o.pk, f"{o} ({o.priority.title})")
            for o in outcomes.select_related("indicator", "area", "priority").order_by("pk")
        ],
        "interventions": [
            (i.pk, f"{i.name} ({i.priority.title})")
            for i in interventions.select_related("priority").order_by("pk")
        ],
        "contracts": [
            (c.pk, f"{c} ({c.provider.name})")
            for c in contracts.select_related("provider").order_by("reference")
        ],
    }


def continuing_strategy_ids(cycle: CommissioningCycle) -> list[int]:
    """The ICB's strategies whose years run into the year after `cycle`."""
    following = cycle.financial_year + 1
    return [
        s.pk
        for s in Strategy.objects.filter(icb_id=cycle.icb_id, first_year__lte=following)
        if s.first_year + s.horizon_years > following
    ]


def closure_preview(user, cycle: CommissioningCycle) -> dict:
    """What closing `cycle` would carry forward and what it would not."""
    from evaluation.loop.actions import next_cycle_of

    findings = findings_for(user, cycle)
    following = next_cycle_of(cycle)
    continuing = set(continuing_strategy_ids(cycle))
    strategies = access.visible_to(user, Strategy).filter(icb_id=cycle.icb_id)
    strategies = strategies.filter(first_year__lte=cycle.financial_year).order_by("first_year")
    closure = CycleClosure.objects.filter(cycle=cycle).select_related("closed_by").first()
    refusal = ""
    if closure or cycle.status == CycleStatus.CLOSED:
        refusal = f"The {cycle.label} cycle is closed already."
    elif cycle.status != CycleStatus.OPEN:
        refusal = f"The {cycle.label} cycle is {cycle.get_status_display().lower()}, not open."
    elif following is not None and following.previous_id not in (None, cycle.pk):
        refusal = f"The {following.label} cycle already follows another cycle."
    return {
        "cycle": cycle,
        "next_label": following.label
        if following
        else financial_years.label(cycle.financial_year + 1),
        "next_exists": following is not None,
        "approved": [f for f in findings if f.status == FindingStatus.APPROVED],
        "drafts": [f for f in findings if f.status == FindingStatus.DRAFT],
        "withdrawn": [f for f in findings if f.status == FindingStatus.WITHDRAWN],
        "continuing": [s for s in strategies if s.pk in continuing],
        "ending": [s for s in strategies if s.pk not in continuing],
        "closure": closure,
        "refusal": refusal,
    }


def starting_point(user, cycle: CommissioningCycle) -> dict | None:
    """The previous cycle's approved evaluation findings, with what they concern, for the
    next cycle's INA (ICB staff only; None when there is nothing to show)."""
    if not access.is_icb_staff(user) or cycle.previous_id is None:
        return None
    findings = (
        evaluation_findings(user)
        .filter(cycle_id=cycle.previous_id, status=FindingStatus.APPROVED)
        .order_by("approved_at", "pk")
    )
    return {
        "previous": cycle.previous,
        "findings": [finding_view(user, f) for f in findings],
    }


def _about(user, field: str, ids) -> dict[int, list[Finding]]:
    """Approved and draft evaluation findings (not withdrawn) concerning each id."""
    found: dict[int, list[Finding]] = {}
    if not access.is_icb_staff(user):
        return found
    details = access.visible_to(user, LoopFindingDetail).filter(**{f"{field}__in": ids})
    details = details.exclude(finding__status=FindingStatus.WITHDRAWN).distinct()
    for detail in details.select_related("finding__cycle").prefetch_related(field):
        for obj in getattr(detail, field).all():
            if obj.pk in ids:
                found.setdefault(obj.pk, []).append(detail.finding)
    return found


def attach_to_priorities(user, views) -> None:
    """Set `evaluation_findings` on each priority view (from strategy.prioritisation.pages)."""
    about = _about(user, "priorities", {v.priority.pk for v in views})
    for view in views:
        view.evaluation_findings = about.get(view.priority.pk, [])


def findings_about_contract(user, contract: Contract) -> list[Finding]:
    """Evaluation findings (not withdrawn) about this contract, for ICB staff."""
    return _about(user, "contracts", {contract.pk}).get(contract.pk, [])
