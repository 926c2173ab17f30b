"""Writes of the INA document: keyword-only, by=user, atomic, audited.

An INA is versioned per cycle. `create_assessment` makes version 1, or the next version
based on the latest one (copying its sections' commentary and its findings, each new
finding pointing back with `carried_from`). Only a draft can change; approval records
who and when, approves the draft's findings, and supersedes the cycle's earlier approved
version (whose findings are withdrawn: the new version's copies replace them). A newer
draft replaces an older draft the same way, so a cycle has at most one draft.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from commissioning import access
from commissioning.access import Permission
from commissioning.models import (
    Area,
    AuditEvent,
    CommissioningCycle,
    Finding,
    FindingStage,
    FindingStatus,
)
from needs_assessment.models import (
    INASection,
    INAStatus,
    NeedsAssessment,
    NeedsAssessmentFinding,
    NeedsAssessmentSection,
    NeedsProfile,
    ProfileAggregate,
    ProfileStatus,
)

MAX_COMMENTARY = 20_000
MAX_EVIDENCE = 20
EVIDENCE_KEYS = {"area", "measure", "breakdown", "category"}


def can_edit(user, assessment: NeedsAssessment | None = None) -> bool:
    """ICB staff (and administrators) write INAs; only drafts can change."""
    if not (access.is_icb_staff(user) or access.is_administrator(user)):
        return False
    if assessment is None:
        return True
    return (
        assessment.status == INAStatus.DRAFT
        and access.visible_to(user, NeedsAssessment).filter(pk=assessment.pk).exists()
    )


def can_approve(user, assessment: NeedsAssessment) -> bool:
    return assessment.status == INAStatus.DRAFT and access.has_permission(
        user, Permission.APPROVE, assessment
    )


def _audit(by, verb: str, assessment: NeedsAssessment, **data) -> None:
    AuditEvent.objects.create(
        actor=by,
        verb=f"needs_assessment.{verb}",
        object_type="needs_assessment",
        object_id=str(assessment.pk),
        data={"version": assessment.version, "cycle": assessment.cycle_id, **data},
    )


def _require_draft(assessment: NeedsAssessment, by) -> NeedsAssessment:
    """Lock the assessment and check that `by` may still change it."""
    locked = NeedsAssessment.objects.select_for_update().get(pk=assessment.pk)
    if not (access.is_icb_staff(by) or access.is_administrator(by)):
        raise PermissionDenied("Only ICB staff can change a needs assessment.")
    if not access.visible_to(by, NeedsAssessment).filter(pk=locked.pk).exists():
        raise PermissionDenied("You cannot change this needs assessment.")
    if locked.status != INAStatus.DRAFT:
        raise ValidationError(
            f"Version {locked.version} is {locked.get_status_display().lower()}, so it is "
            "read-only. Start a new version to make changes."
        )
    return locked


def _clean_title(title: str, field: str = "title") -> str:
    title = (title or "").strip()
    if not title:
        raise ValidationError({field: "Enter a title."})
    if len(title) > 200:
        raise ValidationError({field: f"The title is {len(title)} characters; 200 at most."})
    return title


def _withdraw_findings(assessment: NeedsAssessment) -> None:
    Finding.objects.filter(ina_link__assessment=assessment).exclude(
        status=FindingStatus.WITHDRAWN
    ).update(status=FindingStatus.WITHDRAWN)


@transaction.atomic
def create_assessment(
    *, cycle: CommissioningCycle, profile: NeedsProfile, title: str, by, summary: str = ""
) -> NeedsAssessment:
    """A new draft INA for `cycle` on `profile`: version 1, or the next version based on
    the latest (its commentary and findings copied). A draft it replaces is superseded."""
    if not (access.is_icb_staff(by) or access.is_administrator(by)):
        raise PermissionDenied("Only ICB staff can write a needs assessment.")
    cycle = CommissioningCycle.objects.select_for_update().get(pk=cycle.pk)
    if not access.visible_to(by, CommissioningCycle).filter(pk=cycle.pk).exists():
        raise PermissionDenied("You cannot write a needs assessment for this cycle.")
    if profile.snapshot.icb_id != cycle.icb_id:
        raise ValidationError({"profile": "This needs profile is of another ICB's population."})
    if profile.status == ProfileStatus.FAILED:
        raise ValidationError({"profile": "This needs profile failed; choose another one."})
    title = _clean_title(title)
    latest = NeedsAssessment.objects.filter(cycle=cycle).order_by("-version").first()
    assessment = NeedsAssessment.objects.create(
        icb_id=cycle.icb_id,
        cycle=cycle,
        profile=profile,
        version=latest.version + 1 if latest else 1,
        based_on=latest,
        title=title,
        summary=summary.strip() or (latest.summary if latest else ""),
        created_by=by,
    )
    if latest is not None and latest.status == INAStatus.DRAFT:
        latest.status = INAStatus.SUPERSEDED
        latest.save(update_fields=["status"])
        _withdraw_findings(latest)
    _copy_content(latest, assessment, by)
    _audit(by, "create", assessment, profile=profile.pk, based_on=latest.pk if latest else None)
    return assessment


def _copy_content(source: NeedsAssessment | None, target: NeedsAssessment, by) -> None:
    commentary = dict(source.sections.values_list("key", "commentary")) if source else {}
    NeedsAssessmentSection.objects.bulk_create(
        NeedsAssessmentSection(assessment=target, key=key, commentary=commentary.get(key, ""))
        for key, _ in INASection.choices
    )
    if source is None:
        return
    for link in source.finding_links.select_related("finding").order_by("pk"):
        finding = Finding.objects.create(
            cycle=target.cycle,
            stage=FindingStage.NEEDS_ASSESSMENT,
            title=link.finding.title,
            summary=link.finding.summary,
            created_by=by,
        )
        NeedsAssessmentFinding.objects.create(
            assessment=target,
            section=link.section,
            finding=finding,
            evidence=link.evidence,
            carried_from=link,
        )


@transaction.atomic
def update_section(*, assessment: NeedsAssessment, key: str, commentary: str, by):
    """Replace the commissioner's written key findings of one section of a draft."""
    assessment = _require_draft(assessment, by)
    if key not in INASection.values:
        raise ValidationError({"key": f"There is no section called {key!r}."})
    commentary = (commentary or "").strip()
    if len(commentary) > MAX_COMMENTARY:
        raise ValidationError(
            {
                "commentary": f"The text is {len(commentary):,} characters; "
                f"{MAX_COMMENTARY:,} at most."
            }
        )
    section, _ = NeedsAssessmentSection.objects.update_or_create(
        assessment=assessment, key=key, defaults={"commentary": commentary}
    )
    _audit(by, "update_section", assessment, section=key, characters=len(commentary))
    return section


