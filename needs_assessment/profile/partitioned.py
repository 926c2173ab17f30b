"""A needs profile computed in partitions, so that more workers finish sooner.

The profile run (handlers.run_needs_profile, when the run's parameters say
"partitioned") is the coordinator. It splits the ICB's neighbourhoods into PARTS groups of
about the same number of people (merge.balanced_parts; more parts than workers, so that
the last part to finish is short) and the work into items (part_items.py), each waiting
for the items whose files it reads (item_plan):

- `link:<k>`, one per share of the earlier period's people (split by a hash of pseudo
  id, joined in PostgreSQL to their later-period outcome; features and seeded split hash
  built), when there is an earlier period;
- `fit:cost` and `fit:emergency`, after every link (each gathers the training people in
  split-hash order and fits one of the two risk models, stored with joblib);
- `prepare:<k>`, one per place part (the part's people read with COPY, segmented, its
  cube built);
- `evaluate`, after both fits (the models judged on the held-out people, as
  train_risk_models does);
- `score:<k>`, after the cost model and the part's prepare (predicted next-year cost);
- `cuts`, after every score: where each risk tier's cut falls among everyone's
  predictions (merge.tier_cuts: a partial sort of the values, pseudo ids read only for
  ties);
- `cells:<k>`, after the cuts: the part's people in tiers, summed by neighbourhood ×
  segment × tier, with its cube.

It sends a group of helper tasks (one per part) to the queue it came from and works
through the items itself too (work_through): every process takes the first item in plan
order whose needs are done, so one worker process does everything in turn, and each
extra process takes items off it with no stage boundary to wait at. Last, in the
coordinator, the merge: the parts' cubes and cells put together (small tables: a
neighbourhood belongs to one part), every aggregate computed from the merged counts and
written with the profile in one transaction (handlers._save), as the single-task path
does.

An item is claimed with a PostgreSQL advisory lock held by the session that works on it
and is done when its file exists (written under a temporary name, then renamed). A
process that finds an item done or claimed moves on, so a duplicate delivery is harmless,
and a worker that dies drops its lock: the coordinator then does that item itself. Items'
files live in a folder of the run under MEDIA_ROOT, which every worker must share (as
uploads already require), and are removed when the run ends. Each item also writes a
small record of when it started, its seconds (wall clock, and CPU seconds of its process:
far fewer than wall seconds means the process waited for the database or for a core) and
the process that did it, kept in the run's seconds ("parts") so that the scaling can be
explained.
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

from needs_assessment.analysis import DEFAULT_CUTS, tier_labels
from needs_assessment.models import NeedsProfile
from needs_assessment.profile import analysis, merge, part_items, store
from needs_assessment.profile.part_items import MODELS

logger = logging.getLogger(__name__)

_LOCK_NAMESPACE = 0x50524F  # "PRO"
WAIT_SECONDS = 0.05
HEARTBEAT_SECONDS = 30
#: Parts per profile: more than the workers one profile usually has (2-3), so that
#: parts of about the same size leave little idle time at the end.
PARTS = 6
#: Scoring a part is the longest item near the end; in pieces, the processes finish
#: closer together.
SCORE_PIECES = 2
COUNT_QUERY = """
    SELECT lsoa.parent_id AS neighbourhood, count(*) AS people
    FROM person_record p JOIN commissioning_area lsoa ON lsoa.id = p.lsoa_id
    WHERE p.snapshot_id = %s GROUP BY lsoa.parent_id
