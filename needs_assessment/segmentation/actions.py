"""Writes to segmentation models: copy, edit, publish, and starting runs that use them.

Each action is keyword-only with the actor as `by`, runs in one transaction and writes an
AuditEvent there. Access (who may do this to which model) is checked by the pages and the
API before they call; the actions check what must hold whoever calls them: library models
(no ICB) are never edited, published models never change (an edit makes a new draft
version with `based_on`), and every saved list of segments passes `validation`.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from commissioning.models import (
    AuditEvent,
    PopulationSnapshot,
    Run,
    Segment,
    SegmentationModel,
    SnapshotStatus,
)
from commissioning.runs import start_run
from needs_assessment.segmentation.validation import (
    SegmentationError,
    SegmentsInvalid,
    raise_if_invalid,
)

RUN_KIND = "segmentation_run"
COMPARE_KIND = "segmentation_compare"
RUNNABLE_SNAPSHOTS = (SnapshotStatus.CURRENT, SnapshotStatus.SUPERSEDED)
DEFAULT_COLOUR = "#005eb8"

__all__ = [
    "COMPARE_KIND",
    "RUN_KIND",
    "SegmentationError",
    "SegmentsInvalid",
    "copy_model",
    "publish_model",
    "start_segmentation_compare",
    "start_segmentation_run",
    "update_segments",
]


def _audit(by, verb: str, model: SegmentationModel, **data) -> None:
    AuditEvent.objects.create(
        actor=by,
        verb=verb,
        object_type="segmentation_model",
        object_id=str(model.pk),
        data=data,
    )


def segments_of(model: SegmentationModel) -> list[dict]:
    """The model's segments as plain dicts in priority order (the shape actions take)."""
    return [
        {
            "code": s.code,
            "name": s.name,
            "description": s.description,
            "colour": s.colour,
            "rule": s.rule,
        }
        for s in model.segments.order_by("priority")
    ]


def _normalised(segments: list) -> list[dict]:
    """Segments with text trimmed and defaults filled, ready to check and save."""
    out = []
    for segment in segments if isinstance(segments, list) else []:
        if not isinstance(segment, dict):
            out.append(segment)
            continue
        clean = dict(segment)
        for key in ("code", "name", "description"):
            if isinstance(clean.get(key), str):
                clean[key] = clean[key].strip()
        clean.setdefault("description", "")
        clean["colour"] = clean.get("colour") or DEFAULT_COLOUR
        out.append(clean)
    return out if isinstance(segments, list) else segments


@transaction.atomic
def copy_model(
    *, model: SegmentationModel, icb, name: str, by, description: str | None = None
) -> SegmentationModel:
    """Make an editable draft copy of `model` (a library model or one of the ICB's own)
    owned by `icb`, named `name`, version 1, `based_on` the original."""
    name = (name or "").strip()
    if not name:
        raise SegmentationError("Enter a name for the copy.")
    if len(name) > 200:
        raise SegmentationError("The name must be 200 characters or fewer.")
    if icb is None:
        raise SegmentationError("A copy must belong to an ICB.")
    if model.icb_id not in (None, icb.pk):
        raise SegmentationError("Only library models and your ICB's own models can be copied.")
    if SegmentationModel.objects.filter(icb=icb, name__iexact=name).exists():
        raise SegmentationError(
            f"Your ICB already has a model called {name!r}: choose another name."
        )
    copy = SegmentationModel.objects.create(
        icb=icb,
        name=name,
        version=1,
        description=model.description if description is None else description.strip(),
        source=f"Copied from {model} ({model.source})" if model.source else f"Copied from {model}",
        based_on=model,
        is_published=False,
        created_by=by,
    )
    _write_segments(copy, segments_of(model))
    _audit(by, "segmentation_model.copy", copy, copied_from=model.pk, name=name)
    return copy


@transaction.atomic
def update_segments(*, model: SegmentationModel, segments: list[dict], by) -> SegmentationModel:
    """Save `segments` (dicts with code, name, description, colour and rule, in priority
    order) as the model's segments and return the model that holds them.

    A draft is changed in place (segments kept by code, so links to them survive). A
    published model is never changed: the segments go into a new draft version of it
    (`based_on` the published one), which is returned. Raises SegmentsInvalid listing
    every problem, and SegmentationError for a library model or a second draft."""
    model = SegmentationModel.objects.select_for_update().get(pk=model.pk)
    if model.icb_id is None:
        raise SegmentationError(
            f"{model} is a library model, shared by every ICB: copy it to your ICB to edit it."
        )
    segments = _normalised(segments)
    raise_if_invalid(segments)
    target = model
    if model.is_published:
        target = _new_version(model, by)
    _write_segments(target, segments)
    _audit(
        by,
        "segmentation_model.update_segments",
        target,
        edited=model.pk,
        new_version=target.pk != model.pk,
        codes=[s["code"] for s in segments],
    )
    return target


