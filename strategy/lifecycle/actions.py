"""Writes of a strategy's life: keyword-only, by=user, atomic, audited.

States: draft -> consultation -> approved -> published, and back from consultation to
draft. Each change of state is recorded in StrategyApproval with the version it applies
to: the strategy's content is frozen as a StrategyVersion when it moves (the latest
version is reused when nothing has changed since it was taken). Approving and publishing
need the APPROVE permission. Approved and published strategies are read-only;
`start_revision` takes one back to draft as the next version number (see `rules`).

Sharing (ICB commissioners) lets a provider or partner organisation see a strategy in
consultation or approved; a user of a shared organisation comments while it is in
consultation, and ICB staff respond.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max

from commissioning import access
from commissioning.access import Permission
from commissioning.models import (
    Area,
    AreaLevel,
    AuditEvent,
    CommissioningCycle,
    Organisation,
    OrganisationKind,
)
from needs_assessment.models import INAStatus, NeedsAssessment
from strategy.lifecycle import content as content_module
from strategy.lifecycle import rules
from strategy.models import (
    Criterion,
    Priority,
    Strategy,
    StrategyApproval,
    StrategyComment,
    StrategyLevel,
    StrategyShare,
    StrategyStatus,
    StrategyVersion,
)

S = StrategyStatus
MAX_TEXT = 20_000
MAX_COMMENT = 5_000
MAX_NOTE = 300

# The default prioritisation criteria (code, name, description), each with weight 1.
DEFAULT_CRITERIA = (
    ("scale_of_need", "Scale of need", "How many people are affected, and how much."),
    (
        "inequality_gap",
        "Inequality gap",
        "How far the need is concentrated in deprived or underserved groups (Core20PLUS5).",
    ),
    (
        "evidence_and_impact",
        "Strength of evidence and potential impact",
        "How strong the evidence is that action works, and how much it could change.",
    ),
    ("value_for_money", "Value for money", "The expected benefit for the money spent."),
    ("feasibility", "Feasibility", "Whether the system can deliver it: workforce, time, estate."),
    (
        "three_shifts",
        "Fit with the three shifts",
        "Hospital to community, analogue to digital, sickness to prevention.",
    ),
)

# Allowed changes of state: (from, to) -> (permission needed, what the button says).
TRANSITIONS = {
    (S.DRAFT, S.CONSULTATION): (Permission.EDIT_STRATEGY, "Send to consultation"),
    (S.CONSULTATION, S.DRAFT): (Permission.EDIT_STRATEGY, "Return to draft"),
    (S.CONSULTATION, S.APPROVED): (Permission.APPROVE, "Approve"),
    (S.APPROVED, S.PUBLISHED): (Permission.APPROVE, "Publish"),
}


def _audit(by, verb: str, strategy: Strategy, **data) -> None:
    AuditEvent.objects.create(
        actor=by,
        verb=f"strategy.{verb}",
        object_type="strategy",
        object_id=str(strategy.pk),
        data={"version": strategy.version, "status": strategy.status, **data},
    )


def _clean_text(value: str, field: str, *, required: bool, limit: int, what: str) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: f"Enter {what}."})
    if len(value) > limit:
        raise ValidationError(
            {field: f"The {field} is {len(value):,} characters; {limit:,} at most."}
        )
    return value


def _check_area(icb: Area, level: str, area: Area) -> None:
    if level not in StrategyLevel.values:
        raise ValidationError({"level": f"There is no level called {level!r}."})
    if level == StrategyLevel.ICB and area.pk != icb.pk:
        raise ValidationError({"area": "An ICB-level strategy covers the ICB itself."})
    if level == StrategyLevel.FOOTPRINT and (
        area.level != AreaLevel.FOOTPRINT or icb.parent_id != area.pk
    ):
        raise ValidationError({"area": "Choose the multi-ICB footprint the ICB belongs to."})
    if level in (StrategyLevel.PLACE, StrategyLevel.NEIGHBOURHOOD) and (
        area.level != level or area.icb_id != icb.pk
    ):
        raise ValidationError({"area": f"Choose a {level} of {icb.name}."})


@transaction.atomic
def create_strategy(
    *,
    icb: Area,
    cycle: CommissioningCycle,
    level: str,
    area: Area,
    title: str,
    vision: str,
    first_year: int,
    needs_assessment: NeedsAssessment | None,
    by,
) -> Strategy:
    """A new draft strategy (version 1) with the default prioritisation criteria, each
    weighted 1. The INA it builds on, if given, must be an approved one of the same ICB."""
    if not rules.can_edit(by):
        raise PermissionDenied("Only ICB commissioners can start a strategy.")
    if icb.level != AreaLevel.ICB or not (
        access.is_administrator(by) or (by.icb is not None and by.icb.pk == icb.pk)
    ):
        raise PermissionDenied("You can only start strategies for your own ICB.")
    if cycle.icb_id != icb.pk:
        raise ValidationError({"cycle": "This commissioning cycle belongs to another ICB."})
    _check_area(icb, level, area)
    if needs_assessment is not None and (
        needs_assessment.icb_id != icb.pk or needs_assessment.status != INAStatus.APPROVED
    ):
        raise ValidationError(
            {"needs_assessment": "Choose an approved needs assessment of this ICB."}
        )
    if not isinstance(first_year, int) or not 2000 <= first_year <= 2100:
        raise ValidationError({"first_year": "Enter the first financial year, e.g. 2026."})
    strategy = Strategy.objects.create(
        icb=icb,
        cycle=cycle,
        level=level,
        area=area,
        title=_clean_text(title, "title", required=True, limit=200, what="a title"),
        vision=_clean_text(vision, "vision", required=False, limit=MAX_TEXT, what="a vision"),
        first_year=first_year,
        needs_assessment=needs_assessment,
        created_by=by,
    )
    Criterion.objects.bulk_create(
        Criterion(
            strategy=strategy,
            code=code,
            name=name,
            description=description,
            weight=Decimal("1"),
            order=order,
        )
        for order, (code, name, description) in enumerate(DEFAULT_CRITERIA, start=1)
    )
    _audit(by, "create", strategy, cycle=cycle.pk, level=level, area=area.pk)
    return strategy


@transaction.atomic
def update_strategy(*, strategy: Strategy, title: str, vision: str, by) -> Strategy:
    """Change the title and vision of a draft (or a strategy in consultation)."""
    strategy = rules.require_editable(strategy=strategy, by=by)
    strategy.title = _clean_text(title, "title", required=True, limit=200, what="a title")
    strategy.vision = _clean_text(vision, "vision", required=False, limit=MAX_TEXT, what="a vision")
    strategy.save(update_fields=["title", "vision", "updated_at"])
    _audit(by, "update", strategy)
    return strategy


def _latest_version(strategy: Strategy) -> StrategyVersion | None:
    return strategy.versions.order_by("-number").first()


def _freeze(strategy: Strategy, note: str, by) -> StrategyVersion:
    number = (strategy.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    version = StrategyVersion.objects.create(
        strategy=strategy,
        number=number,
        content=content_module.build(strategy),
        note=note,
        created_by=by,
    )
    strategy.version = number
    strategy.save(update_fields=["version", "updated_at"])
    return version


@transaction.atomic
def take_version(*, strategy: Strategy, note: str, by) -> StrategyVersion:
    """Freeze the whole strategy now as the next version number (ICB staff who may edit
    strategies). The version's content is `content.build`."""
    strategy = Strategy.objects.select_for_update().get(pk=strategy.pk)
    if not (rules.can_edit(by) and rules.is_icb_staff_of(by, strategy)):
        raise PermissionDenied("Only ICB commissioners can save a version of a strategy.")
    note = _clean_text(note, "note", required=False, limit=MAX_NOTE, what="a note")
    version = _freeze(strategy, note, by)
    _audit(by, "take_version", strategy, number=version.number)
    return version


