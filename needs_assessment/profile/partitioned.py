"""A needs profile computed in partitions by place, so that more workers finish sooner.

The profile run (handlers.run_needs_profile, when the run's parameters say
"partitioned") is the coordinator. It splits the work into items and sends one Celery
task per item to the queue it came from (a group), then works through the items itself
too, so that one worker process does everything and each extra process takes items off it:

1. stage one, all at once: `train` (read both periods, train the risk models once, store
   the fitted models with joblib) and one `prepare:<place>` per place (read the place's
   people with COPY, segment them, build the place's cube);
2. stage two, once the models exist: one `score:<place>` per place (predict, keep the
   columns the segment × tier cells need);
3. the merge, in the coordinator: the cubes put together, tiers ranked over everyone
   (merge.assign_tiers), every aggregate computed from the merged counts, written with
   the profile in one transaction (handlers._save), as the single-task path does.

An item is claimed with a PostgreSQL advisory lock held by the session that works on it
and is done when its file exists (written under a temporary name, then renamed). A task
that finds its item done or claimed does nothing, so a duplicate delivery is harmless and
a worker that dies drops its lock: the coordinator then does that item itself. Items'
files live in a folder of the run under MEDIA_ROOT, which every worker must share (as
uploads already require), and are removed when the run ends.
"""

from __future__ import annotations

import logging
import shutil
import time
import zlib
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
from celery import current_task, shared_task
from django.conf import settings
from django.db import connection

from commissioning.frames import read_frame
from commissioning.models.population import ACTIVITY_COUNTS
from needs_assessment.analysis import DEFAULT_CUTS, score, tier_labels, train_risk_models
from needs_assessment.models import NeedsProfile
from needs_assessment.profile import merge, risk_wiring, store
from needs_assessment.profile.cube import build_cube, person_codes
from needs_assessment.profile.segments import segment_cells

logger = logging.getLogger(__name__)

_LOCK_NAMESPACE = 0x50524F  # "PRO"
WAIT_SECONDS = 0.1
HEARTBEAT_SECONDS = 30
PLACE_QUERY = store.PEOPLE_QUERY + " AND lsoa.parent_id = ANY(%(neighbourhoods)s)"
SCORED_COLUMNS = ["pseudo_id", "neighbourhood", "segment", "cost", *ACTIVITY_COUNTS]


