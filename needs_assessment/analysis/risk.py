"""Risk stratification "by complexity and forecast resource": models trained on one period's
person attributes to predict the next period's emergency admission and cost.

Two gradient-boosted tree models (scikit-learn's HistGradientBoosting: fast on two cores,
handles missing values and categoricals, no scaling) are trained on a seeded training
split of the people present in both periods and judged on the held-out rest:
discrimination (AUC with DeLong's interval), calibration by decile of predicted value,
and calibration by sex, IMD quintile and ethnicity. The training split is capped at
`max_training_rows` (a seeded sample), so training time stops growing with the ICB's
size; evaluation and scoring always use everyone.

Everything here is pure pandas/numpy/scikit-learn: DataFrames in, DataFrames and
dataclasses out, no ORM. The split depends only on the seed and the pseudo ids, not on
the order the rows arrive in (a database returns rows in no fixed order).
"""

from __future__ import annotations

import hashlib
import time
from contextlib import nullcontext
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import sklearn
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.metrics import mean_absolute_error, r2_score
from threadpoolctl import threadpool_limits

from needs_assessment.analysis.features import (
    MODEL_FEATURES,
    PERSON_COLUMNS,
    build_features,
    categorical_mask,
    model_matrix,
    require_columns,
)
from needs_assessment.analysis.metrics import (
    AucEstimate,
    cost_calibration,
    decile_of,
    delong_auc,
    emergency_calibration,
    group_calibration,
    records,
)

#: The training split is sampled down to this many people: tree models learn ~35
#: features well from a few hundred thousand people, and the cap keeps a 3-million-person
#: ICB's training time the same as a 300,000-person one's.
MAX_TRAINING_ROWS = 200_000
MAX_HELD_OUT_ROWS = 300_000
OUTCOME_COLUMNS = ["pseudo_id", "emergency_admissions", "cost"]
FAIRNESS_GROUPS = ["sex", "imd_quintile", "ethnicity"]
PREDICT_CHUNK_ROWS = 250_000
TREE_SETTINGS = {
    "learning_rate": 0.2,
    "max_iter": 80,
    "max_leaf_nodes": 31,
    "min_samples_leaf": 200,
    "l2_regularization": 1.0,
    "early_stopping": True,
    "validation_fraction": 0.1,
    "n_iter_no_change": 10,
}
MIN_LINKED_PEOPLE = 100
#: Fitting uses one thread by default. HistGradientBoosting's fit runs thousands of
#: short OpenMP parallel regions, and when the two cores are shared (web server,
#: PostgreSQL, another worker) OpenMP's spin-waiting made fitting 3-6 times slower with
#: two threads than with one (measured at 1 million people: 3.6 s with one thread, 11-22 s
#: with two under a load of 3). One thread is predictable; prediction, a few long parallel
#: loops, is faster on both cores even under load, so it is not capped.
DEFAULT_FIT_THREADS = 1


@dataclass(frozen=True)
class Linkage:
    """How the two periods' people were linked by pseudo_id.

    earlier_only are people in the earlier period and not the later one: they died or
    left the ICB's registers (the data cannot tell which), their next-period outcome is
    unknown, and they are left out of training and evaluation. So the models learn risk
    among survivors: the frailest, who die most often, are under-represented, which users
    should know when reading the top tier. later_only were born or
    arrived; they have no earlier history, so they are not in training either, but they
    are scored like everyone else from their own latest-period row."""

    earlier_people: int
    later_people: int
    linked: int
    earlier_only: int
    later_only: int

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class EmergencyMetrics:
    """The emergency admission model on the held-out people (outcome: one or more
    emergency admissions in the later period)."""

    people: int
    observed_admitted: int
    predicted_admitted: float
    auc: AucEstimate
    brier_score: float
    calibration_by_decile: pd.DataFrame


