"""Risk stratification in a profile run: train on the earlier period, score the later one,
put everyone in a tier. The models and their evaluation are needs_assessment.analysis
(pure); this module only feeds them the snapshots and keeps what the profile needs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pandas as pd

from needs_assessment.analysis import (
    DEFAULT_CUTS,
    assign_risk_tiers,
    score,
    tier_labels,
    train_risk_models,
)
from needs_assessment.profile import store

#: The same seed every time, so the same two periods always give the same model and tiers.
RISK_SEED = 1
TIER_BY = "cost"
NO_EARLIER = (
    "There is no earlier period loaded for this ICB, so no risk model could be trained: "
    "load the previous 12 months' data and compute the profile again."
)


@dataclass
class Stratification:
    """The people with their tier, predicted cost and emergency risk (when a model was
    trained), the tier labels (None without a model), the metrics for
    NeedsProfile.risk_metrics, and a note for readers when there is no model."""

    people: pd.DataFrame
    tiers: list[str] | None
    metrics: dict
    note: str = ""
    seconds: dict = field(default_factory=dict)


def stratify(profile, people: pd.DataFrame, context) -> Stratification:
    """Train the risk models on the profile's earlier snapshot (earlier period's
    attributes, later period's outcomes), score `people` (the later period) and assign
    tiers by predicted next-year cost. Without an earlier snapshot, or when the two
    periods cannot train a model (too few people in both, say), the profile goes on
    without tiers and says why."""
    if profile.earlier_snapshot is None:
        return Stratification(people, None, {"available": False, "reason": NO_EARLIER}, NO_EARLIER)
    seconds = {}
    started = time.perf_counter()
    earlier_people = profile.earlier_snapshot.row_count
    context.progress(20, f"Reading the earlier period ({earlier_people:,} people)")
    try:
        earlier = store.read_people(profile.earlier_snapshot)
    except ValueError as exc:  # its rows were dropped since: go on without a model
        reason = f"The earlier period could not be read, so no risk model was trained: {exc}."
        return Stratification(people, None, {"available": False, "reason": reason}, reason)
    seconds["read earlier period"] = _lap(started)
    context.progress(30, "Training the risk model on the earlier period")
    started = time.perf_counter()
    try:
        result = train_risk_models(earlier, people, seed=RISK_SEED)
    except ValueError as exc:
        reason = f"The risk model could not be trained: {exc}."
        return Stratification(people, None, {"available": False, "reason": reason}, reason)
    finally:
        del earlier
    seconds["train and evaluate risk model"] = _lap(started)
    context.progress(45, "Scoring everyone and assigning risk tiers")
    started = time.perf_counter()
    scores = score(result, people)
    tiered = assign_risk_tiers(scores, by=TIER_BY)
    seconds["score and assign tiers"] = _lap(started)
    labels = tier_labels(DEFAULT_CUTS)
    people = people.assign(
        tier=tiered["tier"].to_numpy(),
        predicted_cost=scores["predicted_cost"].to_numpy(),
        emergency_risk=scores["emergency_risk"].to_numpy(),
    )
    counts = people["tier"].value_counts()
    metrics = {
        "available": True,
        **result.to_dict(),
        "tiers": {
            "by": "predicted next-year cost",
            "cuts": list(DEFAULT_CUTS),
            "labels": labels,
            "people": {label: int(counts.get(label, 0)) for label in labels},
        },
    }
    return Stratification(people, labels, metrics, seconds=seconds)


def _lap(started: float) -> float:
    return round(time.perf_counter() - started, 3)
