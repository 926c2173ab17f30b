"""A needs profile computed in partitions of neighbourhoods, so that more workers finish
sooner.

The profile run (handlers.run_needs_profile, when the run's parameters say
"partitioned") is the coordinator. It splits the ICB's neighbourhoods into PARTS groups of
about the same number of people (merge.balanced_parts; more parts than workers, so that
the last part to finish is short), splits the work into items and sends one Celery task
per item to the queue it came from (a group), then works through the items itself too, so
that one worker process does everything and each extra process takes items off it:

1. stage one, when there is an earlier period: one `link:<k>` per part (read the part's
   earlier-period people with their later-period outcome, joined in PostgreSQL by pseudo
   id; build the linked people's features and their seeded split hash);
2. stage two: `fit:emergency` and `fit:cost` (each gathers the training people from the
   link parts in split-hash order and fits one of the two risk models, stored with
   joblib) alongside one `prepare:<k>` per part (read the part's people with COPY,
   segment, build its cube);
3. stage three, once the models exist: `evaluate` (the models judged on the held-out
   people, as train_risk_models does) alongside one `score:<k>` per part (predict cost,
   keep the columns the segment × tier cells need);
4. the merge, in the coordinator: the cubes put together, tiers ranked over everyone
   (merge.assign_tiers), every aggregate computed from the merged counts, written with
   the profile in one transaction (handlers._save), as the single-task path does.

An item is claimed with a PostgreSQL advisory lock held by the session that works on it
and is done when its file exists (written under a temporary name, then renamed). A task
that finds its item done or claimed does nothing, so a duplicate delivery is harmless and
a worker that dies drops its lock: the coordinator then does that item itself. Items'
files live in a folder of the run under MEDIA_ROOT, which every worker must share (as
uploads already require), and are removed when the run ends. Each item also writes a
small record of its seconds (wall clock, and CPU seconds of its process: far fewer than
wall seconds means the process waited for a core) and the process that did it, kept in
the run's seconds ("parts") so that the scaling of each stage can be explained.
"""

from __future__ import annotations

import json
import logging
import os
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
from needs_assessment.analysis import DEFAULT_CUTS, tier_labels
from needs_assessment.analysis.features import MODEL_FEATURES, build_features
from needs_assessment.analysis.risk import (
    FAIRNESS_GROUPS,
    Linkage,
    check_later_cost,
    check_linked,
    check_split,
    evaluate_risk_models,
    fit_model,
    predict_cost,
    split_hashes,
    split_positions,
)
from needs_assessment.models import NeedsProfile
from needs_assessment.profile import merge, risk_wiring, store
from needs_assessment.profile.cube import build_cube, person_codes
from needs_assessment.profile.segments import segment_cells

logger = logging.getLogger(__name__)

_LOCK_NAMESPACE = 0x50524F  # "PRO"
WAIT_SECONDS = 0.1
HEARTBEAT_SECONDS = 30
#: Parts per profile: more than the workers one profile usually has (2-3), so that
#: parts of about the same size leave little idle time at the end of each stage.
PARTS = 6
PART_QUERY = store.PEOPLE_QUERY + " AND lsoa.parent_id = ANY(%(neighbourhoods)s)"
#: A part's earlier-period people with their later-period outcome (the primary key
#: (snapshot_id, pseudo_id) makes the join one row at most per person).
LINK_QUERY = f"""
    SELECT e.*, (l.pseudo_id IS NOT NULL)::int AS linked,
           l.emergency_admissions AS later_emergency_admissions, l.cost AS later_cost
    FROM ({PART_QUERY}) e
    LEFT JOIN person_record l ON l.snapshot_id = %(later_id)s AND l.pseudo_id = e.pseudo_id
"""  # noqa: S608 - only constants are formatted in
COUNT_QUERY = """
    SELECT lsoa.parent_id AS neighbourhood, count(*) AS people
    FROM person_record p JOIN commissioning_area lsoa ON lsoa.id = p.lsoa_id
    WHERE p.snapshot_id = %s GROUP BY lsoa.parent_id
"""
SCORED_COLUMNS = ["pseudo_id", "neighbourhood", "segment", "cost", *ACTIVITY_COUNTS]
MODELS = ["emergency", "cost"]
TEST_FRACTION = 0.3  # risk_wiring trains with train_risk_models' default
LINKED_FEATURES = list(dict.fromkeys([*MODEL_FEATURES, *FAIRNESS_GROUPS]))