@dataclass(frozen=True)
class CostMetrics:
    """The next-period cost model on the held-out people (£ per person)."""

    people: int
    observed_cost: float
    predicted_cost: float
    r_squared: float
    mean_absolute_error: float
    top_5_percent_cost_share: float  # share of observed cost in the predicted top 5%
    calibration_by_decile: pd.DataFrame


@dataclass(frozen=True)
class RiskModelResult:
    """Fitted models and their held-out evaluation. `to_dict()` gives everything except
    the fitted models, in JSON-friendly types, for the run record."""

    emergency_model: HistGradientBoostingClassifier = field(repr=False)
    cost_model: HistGradientBoostingRegressor = field(repr=False)
    seed: int
    test_fraction: float
    linkage: Linkage
    training_people: int  # in the training split
    training_people_used: int  # after sampling down to max_training_rows
    held_out_people: int
    fit_seconds: float
    emergency: EmergencyMetrics
    cost: CostMetrics
    fairness: dict[str, pd.DataFrame]  # FAIRNESS_GROUPS -> table (metrics.group_calibration)

    def to_dict(self) -> dict:
        emergency, cost = self.emergency, self.cost
        return {
            "method": {
                "library": f"scikit-learn {sklearn.__version__}",
                "emergency_model": "HistGradientBoostingClassifier (log loss)",
                "cost_model": "HistGradientBoostingRegressor (Poisson loss)",
                "settings": dict(TREE_SETTINGS),
                "features": MODEL_FEATURES,
                "emergency_iterations": int(self.emergency_model.n_iter_),
                "cost_iterations": int(self.cost_model.n_iter_),
            },
            "seed": self.seed,
            "test_fraction": self.test_fraction,
            "linkage": self.linkage.to_dict(),
            "training_people": self.training_people,
            "training_people_used": self.training_people_used,
            "subsampled": self.training_people_used < self.training_people,
            "held_out_people": self.held_out_people,
            "fit_seconds": round(self.fit_seconds, 3),
            "emergency": {
                "people": emergency.people,
                "observed_admitted": emergency.observed_admitted,
                "predicted_admitted": round(emergency.predicted_admitted, 3),
                "auc": emergency.auc.to_dict(),
                "brier_score": round(emergency.brier_score, 6),
                "calibration_by_decile": records(emergency.calibration_by_decile),
            },
            "cost": {
                "people": cost.people,
                "observed_cost": round(cost.observed_cost, 2),
                "predicted_cost": round(cost.predicted_cost, 2),
                "r_squared": round(cost.r_squared, 6),
                "mean_absolute_error": round(cost.mean_absolute_error, 2),
                "top_5_percent_cost_share": round(cost.top_5_percent_cost_share, 6),
                "calibration_by_decile": records(cost.calibration_by_decile),
            },
            "fairness": {name: records(table) for name, table in self.fairness.items()},
        }


def train_risk_models(
    earlier: pd.DataFrame,
    later: pd.DataFrame,
    *,
    seed: int,
    test_fraction: float = 0.3,
    max_training_rows: int | None = MAX_TRAINING_ROWS,
    max_held_out_rows: int | None = MAX_HELD_OUT_ROWS,
    fit_threads: int | None = DEFAULT_FIT_THREADS,
) -> RiskModelResult:
    """Train and evaluate the emergency admission and cost models.

    In: `earlier`, one period's person rows (features.PERSON_COLUMNS); `later`, the next
    period's rows (at least pseudo_id, emergency_admissions, cost). People are linked by
    pseudo_id (see Linkage for deaths, leavers and newcomers). A seeded share
    `test_fraction` of the linked people is held out; the rest, sampled down to
    `max_training_rows` (None: no cap), trains a classifier for "any emergency admission
    in the later period" and a Poisson regressor for later-period cost on the earlier
    period's features. `fit_threads` caps the OpenMP threads while fitting (None: one per
    core; DEFAULT_FIT_THREADS says why the default is 1). Predictions use every core.
    The same inputs and seed give the same result, whatever the row order.
    Raises ValueError for missing columns, duplicate pseudo ids, no overlapping people,
    negative later cost, or a split in which everyone or no one was admitted."""
    if not 0 < test_fraction < 1:
        raise ValueError("test_fraction must be between 0 and 1")
    require_columns(earlier, PERSON_COLUMNS, "earlier period")
    require_columns(later, OUTCOME_COLUMNS, "later period")
    rows, outcome, later_cost, linkage = _link(earlier, later, seed)
    # Features are ~75 bytes a person: cheaper to build for all and take the linked rows
    # than to copy the wider person rows first.
    features = build_features(earlier).iloc[rows].reset_index(drop=True)
    held, train = split_positions(len(rows), test_fraction, max_training_rows, max_held_out_rows)
    return fit_risk_models(
        (features.iloc[held], outcome[held], later_cost[held]),
        (features.iloc[train], outcome[train], later_cost[train]),
        linkage,
        seed=seed,
        test_fraction=test_fraction,
        fit_threads=fit_threads,
    )


