"""Helpers for the needs profile tests: small hand-made person frames, and a ready profile
in the database built from one (through the same pure functions and COPY the worker uses).
No tests here."""

from __future__ import annotations

import numpy as np
import pandas as pd
from django.utils import timezone

from commissioning.models import Segment, SegmentationModel
from commissioning.models.population import ACTIVITY_COUNTS, LTC_FLAGS, OTHER_FLAGS
from needs_assessment.models import NeedsProfile, ProfileStatus
from needs_assessment.profile import store
from needs_assessment.profile.analysis import profile_aggregates
from needs_assessment.profile.cube import AreaTree

TWO_SEGMENTS = [("ill", {"count": "ltc", "op": ">=", "value": 1}), ("well", {"all": []})]


def person(**values) -> dict:
    """One person: 40-year-old white woman in neighbourhood 11, IMD decile 5, no
    conditions, no activity, £100 cost, unless `values` say otherwise."""
    row = {
        "pseudo_id": None,
        "age": 40,
        "sex": "F",
        "ethnicity": "white",
        "neighbourhood_id": 11,
        "imd_decile": 5.0,
        "frailty": 0,
        "cost": 100.0,
    }
    row.update(dict.fromkeys([*LTC_FLAGS, *OTHER_FLAGS], 0))
    row.update(dict.fromkeys(ACTIVITY_COUNTS, 0))
    row.update(values)
    return row


def people_frame(rows: list[dict]) -> pd.DataFrame:
    """A person frame from person() dicts, numbered pseudo ids, uint8 flags."""
    frame = pd.DataFrame(rows)
    frame["pseudo_id"] = [f"P{i:06d}" for i in range(len(frame))]
    for flag in [*LTC_FLAGS, *OTHER_FLAGS]:
        frame[flag] = frame[flag].astype(np.uint8)
    return frame


def repeat(n: int, **values) -> list[dict]:
    return [person(**values) for _ in range(n)]


def segments_of(frame: pd.DataFrame) -> pd.Series:
    """'ill' with any condition, else 'well'."""
    ill = frame[LTC_FLAGS].sum(axis=1) >= 1
    return pd.Series(np.where(ill, "ill", "well"), index=frame.index)


def random_people(n: int, neighbourhoods: list[int], seed: int = 3) -> pd.DataFrame:
    """`n` people with random but plausible attributes spread over `neighbourhoods`."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "pseudo_id": [f"R{i:07d}" for i in range(n)],
            "age": rng.integers(0, 100, n),
            "sex": rng.choice(["F", "M"], n),
            "ethnicity": rng.choice(["white", "asian", "black", "mixed", "other"], n),
            "neighbourhood_id": rng.choice(neighbourhoods, n),
            "imd_decile": rng.integers(1, 11, n).astype(float),
            "frailty": rng.integers(0, 4, n),
            "cost": rng.gamma(1.5, 400, n).round(2),
        }
    )
    for flag in [*LTC_FLAGS, *OTHER_FLAGS]:
        frame[flag] = (rng.random(n) < 0.1).astype(np.uint8)
    for count in ACTIVITY_COUNTS:
        frame[count] = rng.poisson(0.8, n)
    return frame


def two_segment_model(icb, name: str = "Ill or well") -> SegmentationModel:
    """The ICB's published two-segment model (made once)."""
    model, made = SegmentationModel.objects.get_or_create(
        icb=icb, name=name, defaults={"is_published": True}
    )
    if not made:
        return model
    for priority, (code, rule) in enumerate(TWO_SEGMENTS, start=1):
        Segment.objects.create(
            model=model, priority=priority, code=code, name=code.capitalize(), rule=rule
        )
    return model


def ready_profile(universe, snapshot, *, people: int = 400, tiers: bool = True) -> NeedsProfile:
    """A ready profile of the universe's North ICB, its aggregates computed from random
    people in its one neighbourhood and written with the worker's COPY."""
    model = two_segment_model(universe.north)
    tree = AreaTree.from_pairs(universe.north.pk, [(universe.neighbourhood.pk, universe.place.pk)])
    frame = random_people(people, [universe.neighbourhood.pk])
    frame["segment"] = segments_of(frame)
    labels = None
    if tiers:
        labels = ["Top 0.5%", "Next 4.5%", "Next 15%", "Remaining 80%"]
        rank = frame["cost"].rank(ascending=False, method="first") / len(frame)
        frame["tier"] = np.select(
            [rank <= 0.005, rank <= 0.05, rank <= 0.2], labels[:3], default=labels[3]
        )
        frame["predicted_cost"] = frame["cost"] * 1.05
    rows, _ = profile_aggregates(frame, tree, segments=["ill", "well"], tiers=labels)
    profile = NeedsProfile.objects.create(
        snapshot=snapshot,
        segmentation_model=model,
        status=ProfileStatus.READY,
        people=len(frame),
        computed_at=timezone.now(),
        summary={
            "people": len(frame),
            "cost": float(frame["cost"].sum()),
            "segments": [
                {"code": "ill", "name": "Ill", "colour": "#005eb8", "people": 1},
                {"code": "well", "name": "Well", "colour": "#009639", "people": 1},
            ],
            "tiers": labels or [],
        },
        risk_metrics=RISK_METRICS if tiers else {"available": False, "reason": "No model."},
    )
    store.write_aggregates(profile.pk, rows)
    return profile


RISK_METRICS = {
    "available": True,
    "method": {"library": "scikit-learn", "emergency_model": "A", "cost_model": "B"},
    "training_people_used": 300,
    "held_out_people": 100,
    "linkage": {"linked": 400, "earlier_only": 3},
    "emergency": {
        "people": 100,
        "observed_admitted": 12,
        "auc": {"value": 0.71, "lower": 0.6, "upper": 0.82},
        "brier_score": 0.1,
        "calibration_by_decile": [
            {
                "decile": d,
                "people": 10,
                "predicted_admitted": 1.2,
                "observed_admitted": 1 if d < 10 else 3,
                "predicted_rate": 0.12,
                "observed_rate": 0.1,
                "observed_lower": 0.02,
                "observed_upper": 0.4,
                "observed_to_predicted": 0.83,
            }
            for d in range(1, 11)
        ],
    },
    "cost": {
        "people": 100,
        "r_squared": 0.3,
        "top_5_percent_cost_share": 0.2,
        "calibration_by_decile": [
            {"decile": d, "people": 10, "predicted_per_head": 500.0, "observed_per_head": 520.0}
            for d in range(1, 11)
        ],
    },
    "fairness": {
        "sex": [
            {
                "group": "F",
                "people": 95,
                "predicted_admitted": 11.0,
                "observed_admitted": 11,
                "predicted_rate": 0.116,
                "observed_rate": 0.116,
                "observed_lower": 0.06,
                "observed_upper": 0.19,
                "observed_to_predicted": 1.0,
                "auc": 0.7,
            },
            {
                "group": "I",
                "people": 5,
                "predicted_admitted": 1.0,
                "observed_admitted": 1,
                "predicted_rate": 0.2,
                "observed_rate": 0.2,
                "observed_lower": 0.03,
                "observed_upper": 0.6,
                "observed_to_predicted": 1.0,
                "auc": 0.5,
            },
        ]
    },
    "tiers": {"labels": ["Top 0.5%"], "people": {"Top 0.5%": 2}},
}