@transaction.atomic
def update_summary(*, assessment: NeedsAssessment, title: str, summary: str, by):
    """Replace the title and the summary (the INA's opening paragraphs) of a draft."""
    assessment = _require_draft(assessment, by)
    assessment.title = _clean_title(title)
    summary = (summary or "").strip()
    if len(summary) > MAX_COMMENTARY:
        raise ValidationError({"summary": f"The summary is {len(summary):,} characters."})
    assessment.summary = summary
    assessment.save(update_fields=["title", "summary"])
    _audit(by, "update_summary", assessment)
    return assessment


def clean_evidence(assessment: NeedsAssessment, evidence) -> list[dict]:
    """Evidence as stored: [{area, measure, breakdown, category}], each naming a figure the
    assessment's profile has for an area of its ICB. Raises ValidationError saying which
    item is wrong and why."""
    if evidence in (None, ""):
        return []
    if not isinstance(evidence, list):
        raise ValidationError({"evidence": "Evidence must be a list of profile measures."})
    if len(evidence) > MAX_EVIDENCE:
        raise ValidationError({"evidence": f"At most {MAX_EVIDENCE} pieces of evidence."})
    cleaned = []
    for number, item in enumerate(evidence, start=1):
        if not isinstance(item, dict) or not item.get("measure"):
            raise ValidationError({"evidence": f"Evidence {number}: name a profile measure."})
        unknown = set(item) - EVIDENCE_KEYS
        if unknown:
            raise ValidationError(
                {"evidence": f"Evidence {number}: unknown keys {', '.join(sorted(unknown))}."}
            )
        area_id = item.get("area") or assessment.icb_id
        area = Area.objects.filter(pk=area_id, icb_id=assessment.icb_id).first()
        if area is None:
            raise ValidationError({"evidence": f"Evidence {number}: no such area in this ICB."})
        entry = {
            "area": area.pk,
            "measure": str(item["measure"]),
            "breakdown": str(item.get("breakdown") or ""),
            "category": str(item.get("category") or ""),
        }
        lookup = {k: v for k, v in entry.items() if k != "area"}
        if not ProfileAggregate.objects.filter(
            profile_id=assessment.profile_id, area=area, **lookup
        ).exists():
            raise ValidationError(
                {
                    "evidence": f"Evidence {number}: the needs profile has no figure "
                    f"{entry['measure']!r} for {area.name}"
                    + (f" ({entry['breakdown']} {entry['category']})" if entry["breakdown"] else "")
                    + "."
                }
            )
        cleaned.append(entry)
    return cleaned