"""


def work_folder(profile_id: int, run_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "profile-work" / f"profile-{profile_id}-run-{run_id}"


# ------------------------------------------------------------------------ the coordinator


def item_plan(parts: int, earlier: bool) -> dict[str, list[str]]:
    """The items of a profile in `parts` parts, each with the items it needs done first,
    in the order a worker takes them when several are ready: the longest chain (links,
    the cost model, scores, cuts, cells) first, so that it is never waiting on filler,
    and the last items short (scores in SCORE_PIECES pieces), so that the processes finish
    close together."""
    keys = range(parts)
    links = [f"link:{k}" for k in keys] if earlier else []
    plan: dict[str, list[str]] = {"parts": []}
    plan |= dict.fromkeys(links, [])
    if earlier:
        plan |= {f"fit:{kind}": links for kind in MODELS}
    plan |= {f"prepare:{k}": ["parts"] for k in keys}
    scores = [f"score:{k}.{piece}" for k in keys for piece in range(SCORE_PIECES)]
    if earlier:
        plan["evaluate"] = [f"fit:{kind}" for kind in MODELS]
        plan |= {score: ["fit:cost", f"prepare:{score[6:].split('.')[0]}"] for score in scores}
        plan["cuts"] = [*(f"fit:{kind}" for kind in MODELS), *scores]
    else:
        plan["cuts"] = []
    plan |= {f"cells:{k}": ["cuts", f"prepare:{k}"] for k in keys}
    return plan


def part_count(tree) -> int:
    """How many parts merge.balanced_parts makes of the tree's neighbourhoods."""
    return max(1, min(PARTS, len(tree.neighbourhoods)))


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
        parts = part_count(tree)
        earlier = profile.earlier_snapshot_id is not None
        plan = item_plan(parts, earlier)
        joblib.dump({"parts": parts, "plan": plan, "started": time.time()}, folder / "plan")
        context.progress(5, f"Reading {snapshot.row_count:,} people in {parts} parts")
        queue = _queue()
        for _ in range(parts):  # a helper per part at most: more could not all be busy
            _send(profile.pk, context.run.pk, queue)
        work_through(profile.pk, context.run.pk, context=context)
        seconds["items"] = round(time.perf_counter() - begun, 3)
        trained = {"result": None, "note": part_items.risk_wiring.NO_EARLIER}
        if earlier:
            trained = joblib.load(folder / "evaluate")
        context.progress(85, "Merging the parts")
        begun = time.perf_counter()
        rows, summary, metrics = merge_items(profile, folder, parts, trained, tree)
        seconds["merge"] = round(time.perf_counter() - begun, 3)
        seconds.update(summary.pop("steps"))
        seconds["parts"] = _part_records(folder)
        context.progress(90, f"Saving {len(rows):,} figures")
        begun = time.perf_counter()
        written = save(rows, metrics, summary, seconds)
        seconds["write"] = round(time.perf_counter() - begun, 3)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    total = round(time.perf_counter() - started, 3)
    return {"written": written, "summary": summary, "seconds": seconds, "total": total}


def work_through(profile_id: int, run_id: int, *, context=None) -> None:
    """Do the plan's items that are ready (their needs done) and not claimed, first
    come in the plan's order, until none is left to do.

    The coordinator (with `context`, whose progress it reports) returns once every item
    is done, doing any item whose worker died. A helper returns as soon as every item left
    is claimed by someone else (waiting while some still wait for their needs), or when
    the run is over (its folder gone)."""
    folder = work_folder(profile_id, run_id)
    try:
        plan = joblib.load(folder / "plan")["plan"]
    except FileNotFoundError:
        return  # the run is over
    reported, reported_at = -1, 0.0
    while folder.exists():
        done = {item for item in plan if _path(profile_id, run_id, item).exists()}
        if context is not None and (
            len(done) != reported or time.monotonic() - reported_at > HEARTBEAT_SECONDS
        ):
            percent = 5 + 80 * len(done) // len(plan)
            context.progress(percent, f"{len(done)} of {len(plan)} items done")
            reported, reported_at = len(done), time.monotonic()
        left = [item for item in plan if item not in done]
        if not left:
            return
        ready = [item for item in left if all(need in done for need in plan[item])]
        if any(do_item(profile_id, run_id, item) for item in ready):
            continue
        if context is None and len(ready) == len(left):
            return  # all that is left is claimed by others
        time.sleep(WAIT_SECONDS)


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


