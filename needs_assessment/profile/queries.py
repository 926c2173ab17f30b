"""Reads of needs profiles and their aggregates for pages and the API.

Every profile is fetched through access.visible_to (ICB staff: their ICB's profiles;
partners: those behind an approved INA; anyone else: none), and aggregates only through
a visible profile. Figures go to partners through profile.controlled.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import QuerySet
from django.http import Http404

from commissioning import access
from commissioning.models import (
    Area,
    AreaLevel,
    PopulationSnapshot,
    SegmentationModel,
    SnapshotStatus,
)
from needs_assessment.models import NeedsProfile, ProfileAggregate, ProfileStatus
from needs_assessment.profile import controlled

PROFILE_LEVELS = (AreaLevel.ICB, AreaLevel.PLACE, AreaLevel.NEIGHBOURHOOD)
ROW_FIELDS = [
    "area_id",
    "measure",
    "breakdown",
    "category",
    "numerator",
    "denominator",
    "value",
    "lower95",
    "upper95",
    "lower998",
    "upper998",
    "unit",
    "method",
    "comparison95",
    "comparison998",
    "publishable",
]
#: Snapshots whose person rows are there to be profiled.
PROFILABLE = (SnapshotStatus.CURRENT, SnapshotStatus.SUPERSEDED)


def profiles_for(user) -> QuerySet:
    """The profiles `user` may see: the newest period first, then the newest profile."""
    return (
        access.visible_to(user, NeedsProfile)
        .select_related("snapshot__icb", "segmentation_model", "run", "created_by")
        .order_by("-snapshot__period_end", "-created_at")
    )


def profile_for(user, pk: int) -> NeedsProfile:
    """One profile `user` may see, or 404."""
    return access.get_visible_or_404(user, profiles_for(user), pk=pk)


def latest_ready_profile(user) -> NeedsProfile | None:
    return profiles_for(user).filter(status=ProfileStatus.READY).first()


def profile_areas(profile: NeedsProfile) -> list[Area]:
    """The ICB, its places and its neighbourhoods, top down and by name."""
    order = {level: i for i, level in enumerate(PROFILE_LEVELS)}
    areas = Area.objects.filter(icb_id=profile.snapshot.icb_id, level__in=PROFILE_LEVELS)
    return sorted(areas, key=lambda a: (order[a.level], a.name))


def profile_area(profile: NeedsProfile, area_pk: int) -> Area:
    """An area of the profile's ICB at a profiled level, or 404."""
    area = (
        Area.objects.filter(pk=area_pk, icb_id=profile.snapshot.icb_id, level__in=PROFILE_LEVELS)
        .select_related("parent")
        .first()
    )
    if area is None:
        raise Http404("No such area in this profile")
    return area


def aggregate_rows(profile: NeedsProfile, *, disclosure: bool, **filters) -> list[dict]:
    """The profile's aggregate rows (dicts with ROW_FIELDS) matching `filters` (e.g.
    area_id=…, measure__in=[…], breakdown=…), disclosure-controlled when `disclosure`.
    With `disclosure`, the count rows of the same groups are read too, so that every row
    is controlled by the size of the group it describes."""
    queryset = ProfileAggregate.objects.filter(profile=profile, **filters)
    rows = list(queryset.values(*ROW_FIELDS))
    if not disclosure:
        return [row | {"suppressed": False} for row in rows]
    sizes = group_sizes(profile, rows)
    return [controlled.control_row(row, sizes) for row in rows]


def group_sizes(profile: NeedsProfile | int, rows: list[dict]) -> controlled.GroupSizes:
    """People in each (area, breakdown, category) group that `rows` (dicts) describe, and
    the groups hidden by secondary suppression (so the areas' whole rows are read too)."""
    areas = {row["area_id"] for row in rows}
    breakdowns = {row["breakdown"] for row in rows} | {controlled.WHOLE}
    counts = ProfileAggregate.objects.filter(
        profile=profile,
        area_id__in=areas,
        breakdown__in=breakdowns,
        measure__in=controlled.COUNT_MEASURES,
    ).values("area_id", "breakdown", "category", "measure", "value")
    return controlled.populations(counts)


def sizes_by_profile(aggregates) -> dict[int, dict[tuple, float]]:
    """group_sizes for ProfileAggregate objects of any number of profiles, by profile id."""
    rows = defaultdict(list)
    for aggregate in aggregates:
        rows[aggregate.profile_id].append(
            {"area_id": aggregate.area_id, "breakdown": aggregate.breakdown}
        )
    return {profile_id: group_sizes(profile_id, found) for profile_id, found in rows.items()}


def snapshots_to_profile(user) -> QuerySet:
    """Loaded snapshots of the user's ICB that a new profile can be computed from."""
    return access.visible_to(user, PopulationSnapshot).filter(status__in=PROFILABLE)


def segmentation_models_for(user) -> QuerySet:
    """Segmentation models the user can choose: the library's and their ICB's, with at
    least one segment."""
    return (
        access.visible_to(user, SegmentationModel)
        .filter(segments__isnull=False)
        .distinct()
        .order_by("name", "-version")
    )


def unfinished_profile(snapshot: PopulationSnapshot, model: SegmentationModel):
    """A profile of this snapshot and model still queued or computing, if any."""
    return (
        NeedsProfile.objects.filter(
            snapshot=snapshot,
            segmentation_model=model,
            status__in=(ProfileStatus.QUEUED, ProfileStatus.COMPUTING),
        )
        .order_by("-created_at")
        .first()
    )