def work_folder(profile_id: int, run_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "profile-work" / f"profile-{profile_id}-run-{run_id}"


# ------------------------------------------------------------------------ the coordinator


def compute_partitioned(profile: NeedsProfile, context, save) -> dict:
    """Compute `profile` in partitions (see the module docstring); `save(rows, metrics,
    summary_parts, seconds)` writes it all or nothing. Returns the run's result."""
    started = time.perf_counter()
    snapshot = profile.snapshot
    tree = store.area_tree(snapshot.icb)
    places = sorted({int(p) for p in tree.places})
    folder = work_folder(profile.pk, context.run.pk)
    folder.mkdir(parents=True, exist_ok=True)
    seconds: dict[str, float] = {}
    try:
        first = ["train", *(f"prepare:{p}" for p in places)]
        context.progress(5, f"Reading {snapshot.row_count:,} people in {len(places)} places")
        seconds["stage one"] = _stage(profile.pk, context.run.pk, first, context, 5, 45)
        trained = joblib.load(folder / "train")
        if trained["result"] is not None:
            second = [f"score:{p}" for p in places]
            context.progress(45, "Scoring everyone in each place")
            seconds["stage two"] = _stage(profile.pk, context.run.pk, second, context, 45, 70)
        context.progress(72, "Merging the places")
        begun = time.perf_counter()
        outcome = merge_items(profile, folder, places, trained, tree, context)
        seconds["merge"] = round(time.perf_counter() - begun, 3)
        rows, summary, metrics = outcome
        seconds.update(summary.pop("steps"))
        context.progress(88, f"Saving {len(rows):,} figures")
        begun = time.perf_counter()
        written = save(rows, metrics, summary, seconds)
        seconds["write"] = round(time.perf_counter() - begun, 3)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    total = round(time.perf_counter() - started, 3)
    return {"written": written, "summary": summary, "seconds": seconds, "total": total}


def _stage(profile_id, run_id, items, context, low: int, high: int) -> float:
    """Send `items` as a group of tasks, work on them here too, and wait for them all."""
    began = time.perf_counter()
    queue = _queue()
    for item in items:
        _send(profile_id, run_id, item, queue)
    reported, reported_at = -1, 0.0
    while True:
        left = [item for item in items if not _path(profile_id, run_id, item).exists()]
        done = len(items) - len(left)
        if done != reported or time.monotonic() - reported_at > HEARTBEAT_SECONDS:
            percent = low + (high - low) * done // len(items)
            context.progress(percent, f"{done} of {len(items)} parts done")
            reported, reported_at = done, time.monotonic()
        if not left:
            return round(time.perf_counter() - began, 3)
        if not any(do_item(profile_id, run_id, item) for item in left):
            time.sleep(WAIT_SECONDS)  # the rest are claimed by other workers


def _queue() -> str:
    """The queue this run came from (so items go where this worker's siblings listen)."""
    request = getattr(current_task, "request", None)
    delivery = getattr(request, "delivery_info", None) or {}
    return delivery.get("routing_key") or settings.CELERY_TASK_DEFAULT_QUEUE


def _send(profile_id: int, run_id: int, item: str, queue: str) -> None:
    profile_item.apply_async((profile_id, run_id, item), queue=queue)


@shared_task(name="needs_assessment.profile.item", ignore_result=True)
def profile_item(profile_id: int, run_id: int, item: str) -> None:
    """One item of a partitioned profile (nothing if it is done, claimed or abandoned)."""
    if work_folder(profile_id, run_id).exists():
        do_item(profile_id, run_id, item)


# ---------------------------------------------------------------------------- the items


def _path(profile_id: int, run_id: int, item: str) -> Path:
    return work_folder(profile_id, run_id) / item.replace(":", "-")


def do_item(profile_id: int, run_id: int, item: str) -> bool:
    """Claim and do one item; False when it is done already or another session holds it."""
    path = _path(profile_id, run_id, item)
    if path.exists() or not _lock(profile_id, item, "pg_try_advisory_lock"):
        return False
    try:
        if path.exists() or not path.parent.exists():  # done meanwhile, or run over
            return False
        profile = NeedsProfile.objects.select_related(
            "snapshot__icb", "earlier_snapshot", "segmentation_model"
        ).get(pk=profile_id)
        kind, _, place = item.partition(":")
        started = time.perf_counter()
        if kind == "train":
            value = train_item(profile)
        elif kind == "prepare":
            value = prepare_item(profile, int(place))
        else:
            trained = joblib.load(_path(profile_id, run_id, "train"))["result"]
            value = score_item(joblib.load(_path(profile_id, run_id, f"prepare:{place}")), trained)
        value["seconds"] = round(time.perf_counter() - started, 3)
        temporary = path.with_suffix(".partial")
        joblib.dump(value, temporary)
        temporary.replace(path)
        return True
    finally:
        _lock(profile_id, item, "pg_advisory_unlock")


def _lock(profile_id: int, item: str, function: str) -> bool:
    key = (profile_id * 7919 + zlib.crc32(item.encode())) % 2**31
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s, %s)", [_LOCK_NAMESPACE, key])  # noqa: S608
        return bool(cursor.fetchone()[0])


def train_item(profile: NeedsProfile) -> dict:
    """The risk models, trained once (risk_wiring.stratify's training, same seed), or
    why there are none: {"result": RiskModelResult or None, "note": text}."""
    if profile.earlier_snapshot is None:
        return {"result": None, "note": risk_wiring.NO_EARLIER}
    try:
        earlier = store.read_people(profile.earlier_snapshot)
    except ValueError as exc:
        note = f"The earlier period could not be read, so no risk model was trained: {exc}."
        return {"result": None, "note": note}
    later = read_frame(
        "SELECT pseudo_id, emergency_admissions, cost FROM person_record "
        "WHERE snapshot_id = %(snapshot_id)s",
        {"snapshot_id": profile.snapshot_id},
    )
    try:
        result = train_risk_models(earlier, later, seed=risk_wiring.RISK_SEED)
    except ValueError as exc:
        return {"result": None, "note": f"The risk model could not be trained: {exc}."}
    return {"result": result, "note": ""}