def _queue() -> str:
    """The queue this run came from (so items go where this worker's siblings listen)."""
    request = getattr(current_task, "request", None)
    delivery = getattr(request, "delivery_info", None) or {}
    return delivery.get("routing_key") or settings.CELERY_TASK_DEFAULT_QUEUE


def _send(profile_id: int, run_id: int, queue: str) -> None:
    help_with_profile.apply_async((profile_id, run_id), queue=queue)


@shared_task(name="needs_assessment.profile.help", ignore_result=True)
def help_with_profile(profile_id: int, run_id: int) -> None:
    """Take items of a partitioned profile off its coordinator (work_through); nothing
    when the run is over or every item left is claimed."""
    work_through(profile_id, run_id)


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
        plan = joblib.load(path.parent / "plan")
        begun = time.time() - plan["started"]
        value = _do(profile, path.parent, plan["parts"], item)
        steps = value.pop("steps", {})
        computed = time.perf_counter()
        temporary = path.with_name(f"{path.name}.partial")
        joblib.dump(value, temporary)
        ended = time.perf_counter()
        record = {
            "item": item,
            "pid": os.getpid(),
            "start": round(begun, 3),
            "seconds": round(ended - started, 3),
            "cpu": round(time.process_time() - cpu, 3),
            "write": round(ended - computed, 3),
            **steps,
        }
        path.with_name(f"{path.name}.json").write_text(json.dumps(record))
        temporary.replace(path)
        logger.info(
            "profile %s part %s: %.2f s in process %s",
            *(profile_id, item, record["seconds"], os.getpid()),
        )
        return True
    finally:
        _lock(profile_id, item, "pg_advisory_unlock")


def _lock(profile_id: int, item: str, function: str) -> bool:
    key = _lock_key(profile_id, item)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s, %s)", [_LOCK_NAMESPACE, key])  # noqa: S608
        return bool(cursor.fetchone()[0])


def _lock_key(profile_id: int, item: str) -> int:
    return (profile_id * 7919 + zlib.crc32(item.encode())) % 2**31


def _do(profile: NeedsProfile, folder: Path, parts: int, item: str) -> dict:
    """The item's work (part_items), fed from the files of the items it needs."""
    kind, _, key = item.partition(":")
    links = [folder / f"link-{k}" for k in range(parts)]
    tree = store.area_tree(profile.snapshot.icb)
    if kind == "parts":
        counts = _people_per_neighbourhood(profile.snapshot_id, tree)
        return {"parts": merge.balanced_parts(counts, parts)}
    if kind == "link":
        return part_items.link_item(profile, int(key), parts)
    if kind == "fit":
        return part_items.fit_item(profile, links, key)
    if kind == "cuts" and profile.earlier_snapshot_id is None:
        return {"cuts": None}  # no risk model, so no tiers
    if kind in ("evaluate", "cuts"):
        fits = {kind: joblib.load(folder / f"fit-{kind}") for kind in MODELS}
        failed = [fit["note"] for fit in fits.values() if fit["model"] is None]
        if kind == "cuts":
            return {"cuts": None if failed else _cuts(folder, parts)}
        if failed:
            return {"result": None, "note": failed[0]}
        return part_items.evaluate_item(profile, links, fits["emergency"], fits["cost"])
    if kind == "prepare":
        groups = joblib.load(folder / "parts")["parts"]
        hoods = groups[int(key)] if int(key) < len(groups) else []
        return part_items.prepare_item(profile, hoods, tree)
    begun = time.perf_counter()
    part, _, piece = key.partition(".")
    prepared = joblib.load(folder / f"prepare-{part}")
    if kind == "score":
        cost_model = joblib.load(folder / "fit-cost")["model"]
        loaded = round(time.perf_counter() - begun, 3)
        rows = _piece(prepared["people"], int(piece))
        scored = part_items.score_item(prepared["people"], rows, cost_model)
        return scored | {"steps": {"load": loaded}}
    cuts = joblib.load(folder / "cuts")["cuts"]
    scored = None if cuts is None else _scores(folder, part)
    loaded = round(time.perf_counter() - begun, 3)
    cells = part_items.cells_item(profile, prepared, scored, cuts, tree)
    return cells | {"steps": {"load": loaded}}


