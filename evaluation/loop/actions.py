"""Writes of the loop part: evaluation findings (record, edit, approve, withdraw) and
closing a cycle. Each is keyword-only, takes `by=user`, runs in one transaction and
writes an AuditEvent; bad input raises ValidationError naming the field that is wrong.

Who may do what: ICB staff (commissioners and analysts) of the cycle's ICB record and edit
draft findings; those with the APPROVE permission (commissioners) approve, withdraw and
close cycles.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlparse

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from commissioning import access
from commissioning.access import Permission
from commissioning.models import (
    AuditEvent,
    CommissioningCycle,
    Contract,
    CycleStatus,
    Finding,
    FindingStage,
    FindingStatus,
)
from evaluation.models import CycleClosure, LoopEvidenceLink, LoopFindingDetail
from strategy.models import Intervention, Outcome, Priority

CONCERNS = {
    # field: (model, path from the model to its ICB id, noun)
    "priorities": (Priority, "strategy__icb_id", "priority"),
    "outcomes": (Outcome, "priority__strategy__icb_id", "outcome"),
    "interventions": (Intervention, "priority__strategy__icb_id", "intervention"),
    "contracts": (Contract, "commissioner__icb_id", "contract"),
}
MAX_LINKS = 20


def _audit(by, verb: str, obj, **data) -> None:
    AuditEvent.objects.create(
        actor=by, verb=verb, object_type=type(obj).__name__, object_id=str(obj.pk), data=data
    )


def can_record(user, cycle: CommissioningCycle | None = None) -> bool:
    """ICB staff of the cycle's ICB may record and edit draft findings."""
    if not access.is_icb_staff(user):
        return False
    return cycle is None or cycle.icb_id == user.icb.pk


def can_approve(user, cycle: CommissioningCycle | None = None) -> bool:
    """Commissioners (APPROVE permission) of the cycle's ICB approve, withdraw and close."""
    return can_record(user, cycle) and access.has_permission(user, Permission.APPROVE)


def _concerns(by, cycle: CommissioningCycle, field: str, ids: Iterable) -> list:
    """The objects with these ids, each checked to belong to the cycle's ICB."""
    model, icb_path, noun = CONCERNS[field]
    wanted = []
    for raw in ids or ():
        try:
            wanted.append(int(raw))
        except (TypeError, ValueError):
            raise ValidationError(
                {field: f"“{raw}” is not a {noun} id (a whole number)."}
            ) from None
    found = {
        obj.pk: obj
        for obj in access.visible_to(by, model).filter(pk__in=wanted, **{icb_path: cycle.icb_id})
    }
    missing = [pk for pk in wanted if pk not in found]
    if missing:
        raise ValidationError(
            {
                field: f"There is no {noun} with id {missing[0]} in {cycle.icb.name}'s "
                f"strategies and contracts that you can see."
            }
        )
    return [found[pk] for pk in dict.fromkeys(wanted)]


def _clean_links(links: Iterable[dict] | None) -> list[tuple[str, str]]:
    """(label, url) pairs; a URL is a path in this service ("/evaluation/...") or http(s)."""
    cleaned = []
    for number, link in enumerate(links or (), start=1):
        label = str(link.get("label", "")).strip()
        url = str(link.get("url", "")).strip()
        if not label and not url:
            continue
        parsed = urlparse(url)
        internal = url.startswith("/") and not url.startswith("//")
        if not (internal or (parsed.scheme in ("http", "https") and parsed.netloc)):
            raise ValidationError(
                {
                    "links": f"Evidence link {number}: give a web address starting https:// "
                    "or a page of this service starting with /."
                }
            )
        if len(url) > 500 or len(label) > 200:
            raise ValidationError({"links": f"Evidence link {number} is too long."})
        cleaned.append((label or url, url))
    if len(cleaned) > MAX_LINKS:
        raise ValidationError({"links": f"Give at most {MAX_LINKS} evidence links."})
    return cleaned


def _check_text(title: str, summary: str) -> tuple[str, str]:
    title, summary = (title or "").strip(), (summary or "").strip()
    errors = {}
    if not title:
        errors["title"] = "Enter a title for the finding."
    elif len(title) > 200:
        errors["title"] = "The title must be 200 characters or fewer."
    if not summary:
        errors["summary"] = "Enter what was found."
    if errors:
        raise ValidationError(errors)
    return title, summary