def _new_version(model: SegmentationModel, by) -> SegmentationModel:
    family = SegmentationModel.objects.select_for_update().filter(icb=model.icb, name=model.name)
    draft = family.filter(is_published=False).first()
    if draft is not None:
        raise SegmentationError(
            f"Version {draft.version} of {model.name} is already a draft: edit that version "
            "(or publish it) rather than starting another."
        )
    version = (family.aggregate(top=Max("version"))["top"] or 0) + 1
    return SegmentationModel.objects.create(
        icb=model.icb,
        name=model.name,
        version=version,
        description=model.description,
        source=model.source,
        based_on=model,
        is_published=False,
        created_by=by,
    )


def _write_segments(model: SegmentationModel, segments: list[dict]) -> None:
    """Replace the model's segments, keeping the rows of codes that stay."""
    existing = {s.code: s for s in model.segments.all()}
    wanted = {s["code"] for s in segments}
    model.segments.exclude(code__in=wanted).delete()
    # Move kept rows out of the way first: (model, priority) is unique.
    offset = 1000
    for segment in existing.values():
        if segment.code in wanted:
            segment.priority += offset
            segment.save(update_fields=["priority"])
    for priority, spec in enumerate(segments, start=1):
        row = existing.get(spec["code"]) or Segment(model=model, code=spec["code"])
        row.priority = priority
        row.name = spec["name"]
        row.description = spec.get("description", "")
        row.colour = spec.get("colour") or DEFAULT_COLOUR
        row.rule = spec["rule"]
        row.save()


@transaction.atomic
def publish_model(*, model: SegmentationModel, by) -> SegmentationModel:
    """Publish a draft: from now on it never changes (edits make a new version)."""
    model = SegmentationModel.objects.select_for_update().get(pk=model.pk)
    if model.icb_id is None:
        raise SegmentationError("Library models are published already.")
    if model.is_published:
        raise SegmentationError(f"{model} is published already.")
    raise_if_invalid(segments_of(model))
    model.is_published = True
    model.save(update_fields=["is_published"])
    _audit(by, "segmentation_model.publish", model, version=model.version)
    return model


# --------------------------------------------------------------------------- runs


def _check_runnable(model: SegmentationModel, snapshot: PopulationSnapshot) -> list[dict]:
    if snapshot.status not in RUNNABLE_SNAPSHOTS:
        raise SegmentationError(
            f"The population data for {snapshot.period_end:%B %Y} is "
            f"{snapshot.get_status_display().lower()}: only loaded data can be segmented."
        )
    if model.icb_id not in (None, snapshot.icb_id):
        raise SegmentationError(f"{model} belongs to another ICB.")
    segments = segments_of(model)
    try:
        raise_if_invalid(segments)
    except SegmentsInvalid as error:
        raise SegmentationError(f"{model} cannot be run until it is fixed: {error}") from error
    return segments


def _frozen(model: SegmentationModel, segments: list[dict]) -> dict:
    """What a run records of a model, so its result stays explainable after edits."""
    return {"id": model.pk, "label": str(model), "segments": segments}


@transaction.atomic
def start_segmentation_run(*, model: SegmentationModel, snapshot: PopulationSnapshot, by) -> Run:
    """Queue a worker run that puts every person of `snapshot` into a segment of `model`
    and reports people, cost and activity per segment. The segments are recorded in the
    run's parameters as they are now (a draft may change later)."""
    segments = _check_runnable(model, snapshot)
    run = start_run(
        kind=RUN_KIND,
        by=by,
        icb=snapshot.icb,
        parameters={"snapshot_id": snapshot.pk, "model": _frozen(model, segments)},
    )
    _audit(by, "segmentation_model.run", model, run=run.pk, snapshot=snapshot.pk)
    return run


@transaction.atomic
def start_segmentation_compare(
    *,
    model_a: SegmentationModel,
    model_b: SegmentationModel,
    snapshot: PopulationSnapshot,
    by,
) -> Run:
    """Queue a worker run that segments `snapshot` with two models (or two versions of
    one) and counts how many people move from each segment of A to each segment of B."""
    if model_a.pk == model_b.pk:
        raise SegmentationError("Choose two different models or versions to compare.")
    frozen = [_frozen(m, _check_runnable(m, snapshot)) for m in (model_a, model_b)]
    run = start_run(
        kind=COMPARE_KIND,
        by=by,
        icb=snapshot.icb,
        parameters={"snapshot_id": snapshot.pk, "model_a": frozen[0], "model_b": frozen[1]},
    )
    for model in (model_a, model_b):
        _audit(by, "segmentation_model.compare", model, run=run.pk, snapshot=snapshot.pk)
    return run
