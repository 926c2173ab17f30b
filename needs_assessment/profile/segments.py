"""Population segments and risk tiers: people, cost and activity by segment, by tier and
by segment × tier, for every area.

Pure: the caller has assigned each person a segment (commissioning.segmentation_rules)
and, where a risk model could be trained, a tier (needs_assessment.analysis). People are
grouped once by neighbourhood × segment × tier and rolled up to places and the ICB.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from commissioning.models.population import ACTIVITY_COUNTS
from commissioning.stats import crude_rate, wilson_interval
from needs_assessment.profile import measures as m
from needs_assessment.profile.cube import AreaTree, by_area, group_sums
from needs_assessment.profile.rows import aggregate_rows, combine

SUMS = ["people", "cost", *ACTIVITY_COUNTS, "predicted_cost"]


def segment_cells(
    neighbourhood: np.ndarray,
    people: pd.DataFrame,
    segments: list[str],
    tiers: list[str] | None,
    tree: AreaTree,
) -> pd.DataFrame:
    """People summed by neighbourhood × segment × tier.

    In: `neighbourhood` (cube codes per person); `people` with segment (codes of
    `segments`, or a categorical of them), tier (labels of `tiers`; absent or all
    missing when there is no risk model), cost, the activity counts and optionally
    predicted_cost. Out: neighbourhood, segment, tier (int codes; tier -1 when none) and
    SUMS."""
    segment = _codes(people["segment"], segments, "segment")
    keys = {"neighbourhood": neighbourhood, "segment": segment}
    sizes = {"neighbourhood": len(tree.neighbourhoods), "segment": len(segments)}
    if tiers:
        keys["tier"] = _codes(people["tier"], tiers, "tier")
        sizes["tier"] = len(tiers)
    values = {"people": None}
    for name in ["cost", *ACTIVITY_COUNTS]:
        values[name] = pd.to_numeric(people[name]).to_numpy()
    if "predicted_cost" in people.columns:
        values["predicted_cost"] = pd.to_numeric(people["predicted_cost"]).to_numpy()
    cells = group_sums(keys, sizes, values)
    if "predicted_cost" not in cells.columns:
        cells["predicted_cost"] = np.nan
    if not tiers:
        cells["tier"] = -1
    return cells


def _codes(values: pd.Series, categories: list[str], what: str) -> np.ndarray:
    codes = pd.Categorical(values.astype(object), categories=categories).codes
    if (codes < 0).any():
        raise ValueError(f"every person needs a {what} from {', '.join(categories)}")
    return codes.astype(np.int64)


def segment_rows(cells: pd.DataFrame, segments: list[str], tree: AreaTree) -> pd.DataFrame:
    """People, share of the population (Wilson), cost, cost per head and activity per
    1,000 people in each segment of each area.

    In: segment_cells. Out: aggregate rows with breakdown "segment" and the segment code
    as category: segment_people, segment_share (% of the area's people, Wilson), cost
    (total £), cost_per_head (£) and rate:<activity> (per 1,000, Byar's limits)."""
    table = by_area(cells, ["segment"], SUMS, tree)
    labels = np.asarray(segments, dtype=object)[table["segment"].to_numpy()]
    return _group_rows(table, "segment", labels, _area_people(cells, tree, table))


def tier_rows(cells: pd.DataFrame, segments: list[str], tiers: list[str], tree: AreaTree):
    """People, cost, predicted cost and activity by risk tier and by segment × tier.

    In: segment_cells with tiers. Out: aggregate rows with breakdown "tier" (category the
    tier label) and "segment_tier" (category "<segment code>|<tier label>"): tier_people,
    tier_share, cost, cost_per_head, predicted_cost_per_head and rate:<activity> for the
    matrix activity."""
    parts = []
    by_tier = by_area(cells, ["tier"], SUMS, tree)
    labels = np.asarray(tiers, dtype=object)[by_tier["tier"].to_numpy()]
    parts.append(_group_rows(by_tier, "tier", labels, _area_people(cells, tree, by_tier)))
    matrix = by_area(cells, ["segment", "tier"], SUMS, tree)
    labels = (
        np.asarray(segments, dtype=object)[matrix["segment"].to_numpy()]
        + "|"
        + np.asarray(tiers, dtype=object)[matrix["tier"].to_numpy()]
    )
    parts.append(_group_rows(matrix, "segment_tier", labels, _area_people(cells, tree, matrix)))
    return combine(parts)


def _area_people(cells: pd.DataFrame, tree: AreaTree, table: pd.DataFrame) -> np.ndarray:
    totals = by_area(cells, [], ["people"], tree).set_index("area")["people"]
    return totals.reindex(table["area"]).to_numpy()


def _group_rows(table, breakdown: str, category, area_people) -> pd.DataFrame:
    prefix = "segment" if breakdown == m.SEGMENT else "tier"
    people, cost = table["people"], table["cost"]
    share95 = wilson_interval(people, area_people, 0.95, per=100)
    share998 = wilson_interval(people, area_people, 0.998, per=100)
    common = {"breakdown": breakdown, "dim": None, "category": category}
    parts = [
        aggregate_rows(
            table,
            measure=f"{prefix}_people",
            value=people,
            numerator=people,
            denominator=area_people,
            unit=m.UNIT_PEOPLE,
            **common,
        ),
        aggregate_rows(
            table,
            measure=f"{prefix}_share",
            value=share95.value,
            numerator=people,
            denominator=area_people,
            limits95=(share95.lower, share95.upper),
            limits998=(share998.lower, share998.upper),
            unit=m.UNIT_PERCENT,
            method="Wilson",
            **common,
        ),
        aggregate_rows(table, measure="cost", value=cost, unit=m.UNIT_POUNDS, **common),
        aggregate_rows(
            table,
            measure="cost_per_head",
            value=cost / people,
            numerator=cost,
            denominator=people,
            unit=m.UNIT_POUNDS_PER_HEAD,
            method="mean",
            **common,
        ),
    ]
    if prefix == "tier":
        predicted = table["predicted_cost"]
        parts.append(
            aggregate_rows(
                table,
                measure="predicted_cost_per_head",
                value=predicted / people,
                numerator=predicted,
                denominator=people,
                unit=m.UNIT_POUNDS_PER_HEAD,
                method="mean of predicted next-year cost",
                **common,
            )
        )
    activities = ACTIVITY_COUNTS if prefix == "segment" else m.MATRIX_ACTIVITY
    for activity in activities:
        r95 = crude_rate(table[activity], people, per=1000, confidence=0.95)
        r998 = crude_rate(table[activity], people, per=1000, confidence=0.998)
        parts.append(
            aggregate_rows(
                table,
                measure=f"rate:{activity}",
                value=r95.value,
                numerator=table[activity],
                denominator=people,
                limits95=(r95.lower, r95.upper),
                limits998=(r998.lower, r998.upper),
                unit=m.UNIT_PER_1000,
                method=r95.method,
                **common,
            )
        )
    return combine(parts)
