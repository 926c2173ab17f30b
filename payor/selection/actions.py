"""Writes of stage 3 selection: PSR decision records (this module) and committees
(payor.selection.committees). Keyword-only, `by=user`, atomic, with an AuditEvent row.

Refusals raise django.core.exceptions.ValidationError with a message that says what is
wrong (a field dict where a field is at fault); role refusals raise PermissionDenied.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from commissioning.access import Permission, has_permission, is_icb_staff
from commissioning.models import AuditEvent, Contract, Organisation
from payor.models import (
    PsrCriterion,
    PsrCriterionKind,
    PsrDecision,
    PsrRepresentation,
    PsrRoute,
    PsrStatus,
    RepresentationStatus,
)
from payor.selection import standstill

WHEN = "%H:%M on %A %-d %B %Y"


def audit(by, verb: str, obj, **data) -> None:
    """One audit row for a write of this part."""
    AuditEvent.objects.create(
        actor=by, verb=verb, object_type=type(obj).__name__, object_id=str(obj.pk), data=data
    )


def require_manager(by) -> None:
    """Only ICB commissioners (and administrators) record selection decisions."""
    if not (is_icb_staff(by) or by.is_superuser) or not has_permission(
        by, Permission.MANAGE_CONTRACTS
    ):
        raise PermissionDenied("Only ICB commissioners may record provider selection decisions.")


def london(moment: dt.datetime) -> str:
    return moment.astimezone(standstill.LONDON).strftime(WHEN)


@transaction.atomic
def record_psr_decision(
    *,
    by,
    reference: str,
    title: str,
    service: str,
    route: str,
    provider: Organisation,
    decision_maker: str,
    decided_on: dt.date,
    criteria: dict[str, tuple[str, str]],
    conflicts_declared: str = "",
    conflicts_managed: str = "",
    estimated_value: Decimal | None = None,
    contract: Contract | None = None,
) -> PsrDecision:
    """Record a provider selection decision with its route, the five key criteria (each
    `criterion code -> (assessment, rationale)`), decision maker and conflicts."""
    require_manager(by)
    errors: dict[str, list[str]] = {}
    if route not in PsrRoute.values:
        errors["route"] = [f"Choose a route: {', '.join(PsrRoute.labels)}."]
    missing = [PsrCriterionKind(c).label for c in PsrCriterionKind.values if c not in criteria]
    unknown = [c for c in criteria if c not in PsrCriterionKind.values]
    if missing:
        errors["criteria"] = [f"Assess every key criterion; missing: {', '.join(missing)}."]
    if unknown:
        errors.setdefault("criteria", []).append(f"Unknown criteria: {', '.join(unknown)}.")
    for code, (assessment, rationale) in criteria.items():
        if code in PsrCriterionKind.values and not (assessment.strip() and rationale.strip()):
            label = PsrCriterionKind(code).label
            errors[f"criteria.{code}"] = [f"Give an assessment and a rationale for {label}."]
    if conflicts_declared.strip() and not conflicts_managed.strip():
        errors["conflicts_managed"] = ["Say how the declared conflicts were managed."]
    if estimated_value is not None and estimated_value < 0:
        errors["estimated_value"] = ["The estimated value cannot be negative."]
    icb = by.icb
    if PsrDecision.objects.filter(icb=icb, reference=reference).exists():
        errors["reference"] = [f"Reference {reference} is already used by another decision."]
    if errors:
        raise ValidationError(errors)
    decision = PsrDecision.objects.create(
        icb=icb, reference=reference, title=title, service=service, route=route,
        provider=provider, contract=contract, estimated_value=estimated_value,
        decision_maker=decision_maker, decided_on=decided_on,
        conflicts_declared=conflicts_declared, conflicts_managed=conflicts_managed,
        created_by=by,
    )  # fmt: skip
    PsrCriterion.objects.bulk_create(
        PsrCriterion(decision=decision, criterion=code, assessment=a.strip(), rationale=r.strip())
        for code, (a, r) in criteria.items()
    )
    audit(by, "psr_decision_recorded", decision, route=route, provider=provider.ods_code)
    return decision


def _locked(decision: PsrDecision) -> PsrDecision:
    return PsrDecision.objects.select_for_update().get(pk=decision.pk)


@transaction.atomic
def publish_notice_of_intention(
    *, by, decision: PsrDecision, published_at: dt.datetime | None = None
) -> PsrDecision:
    """Publish the notice of intention to award; sets the standstill end (reg. 12)."""
    require_manager(by)
    decision = _locked(decision)
    if decision.status != PsrStatus.DRAFT:
        raise ValidationError("The notice of intention has already been published.")
    if not decision.has_standstill:
        raise ValidationError(
            f"{decision.get_route_display()} has no notice of intention or standstill: "
            "award it directly."
        )
    published_at = published_at or timezone.now()
    try:
        decision.standstill_ends_at = standstill.standstill_end(published_at)
    except standstill.OutsideCalendar as error:
        raise ValidationError({"published_at": [str(error)]}) from error
    decision.notice_published_at = published_at
    decision.status = PsrStatus.NOTICE_PUBLISHED
    decision.save(update_fields=["notice_published_at", "standstill_ends_at", "status"])
    ends = decision.standstill_ends_at.isoformat()
    audit(
        by, "psr_notice_published", decision,
        published_at=published_at.isoformat(), standstill_ends_at=ends,
    )  # fmt: skip
    return decision


@transaction.atomic
def record_representation(
    *, by, decision: PsrDecision, made_by: str, summary: str, received_at: dt.datetime
) -> PsrRepresentation:
    """Record a representation received during the standstill period (it stays open)."""
    require_manager(by)
    decision = _locked(decision)
    if decision.status != PsrStatus.NOTICE_PUBLISHED:
        raise ValidationError("Representations are recorded only during the standstill period.")
    if received_at >= decision.standstill_ends_at:
        raise ValidationError(
            {"received_at": [f"The standstill ended at {london(decision.standstill_ends_at)}."]}
        )
    if not (made_by.strip() and summary.strip()):
        raise ValidationError({"summary": ["Say who made the representation and what it says."]})
    rep = PsrRepresentation.objects.create(
        decision=decision, made_by=made_by.strip(), summary=summary.strip(), received_at=received_at
    )
    audit(by, "psr_representation_received", rep, decision=decision.pk, made_by=made_by)
    return rep


@transaction.atomic
def resolve_representation(
    *, by, representation: PsrRepresentation, status: str, outcome: str,
    resolved_at: dt.datetime | None = None,
) -> PsrRepresentation:  # fmt: skip
    """Record the outcome of a representation. If the award continues, the standstill is
    extended to midnight at the end of the 5th working day after the provider is told."""
    require_manager(by)
    decision = _locked(representation.decision)
    rep = PsrRepresentation.objects.select_for_update().get(pk=representation.pk)
    if rep.status != RepresentationStatus.OPEN:
        raise ValidationError("This representation has already been decided.")
    if status not in RepresentationStatus.values or status == RepresentationStatus.OPEN:
        raise ValidationError({"status": ["Choose continue, upheld or withdrawn."]})
    if not outcome.strip():
        raise ValidationError({"outcome": ["Record the outcome and the reasons for it."]})
    rep.status, rep.outcome = status, outcome.strip()
    rep.resolved_at = resolved_at or timezone.now()
    rep.save(update_fields=["status", "outcome", "resolved_at"])
    if status == RepresentationStatus.CONTINUE:
        later = standstill.end_after_representation(rep.resolved_at)
        if later > decision.standstill_ends_at:
            decision.standstill_ends_at = later
            decision.save(update_fields=["standstill_ends_at"])
    audit(by, "psr_representation_resolved", rep, status=status)
    return rep


@transaction.atomic
def award(*, by, decision: PsrDecision, at: dt.datetime | None = None) -> PsrDecision:
    """Award the contract: refused before the standstill ends or while a representation is
    open (the message names the date and time the standstill ends)."""
    require_manager(by)
    decision = _locked(decision)
    at = at or timezone.now()
    if decision.status in (PsrStatus.AWARDED, PsrStatus.PUBLISHED):
        raise ValidationError("This decision has already been awarded.")
    if decision.has_standstill:
        if decision.status != PsrStatus.NOTICE_PUBLISHED:
            raise ValidationError(
                "Publish the notice of intention to award first: the standstill period "
                "must run before the award."
            )
        if at < decision.standstill_ends_at:
            last_day = decision.standstill_ends_at.astimezone(standstill.LONDON).date()
            last_day -= dt.timedelta(days=1)
            raise ValidationError(
                "Award refused: the standstill period ends at midnight at the end of "
                f"{last_day:%A %-d %B %Y}"
                f" (the contract may be awarded from {london(decision.standstill_ends_at)})."
            )
        open_reps = decision.representations.filter(status=RepresentationStatus.OPEN)
        if open_reps.exists():
            names = ", ".join(open_reps.values_list("made_by", flat=True))
            raise ValidationError(
                f"Award refused: a representation from {names} is still open. Record its "
                "outcome first; the standstill stays open until then."
            )
    decision.status, decision.awarded_at = PsrStatus.AWARDED, at
    decision.save(update_fields=["status", "awarded_at"])
    audit(by, "psr_awarded", decision, at=at.isoformat())
    return decision


@transaction.atomic
def publish_award(*, by, decision: PsrDecision, at: dt.datetime | None = None) -> PsrDecision:
    """Record the publication of the award (the confirmation notice)."""
    require_manager(by)
    decision = _locked(decision)
    if decision.status != PsrStatus.AWARDED:
        raise ValidationError("Only an awarded contract can have its award published.")
    decision.status, decision.award_published_at = PsrStatus.PUBLISHED, at or timezone.now()
    decision.save(update_fields=["status", "award_published_at"])
    audit(by, "psr_award_published", decision)
    return decision