def split_positions(
    linked: int,
    test_fraction: float = 0.3,
    max_training_rows: int | None = MAX_TRAINING_ROWS,
    max_held_out_rows: int | None = MAX_HELD_OUT_ROWS,
) -> tuple[np.ndarray, np.ndarray]:
    """Positions, in split-hash order (split_hashes), of the held-out people used for the
    evaluation and of the training people used for fitting, among `linked` people."""
    n_test = int(round(linked * test_fraction))
    # The evaluation uses at most max_held_out_rows of the held-out people: 300,000 give
    # an AUC interval a few thousandths wide, and predicting more only costs time.
    held = np.arange(min(n_test, max_held_out_rows or n_test))
    train = np.arange(n_test, linked)[:max_training_rows]
    return held, train


def fit_risk_models(
    held: tuple[pd.DataFrame, np.ndarray, np.ndarray],
    train: tuple[pd.DataFrame, np.ndarray, np.ndarray],
    linkage: Linkage,
    *,
    seed: int,
    test_fraction: float,
    fit_threads: int | None = DEFAULT_FIT_THREADS,
) -> RiskModelResult:
    """Fit and evaluate on the split train_risk_models made (split_positions): each of
    `held` and `train` is (features, later outcome 0/1, later cost), in split-hash order."""
    train_features, train_outcome, train_cost = train
    check_split(held[1], train_outcome)
    started = time.perf_counter()
    emergency_model = fit_model("emergency", train_features, train_outcome, seed, fit_threads)
    cost_model = fit_model("cost", train_features, train_cost, seed, fit_threads)
    fit_seconds = time.perf_counter() - started
    return evaluate_risk_models(
        emergency_model,
        cost_model,
        held,
        linkage,
        seed=seed,
        test_fraction=test_fraction,
        training_people_used=len(train_features),
        fit_seconds=fit_seconds,
    )


def fit_model(
    kind: str,
    features: pd.DataFrame,
    target: np.ndarray,
    seed: int,
    fit_threads: int | None = DEFAULT_FIT_THREADS,
):
    """One of the two models ("emergency": the classifier of any later admission, "cost":
    the regressor of later cost) fitted on training people's features and target."""
    x_train = model_matrix(features)
    with _thread_limit(fit_threads):
        model = _classifier(seed) if kind == "emergency" else _regressor(seed)
        return model.fit(x_train, target)