def unchanged_since(strategy: Strategy, version: StrategyVersion | None) -> bool:
    """Whether the strategy's content now is exactly what `version` froze."""
    return version is not None and version.content == content_module.build(strategy)


def transition_refusal(current: str, target: str) -> str | None:
    """Why the strategy cannot move from `current` to `target` (None when it can)."""
    if (current, target) in TRANSITIONS:
        return None
    label = S(current).label.lower()
    if current == target:
        return f"The strategy is already {label}."
    if target == S.APPROVED and current == S.DRAFT:
        return "A draft cannot be approved directly: send it to consultation first."
    if target == S.PUBLISHED:
        return "Only an approved strategy can be published: approve it first."
    if current in (S.APPROVED, S.PUBLISHED):
        return (
            f"An {label} strategy is read-only and cannot go back to "
            f"{S(target).label.lower()}. Start a revision to change it."
        )
    return f"A strategy cannot go from {label} to {S(target).label.lower()}."


def _require_priorities(strategy: Strategy, target: str) -> None:
    if (
        target in (S.CONSULTATION, S.APPROVED)
        and not Priority.objects.filter(strategy=strategy).exists()
    ):
        raise ValidationError(
            "The strategy has no priorities yet: raise at least one from the needs "
            "assessment first."
        )


@transaction.atomic
def move_to(*, strategy: Strategy, status: str, by, note: str = "") -> StrategyApproval:
    """Move the strategy to `status`, freezing its content (a new version, or the latest
    if nothing changed) and recording who, when and which version."""
    strategy = Strategy.objects.select_for_update().get(pk=strategy.pk)
    if status not in S.values:
        raise ValidationError(
            {"status": f"There is no status called {status!r}: use one of {', '.join(S.values)}."}
        )
    if not rules.is_icb_staff_of(by, strategy):
        raise PermissionDenied("Only ICB staff of this strategy's ICB can change its status.")
    refusal = transition_refusal(strategy.status, status)
    if refusal:
        raise ValidationError({"status": refusal})
    permission, verb = TRANSITIONS[(strategy.status, status)]
    if not access.has_permission(by, permission):
        raise PermissionDenied(
            f"{verb}: your role may not do this; it needs an ICB commissioner"
            f"{' with approval rights' if permission == Permission.APPROVE else ''}."
        )
    _require_priorities(strategy, status)
    note = _clean_text(note, "note", required=False, limit=MAX_TEXT, what="a note")
    latest = _latest_version(strategy)
    if unchanged_since(strategy, latest):
        version = latest
        strategy.version = latest.number
    else:
        version = _freeze(strategy, f"{verb} (version taken on the change of status)", by)
    approval = StrategyApproval.objects.create(
        strategy=strategy,
        version=version,
        from_status=strategy.status,
        to_status=status,
        by=by,
        note=note,
    )
    strategy.status = status
    if status == S.DRAFT:
        strategy.version = version.number + 1  # the draft will become the next version
    strategy.save(update_fields=["status", "version", "updated_at"])
    _audit(by, "move", strategy, from_status=approval.from_status, number=version.number)
    return approval


