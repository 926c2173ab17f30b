"""Reads behind the segmentation pages and API: models, versions, snapshots and results.

Every read starts from `commissioning.access.visible_to`. Who may change a model is
decided here once (`can_edit`, `can_copy`, `can_run`) for pages and API alike. Results of
runs are shaped for display with small-number disclosure control for anyone who is not
ICB staff (`run_display`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import Prefetch, Q, QuerySet

from commissioning import access, disclosure
from commissioning.access import Permission
from commissioning.models import (
    PopulationSnapshot,
    Run,
    Segment,
    SegmentationModel,
    SnapshotStatus,
)
from needs_assessment.segmentation.actions import COMPARE_KIND, RUN_KIND, RUNNABLE_SNAPSHOTS
from needs_assessment.segmentation.vocabulary import ACTIVITY_LABELS

KINDS = (RUN_KIND, COMPARE_KIND)


def models_for(user) -> QuerySet:
    """The segmentation models the user may see, with their segments in priority order."""
    segments = access.visible_to(user, Segment).order_by("priority")
    return (
        access.visible_to(user, SegmentationModel)
        .select_related("icb", "based_on", "created_by")
        .prefetch_related(Prefetch("segments", queryset=segments))
    )


def get_model_or_404(user, pk: int) -> SegmentationModel:
    return access.get_visible_or_404(user, models_for(user), pk=pk)


@dataclass
class ModelFamily:
    """All versions of one model (same owner and name), newest first."""

    name: str
    icb: object
    versions: list[SegmentationModel] = field(default_factory=list)

    @property
    def latest(self) -> SegmentationModel:
        return self.versions[0]

    @property
    def published(self) -> SegmentationModel | None:
        return next((m for m in self.versions if m.is_published), None)

    @property
    def draft(self) -> SegmentationModel | None:
        return next((m for m in self.versions if not m.is_published), None)


def families_for(user) -> tuple[list[ModelFamily], list[ModelFamily]]:
    """(library families, the user's ICB's families), each sorted by name."""
    models = models_for(user).order_by("icb_id", "name", "-version")
    families = [
        ModelFamily(name=name, icb=versions[0].icb, versions=versions)
        for (_, name), versions in (
            (key, list(group)) for key, group in groupby(models, lambda m: (m.icb_id, m.name))
        )
    ]
    library = sorted((f for f in families if f.icb is None), key=lambda f: f.name.lower())
    own = sorted((f for f in families if f.icb is not None), key=lambda f: f.name.lower())
    return library, own


def versions_of(user, model: SegmentationModel) -> list[SegmentationModel]:
    """Every version of the model's family that the user may see, newest first."""
    return list(
        access.visible_to(user, SegmentationModel)
        .filter(icb_id=model.icb_id, name=model.name)
        .select_related("created_by")
        .order_by("-version")
    )


def draft_of(model: SegmentationModel) -> SegmentationModel | None:
    """The family's draft version, if there is one (at most one at a time)."""
    return (
        SegmentationModel.objects.filter(icb_id=model.icb_id, name=model.name, is_published=False)
        .order_by("-version")
        .first()
    )


def can_copy(user) -> bool:
    """ICB staff (and administrators with an ICB) may copy models into their ICB."""
    return access.has_permission(user, Permission.RUN_ANALYSES) and user.icb is not None


def can_edit(user, model: SegmentationModel) -> bool:
    """Only staff of the ICB that owns the model may edit or publish it; library models
    (no ICB) are only ever copied."""
    if model.icb_id is None or not access.has_permission(user, Permission.RUN_ANALYSES, model):
        return False
    return access.is_administrator(user) or (user.icb is not None and user.icb.pk == model.icb_id)


def can_run(user) -> bool:
    """Whether the user may run models on their ICB's population data."""
    return can_copy(user)


def runnable_snapshots(user) -> list[PopulationSnapshot]:
    """The loaded snapshots of the user's ICB, newest period first (current before
    superseded), that a model can be run on."""
    icb = user.icb if user.organisation_id else None
    if icb is None:
        return []
    snapshots = access.visible_to(user, PopulationSnapshot).filter(
        icb=icb, status__in=RUNNABLE_SNAPSHOTS
    )
    return sorted(
        snapshots, key=lambda s: (s.status != SnapshotStatus.CURRENT, -s.period_end.toordinal())
    )


def runs_of_model(user, model: SegmentationModel, limit: int = 10) -> list[Run]:
    """The newest runs (and comparisons) that used this model, that the user may see."""
    runs = (
        access.visible_to(user, Run)
        .filter(
            Q(kind=RUN_KIND, parameters__model__id=model.pk)
            | Q(kind=COMPARE_KIND, parameters__model_a__id=model.pk)
            | Q(kind=COMPARE_KIND, parameters__model_b__id=model.pk)
        )
        .select_related("started_by")
        .order_by("-created_at")[:limit]
    )
    return list(runs)


def recent_comparisons(user, limit: int = 10) -> list[Run]:
    return list(
        access.visible_to(user, Run)
        .filter(kind=COMPARE_KIND)
        .select_related("started_by")
        .order_by("-created_at")[:limit]
    )


