"""What one worker does with one item of a partitioned profile (partitioned.py runs them).

Each function reads what it needs from the database or from earlier items' files and
returns a dict that partitioned.py stores as the item's file:

- `link_item`: one share of the earlier period's people, split by a hash of pseudo id
  (not by place: people move, and a share of both periods by pseudo id joins within
  itself), with their later-period outcome, as training rows in split-hash order;
- `fit_item`: one of the two risk models, fitted on the training people gathered from
  every link share;
- `evaluate_item`: the two models judged on the held-out people, as train_risk_models
  does;
- `prepare_item`: one place part's later-period people, segmented, and their cube;
- `score_item`: a piece of a place part's people's predicted next-year cost;
- `cells_item`: a place part's people in risk tiers (from the cuts that the coordinator
  found over everyone's scores, merge.tier_cuts) summed by neighbourhood × segment ×
  tier, with the part's cube.

Each item's queries run with PostgreSQL's own parallel query off: the parts are the
parallelism, and N workers each starting two more database processes would give the
database server three times as many busy processes as it has cores.
"""

from __future__ import annotations

import time
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
from django.db import connection, transaction

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
from needs_assessment.profile.cube import AreaTree, build_cube, person_codes
from needs_assessment.profile.segments import segment_cells

PART_QUERY = store.PEOPLE_QUERY + " AND lsoa.parent_id = ANY(%(neighbourhoods)s)"
#: Share `share` of `shares` of a snapshot's people, by a hash of pseudo id.
_SHARE = "(hashtext({}) & 2147483647) %% %(shares)s = %(share)s"
#: A share of the earlier period's people with their later-period outcome: both sides
#: are the same share, so the join stays within it (one row at most per person: the
#: primary key is (snapshot_id, pseudo_id)).
LINK_QUERY = f"""
    SELECT e.*, (l.pseudo_id IS NOT NULL)::int AS linked,
           l.emergency_admissions AS later_emergency_admissions, l.cost AS later_cost
    FROM ({store.PEOPLE_QUERY} AND {_SHARE.format("p.pseudo_id")}) e
    LEFT JOIN (
        SELECT pseudo_id, emergency_admissions, cost FROM person_record
        WHERE snapshot_id = %(later_id)s AND {_SHARE.format("pseudo_id")}
    ) l ON l.pseudo_id = e.pseudo_id
"""  # noqa: S608 - only constants are formatted in
MODELS = ["cost", "emergency"]  # the cost model first: scoring waits for it
TEST_FRACTION = 0.3  # risk_wiring trains with train_risk_models' default
LINKED_FEATURES = list(dict.fromkeys([*MODEL_FEATURES, *FAIRNESS_GROUPS]))
CELL_COLUMNS = ["segment", "cost", *ACTIVITY_COUNTS]


def _read(query: str, params: dict, *, hash_join: bool = False) -> pd.DataFrame:
    """read_frame with PostgreSQL's parallel query off (see the module docstring). The
    planner cannot estimate a hash share's size (it guesses a few hundred rows) and would
    probe the primary key once per person; `hash_join` tells it to hash the share."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        if hash_join:
            cursor.execute("SET LOCAL enable_nestloop = off")
        return read_frame(query, params)


# ------------------------------------------------------------------------- risk models


def link_item(profile: NeedsProfile, share: int, shares: int) -> dict:
    """Share `share` of `shares` of the earlier period's people linked to their later
    outcome: the number of earlier people, and for the linked ones in split-hash order
    their hash, features (LINKED_FEATURES), later outcome (0/1) and later cost."""
    people = _read(
        LINK_QUERY,
        {
            "snapshot_id": profile.earlier_snapshot_id,
            "later_id": profile.snapshot_id,
            "share": share,
            "shares": shares,
        },
        hash_join=True,
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
    """The link shares put together: the Linkage counts' parts, and the held-out and
    training positions (split_positions) as rows of the shares' concatenation."""
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
    link shares (the same people, split and seed as risk_wiring.stratify's training), or
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
    """(features, outcome, cost) of the link shares' concatenated `rows`, in that order."""
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


# ------------------------------------------------------------------------- place parts


def prepare_item(profile: NeedsProfile, neighbourhoods: list[int], tree: AreaTree) -> dict:
    """A part's people, segmented, and its cube: {"people", "cube", "neighbourhood"}."""
    from needs_assessment.profile.handlers import segment_people

    query = {"snapshot_id": profile.snapshot_id, "neighbourhoods": neighbourhoods}
    people = _read(PART_QUERY, query)
    if people.empty:
        return {"people": None, "cube": None, "neighbourhood": None}
    people = store.shrink(store.unpack_flags(people))
    people["segment"] = segment_people(_segments(profile), people)
    codes = person_codes(people, tree)
    return {
        "people": people,
        "cube": build_cube(people, tree, codes),
        "neighbourhood": codes["neighbourhood"],
    }


def score_item(people: pd.DataFrame | None, rows: slice, cost_model) -> dict:
    """Predicted next-year cost (what the tiers rank) of a part's `rows`, with each
    person's pseudo id (which breaks ties between equal predictions)."""
    if people is None or cost_model is None:
        return {"predicted": np.empty(0), "pseudo_ids": np.empty(0, dtype=str)}
    people = people.iloc[rows]
    return {
        "predicted": predict_cost(cost_model, people),
        "pseudo_ids": people["pseudo_id"].to_numpy().astype(str),
    }


def cells_item(profile: NeedsProfile, prepared: dict, scored: dict | None, cuts, tree) -> dict:
    """A part's people summed by neighbourhood × segment × tier (segments.segment_cells),
    in the tiers that `cuts` (merge.tier_cuts over everyone, or None without a risk
    model) put them, with the part's cube, number of people and cost."""
    people = prepared["people"]
    if people is None:
        return {"cube": None, "groups": None, "people": 0, "cost": 0.0}
    frame = people[CELL_COLUMNS]
    tiers = None
    if cuts is not None:
        codes = merge.tier_codes(scored["predicted"], scored["pseudo_ids"], cuts)
        frame = frame.assign(tier=merge.tier_names(codes), predicted_cost=scored["predicted"])
        tiers = tier_labels(DEFAULT_CUTS)
    segments = [segment.code for segment in _segments(profile)]
    return {
        "cube": prepared["cube"],
        "groups": segment_cells(prepared["neighbourhood"], frame, segments, tiers, tree),
        "people": len(people),
        "cost": float(people["cost"].sum()),
    }


def _segments(profile: NeedsProfile) -> list:
    return list(profile.segmentation_model.segments.order_by("priority"))