@transaction.atomic
def start_revision(*, strategy: Strategy, by, note: str = "") -> StrategyApproval:
    """Take an approved or published strategy back to draft to change it: the approved
    or published content stays frozen as its version, and the draft becomes the next
    version number. Partners no longer see it until the revision is published."""
    strategy = Strategy.objects.select_for_update().get(pk=strategy.pk)
    if not (rules.can_edit(by) and rules.is_icb_staff_of(by, strategy)):
        raise PermissionDenied("Only ICB commissioners can revise a strategy.")
    if strategy.status not in (S.APPROVED, S.PUBLISHED):
        raise ValidationError(
            {
                "status": "Only an approved or published strategy needs a revision; "
                "this one can be changed as it is."
            }
        )
    note = _clean_text(note, "note", required=False, limit=MAX_TEXT, what="a note")
    version = _latest_version(strategy) or _freeze(strategy, "Frozen before revision", by)
    approval = StrategyApproval.objects.create(
        strategy=strategy,
        version=version,
        from_status=strategy.status,
        to_status=S.DRAFT,
        by=by,
        note=note or "Revision started",
    )
    strategy.status = S.DRAFT
    strategy.version = version.number + 1
    strategy.save(update_fields=["status", "version", "updated_at"])
    _audit(by, "revise", strategy, from_status=approval.from_status, number=version.number)
    return approval


# --------------------------------------------------------------------------- consultation


def _require_sharer(strategy: Strategy, by) -> None:
    if not (rules.can_edit(by) and rules.is_icb_staff_of(by, strategy)):
        raise PermissionDenied("Only ICB commissioners can share a strategy.")