def evaluate_risk_models(
    emergency_model,
    cost_model,
    held: tuple[pd.DataFrame, np.ndarray, np.ndarray],
    linkage: Linkage,
    *,
    seed: int,
    test_fraction: float,
    training_people_used: int,
    fit_seconds: float,
) -> RiskModelResult:
    """The fitted models judged on the held-out people: (features, outcome, later cost)."""
    held_features, held_outcome, held_cost = held
    risk, predicted_cost = _predict(emergency_model, cost_model, held_features)
    held_out = held_features[FAIRNESS_GROUPS].assign(
        outcome=held_outcome,
        risk=risk,
        observed_cost=held_cost,
        predicted_cost=predicted_cost,
    )
    n_test = int(round(linkage.linked * test_fraction))
    return RiskModelResult(
        emergency_model=emergency_model,
        cost_model=cost_model,
        seed=seed,
        test_fraction=test_fraction,
        linkage=linkage,
        training_people=linkage.linked - n_test,
        training_people_used=training_people_used,
        held_out_people=len(held_features),
        fit_seconds=fit_seconds,
        emergency=_emergency_metrics(held_out),
        cost=_cost_metrics(held_out),
        fairness={name: group_calibration(held_out, name) for name in FAIRNESS_GROUPS},
    )


def predict_cost(cost_model, people: pd.DataFrame) -> np.ndarray:
    """score()'s predicted_cost alone (the same chunks, the same figures), for when the
    emergency risk is not needed."""
    features = build_features(people)
    cost = np.empty(len(features), dtype=np.float64)
    for start in range(0, len(features), PREDICT_CHUNK_ROWS):
        part = slice(start, start + PREDICT_CHUNK_ROWS)
        cost[part] = cost_model.predict(model_matrix(features.iloc[part]))
    return cost


def score(model_result: RiskModelResult, people: pd.DataFrame) -> pd.DataFrame:
    """Each person's predicted risk of an emergency admission and predicted cost in the
    coming period, from their row in the latest period.

    In: person rows (features.PERSON_COLUMNS). Out, on the same index: pseudo_id,
    emergency_risk (probability, 0-1), predicted_cost (£, float)."""
    features = build_features(people)
    risk, cost = _predict(model_result.emergency_model, model_result.cost_model, features)
    return pd.DataFrame(
        {
            "pseudo_id": people["pseudo_id"].to_numpy(),
            "emergency_risk": risk,
            "predicted_cost": cost,
        },
        index=people.index,
    )


def _link(earlier: pd.DataFrame, later: pd.DataFrame, seed: int):
    """Positions in `earlier` of the linked people in seeded hash order, their later
    outcome (0/1) and later cost, and the Linkage counts."""
    earlier_ids = earlier["pseudo_id"].to_numpy(dtype=object)
    later_ids = later["pseudo_id"].to_numpy(dtype=object)
    codes, uniques = pd.factorize(np.concatenate([earlier_ids, later_ids]))
    earlier_codes, later_codes = codes[: len(earlier)], codes[len(earlier) :]
    for name, part in (("earlier", earlier_codes), ("later", later_codes)):
        if len(part) and np.bincount(part, minlength=len(uniques)).max() > 1:
            raise ValueError(f"the {name} period has duplicate pseudo_id values")
    later_position = np.full(len(uniques), -1, dtype=np.int64)
    later_position[later_codes] = np.arange(len(later))
    position = later_position[earlier_codes]
    linked = np.flatnonzero(position >= 0)
    check_linked(len(linked))
    # Order by a seeded hash of the pseudo id: the split (first rows held out) then
    # depends on the seed and the people, never on the order the rows came in.
    rows = linked[np.argsort(split_hashes(earlier_ids[linked], seed), kind="stable")]
    later_rows = position[rows]
    admissions = pd.to_numeric(later["emergency_admissions"]).to_numpy()[later_rows]
    cost = pd.to_numeric(later["cost"]).to_numpy(dtype=np.float64)[later_rows]
    check_later_cost(cost)
    linkage = Linkage(
        earlier_people=len(earlier),
        later_people=len(later),
        linked=len(linked),
        earlier_only=len(earlier) - len(linked),
        later_only=len(later) - len(linked),
    )
    return rows, (admissions > 0).astype(np.int8), cost, linkage


