"""Risk tiers by rank of predicted value, and the segment-by-tier matrix of people, cost
and activity."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from needs_assessment.analysis.features import require_columns

DEFAULT_CUTS = (0.005, 0.05, 0.20)
TIER_VALUE_COLUMNS = {"cost": "predicted_cost", "emergency": "emergency_risk"}
ALL = "All"
MATRIX_ACTIVITY = ["emergency_admissions", "ae_attendances", "bed_days", "gp_contacts"]
MATRIX_FORECAST = ["predicted_cost", "emergency_risk"]


def tier_labels(cuts: tuple[float, ...] = DEFAULT_CUTS) -> list[str]:
    """Tier names, highest first: (0.005, 0.05, 0.20) gives "Top 0.5%", "Next 4.5%",
    "Next 15%", "Remaining 80%"."""
    shares = np.diff([0.0, *cuts, 1.0])
    names = [f"{'Top' if i == 0 else 'Next'} {_percent(s)}" for i, s in enumerate(shares[:-1])]
    return [*names, f"Remaining {_percent(shares[-1])}"]


def assign_risk_tiers(
    scores: pd.DataFrame, by: str = "cost", cuts: tuple[float, ...] = DEFAULT_CUTS
) -> pd.DataFrame:
    """Put each person in a tier by the rank of their predicted cost or emergency risk.

    In: scores with pseudo_id and predicted_cost (by="cost") or emergency_risk
    (by="emergency"), as risk.score returns. `cuts` are cumulative shares of people from
    the top. Tier k holds ranks from round(n x cut[k-1]) to round(n x cut[k]) (halves
    rounded up), so the sizes are exact and add up to n. Ties in the predicted value are
    broken by pseudo_id (ascending), so the same scores always give the same tiers.
    Out: a copy of scores with rank (1 = highest predicted value) and tier (ordered
    categorical, tier_labels(cuts), highest tier first)."""
    if by not in TIER_VALUE_COLUMNS:
        raise ValueError(f"by must be one of {', '.join(TIER_VALUE_COLUMNS)}, not {by!r}")
    column = TIER_VALUE_COLUMNS[by]
    require_columns(scores, ["pseudo_id", column], "scores")
    cuts = tuple(float(c) for c in cuts)
    if not cuts or any(b <= a for a, b in zip((0.0, *cuts), (*cuts, 1.0), strict=True)):
        raise ValueError("cuts must rise strictly between 0 and 1, e.g. (0.005, 0.05, 0.20)")
    values = pd.to_numeric(scores[column]).to_numpy(dtype=np.float64)
    if np.isnan(values).any():
        raise ValueError(f"{column} has missing values")
    ranked = pd.DataFrame({"value": values, "pseudo_id": scores["pseudo_id"].to_numpy()})
    order = ranked.sort_values(
        ["value", "pseudo_id"], ascending=[False, True], kind="stable"
    ).index.to_numpy()
    n = len(values)
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(1, n + 1)
    bounds = [math.floor(round(n * c, 9) + 0.5) for c in cuts]
    codes = np.searchsorted(np.asarray(bounds), rank - 1, side="right").astype(np.int8)
    labels = tier_labels(cuts)
    tier = pd.Categorical.from_codes(codes, categories=labels, ordered=True)
    return scores.assign(rank=rank, tier=tier)


def segment_tier_matrix(people: pd.DataFrame) -> pd.DataFrame:
    """People, cost and activity by segment and risk tier, with totals.

    In: one row per person with segment, tier (as assign_risk_tiers gives), cost (£),
    emergency_admissions, ae_attendances, bed_days, gp_contacts; optionally
    predicted_cost and emergency_risk (from risk.score), which add the forecast.
    Categorical segment and tier keep their category order (put segments in priority
    order); otherwise values are sorted. Every combination appears, empty ones with 0
    people. Out: segment, tier, people, cost, cost_per_head, each activity total and its
    rate per 1,000 people, and where given predicted_cost, predicted_cost_per_head and
    expected_emergency_admitted (sum of risks). Rows with segment or tier "All" are the
    totals; cost is summed in whole pence, so the totals equal the population's exactly.
    """
    require_columns(people, ["segment", "tier", "cost", *MATRIX_ACTIVITY], "person frame")
    forecast = [c for c in MATRIX_FORECAST if c in people.columns]
    frame = pd.DataFrame(
        {
            "segment": _categorical(people["segment"]),
            "tier": _categorical(people["tier"]),
            "people": np.ones(len(people), dtype=np.int64),
            "pence": _pence(people["cost"]),
        }
    )
    for column in MATRIX_ACTIVITY:
        frame[column] = pd.to_numeric(people[column]).to_numpy(dtype=np.int64)
    for column in forecast:
        frame[column] = pd.to_numeric(people[column]).to_numpy(dtype=np.float64)
    measures = ["people", "pence", *MATRIX_ACTIVITY, *forecast]
    cells = frame.groupby(["segment", "tier"], observed=False)[measures].sum()
    by_segment = frame.groupby("segment", observed=False)[measures].sum()
    by_tier = frame.groupby("tier", observed=False)[measures].sum()
    total = frame[measures].sum().to_frame().T
    parts = [
        cells.reset_index(),
        by_segment.reset_index().assign(tier=ALL),
        by_tier.reset_index().assign(segment=ALL),
        total.assign(segment=ALL, tier=ALL),
    ]
    table = pd.concat([p.astype({"segment": str, "tier": str}) for p in parts], ignore_index=True)
    return _per_head(table, forecast)


def _per_head(table: pd.DataFrame, forecast: list[str]) -> pd.DataFrame:
    people = table["people"].astype(np.int64)
    per_person = people.where(people > 0)
    out = table[["segment", "tier"]].assign(people=people)
    out["cost"] = table["pence"].astype(np.int64) / 100
    out["cost_per_head"] = (table["pence"] / 100 / per_person).round(2)
    for column in MATRIX_ACTIVITY:
        out[column] = table[column].astype(np.int64)
        out[f"{column}_per_1000"] = table[column] / per_person * 1000
    if "predicted_cost" in forecast:
        out["predicted_cost"] = table["predicted_cost"].round(2)
        out["predicted_cost_per_head"] = (table["predicted_cost"] / per_person).round(2)
    if "emergency_risk" in forecast:
        out["expected_emergency_admitted"] = table["emergency_risk"]
    return out


def _categorical(values: pd.Series) -> pd.Categorical:
    if values.isna().any():
        raise ValueError(f"every person needs a {values.name}")
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.array
    return pd.Categorical(values, categories=sorted(values.unique()))


def _pence(cost: pd.Series) -> np.ndarray:
    pounds = pd.to_numeric(cost).to_numpy(dtype=np.float64)
    return np.rint(pounds * 100).astype(np.int64)


def _percent(share: float) -> str:
    return f"{round(share * 100, 6):g}%"
