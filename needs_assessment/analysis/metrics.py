"""How well a risk model does on people it was not trained on: discrimination (AUC with
DeLong's interval), calibration by decile of predicted value, and calibration within
groups (sex, IMD quintile, ethnicity) so that users can see whether it is fair.

Observed proportions carry Wilson 95% intervals (commissioning.stats), as elsewhere in
the system.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm, rankdata

from commissioning.stats import wilson_interval

DECILES = 10


@dataclass(frozen=True)
class AucEstimate:
    """Area under the ROC curve with its confidence interval (DeLong's method)."""

    value: float
    lower: float
    upper: float
    confidence: float
    method: str = "DeLong"

    def to_dict(self) -> dict:
        return asdict(self)


def delong_auc(outcome: np.ndarray, predicted: np.ndarray, confidence=0.95) -> AucEstimate:
    """AUC of `predicted` for the 0/1 `outcome`, with DeLong's variance.

    Uses midranks (Sun & Xu's fast algorithm, IEEE Signal Process Lett 2014;21:1389), so
    ties count a half, exactly as the Mann-Whitney AUC. The interval is the normal one on
    the AUC scale, clipped to [0, 1]. Deterministic: no resampling, so no seed needed.
    DeLong ER et al. Biometrics 1988;44:837-845."""
    outcome = np.asarray(outcome).astype(bool)
    predicted = np.asarray(predicted, dtype=np.float64)
    positives, negatives = predicted[outcome], predicted[~outcome]
    m, n = len(positives), len(negatives)
    if m == 0 or n == 0:
        raise ValueError("an AUC needs people with and without the outcome")
    combined = rankdata(predicted)
    v10 = (combined[outcome] - rankdata(positives)) / n
    v01 = 1.0 - (combined[~outcome] - rankdata(negatives)) / m
    auc = float(v10.mean())
    variance = v10.var(ddof=1) / m + v01.var(ddof=1) / n if m > 1 and n > 1 else 0.0
    half = norm.ppf(0.5 + confidence / 2) * math.sqrt(max(variance, 0.0))
    return AucEstimate(auc, float(max(0.0, auc - half)), float(min(1.0, auc + half)), confidence)


def decile_of(predicted: np.ndarray, tiebreak: np.ndarray) -> np.ndarray:
    """Decile 1 (lowest predicted) to 10 (highest), equal sizes by rank; ties in the
    prediction are broken by `tiebreak` so the split is deterministic."""
    order = np.lexsort((tiebreak, predicted))
    decile = np.empty(len(predicted), dtype=np.int8)
    decile[order] = np.arange(len(predicted)) * DECILES // max(len(predicted), 1) + 1
    return decile


def emergency_calibration(outcome: np.ndarray, risk: np.ndarray, decile: np.ndarray):
    """Predicted against observed emergency admission by decile of predicted risk.

    Out: decile, people, predicted_admitted (sum of risks), observed_admitted,
    predicted_rate, observed_rate, observed_lower, observed_upper (Wilson 95%)."""
    frame = pd.DataFrame({"decile": decile, "outcome": outcome, "risk": risk})
    grouped = frame.groupby("decile", sort=True).agg(
        people=("outcome", "size"),
        predicted_admitted=("risk", "sum"),
        observed_admitted=("outcome", "sum"),
    )
    return _with_rates(grouped).reset_index()


def cost_calibration(observed: np.ndarray, predicted: np.ndarray, decile: np.ndarray):
    """Predicted against observed next-period cost by decile of predicted cost.

    Out: decile, people, predicted_cost, observed_cost (totals, £), predicted_per_head,
    observed_per_head, observed_to_predicted."""
    frame = pd.DataFrame({"decile": decile, "observed": observed, "predicted": predicted})
    grouped = frame.groupby("decile", sort=True).agg(
        people=("observed", "size"),
        predicted_cost=("predicted", "sum"),
        observed_cost=("observed", "sum"),
    )
    grouped["predicted_per_head"] = grouped["predicted_cost"] / grouped["people"]
    grouped["observed_per_head"] = grouped["observed_cost"] / grouped["people"]
    grouped["observed_to_predicted"] = grouped["observed_cost"] / grouped["predicted_cost"]
    return grouped.reset_index()


def group_calibration(held_out: pd.DataFrame, group: str) -> pd.DataFrame:
    """Calibration of both models within each group of `group` present in `held_out`.

    In: held_out with columns `group`, outcome (0/1), risk, observed_cost, predicted_cost.
    Out: group, people, predicted_admitted, observed_admitted, predicted_rate,
    observed_rate, observed_lower, observed_upper, observed_to_predicted (admissions),
    auc (within the group; NaN where everyone or no one was admitted),
    predicted_cost_per_head, observed_cost_per_head, cost_observed_to_predicted."""
    grouped = held_out.groupby(group, observed=True, sort=True)
    table = grouped.agg(
        people=("outcome", "size"),
        predicted_admitted=("risk", "sum"),
        observed_admitted=("outcome", "sum"),
        predicted_cost=("predicted_cost", "sum"),
        observed_cost=("observed_cost", "sum"),
    )
    table = _with_rates(table)
    table["auc"] = [_auc_or_nan(part) for _, part in grouped]
    table["predicted_cost_per_head"] = table.pop("predicted_cost") / table["people"]
    table["observed_cost_per_head"] = table.pop("observed_cost") / table["people"]
    table["cost_observed_to_predicted"] = (
        table["observed_cost_per_head"] / table["predicted_cost_per_head"]
    )
    table.index = table.index.astype(str)
    return table.rename_axis("group").reset_index()


def _with_rates(table: pd.DataFrame) -> pd.DataFrame:
    table["observed_admitted"] = table["observed_admitted"].astype(np.int64)
    table["predicted_rate"] = table["predicted_admitted"] / table["people"]
    interval = wilson_interval(table["observed_admitted"], table["people"])
    table["observed_rate"] = interval.value
    table["observed_lower"] = interval.lower
    table["observed_upper"] = interval.upper
    table["observed_to_predicted"] = table["observed_admitted"] / table["predicted_admitted"]
    return table


def _auc_or_nan(part: pd.DataFrame) -> float:
    outcome = part["outcome"].to_numpy()
    if outcome.all() or not outcome.any():
        return math.nan
    return delong_auc(outcome, part["risk"].to_numpy()).value


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows of `frame` as JSON-friendly dicts: plain ints, floats rounded to 6 decimal
    places, strings, and None for NaN."""
    out = []
    columns = list(frame.columns)
    for row in frame.itertuples(index=False, name=None):
        out.append({c: _plain(v) for c, v in zip(columns, row, strict=True)})
    return out


def _plain(value):
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) else round(float(value), 6)
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    return str(value)
