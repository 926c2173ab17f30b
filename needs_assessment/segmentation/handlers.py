"""Background-run handlers of stage 1 segmentation (registered with @run_handler).

Both read a snapshot's people with COPY inside the worker, segment them with the segments
recorded in the run's parameters (as they were when the run was started), and return
aggregates only: person rows never leave the worker.
"""

from __future__ import annotations

import math

import pandas as pd
from django.utils import timezone

from commissioning.models import PopulationSnapshot
from commissioning.runs import RunContext, run_handler
from needs_assessment.segmentation import analysis
from needs_assessment.segmentation.actions import COMPARE_KIND, RUN_KIND
from needs_assessment.segmentation.people import columns_for, read_people


def json_records(frame: pd.DataFrame) -> list[dict]:
    """A frame as JSON-ready records: plain ints and floats (2 places), NaN as None."""
    records = []
    for row in frame.to_dict(orient="records"):
        clean = {}
        for key, value in row.items():
            if hasattr(value, "item"):
                value = value.item()
            if isinstance(value, float):
                value = None if math.isnan(value) else round(value, 2)
            clean[key] = value
        records.append(clean)
    return records


def _snapshot(context: RunContext) -> PopulationSnapshot:
    snapshot = PopulationSnapshot.objects.get(pk=context.parameters["snapshot_id"])
    context.progress(5, f"Reading {snapshot.row_count:,} people")
    return snapshot


@run_handler(RUN_KIND, label="Segmentation")
def run_segmentation(context: RunContext) -> dict:
    """Segment one snapshot's people with one model; people, cost and activity per segment."""
    model = context.parameters["model"]
    segments = model["segments"]
    snapshot = _snapshot(context)
    people = read_people(snapshot.pk, columns_for([segments], with_measures=True))
    context.progress(50, f"Assigning {len(people):,} people to {len(segments)} segments")
    people["segment"] = analysis.assign(segments, people)
    context.progress(80, "Adding up people, cost and activity per segment")
    sizes = analysis.segment_sizes(people, segments)
    unassigned = int(sizes.loc[sizes["code"] == analysis.NO_SEGMENT, "people"].sum())
    return {
        "snapshot_id": snapshot.pk,
        "model_id": model["id"],
        "model_label": model["label"],
        "people": int(len(people)),
        "cost": round(float(people["cost"].sum()), 2) if len(people) else 0.0,
        "unassigned": unassigned,
        "segments": json_records(sizes),
        "computed_at": timezone.now().isoformat(),
    }


@run_handler(COMPARE_KIND, label="Segmentation comparison")
def run_comparison(context: RunContext) -> dict:
    """Segment one snapshot's people with two models and count the people in each pair of
    segments (from A to B): the table and Sankey chart of who moves where."""
    model_a, model_b = context.parameters["model_a"], context.parameters["model_b"]
    snapshot = _snapshot(context)
    columns = columns_for([model_a["segments"], model_b["segments"]], with_measures=False)
    people = read_people(snapshot.pk, columns)
    context.progress(45, f"Segmenting {len(people):,} people with {model_a['label']}")
    first = analysis.assign(model_a["segments"], people)
    context.progress(65, f"Segmenting {len(people):,} people with {model_b['label']}")
    second = analysis.assign(model_b["segments"], people)
    del people
    context.progress(85, "Counting the people who move between segments")
    flows = analysis.segment_flows(first, second, model_a["segments"], model_b["segments"])
    same = analysis.people_in_same_segment(flows)
    sizes_a = flows.groupby("from_code", sort=False)["people"].sum()
    sizes_b = flows.groupby("to_code", sort=False)["people"].sum()
    return {
        "snapshot_id": snapshot.pk,
        "model_a": {"id": model_a["id"], "label": model_a["label"]},
        "model_b": {"id": model_b["id"], "label": model_b["label"]},
        "people": int(len(first)),
        "same_segment": same,
        "moved": None if same is None else int(len(first)) - same,
        "segments_a": _side(model_a["segments"], sizes_a),
        "segments_b": _side(model_b["segments"], sizes_b),
        "flows": json_records(flows),
        "computed_at": timezone.now().isoformat(),
    }


def _side(segments: list[dict], sizes: pd.Series) -> list[dict]:
    """One model's segments with their people, in priority order (NO_SEGMENT if used)."""
    rows = [
        {
            "code": s["code"],
            "name": s["name"],
            "colour": s.get("colour", "#005eb8"),
            "people": int(sizes.get(s["code"], 0)),
        }
        for s in segments
    ]
    if int(sizes.get(analysis.NO_SEGMENT, 0)):
        rows.append(
            {
                "code": analysis.NO_SEGMENT,
                "name": analysis.NO_SEGMENT_NAME,
                "colour": "#768692",
                "people": int(sizes[analysis.NO_SEGMENT]),
            }
        )
    return rows