def get_run_or_404(user, pk: int) -> Run:
    """A segmentation run or comparison the user may see, or 404."""
    return access.get_visible_or_404(
        user, Run.objects.filter(kind__in=KINDS).select_related("started_by", "icb"), pk=pk
    )


def run_snapshot(user, run: Run) -> PopulationSnapshot | None:
    snapshot_id = (run.parameters or {}).get("snapshot_id")
    return access.visible_to(user, PopulationSnapshot).filter(pk=snapshot_id).first()


# --------------------------------------------------------------------------- results


def _count(value, controlled: bool):
    return disclosure.controlled_count(value) if controlled else value


def _per(numerator, denominator, per: float, controlled: bool):
    if controlled:
        return disclosure.controlled_rate(numerator, denominator, per=per)
    return numerator / denominator * per if denominator else None


def _mean(total, n, controlled: bool):
    if controlled:
        return disclosure.controlled_mean(total, n)
    return total / n if n else None


UNASSIGNED_CELL = "\0unassigned"  # a key no segment code can be


def sizes_display(result: dict, controlled: bool) -> dict:
    """A segmentation run's result for a page or chart: every count exact for ICB staff,
    disclosure-controlled for anyone else (counts of 1-7 as "*", others to the nearest 5,
    shares and rates from rounded parts, means only where n >= 8, and a segment's cost
    withheld where its people are)."""
    total = result.get("people", 0)
    segments = result.get("segments", [])
    # Segments (and the unassigned) sum to the total: with disclosure control, suppress
    # more where the rounded total would back out a suppressed segment (controlled_table).
    people = {seg["code"]: seg["people"] for seg in segments}
    people[UNASSIGNED_CELL] = result.get("unassigned", 0)
    secondary = set()
    if controlled:
        shown, _ = disclosure.controlled_table(people, total)
        secondary = {k for k, v in shown.items() if v != disclosure.controlled_count(people[k])}
    rows = []
    for seg in segments:
        n = seg["people"]
        row = {
            "code": seg["code"],
            "name": seg["name"],
            "colour": seg["colour"],
            "priority": seg["priority"],
            "people": _count(n, controlled),
            "share": _per(n, total, 100.0, controlled),
            "cost": seg.get("cost"),
            "cost_per_head": _mean(seg.get("cost") or 0.0, n, controlled),
            "activity": [
                {
                    "label": label,
                    "total": _count(seg.get(name, 0), controlled),
                    "per_1000": _per(seg.get(name, 0), n, 1000.0, controlled),
                }
                for name, label in ACTIVITY_LABELS.items()
                if name in seg
            ],
        }
        if seg["code"] in secondary:  # nothing that would give its rounded size away
            row.update(people=disclosure.SUPPRESSED, share=disclosure.SUPPRESSED)
            row["cost_per_head"] = disclosure.SUPPRESSED
            for item in row["activity"]:
                item["per_1000"] = disclosure.SUPPRESSED
        if controlled and not isinstance(row["people"], int):
            row["cost"] = disclosure.SUPPRESSED
        rows.append(row)
    return {
        "people": _count(total, controlled),
        "cost": result.get("cost"),
        "unassigned": disclosure.SUPPRESSED
        if UNASSIGNED_CELL in secondary
        else _count(result.get("unassigned", 0), controlled),
        "rows": rows,
        "activity_labels": [a["label"] for a in rows[0]["activity"]] if rows else [],
    }


def flows_display(result: dict, controlled: bool) -> dict:
    """A comparison's result for a page or chart: the crosstab (rows: model A's segments,
    columns: model B's), the non-zero flows largest first, and each side's sizes, with
    counts disclosure-controlled for anyone who is not ICB staff (totals rounded on their
    own, never summed from rounded cells)."""
    side_a = [dict(s, people=_count(s["people"], controlled)) for s in result["segments_a"]]
    side_b = [dict(s, people=_count(s["people"], controlled)) for s in result["segments_b"]]
    cells = {(f["from_code"], f["to_code"]): f["people"] for f in result["flows"]}
    matrix = [
        {
            "name": a["name"],
            "colour": a["colour"],
            "cells": [_count(cells.get((a["code"], b["code"]), 0), controlled) for b in side_b],
            "total": a["people"],
        }
        for a in side_a
    ]
    flows = sorted((f for f in result["flows"] if f["people"] > 0), key=lambda f: -f["people"])
    moved_flows = [
        dict(
            f,
            people=_count(f["people"], controlled),
            share=_per(f["people"], result["people"], 100.0, controlled),
        )
        for f in flows
    ]
    same, moved = result.get("same_segment"), result.get("moved")
    return {
        "people": _count(result["people"], controlled),
        "same_segment": None if same is None else _count(same, controlled),
        "moved": None if moved is None else _count(moved, controlled),
        "moved_share": None if moved is None else _per(moved, result["people"], 100.0, controlled),
        "side_a": side_a,
        "side_b": side_b,
        "matrix": matrix,
        "flows": moved_flows,
    }
