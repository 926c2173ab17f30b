"""Writes of care pathways (stages and the providers at each) and of the co-design record
(engagement activities). Re-exported by strategy.delivery.actions; the same rules apply:
keyword-only, `by=user`, atomic, audited, refused on approved and published strategies.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from commissioning import access
from commissioning.models import Organisation, OrganisationKind, Segment
from strategy.delivery.guards import audit, lock_editable, raise_if, text
from strategy.models import CarePathway, EngagementActivity, PathwayStage, Priority, Strategy
from strategy.models.interventions import PathwayStageKind

#: Who took part in an engagement activity (stored as the codes).
PARTICIPANT_GROUPS = [
    ("partners", "Partners (local authority, Healthwatch)"),
    ("communities", "Communities"),
    ("lived_experience", "People with lived experience"),
    ("carers", "Carers"),
    ("vcse", "Voluntary and community sector"),
    ("providers", "Providers"),
    ("staff", "Health and care staff"),
]
PARTICIPANT_GROUP_LABELS = dict(PARTICIPANT_GROUPS)


def _priority_error(strategy: Strategy, priority: Priority | None) -> str | None:
    if priority is not None and priority.strategy_id != strategy.pk:
        return "Choose one of this strategy's priorities."
    return None


def _pathway_fields(strategy: Strategy, data: dict, by) -> dict:
    errors: dict = {}
    fields = {
        "name": text(data, "name", errors, required="Enter a name.", limit=200),
        "description": text(data, "description", errors),
        "priority": data.get("priority"),
        "segment": data.get("segment"),
    }
    if message := _priority_error(strategy, fields["priority"]):
        errors["priority"] = message
    segment = fields["segment"]
    if segment is not None and not access.visible_to(by, Segment).filter(pk=segment.pk).exists():
        errors["segment"] = "Choose a segment of a segmentation model your ICB uses."
    raise_if(errors)
    return fields


@transaction.atomic
def add_pathway(*, strategy: Strategy, by, **data) -> CarePathway:
    """A care pathway for a cohort. `data`: name, description, priority (optional, of
    this strategy) and segment (the cohort, optional). Stages are added with
    set_pathway_stage."""
    strategy = lock_editable(strategy, by)
    pathway = CarePathway.objects.create(strategy=strategy, **_pathway_fields(strategy, data, by))
    audit(by, "pathway.add", pathway, name=pathway.name)
    return pathway


@transaction.atomic
def update_pathway(*, pathway: CarePathway, by, **data) -> CarePathway:
    """Replace a pathway's name, description, priority and segment."""
    strategy = lock_editable(pathway.strategy, by)
    fields = _pathway_fields(strategy, data, by)
    for name, value in fields.items():
        setattr(pathway, name, value)
    pathway.save(update_fields=list(fields))
    audit(by, "pathway.update", pathway, name=pathway.name)
    return pathway


@transaction.atomic
def delete_pathway(*, pathway: CarePathway, by) -> None:
    lock_editable(pathway.strategy, by)
    audit(by, "pathway.delete", pathway, name=pathway.name)
    pathway.delete()


def stage_providers(user):
    """Organisations that can be named at a pathway stage: those the user sees, other
    than ICBs (providers, councils, voluntary organisations, practices)."""
    return access.visible_to(user, Organisation).exclude(kind=OrganisationKind.ICB)