def split_hashes(pseudo_ids: np.ndarray, seed: int) -> np.ndarray:
    """The seeded hash (uint64) whose ascending order is the split's order of people."""
    key = hashlib.sha256(f"risk-split-{seed}".encode()).hexdigest()[:16]
    return pd.util.hash_array(np.asarray(pseudo_ids, dtype=object), hash_key=key, categorize=False)


def check_linked(linked: int) -> None:
    """Raise ValueError when too few people are in both periods to train on."""
    if linked == 0:
        raise ValueError("no people are in both periods: check the two periods' pseudo_id")
    if linked < MIN_LINKED_PEOPLE:
        raise ValueError(f"only {linked} people are in both periods; need {MIN_LINKED_PEOPLE}")


def check_later_cost(cost: np.ndarray) -> None:
    if np.any(cost < 0) or np.isnan(cost).any():
        raise ValueError("later-period cost must be present and not negative")


def check_split(held_outcome: np.ndarray, train_outcome: np.ndarray) -> None:
    for name, part in (("training", train_outcome), ("held-out", held_outcome)):
        admitted = int(part.sum())
        if admitted == 0 or admitted == len(part):
            raise ValueError(
                f"the {name} split has {admitted} of {len(part)} people with an emergency "
                "admission; a risk model needs some people with and some without"
            )


def _classifier(seed: int) -> HistGradientBoostingClassifier:
    return HistGradientBoostingClassifier(
        **TREE_SETTINGS, categorical_features=categorical_mask(), random_state=seed
    )


def _regressor(seed: int) -> HistGradientBoostingRegressor:
    return HistGradientBoostingRegressor(
        loss="poisson", **TREE_SETTINGS, categorical_features=categorical_mask(), random_state=seed
    )


def _predict(emergency_model, cost_model, features: pd.DataFrame):
    """Predicted risk and cost, a chunk at a time so the float64 copy the models make of
    their input stays small."""
    risk = np.empty(len(features), dtype=np.float64)
    cost = np.empty(len(features), dtype=np.float64)
    for start in range(0, len(features), PREDICT_CHUNK_ROWS):
        part = slice(start, start + PREDICT_CHUNK_ROWS)
        matrix = model_matrix(features.iloc[part])
        risk[part] = emergency_model.predict_proba(matrix)[:, 1]
        cost[part] = cost_model.predict(matrix)
    return risk, cost


def _emergency_metrics(held_out: pd.DataFrame) -> EmergencyMetrics:
    outcome, risk = held_out["outcome"].to_numpy(), held_out["risk"].to_numpy()
    decile = decile_of(risk, np.arange(len(risk)))
    return EmergencyMetrics(
        people=len(held_out),
        observed_admitted=int(outcome.sum()),
        predicted_admitted=float(risk.sum()),
        auc=delong_auc(outcome, risk),
        brier_score=float(np.mean((risk - outcome) ** 2)),
        calibration_by_decile=emergency_calibration(outcome, risk, decile),
    )


def _cost_metrics(held_out: pd.DataFrame) -> CostMetrics:
    observed = held_out["observed_cost"].to_numpy()
    predicted = held_out["predicted_cost"].to_numpy()
    decile = decile_of(predicted, np.arange(len(predicted)))
    top = np.argsort(-predicted, kind="stable")[: max(1, int(round(len(predicted) * 0.05)))]
    total = observed.sum()
    return CostMetrics(
        people=len(held_out),
        observed_cost=float(total),
        predicted_cost=float(predicted.sum()),
        r_squared=float(r2_score(observed, predicted)),
        mean_absolute_error=float(mean_absolute_error(observed, predicted)),
        top_5_percent_cost_share=float(observed[top].sum() / total) if total > 0 else 0.0,
        calibration_by_decile=cost_calibration(observed, predicted, decile),
    )


def _thread_limit(threads: int | None):
    return nullcontext() if threads is None else threadpool_limits(limits=threads)
