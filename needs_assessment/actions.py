"""Writes of stage 1 that other parts call (keyword-only, by=user, atomic, audited)."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from commissioning.models import (
    AuditEvent,
    PopulationSnapshot,
    SegmentationModel,
    SnapshotStatus,
)
from commissioning.runs import start_run
from needs_assessment.models import NeedsProfile

PROFILE_RUN_KIND = "needs_profile"
DEFAULT_SEGMENTATION_MODEL = "Greater Manchester population segmentation"


def default_segmentation_model(icb) -> SegmentationModel:
    """The ICB's own published model if it has one, else the shared Greater Manchester one."""
    own = (
        SegmentationModel.objects.filter(icb=icb, is_published=True).order_by("-created_at").first()
    )
    if own:
        return own
    return SegmentationModel.objects.filter(
        icb__isnull=True, name=DEFAULT_SEGMENTATION_MODEL
    ).latest("version")


def previous_snapshot(snapshot: PopulationSnapshot) -> PopulationSnapshot | None:
    """The current snapshot of the period before, for training the risk model."""
    return (
        PopulationSnapshot.objects.filter(
            icb=snapshot.icb, status=SnapshotStatus.CURRENT, period_end__lt=snapshot.period_end
        )
        .order_by("-period_end")
        .first()
    )


@transaction.atomic
def start_needs_profile(
    *,
    snapshot: PopulationSnapshot,
    by,
    segmentation_model: SegmentationModel | None = None,
    partitioned: bool | None = None,
) -> NeedsProfile:
    """Record a needs profile of `snapshot` and queue the worker run that computes it:
    segmentation, risk stratification and every aggregate of the INA. `partitioned`
    splits the work by place across workers (profile.partitioned; the same figures);
    None takes settings.PROFILE_PARTITIONED (off unless set)."""
    if partitioned is None:
        partitioned = settings.PROFILE_PARTITIONED
    model = segmentation_model or default_segmentation_model(snapshot.icb)
    profile = NeedsProfile.objects.create(
        snapshot=snapshot,
        earlier_snapshot=previous_snapshot(snapshot),
        segmentation_model=model,
        created_by=by,
    )
    parameters = {"profile_id": profile.pk} | ({"partitioned": True} if partitioned else {})
    profile.run = start_run(kind=PROFILE_RUN_KIND, by=by, icb=snapshot.icb, parameters=parameters)
    profile.save(update_fields=["run"])
    AuditEvent.objects.create(
        actor=by,
        verb="needs_profile.start",
        object_type="needs_profile",
        object_id=str(profile.pk),
        data={"snapshot": snapshot.pk, "model": model.pk},
    )
    return profile
