"""Segment sizes, cost and activity, and the comparison of two segmentations (pure pandas).

No ORM and no database: person frames come in, small aggregate frames go out. A
"segments" argument is a list of dicts with at least `code`, `name` and `rule` (and
`colour`), in priority order, as `actions.segments_of` returns them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from commissioning.models.population import ACTIVITY_COUNTS
from commissioning.segmentation_rules import evaluate_rule

NO_SEGMENT = "_none"
NO_SEGMENT_NAME = "In no segment"


def assign(segments: list[dict], people: pd.DataFrame) -> pd.Categorical:
    """Each person's segment code, as a categorical whose categories are the codes in
    priority order, then NO_SEGMENT (people no rule matched: none, for a valid model).

    In: people with every flag and field the rules name (flags as 0/1 or bool).
    Out: a Categorical as long as `people`."""
    # The first-match rule of segmentation_rules.assign_segments, kept as integer codes so
    # that millions of people never become millions of Python strings.
    codes = np.full(len(people), len(segments), dtype=np.int16)
    unassigned = np.ones(len(people), dtype=bool)
    for index, segment in enumerate(segments):
        hit = unassigned & evaluate_rule(segment["rule"], people).to_numpy(dtype=bool)
        codes[hit] = index
        unassigned &= ~hit
    categories = [s["code"] for s in segments] + [NO_SEGMENT]
    return pd.Categorical.from_codes(codes, categories=categories)


def _labels(segments: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "code": [s["code"] for s in segments] + [NO_SEGMENT],
            "name": [s["name"] for s in segments] + [NO_SEGMENT_NAME],
            "colour": [s.get("colour", "#005eb8") for s in segments] + ["#768692"],
        }
    )
    frame["priority"] = range(1, len(frame) + 1)
    return frame


def segment_sizes(people: pd.DataFrame, segments: list[dict]) -> pd.DataFrame:
    """People, share, cost and activity of each segment, in priority order.

    In: people with column `segment` (codes, as `assign` makes) and, where present, `cost`
    and the activity counts (ae_attendances, emergency_admissions, ...).
    Out: one row per segment with code, name, colour, priority, people, share (% of all
    people), cost, cost_per_head, and for each activity count present its total and
    `<count>_per_1000` (per 1,000 people). The NO_SEGMENT row is kept only if it has
    people. Per-head figures are NaN for an empty segment."""
    activity = [c for c in ACTIVITY_COUNTS if c in people.columns]
    measures = (["cost"] if "cost" in people.columns else []) + activity
    grouped = people.groupby("segment", observed=False)
    totals = grouped[measures].sum() if measures else pd.DataFrame(index=grouped.size().index)
    totals["people"] = grouped.size()
    frame = _labels(segments).merge(totals, left_on="code", right_index=True, how="left")
    frame["people"] = frame["people"].fillna(0).astype("int64")
    total_people = int(frame["people"].sum())
    frame["share"] = frame["people"] / total_people * 100 if total_people else np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        per_person = frame["people"].where(frame["people"] > 0)
        if "cost" in measures:
            frame["cost"] = frame["cost"].fillna(0.0).astype(float)
            frame["cost_per_head"] = frame["cost"] / per_person
        for count in activity:
            frame[count] = frame[count].fillna(0).astype("int64")
            frame[f"{count}_per_1000"] = frame[count] / per_person * 1000
    keep = (frame["code"] != NO_SEGMENT) | (frame["people"] > 0)
    return frame[keep].reset_index(drop=True)


def segment_flows(
    first: pd.Series | pd.Categorical,
    second: pd.Series | pd.Categorical,
    segments_first: list[dict],
    segments_second: list[dict],
) -> pd.DataFrame:
    """How many people are in each (first segment, second segment) pair: the crosstab of
    two segmentations of the same people, in long form for a Sankey chart and a table.

    In: two equally long sequences of segment codes (the same people in the same order),
    and each segmentation's segments in priority order.
    Out: columns from_code, from_name, to_code, to_name, people: every pair of segments
    (zeros included), ordered by the first segmentation's priority then the second's.
    NO_SEGMENT appears on a side only if someone is in it."""
    first_codes = _as_categorical(first, segments_first)
    second_codes = _as_categorical(second, segments_second)
    if len(first_codes) != len(second_codes):
        raise ValueError("the two segmentations must be of the same people")
    n_second = len(second_codes.categories)
    pairs = first_codes.codes.astype(np.int64) * n_second + second_codes.codes.astype(np.int64)
    counts = np.bincount(pairs, minlength=len(first_codes.categories) * n_second)
    labels_first = _labels(segments_first).set_index("code")["name"]
    labels_second = _labels(segments_second).set_index("code")["name"]
    frame = pd.DataFrame(
        {
            "from_code": np.repeat(np.asarray(first_codes.categories), n_second),
            "to_code": np.tile(np.asarray(second_codes.categories), len(first_codes.categories)),
            "people": counts.astype("int64"),
        }
    )
    frame["from_name"] = frame["from_code"].map(labels_first)
    frame["to_name"] = frame["to_code"].map(labels_second)
    used_first = frame.groupby("from_code", sort=False)["people"].transform("sum") > 0
    used_second = frame.groupby("to_code", sort=False)["people"].transform("sum") > 0
    keep = ((frame["from_code"] != NO_SEGMENT) | used_first) & (
        (frame["to_code"] != NO_SEGMENT) | used_second
    )
    columns = ["from_code", "from_name", "to_code", "to_name", "people"]
    return frame.loc[keep, columns].reset_index(drop=True)


def _as_categorical(codes, segments: list[dict]) -> pd.Categorical:
    categories = [s["code"] for s in segments] + [NO_SEGMENT]
    if isinstance(codes, pd.Series) and isinstance(codes.dtype, pd.CategoricalDtype):
        codes = codes.array
    if isinstance(codes, pd.Categorical) and list(codes.categories) == categories:
        return codes  # as `assign` makes them: no need to look at every value again
    values = pd.Series(np.asarray(codes, dtype=object)).fillna(NO_SEGMENT)
    unknown = set(values.unique()) - set(categories)
    if unknown:
        raise ValueError(f"codes not among the segments: {sorted(unknown)}")
    return pd.Categorical(values, categories=categories)


def flow_matrix(flows: pd.DataFrame) -> pd.DataFrame:
    """The crosstab as a table: rows are the first segmentation's segment names, columns
    the second's, cells people; in the order of `flows`.

    In: the frame `segment_flows` returns (from_name, to_name, people).
    Out: a wide frame indexed by from_name with one column per to_name."""
    rows = list(dict.fromkeys(flows["from_name"]))
    columns = list(dict.fromkeys(flows["to_name"]))
    matrix = flows.pivot_table(
        index="from_name", columns="to_name", values="people", aggfunc="sum", fill_value=0
    )
    return matrix.reindex(index=rows, columns=columns, fill_value=0).astype("int64")


def people_in_same_segment(flows: pd.DataFrame) -> int | None:
    """How many people keep the same segment code in both segmentations, or None when the
    two share no code (two unrelated models, where "the same segment" has no meaning).

    In: the frame `segment_flows` returns."""
    shared = set(flows["from_code"]) & set(flows["to_code"]) - {NO_SEGMENT}
    if not shared:
        return None
    same = flows["from_code"] == flows["to_code"]
    return int(flows.loc[same & flows["from_code"].isin(shared), "people"].sum())