@transaction.atomic
def share(*, strategy: Strategy, organisation: Organisation, by) -> StrategyShare:
    """Share the strategy with a provider or partner organisation: its users see it while
    it is in consultation or approved, and comment during consultation."""
    strategy = Strategy.objects.select_for_update().get(pk=strategy.pk)
    _require_sharer(strategy, by)
    if not access.visible_to(by, Organisation).filter(pk=organisation.pk).exists():
        raise ValidationError({"organisation": "Choose an organisation of your ICB."})
    if organisation.kind == OrganisationKind.ICB:
        raise ValidationError(
            {"organisation": "ICB staff already see the strategy: choose a provider or partner."}
        )
    existing = StrategyShare.objects.filter(strategy=strategy, organisation=organisation).first()
    if existing is not None:
        raise ValidationError({"organisation": f"It is already shared with {organisation.name}."})
    shared = StrategyShare.objects.create(
        strategy=strategy, organisation=organisation, shared_by=by
    )
    _audit(by, "share", strategy, organisation=organisation.pk)
    return shared


@transaction.atomic
def unshare(*, strategy: Strategy, organisation: Organisation, by) -> None:
    """Stop sharing with an organisation. Its comments stay, for the ICB to see."""
    strategy = Strategy.objects.select_for_update().get(pk=strategy.pk)
    _require_sharer(strategy, by)
    deleted, _ = StrategyShare.objects.filter(strategy=strategy, organisation=organisation).delete()
    if not deleted:
        raise ValidationError({"organisation": f"It is not shared with {organisation.name}."})
    _audit(by, "unshare", strategy, organisation=organisation.pk)


def can_comment(user, strategy: Strategy) -> bool:
    """A provider or partner user whose organisation the strategy (in consultation) is
    shared with."""
    return (
        strategy.status == S.CONSULTATION
        and access.has_permission(user, Permission.SUBMIT_FEEDBACK)
        and not access.is_icb_staff(user)
        and user.organisation_id is not None
        and StrategyShare.objects.filter(
            strategy=strategy, organisation_id=user.organisation_id
        ).exists()
    )


@transaction.atomic
def add_comment(
    *, strategy: Strategy, text: str, by, priority: Priority | None = None
) -> StrategyComment:
    """A consultation comment on the strategy (or one of its priorities) by a user of a
    shared organisation. Only that organisation and the ICB see it."""
    strategy = Strategy.objects.select_for_update().get(pk=strategy.pk)
    if strategy.status != S.CONSULTATION:
        raise ValidationError(
            f"Comments are taken while the strategy is in consultation; it is "
            f"{strategy.get_status_display().lower()}."
        )
    if not can_comment(by, strategy):
        raise PermissionDenied("Only organisations the strategy is shared with can comment.")
    text = _clean_text(text, "text", required=True, limit=MAX_COMMENT, what="your comment")
    if priority is not None and priority.strategy_id != strategy.pk:
        raise ValidationError({"priority": "Choose a priority of this strategy."})
    comment = StrategyComment.objects.create(
        strategy=strategy,
        version_number=strategy.version,
        author=by,
        organisation_id=by.organisation_id,
        priority=priority,
        text=text,
    )
    _audit(by, "comment", strategy, comment=comment.pk, organisation=by.organisation_id)
    return comment


@transaction.atomic
def respond(*, comment: StrategyComment, response: str, by) -> StrategyComment:
    """The ICB's response to a consultation comment (replaces an earlier response)."""
    comment = (
        StrategyComment.objects.select_for_update().select_related("strategy").get(pk=comment.pk)
    )
    if not rules.is_icb_staff_of(by, comment.strategy):
        raise PermissionDenied("Only ICB staff can respond to consultation comments.")
    comment.response = _clean_text(
        response, "response", required=True, limit=MAX_COMMENT, what="a response"
    )
    comment.save(update_fields=["response"])
    _audit(by, "respond", comment.strategy, comment=comment.pk)
    return comment


@transaction.atomic
def record_export(*, strategy: Strategy, kind: str, by) -> None:
    """Audit a download of the strategy (the printable page or the workbook)."""
    _audit(by, "export", strategy, kind=kind)