def _save_detail(detail: LoopFindingDetail, by, cycle, evidence, links, concerns) -> dict:
    detail.evidence = (evidence or "").strip()
    detail.save()
    chosen = {field: _concerns(by, cycle, field, ids) for field, ids in concerns.items()}
    cleaned = _clean_links(links)
    for field, objects in chosen.items():
        getattr(detail, field).set(objects)
    detail.links.all().delete()
    LoopEvidenceLink.objects.bulk_create(
        LoopEvidenceLink(detail=detail, label=label, url=url) for label, url in cleaned
    )
    return {field: [o.pk for o in objects] for field, objects in chosen.items()}


@transaction.atomic
def record_finding(
    *,
    cycle: CommissioningCycle,
    title: str,
    summary: str,
    evidence: str = "",
    priorities: Iterable = (),
    outcomes: Iterable = (),
    interventions: Iterable = (),
    contracts: Iterable = (),
    links: Iterable[dict] | None = None,
    by,
    history: bool = False,
) -> Finding:
    """Record a draft evaluation finding on `cycle`, with what it concerns and its evidence.
    A closed cycle takes no more findings, unless `history` (loading a past cycle's record,
    as the demo does for a cycle its loader made closed)."""
    if not can_record(by, cycle):
        raise PermissionDenied("Only staff of this ICB can record evaluation findings.")
    if cycle.status == CycleStatus.CLOSED and not history:
        raise ValidationError({"cycle": f"The {cycle.label} cycle is closed."})
    title, summary = _check_text(title, summary)
    finding = Finding.objects.create(
        cycle=cycle, stage=FindingStage.EVALUATION, title=title, summary=summary, created_by=by
    )
    detail = LoopFindingDetail(finding=finding)
    concerns = {
        "priorities": priorities,
        "outcomes": outcomes,
        "interventions": interventions,
        "contracts": contracts,
    }
    ids = _save_detail(detail, by, cycle, evidence, links, concerns)
    _audit(by, "evaluation_finding.record", finding, title=title, cycle=cycle.label, **ids)
    return finding


def _locked_detail(finding: Finding) -> tuple[Finding, LoopFindingDetail]:
    finding = Finding.objects.select_for_update().select_related("cycle__icb").get(pk=finding.pk)
    if finding.stage != FindingStage.EVALUATION:
        raise ValidationError("This is not an evaluation finding.")
    detail, _ = LoopFindingDetail.objects.get_or_create(finding=finding)
    return finding, detail


@transaction.atomic
def edit_finding(
    *,
    finding: Finding,
    title: str,
    summary: str,
    evidence: str = "",
    priorities: Iterable = (),
    outcomes: Iterable = (),
    interventions: Iterable = (),
    contracts: Iterable = (),
    links: Iterable[dict] | None = None,
    by,
) -> Finding:
    """Change a draft finding. Approved and withdrawn findings cannot be changed."""
    finding, detail = _locked_detail(finding)
    if not can_record(by, finding.cycle):
        raise PermissionDenied("Only staff of this ICB can change evaluation findings.")
    if finding.status != FindingStatus.DRAFT:
        raise ValidationError(
            f"This finding is {finding.get_status_display().lower()}, so it cannot be changed."
        )
    before = {"title": finding.title, "summary": finding.summary}
    finding.title, finding.summary = _check_text(title, summary)
    finding.save(update_fields=["title", "summary"])
    concerns = {
        "priorities": priorities,
        "outcomes": outcomes,
        "interventions": interventions,
        "contracts": contracts,
    }
    ids = _save_detail(detail, by, finding.cycle, evidence, links, concerns)
    _audit(by, "evaluation_finding.edit", finding, before=before, title=finding.title, **ids)
    return finding


@transaction.atomic
def approve_finding(*, finding: Finding, by) -> Finding:
    """Approve a draft finding: it becomes the next cycle's starting point."""
    finding, _ = _locked_detail(finding)
    if not can_approve(by, finding.cycle):
        raise PermissionDenied("Only a commissioner of this ICB can approve findings.")
    if finding.status != FindingStatus.DRAFT:
        raise ValidationError(
            f"This finding is {finding.get_status_display().lower()} already; only a draft "
            "can be approved."
        )
    finding.status = FindingStatus.APPROVED
    finding.approved_by = by
    finding.approved_at = timezone.now()
    finding.save(update_fields=["status", "approved_by", "approved_at"])
    _audit(by, "evaluation_finding.approve", finding, title=finding.title)
    return finding