def work_folder(profile_id: int, run_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "profile-work" / f"profile-{profile_id}-run-{run_id}"


# ------------------------------------------------------------------------ the coordinator


def compute_partitioned(profile: NeedsProfile, context, save) -> dict:
    """Compute `profile` in partitions (see the module docstring); `save(rows, metrics,
    summary_parts, seconds)` writes it all or nothing. Returns the run's result."""
    started = time.perf_counter()
    snapshot = profile.snapshot
    tree = store.area_tree(snapshot.icb)
    folder = work_folder(profile.pk, context.run.pk)
    folder.mkdir(parents=True, exist_ok=True)
    seconds: dict = {}
    try:
        begun = time.perf_counter()
        parts = merge.balanced_parts(_people_per_neighbourhood(snapshot.pk, tree), PARTS)
        joblib.dump(parts, folder / "parts")
        seconds["partitioning"] = round(time.perf_counter() - begun, 3)
        keys = range(len(parts))
        context.progress(5, f"Reading {snapshot.row_count:,} people in {len(parts)} parts")
        if profile.earlier_snapshot_id is not None:
            link = [f"link:{k}" for k in keys]
            seconds["stage link"] = _stage(profile.pk, context.run.pk, link, context, 5, 25)
        second = [*(f"fit:{kind}" for kind in MODELS), *(f"prepare:{k}" for k in keys)]
        seconds["stage fit, prepare"] = _stage(profile.pk, context.run.pk, second, context, 25, 50)
        trained = joblib.load(folder / "fit-cost")
        if trained["model"] is not None:
            third = ["evaluate", *(f"score:{k}" for k in keys)]
            context.progress(50, "Scoring everyone in each part")
            seconds["stage evaluate, score"] = _stage(
                profile.pk, context.run.pk, third, context, 50, 70
            )
            trained = joblib.load(folder / "evaluate")
        else:
            trained = {"result": None, "note": trained["note"]}
        context.progress(72, "Merging the parts")
        begun = time.perf_counter()
        outcome = merge_items(profile, folder, len(parts), trained, tree, context)
        seconds["merge"] = round(time.perf_counter() - begun, 3)
        rows, summary, metrics = outcome
        seconds.update(summary.pop("steps"))
        seconds["parts"] = _part_records(folder)
        context.progress(88, f"Saving {len(rows):,} figures")
        begun = time.perf_counter()
        written = save(rows, metrics, summary, seconds)
        seconds["write"] = round(time.perf_counter() - begun, 3)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    total = round(time.perf_counter() - started, 3)
    return {"written": written, "summary": summary, "seconds": seconds, "total": total}


def _people_per_neighbourhood(snapshot_id: int, tree) -> dict[int, int]:
    """People per neighbourhood of the tree in the snapshot (0 for none)."""
    with connection.cursor() as cursor:
        cursor.execute(COUNT_QUERY, [snapshot_id])
        counts = {int(hood): int(n) for hood, n in cursor.fetchall() if hood is not None}
    return {int(hood): counts.get(int(hood), 0) for hood in tree.neighbourhoods}


def _part_records(folder: Path) -> dict[str, dict]:
    """Each item's seconds and the process that did it ("coordinator" for this one)."""
    records = {}
    for path in sorted(folder.glob("*.json")):
        record = json.loads(path.read_text())
        if record["pid"] == os.getpid():
            record["pid"] = "coordinator"
        records[record["item"]] = {k: v for k, v in record.items() if k != "item"}
    return records


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
        started, cpu = time.perf_counter(), time.process_time()
        profile = NeedsProfile.objects.select_related(
            "snapshot__icb", "earlier_snapshot", "segmentation_model"
        ).get(pk=profile_id)
        folder = path.parent
        kind, _, key = item.partition(":")
        parts = joblib.load(folder / "parts")
        links = [folder / f"link-{k}" for k in range(len(parts))]
        if kind == "fit":
            value = fit_item(profile, links, key)
        elif kind == "evaluate":
            fitted = [joblib.load(folder / f"fit-{kind}") for kind in MODELS]
            value = evaluate_item(profile, links, *fitted)
        elif kind == "link":
            value = link_item(profile, parts[int(key)])
        elif kind == "prepare":
            value = prepare_item(profile, parts[int(key)])
        else:
            begun = time.perf_counter()
            cost_model = joblib.load(folder / "fit-cost")["model"]
            prepared = joblib.load(folder / f"prepare-{key}")
            loaded = time.perf_counter() - begun
            value = score_item(prepared, cost_model)
            value["steps"] = {"load": round(loaded, 3)}
        steps = value.pop("steps", {})
        computed = time.perf_counter()
        temporary = path.with_suffix(".partial")
        joblib.dump(value, temporary)
        ended = time.perf_counter()
        record = {
            "item": item,
            "pid": os.getpid(),
            "seconds": round(ended - started, 3),
            "cpu": round(time.process_time() - cpu, 3),
            "write": round(ended - computed, 3),
            **steps,
        }
        path.with_suffix(".json").write_text(json.dumps(record))
        temporary.replace(path)
        logger.info(
            "profile %s part %s: %.2f s in process %s",
            *(profile_id, item, record["seconds"], os.getpid()),
        )
        return True
    finally:
        _lock(profile_id, item, "pg_advisory_unlock")


def _lock(profile_id: int, item: str, function: str) -> bool:
    key = (profile_id * 7919 + zlib.crc32(item.encode())) % 2**31
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s, %s)", [_LOCK_NAMESPACE, key])  # noqa: S608
        return bool(cursor.fetchone()[0])