@transaction.atomic
def set_pathway_stage(
    *, pathway: CarePathway, stage: str, description: str = "", providers=(), by
) -> PathwayStage:
    """Add a stage to a pathway, or replace it if the pathway has it already: what
    happens there and the providers at it (organisations or their ids)."""
    lock_editable(pathway.strategy, by)
    errors: dict = {}
    if stage not in PathwayStageKind.values:
        errors["stage"] = (
            "Choose a stage: prevention, early intervention, management, crisis or end of life."
        )
    description = text({"description": description}, "description", errors)
    ids = {getattr(p, "pk", p) for p in providers or []}
    chosen = list(stage_providers(by).filter(pk__in=ids))
    if len(chosen) != len(ids):
        errors["providers"] = "One of the providers is not an organisation you can name here."
    raise_if(errors)
    row, created = PathwayStage.objects.update_or_create(
        pathway=pathway, stage=stage, defaults={"description": description}
    )
    row.providers.set(chosen)
    audit(
        by,
        "pathway.stage_add" if created else "pathway.stage_update",
        row,
        pathway=pathway.pk,
        stage=stage,
        providers=sorted(p.pk for p in chosen),
    )
    return row


@transaction.atomic
def remove_pathway_stage(*, stage: PathwayStage, by) -> None:
    lock_editable(stage.pathway.strategy, by)
    audit(by, "pathway.stage_remove", stage, pathway=stage.pathway_id, stage=stage.stage)
    stage.delete()


# ---------------------------------------------------------------------------- engagement


def _engagement_fields(strategy: Strategy, data: dict) -> dict:
    errors: dict = {}
    fields = {
        "title": text(data, "title", errors, required="Enter a title.", limit=200),
        "method": text(data, "method", errors, required="Say how people were engaged.", limit=60),
        "what_they_said": text(data, "what_they_said", errors, required="Say what people said."),
        "what_changed": text(data, "what_changed", errors),
    }
    day = data.get("date")
    if not isinstance(day, date):
        errors["date"] = "Enter the date it took place, for example 14 3 2026."
    elif day > timezone.localdate():
        errors["date"] = "The date must be today or in the past: record what has happened."
    groups = list(dict.fromkeys(data.get("participant_groups") or []))
    unknown = [g for g in groups if g not in PARTICIPANT_GROUP_LABELS]
    if unknown:
        errors["participant_groups"] = f"Unknown group {unknown[0]!r}: choose from the list."
    elif not groups:
        errors["participant_groups"] = "Say who took part."
    participants = data.get("participants")
    if participants in (None, ""):
        participants = 0
    if not isinstance(participants, int) or isinstance(participants, bool) or participants < 0:
        errors["participants"] = "Give the number of people who took part as a whole number."
    priorities = list(data.get("priorities") or [])
    if any(_priority_error(strategy, p) for p in priorities):
        errors["priorities"] = "Choose priorities of this strategy."
    raise_if(errors)
    return fields | {
        "date": day,
        "participant_groups": groups,
        "participants": participants,
        "priorities": priorities,
    }


@transaction.atomic
def add_engagement(*, strategy: Strategy, by, **data) -> EngagementActivity:
    """Record an engagement activity. `data`: title, date (today or earlier), method,
    participant_groups (codes of PARTICIPANT_GROUPS), participants (how many people),
    what_they_said, what_changed as a result, and the priorities it informed."""
    strategy = lock_editable(strategy, by)
    fields = _engagement_fields(strategy, data)
    priorities = fields.pop("priorities")
    activity = EngagementActivity.objects.create(strategy=strategy, created_by=by, **fields)
    activity.priorities.set(priorities)
    audit(by, "engagement.add", activity, title=activity.title, groups=activity.participant_groups)
    return activity


@transaction.atomic
def update_engagement(*, activity: EngagementActivity, by, **data) -> EngagementActivity:
    """Replace an engagement activity's fields (as add_engagement)."""
    strategy = lock_editable(activity.strategy, by)
    fields = _engagement_fields(strategy, data)
    priorities = fields.pop("priorities")
    for name, value in fields.items():
        setattr(activity, name, value)
    activity.save(update_fields=list(fields))
    activity.priorities.set(priorities)
    audit(by, "engagement.update", activity, title=activity.title)
    return activity


@transaction.atomic
def delete_engagement(*, activity: EngagementActivity, by) -> None:
    lock_editable(activity.strategy, by)
    audit(by, "engagement.delete", activity, title=activity.title)
    activity.delete()