def prepare_item(profile: NeedsProfile, place: int) -> dict:
    """One place's people, segmented, and its cube: {"people", "cells", "neighbourhood"}."""
    from needs_assessment.profile.handlers import segment_people

    tree = store.area_tree(profile.snapshot.icb)
    hoods = tree.neighbourhoods[tree.places == place].tolist()
    people = read_frame(PLACE_QUERY, {"snapshot_id": profile.snapshot_id, "neighbourhoods": hoods})
    if people.empty:
        return {"people": None, "cells": None, "neighbourhood": None}
    people = store.shrink(store.unpack_flags(people))
    segments = list(profile.segmentation_model.segments.order_by("priority"))
    people["segment"] = segment_people(segments, people)
    codes = person_codes(people, tree)
    return {
        "people": people,
        "cells": build_cube(people, tree, codes),
        "neighbourhood": codes["neighbourhood"],
    }


def score_item(prepared: dict, trained) -> dict:
    """A place's predicted cost per person, with what the segment × tier cells need."""
    people = prepared["people"]
    if people is None:
        return {"scored": None}
    scores = score(trained, people)
    scored = people.assign(neighbourhood=prepared["neighbourhood"])[SCORED_COLUMNS]
    return {"scored": scored.assign(predicted_cost=scores["predicted_cost"].to_numpy())}


# ------------------------------------------------------------------------------ merging


def merge_items(profile, folder: Path, places: list[int], trained: dict, tree, context):
    """Aggregate rows, summary parts and risk metrics from the items' files."""
    prepared = [joblib.load(folder / f"prepare-{p}") for p in places]
    prepared = [part for part in prepared if part["people"] is not None]
    if not prepared:
        raise ValueError(f"snapshot {profile.snapshot_id} has no person rows to profile")
    segments = list(profile.segmentation_model.segments.order_by("priority"))
    codes = [s.code for s in segments]
    cells = merge.merge_cubes([part["cells"] for part in prepared])
    result = trained["result"]
    if result is None:
        people = pd.concat([_keep(part) for part in prepared], ignore_index=True)
        tiers, metrics = None, {"available": False, "reason": trained["note"]}
    else:
        scored = [joblib.load(folder / f"score-{p}")["scored"] for p in places]
        people = pd.concat([s for s in scored if s is not None], ignore_index=True)
        tier_codes = merge.assign_tiers(
            people["predicted_cost"].to_numpy(dtype=np.float64),
            people["pseudo_id"].to_numpy(),
        )
        tiers = tier_labels(DEFAULT_CUTS)
        people["tier"] = merge.tier_names(tier_codes)
        metrics = _metrics(result, people["tier"])
    del prepared
    people["segment"] = pd.Categorical(people["segment"].astype(object), categories=codes)
    neighbourhood = people.pop("neighbourhood").to_numpy()
    groups = segment_cells(neighbourhood, people, codes, tiers, tree)
    rows, steps = merge.aggregates_from_cells(cells, groups, tree, segments=codes, tiers=tiers)
    counts = people["segment"].value_counts()
    summary = {
        "people": len(people),
        "cost": round(float(people["cost"].sum()), 2),
        "segment_people": {code: int(counts.get(code, 0)) for code in codes},
        "tiers": tiers or [],
        "risk_note": trained["note"],
        "steps": steps,
    }
    return rows, summary, metrics


def _keep(part: dict) -> pd.DataFrame:
    people = part["people"].assign(neighbourhood=part["neighbourhood"])
    return people[SCORED_COLUMNS]


def _metrics(result, tier: pd.Series) -> dict:
    labels = tier_labels(DEFAULT_CUTS)
    counts = tier.value_counts()
    return {
        "available": True,
        **result.to_dict(),
        "tiers": {
            "by": "predicted next-year cost",
            "cuts": list(DEFAULT_CUTS),
            "labels": labels,
            "people": {label: int(counts.get(label, 0)) for label in labels},
        },
    }