def link_item(profile: NeedsProfile, neighbourhoods: list[int]) -> dict:
    """A part's earlier-period people linked to their later-period outcome: the number of
    earlier people, and for the linked ones in split-hash order their hash, features
    (LINKED_FEATURES), later outcome (0/1) and later cost."""
    people = read_frame(
        LINK_QUERY,
        {
            "snapshot_id": profile.earlier_snapshot_id,
            "neighbourhoods": neighbourhoods,
            "later_id": profile.snapshot_id,
        },
    )
    if people.empty:
        return {"earlier": 0, "hash": np.empty(0, dtype=np.uint64)}
    linked = people.pop("linked").to_numpy() == 1
    admissions = people.pop("later_emergency_admissions").to_numpy()[linked]
    cost = pd.to_numeric(people.pop("later_cost")).to_numpy(dtype=np.float64)[linked]
    earlier = len(people)
    people = store.shrink(store.unpack_flags(people)).loc[linked].reset_index(drop=True)
    hashes = split_hashes(people["pseudo_id"].to_numpy(dtype=object), risk_wiring.RISK_SEED)
    order = np.argsort(hashes, kind="stable")
    features = build_features(people.iloc[order])[LINKED_FEATURES].reset_index(drop=True)
    return {
        "earlier": earlier,
        "hash": hashes[order],
        "features": features,
        "outcome": (admissions[order] > 0).astype(np.int8),
        "cost": cost[order],
    }


def _gather(links: list[Path]) -> dict:
    """The link parts put together: the Linkage counts' parts, and the held-out and
    training positions (split_positions) as rows of the parts' concatenation."""
    parts = [joblib.load(path) for path in links]
    earlier = sum(part["earlier"] for part in parts)
    parts = [part for part in parts if len(part["hash"])]
    linked = sum(len(part["hash"]) for part in parts)
    gathered = {"earlier": earlier, "linked": linked, "parts": parts}
    if earlier == 0 or linked == 0:
        return gathered
    order = np.argsort(np.concatenate([part["hash"] for part in parts]), kind="stable")
    held, train = split_positions(linked)
    return gathered | {
        "held": order[held],
        "train": order[train],
        "outcome": np.concatenate([part["outcome"] for part in parts]),
        "cost": np.concatenate([part["cost"] for part in parts]),
    }