def _piece(people: pd.DataFrame | None, piece: int) -> slice:
    """The rows of a part that score piece `piece` of SCORE_PIECES predicts."""
    n = 0 if people is None else len(people)
    return slice(n * piece // SCORE_PIECES, n * (piece + 1) // SCORE_PIECES)


def _scores(folder: Path, part: str) -> dict:
    """A part's score pieces put together: predicted cost and pseudo ids, in row order."""
    pieces = [joblib.load(folder / f"score-{part}.{piece}") for piece in range(SCORE_PIECES)]
    return {
        "predicted": np.concatenate([piece["predicted"] for piece in pieces]),
        "pseudo_ids": np.concatenate([piece["pseudo_ids"] for piece in pieces]),
    }


def _cuts(folder: Path, parts: int) -> list:
    """Where each tier's cut falls among everyone's predicted cost (merge.tier_cuts),
    reading the parts' predictions and, for ties only, their pseudo ids from disk."""
    values, ids = [], []
    for k in range(parts):
        for piece in range(SCORE_PIECES):
            scored = joblib.load(folder / f"score-{k}.{piece}", mmap_mode="r")
            values.append(np.asarray(scored["predicted"]))
            ids.append(scored["pseudo_ids"])
    return merge.tier_cuts(values, ids, DEFAULT_CUTS)


# ------------------------------------------------------------------------------ merging


def merge_items(profile, folder: Path, parts: int, trained: dict, tree):
    """Aggregate rows, summary parts and risk metrics from the cells items' files."""
    begun = time.perf_counter()
    pieces = [joblib.load(folder / f"cells-{k}") for k in range(parts)]
    pieces = [piece for piece in pieces if piece["cube"] is not None]
    if not pieces:
        raise ValueError(f"snapshot {profile.snapshot_id} has no person rows to profile")
    cells = merge.merge_cubes([piece["cube"] for piece in pieces])
    groups = merge.merge_groups([piece["groups"] for piece in pieces])
    loaded = round(time.perf_counter() - begun, 3)
    codes = [s.code for s in profile.segmentation_model.segments.order_by("priority")]
    result = trained["result"]
    tiers = None if result is None else tier_labels(DEFAULT_CUTS)
    rows, steps = analysis.aggregates_from_cells(cells, groups, tree, segments=codes, tiers=tiers)
    by_segment = groups.groupby("segment")["people"].sum()
    if result is None:
        metrics = {"available": False, "reason": trained["note"]}
    else:
        by_tier = groups.groupby("tier")["people"].sum()
        metrics = _metrics(result, {tiers[k]: int(round(n)) for k, n in by_tier.items()})
    summary = {
        "people": sum(piece["people"] for piece in pieces),
        "cost": round(sum(piece["cost"] for piece in pieces), 2),
        "segment_people": {code: int(round(by_segment.get(k, 0))) for k, code in enumerate(codes)},
        "tiers": tiers or [],
        "risk_note": trained["note"],
        "steps": {"read cells": loaded, **steps},
    }
    return rows, summary, metrics


def _metrics(result, people: dict[str, int]) -> dict:
    labels = tier_labels(DEFAULT_CUTS)
    return {
        "available": True,
        **result.to_dict(),
        "tiers": {
            "by": "predicted next-year cost",
            "cuts": list(DEFAULT_CUTS),
            "labels": labels,
            "people": {label: people.get(label, 0) for label in labels},
        },
    }
