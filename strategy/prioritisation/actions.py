"""Writes of the prioritisation: keyword-only, by=user, atomic, audited.

Who may do what is in rules.py: commissioners change priorities, criteria, weights and the
panel of their ICB's strategies while they are drafts or in consultation; a panel member
with an account scores for themselves only; commissioners record scores for members
without an account. Everything is read-only once the strategy is approved. A refused or
invalid write raises PermissionDenied or ValidationError (naming the field) and saves
nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from commissioning import access
from commissioning.models import (
    Area,
    Finding,
    FindingStage,
    FindingStatus,
    Segment,
)
from strategy.models import Priority, Strategy
from strategy.prioritisation import queries, rules
from strategy.prioritisation.method import (  # noqa: F401  (re-exported)
    DEFAULT_CRITERIA,
    add_criterion,
    add_default_criteria,
    add_panel_member,
    remove_criterion,
    remove_panel_member,
    set_weights,
)
from strategy.prioritisation.rules import audit as _audit
from strategy.prioritisation.rules import can_edit, can_score  # noqa: F401  (re-exported)
from strategy.prioritisation.scoring import record_priority_scores, record_score  # noqa: F401

# --------------------------------------------------------------------------- priorities


def _clean_findings(strategy: Strategy, findings: Iterable[Finding]) -> list[Finding]:
    findings = list(findings or [])
    if not findings:
        raise ValidationError(
            {"findings": "Choose at least one needs assessment finding the priority rests on."}
        )
    problems = []
    for finding in findings:
        if finding.cycle.icb_id != strategy.icb_id:
            problems.append(f"finding {finding.pk} is not one of {strategy.icb.name}'s")
        elif finding.stage != FindingStage.NEEDS_ASSESSMENT:
            stage = finding.get_stage_display().lower()
            problems.append(f"“{finding.title}” is a finding of the {stage} stage")
        elif finding.status != FindingStatus.APPROVED:
            problems.append(
                f"“{finding.title}” is {finding.get_status_display().lower()}, not approved"
            )
    if problems:
        raise ValidationError(
            {
                "findings": "A priority rests on approved needs assessment findings of "
                f"{strategy.icb.name} only: {'; '.join(problems)}."
            }
        )
    return findings


def _clean_cohort(strategy: Strategy, segment, area, group: str, by) -> str:
    if area is not None and (
        area.icb_id != strategy.icb_id or area.level not in queries.COHORT_LEVELS
    ):
        raise ValidationError(
            {"area": f"Choose {strategy.icb.name}, one of its places or one of its neighbourhoods."}
        )
    if segment is not None and not access.visible_to(by, Segment).filter(pk=segment.pk).exists():
        raise ValidationError({"segment": "Choose a segment of your ICB's segmentation models."})
    group = rules.clean_text(group, field="group", label="a group", limit=100, required=False)
    if segment is None and area is None and not group:
        raise ValidationError(
            {
                "segment": "Say who the priority is for: a segment, an area or a group such as "
                "Core20 (or more than one)."
            }
        )
    return group


def _priority_fields(strategy, *, title, description, findings, segment, area, group, by):
    title = rules.clean_text(title, field="title", label="a title", limit=200)
    description = rules.clean_text(
        description, field="description", label="a description", limit=5000, required=False
    )
    findings = _clean_findings(strategy, findings)
    group = _clean_cohort(strategy, segment, area, group, by)
    size = queries.cohort_size(strategy, segment=segment, area=area, group=group)
    fields = {
        "title": title,
        "description": description,
        "segment": segment,
        "area": area,
        "group": group,
        "cohort_size": size,
    }
    return fields, findings


@transaction.atomic
def raise_priority(
    *,
    strategy: Strategy,
    title: str,
    description: str,
    findings: Iterable[Finding],
    segment: Segment | None,
    area: Area | None,
    group: str,
    by,
) -> Priority:
    """Raise a priority for a cohort, resting on approved INA findings of the strategy's
    ICB (findings of another ICB, drafts and withdrawn ones are refused). Its cohort size
    comes from the needs profile where the profile has that figure."""
    strategy = rules.lock_for_edit(strategy, by)
    fields, findings = _priority_fields(
        strategy,
        title=title,
        description=description,
        findings=findings,
        segment=segment,
        area=area,
        group=group,
        by=by,
    )
    priority = Priority.objects.create(strategy=strategy, created_by=by, **fields)
    priority.findings.set(findings)
    _audit(
        by,
        "priority.raise",
        priority,
        strategy=strategy.pk,
        findings=[f.pk for f in findings],
        cohort_size=fields["cohort_size"],
    )
    return priority


@transaction.atomic
def update_priority(
    *,
    priority: Priority,
    title: str,
    description: str,
    findings: Iterable[Finding],
    segment: Segment | None,
    area: Area | None,
    group: str,
    by,
) -> Priority:
    """Change a priority's title, description, evidence or cohort (the same checks as
    raise_priority); its cohort size is looked up again."""
    strategy = rules.lock_for_edit(priority.strategy, by)
    fields, findings = _priority_fields(
        strategy,
        title=title,
        description=description,
        findings=findings,
        segment=segment,
        area=area,
        group=group,
        by=by,
    )
    for name, value in fields.items():
        setattr(priority, name, value)
    priority.save()
    priority.findings.set(findings)
    _audit(
        by,
        "priority.update",
        priority,
        strategy=strategy.pk,
        findings=[f.pk for f in findings],
        cohort_size=fields["cohort_size"],
    )
    return priority