def fit_item(profile: NeedsProfile, links: list[Path], kind: str) -> dict:
    """One of the risk models ("emergency" or "cost", see MODELS), fitted once on the
    link parts (the same people, split and seed as risk_wiring.stratify's training), or
    why there is none: {"model": fitted model or None, "note": text}."""
    if profile.earlier_snapshot is None:
        return {"model": None, "note": risk_wiring.NO_EARLIER}
    began = time.perf_counter()
    gathered = _gather(links)
    steps = {"gather": round(time.perf_counter() - began, 3)}
    if gathered["earlier"] == 0:
        reason = f"snapshot {profile.earlier_snapshot_id} has no person rows to profile"
        note = f"The earlier period could not be read, so no risk model was trained: {reason}."
        return {"model": None, "note": note}
    try:
        check_linked(gathered["linked"])
        check_later_cost(gathered["cost"])
        outcome = gathered["outcome"]
        check_split(outcome[gathered["held"]], outcome[gathered["train"]])
        features, outcome, cost = _take(gathered, gathered["train"])
        target = outcome if kind == "emergency" else cost
        started = time.perf_counter()
        model = fit_model(kind, features, target, risk_wiring.RISK_SEED)
        fitted = time.perf_counter() - started
    except ValueError as exc:
        return {"model": None, "note": f"The risk model could not be trained: {exc}."}
    steps["fit"] = round(fitted, 3)
    return {
        "model": model,
        "note": "",
        "fit_seconds": fitted,
        "used": len(features),
        "steps": steps,
    }


def evaluate_item(profile: NeedsProfile, links: list[Path], emergency: dict, cost: dict) -> dict:
    """The two fitted models judged on the held-out people, as train_risk_models does:
    {"result": RiskModelResult, "note": ""}."""
    gathered = _gather(links)
    later = _count_people(profile.snapshot_id)
    linkage = Linkage(
        earlier_people=gathered["earlier"],
        later_people=later,
        linked=gathered["linked"],
        earlier_only=gathered["earlier"] - gathered["linked"],
        later_only=later - gathered["linked"],
    )
    result = evaluate_risk_models(
        emergency["model"],
        cost["model"],
        _take(gathered, gathered["held"]),
        linkage,
        seed=risk_wiring.RISK_SEED,
        test_fraction=TEST_FRACTION,
        training_people_used=cost["used"],
        fit_seconds=emergency["fit_seconds"] + cost["fit_seconds"],
    )
    return {"result": result, "note": ""}


def _take(gathered: dict, rows: np.ndarray):
    """(features, outcome, cost) of the link parts' concatenated `rows`, in that order."""
    parts, outcome, cost = gathered["parts"], gathered["outcome"], gathered["cost"]
    offsets = np.cumsum([0, *(len(part["hash"]) for part in parts)])
    owner = np.searchsorted(offsets, rows, side="right") - 1
    pieces, where = [], []
    for k, part in enumerate(parts):
        mine = np.flatnonzero(owner == k)
        pieces.append(part["features"].iloc[rows[mine] - offsets[k]])
        where.append(mine)
    features = pd.concat(pieces, ignore_index=True)
    features = features.iloc[np.argsort(np.concatenate(where))].reset_index(drop=True)
    return features, outcome[rows], cost[rows]


def _count_people(snapshot_id: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM person_record WHERE snapshot_id = %s", [snapshot_id])
        return int(cursor.fetchone()[0])


def prepare_item(profile: NeedsProfile, neighbourhoods: list[int]) -> dict:
    """A part's people, segmented, and its cube: {"people", "cells", "neighbourhood"}."""
    from needs_assessment.profile.handlers import segment_people

    tree = store.area_tree(profile.snapshot.icb)
    query = {"snapshot_id": profile.snapshot_id, "neighbourhoods": neighbourhoods}
    people = read_frame(PART_QUERY, query)
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


def score_item(prepared: dict, cost_model) -> dict:
    """A part's predicted cost per person, with what the segment × tier cells need."""
    people = prepared["people"]
    if people is None:
        return {"scored": None}
    predicted = predict_cost(cost_model, people)  # tiers rank predicted cost only
    scored = people.assign(neighbourhood=prepared["neighbourhood"])[SCORED_COLUMNS]
    return {"scored": scored.assign(predicted_cost=predicted)}


# ------------------------------------------------------------------------------ merging


def merge_items(profile, folder: Path, parts: int, trained: dict, tree, context):
    """Aggregate rows, summary parts and risk metrics from the items' files."""
    prepared = [joblib.load(folder / f"prepare-{k}") for k in range(parts)]
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
        scored = [joblib.load(folder / f"score-{k}")["scored"] for k in range(parts)]
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
