"""The population summary of a snapshot: people, cost and activity by place, neighbourhood,
age band and sex. The first real background job; the ICB home page reads its result."""

from __future__ import annotations

import pandas as pd
from django.db import transaction
from django.utils import timezone

from commissioning.frames import read_frame
from commissioning.models import PopulationSnapshot
from commissioning.runs import RunContext, run_handler

RUN_KIND = "population_summary"
AGE_BANDS = [0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90, 200]
AGE_LABELS = [f"{lo}-{hi - 1}" for lo, hi in zip(AGE_BANDS[:-2], AGE_BANDS[1:-1], strict=True)]
AGE_LABELS.append("90+")


def summarise(people: pd.DataFrame) -> dict:
    """Aggregate person rows into the summary.

    In: one row per person with columns age, sex, place, neighbourhood, cost,
    emergency_admissions, ae_attendances, gp_contacts.
    Out: {"people": int, "cost": float, "by_place": [...], "by_neighbourhood": [...],
    "pyramid": [{"age_band", "sex", "people"}...]} (plain JSON types)."""
    if people.empty:
        return {"people": 0, "cost": 0.0, "by_place": [], "by_neighbourhood": [], "pyramid": []}
    measures = {
        "people": ("age", "size"),
        "cost": ("cost", "sum"),
        "emergency_admissions": ("emergency_admissions", "sum"),
        "ae_attendances": ("ae_attendances", "sum"),
        "gp_contacts": ("gp_contacts", "sum"),
    }
    by_place = people.groupby("place", sort=True).agg(**measures).reset_index()
    by_neighbourhood = (
        people.groupby(["place", "neighbourhood"], sort=True).agg(**measures).reset_index()
    )
    bands = pd.cut(people["age"], bins=AGE_BANDS, labels=AGE_LABELS, right=False)
    pyramid = (
        people.assign(age_band=bands)
        .groupby(["age_band", "sex"], observed=False)
        .size()
        .rename("people")
        .reset_index()
    )
    pyramid["age_band"] = pyramid["age_band"].astype(str)
    return {
        "people": int(len(people)),
        "cost": round(float(people["cost"].sum()), 2),
        "by_place": _records(by_place),
        "by_neighbourhood": _records(by_neighbourhood),
        "pyramid": _records(pyramid),
    }


def _records(frame: pd.DataFrame) -> list[dict]:
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_integer_dtype(out[column]):
            out[column] = out[column].astype("int64")
        elif pd.api.types.is_float_dtype(out[column]):
            out[column] = out[column].round(2)
        else:
            out[column] = out[column].astype(object)
    return out.to_dict(orient="records")


SUMMARY_QUERY = """
    SELECT p.age, p.sex, p.cost, p.emergency_admissions, p.ae_attendances, p.gp_contacts,
           place.name AS place, hood.name AS neighbourhood
    FROM person_record p
    JOIN commissioning_area lsoa ON lsoa.id = p.lsoa_id
    JOIN commissioning_area hood ON hood.id = lsoa.parent_id
    JOIN commissioning_area place ON place.id = hood.parent_id
    WHERE p.snapshot_id = %(snapshot_id)s
"""


@run_handler(RUN_KIND, label="Population summary")
def run_population_summary(context: RunContext) -> dict:
    """Read a snapshot's people with COPY, summarise them, return the summary."""
    snapshot = PopulationSnapshot.objects.get(pk=context.parameters["snapshot_id"])
    context.progress(10, f"Reading {snapshot.row_count:,} people")
    people = read_frame(SUMMARY_QUERY, {"snapshot_id": snapshot.pk})
    context.progress(70, "Summarising")
    summary = summarise(people)
    summary.update(
        snapshot_id=snapshot.pk,
        period_end=snapshot.period_end.isoformat(),
        computed_at=timezone.now().isoformat(),
    )
    return summary


def latest_summary(icb) -> dict | None:
    """The newest successful summary of the ICB's current snapshot, if any."""
    from commissioning.models import Run, RunStatus, SnapshotStatus

    snapshot = (
        PopulationSnapshot.objects.filter(icb=icb, status=SnapshotStatus.CURRENT)
        .order_by("-period_end")
        .first()
    )
    if snapshot is None:
        return None
    run = (
        Run.objects.filter(
            kind=RUN_KIND, status=RunStatus.SUCCEEDED, parameters__snapshot_id=snapshot.pk
        )
        .order_by("-finished_at")
        .first()
    )
    return run.result if run else None


@transaction.atomic
def start_population_summary(*, snapshot: PopulationSnapshot, by):
    from commissioning.runs import start_run

    return start_run(
        kind=RUN_KIND, by=by, icb=snapshot.icb, parameters={"snapshot_id": snapshot.pk}
    )