@transaction.atomic
def withdraw_finding(*, finding: Finding, reason: str = "", by) -> Finding:
    """Withdraw a draft or approved finding (it stays on record, marked withdrawn)."""
    finding, detail = _locked_detail(finding)
    if not can_approve(by, finding.cycle):
        raise PermissionDenied("Only a commissioner of this ICB can withdraw findings.")
    if finding.status == FindingStatus.WITHDRAWN:
        raise ValidationError("This finding is withdrawn already.")
    before = finding.status
    finding.status = FindingStatus.WITHDRAWN
    finding.save(update_fields=["status"])
    detail.withdrawn_by, detail.withdrawn_at = by, timezone.now()
    detail.withdrawn_reason = (reason or "").strip()
    detail.save()
    _audit(by, "evaluation_finding.withdraw", finding, before=before, reason=reason)
    return finding


def next_cycle_of(cycle: CommissioningCycle) -> CommissioningCycle | None:
    """The cycle after `cycle`: linked as its next, or the ICB's cycle of the year after."""
    linked = CommissioningCycle.objects.filter(previous=cycle).first()
    if linked:
        return linked
    return CommissioningCycle.objects.filter(
        icb_id=cycle.icb_id, financial_year=cycle.financial_year + 1
    ).first()


def _next_for_closing(cycle: CommissioningCycle) -> tuple[CommissioningCycle, bool]:
    following = next_cycle_of(cycle)
    if following is None:
        following = CommissioningCycle.objects.create(
            icb_id=cycle.icb_id,
            financial_year=cycle.financial_year + 1,
            status=CycleStatus.OPEN,
            previous=cycle,
        )
        return following, True
    following = CommissioningCycle.objects.select_for_update().get(pk=following.pk)
    if following.previous_id not in (None, cycle.pk):
        raise ValidationError(
            f"The {following.label} cycle already follows another cycle, so this one cannot "
            "be closed into it."
        )
    following.previous = cycle
    if following.status == CycleStatus.PLANNED:
        following.status = CycleStatus.OPEN
    following.save(update_fields=["previous", "status"])
    return following, False


@transaction.atomic
def close_cycle(*, cycle: CommissioningCycle, carry: Iterable = (), by) -> CycleClosure:
    """Close `cycle` and open the next (made if missing, linked as next if it exists).

    Approved evaluation findings stay on the closed cycle and become the next cycle's
    starting point. Each draft evaluation finding whose id is in `carry` moves to the next
    cycle (marked as carried); every other draft is withdrawn. Strategies are multi-year:
    they are linked to the cycle they began in and continue, not copied."""
    cycle = CommissioningCycle.objects.select_for_update().select_related("icb").get(pk=cycle.pk)
    if not can_approve(by, cycle):
        raise PermissionDenied("Only a commissioner of this ICB can close a cycle.")
    if CycleClosure.objects.filter(cycle=cycle).exists() or cycle.status == CycleStatus.CLOSED:
        raise ValidationError(f"The {cycle.label} cycle is closed already.")
    if cycle.status != CycleStatus.OPEN:
        raise ValidationError(
            f"The {cycle.label} cycle is {cycle.get_status_display().lower()}, not open, so it "
            "cannot be closed."
        )
    evaluation = cycle.findings.select_for_update().filter(stage=FindingStage.EVALUATION)
    drafts = {f.pk: f for f in evaluation.filter(status=FindingStatus.DRAFT)}
    try:
        chosen = {int(pk) for pk in carry or ()}
    except (TypeError, ValueError):
        raise ValidationError(
            {"carry": "Give the ids of draft findings to carry forward."}
        ) from None
    unknown = sorted(chosen - set(drafts))
    if unknown:
        raise ValidationError(
            {"carry": f"Finding {unknown[0]} is not a draft evaluation finding of {cycle.label}."}
        )
    following, created = _next_for_closing(cycle)
    for pk, finding in drafts.items():
        if pk in chosen:
            finding.cycle = following
            finding.save(update_fields=["cycle"])
            LoopFindingDetail.objects.update_or_create(
                finding=finding, defaults={"carried_from": cycle}
            )
        else:
            reason = f"Not carried forward when {cycle.label} closed"
            withdraw_finding(finding=finding, reason=reason, by=by)
    from evaluation.loop.queries import continuing_strategy_ids

    carried = {
        "approved": list(
            evaluation.filter(status=FindingStatus.APPROVED).values_list("pk", flat=True)
        ),
        "carried_drafts": sorted(chosen),
        "withdrawn_drafts": sorted(set(drafts) - chosen),
        "strategies": continuing_strategy_ids(cycle),
    }
    cycle.status = CycleStatus.CLOSED
    cycle.save(update_fields=["status"])
    closure = CycleClosure.objects.create(
        cycle=cycle, next_cycle=following, next_created=created, closed_by=by, carried=carried
    )
    _audit(by, "cycle.close", cycle, next_cycle=following.label, created=created, **carried)
    return closure