@transaction.atomic
def add_finding(
    *, assessment: NeedsAssessment, section: str, title: str, summary: str, evidence, by
) -> NeedsAssessmentFinding:
    """A finding of a draft INA: a core Finding (stage needs assessment, on the INA's
    cycle) that strategy priorities can link to, tied to a section with its evidence."""
    assessment = _require_draft(assessment, by)
    if section not in INASection.values:
        raise ValidationError({"section": f"There is no section called {section!r}."})
    title = _clean_title(title)
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError({"summary": "Say what was found."})
    evidence = clean_evidence(assessment, evidence)
    finding = Finding.objects.create(
        cycle_id=assessment.cycle_id,
        stage=FindingStage.NEEDS_ASSESSMENT,
        title=title,
        summary=summary,
        created_by=by,
    )
    link = NeedsAssessmentFinding.objects.create(
        assessment=assessment, section=section, finding=finding, evidence=evidence
    )
    _audit(by, "add_finding", assessment, finding=finding.pk, section=section)
    return link


@transaction.atomic
def remove_finding(*, link: NeedsAssessmentFinding, by) -> None:
    """Take a finding out of a draft (its draft core Finding goes with it)."""
    assessment = _require_draft(link.assessment, by)
    finding_id = link.finding_id
    Finding.objects.filter(pk=finding_id, status=FindingStatus.DRAFT).delete()
    NeedsAssessmentFinding.objects.filter(pk=link.pk).delete()
    _audit(by, "remove_finding", assessment, finding=finding_id)


@transaction.atomic
def approve(*, assessment: NeedsAssessment, by) -> NeedsAssessment:
    """Approve a draft: record who and when, approve its findings, and supersede the
    cycle's earlier approved version. Only users with the APPROVE permission."""
    if not access.has_permission(by, Permission.APPROVE, assessment):
        raise PermissionDenied("Only an ICB commissioner can approve a needs assessment.")
    assessment = NeedsAssessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.status != INAStatus.DRAFT:
        raise ValidationError(
            f"Only a draft can be approved; version {assessment.version} is "
            f"{assessment.get_status_display().lower()}."
        )
    if assessment.profile.status != ProfileStatus.READY:
        raise ValidationError(
            "The needs profile behind this version is not ready yet; approve it once the "
            "profile has been computed."
        )
    earlier = NeedsAssessment.objects.select_for_update().filter(
        cycle_id=assessment.cycle_id, status=INAStatus.APPROVED
    )
    for old in earlier:
        old.status = INAStatus.SUPERSEDED
        old.save(update_fields=["status"])
        _withdraw_findings(old)
        _audit(by, "supersede", old, by_version=assessment.version)
    now = timezone.now()
    assessment.status = INAStatus.APPROVED
    assessment.approved_by = by
    assessment.approved_at = now
    assessment.save(update_fields=["status", "approved_by", "approved_at"])
    approved = Finding.objects.filter(ina_link__assessment=assessment).update(
        status=FindingStatus.APPROVED, approved_by=by, approved_at=now
    )
    _audit(by, "approve", assessment, findings=approved)
    return assessment


@transaction.atomic
def record_export(*, assessment: NeedsAssessment, kind: str, by) -> None:
    """Record who took a (disclosure-controlled) export of the INA out of the system."""
    _audit(by, "export", assessment, kind=kind)
