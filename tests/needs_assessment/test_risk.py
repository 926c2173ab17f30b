"""Risk stratification: features, the two models and their held-out evaluation, tiers and
the segment-by-tier matrix. Pure analysis, no database.

The synthetic population below is built so that the truth is known: emergency admission
risk rises with age, frailty, the number of conditions, deprivation and a hidden health
factor that persists from one year to the next; cost follows activity. Some people die
or leave between the periods and newcomers arrive.
"""

import json

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit
from sklearn.metrics import roc_auc_score

from commissioning.models.population import (
    ACTIVITY_COUNTS,
    ETHNICITY_GROUPS,
    FRAILTY_CATEGORIES,
    LTC_FLAGS,
    OTHER_FLAGS,
    SEX_CODES,
)
from needs_assessment.analysis import (
    MODEL_FEATURES,
    PERSON_COLUMNS,
    assign_risk_tiers,
    build_features,
    delong_auc,
    score,
    segment_tier_matrix,
    tier_labels,
    train_risk_models,
)

SEED = 7
PEOPLE = 30_000
# Log-odds of each condition at age 50 for an average person (LTC_FLAGS order).
CONDITION_OFFSETS = np.array(
    [-1.9, -2.6, -2.7, -4.0, -3.5, -4.5, -4.0, -4.2, -3.6, -3.6, -1.9, -4.6, -6.0, -4.8]
    + [-4.8, -4.0]
)
UNIT_COSTS = np.array([220, 2600, 3400, 420, 160, 42, 65, 110], dtype=float)  # per count


def synthetic_periods(n: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two consecutive periods for `n` people; about 4% die or leave and 5% arrive."""
    rng = np.random.default_rng(seed)
    people = {
        "pid": np.arange(n),
        "age": rng.integers(0, 96, n),
        "sex": rng.choice(SEX_CODES, n, p=[0.505, 0.49, 0.0025, 0.0025]),
        "ethnicity": rng.choice(ETHNICITY_GROUPS, n, p=[0.78, 0.03, 0.1, 0.05, 0.02, 0.02]),
        "imd_decile": rng.integers(1, 11, n),
        "health": rng.normal(size=n),  # hidden, persists between years
    }
    conditions = _conditions(rng, people, np.zeros((n, len(LTC_FLAGS)), dtype=bool))
    earlier = _observe(rng, people, conditions)
    leaves = rng.random(n) < 0.02 + 0.1 * (people["age"] >= 85)
    stay = {k: v[~leaves] for k, v in people.items()}
    stay["age"] = np.minimum(stay["age"] + 1, 105)
    conditions = _conditions(rng, stay, conditions[~leaves])
    arrivals = int(n * 0.05)
    new = {
        "pid": np.arange(n, n + arrivals),
        "age": rng.integers(0, 60, arrivals),
        "sex": rng.choice(["F", "M"], arrivals),
        "ethnicity": rng.choice(ETHNICITY_GROUPS, arrivals),
        "imd_decile": rng.integers(1, 11, arrivals),
        "health": rng.normal(size=arrivals),
    }
    new_conditions = _conditions(rng, new, np.zeros((arrivals, len(LTC_FLAGS)), dtype=bool))
    later_people = {k: np.concatenate([stay[k], new[k]]) for k in people}
    later = _observe(rng, later_people, np.vstack([conditions, new_conditions]))
    return earlier, later


def _conditions(rng, people: dict, had: np.ndarray) -> np.ndarray:
    deprivation = (10 - people["imd_decile"]) / 9
    logit = (
        CONDITION_OFFSETS[None, :]
        + 0.055 * (people["age"][:, None] - 50)
        + 0.5 * people["health"][:, None]
        + 0.4 * deprivation[:, None]
    )
    return had | (rng.random(had.shape) < expit(logit))


def _observe(rng, people: dict, conditions: np.ndarray) -> pd.DataFrame:
    n, age, health = len(people["pid"]), people["age"], people["health"]
    ltc = conditions.sum(axis=1)
    older = np.clip((age - 60) / 10 * 0.6 + 0.35 * ltc + 0.5 * health, 0, None)
    frailty = np.where(age >= 65, np.clip(np.floor(older + rng.normal(0, 0.5, n)), 0, 3), 0)
    palliative = rng.random(n) < 0.001 + 0.02 * (frailty == 3)
    others = np.column_stack(
        [palliative, rng.random(n) < 0.003, rng.random(n) < 0.01, rng.random(n) < 0.04]
    )
    deprivation = (10 - people["imd_decile"]) / 9
    rate = np.exp(
        -3.4
        + 0.018 * (age - 50)
        + 0.5 * frailty
        + 0.22 * ltc
        + 0.5 * health
        + 0.4 * deprivation
        + 1.2 * palliative
    )
    emergency = rng.poisson(rate)
    counts = np.column_stack(
        [
            rng.poisson(1.6 * rate + 0.2),
            emergency,
            rng.poisson(0.04 + 0.04 * ltc),
            emergency * rng.poisson(3 + 2 * frailty),
            rng.poisson(0.4 + 0.4 * ltc),
            rng.poisson(2.5 + 1.2 * ltc + frailty),
            rng.poisson(0.1 + 0.3 * frailty),
            rng.poisson(3 * others[:, 3]),
        ]
    ).astype(np.int16)
    cost = counts @ UNIT_COSTS + rng.gamma(2.0, 40 + 30 * ltc)
    return pd.DataFrame(
        {
            "pseudo_id": [f"S{pid:08d}" for pid in people["pid"]],
            "age": people["age"].astype(np.int16),
            "sex": people["sex"],
            "ethnicity": people["ethnicity"],
            "imd_decile": people["imd_decile"].astype(np.int8),
            **{name: conditions[:, i] for i, name in enumerate(LTC_FLAGS)},
            "frailty": frailty.astype(np.int16),
            **{name: others[:, i] for i, name in enumerate(OTHER_FLAGS)},
            **{name: counts[:, i] for i, name in enumerate(ACTIVITY_COUNTS)},
            "cost": np.round(cost, 2),
        }
    )


@pytest.fixture(scope="module")
def periods():
    return synthetic_periods(PEOPLE, SEED)


@pytest.fixture(scope="module")
def result(periods):
    earlier, later = periods
    return train_risk_models(earlier, later, seed=SEED)


# --- features -------------------------------------------------------------------------


def test_build_features_columns_and_lean_dtypes(periods):
    earlier, _ = periods
    features = build_features(earlier)
    assert set(MODEL_FEATURES) <= set(features.columns)
    assert {"age_band", "imd_quintile", "cost"} <= set(features.columns)
    assert features.index.equals(earlier.index)
    assert all(features[f].dtype == np.uint8 for f in LTC_FLAGS + OTHER_FLAGS)
    assert features["age"].dtype == np.float32 and features["log_cost"].dtype == np.float32
    assert list(features["sex"].cat.categories) == SEX_CODES
    assert (features["ltc_count"] == earlier[LTC_FLAGS].sum(axis=1)).all()
    assert np.allclose(features["log_cost"], np.log1p(earlier["cost"]), rtol=1e-5)
    assert features.memory_usage(deep=True).sum() / len(features) < 110  # bytes per person


def test_build_features_imd_quintile_and_age_band(periods):
    earlier, _ = periods
    features = build_features(earlier.head(200))
    expected = np.ceil(earlier["imd_decile"].head(200) / 2).astype(int)
    assert (features["imd_quintile"].cat.codes + 1 == expected).all()
    ninety = build_features(earlier.head(1).assign(age=93))
    assert ninety["age_band"].iloc[0] == "90+"


def test_build_features_same_from_compact_database_types(periods):
    earlier, _ = periods
    sample = earlier.head(300)
    compact = sample.astype({"sex": "category", "ethnicity": "category", "frailty": np.int8})
    compact["imd_decile"] = compact["imd_decile"].astype(np.float32)
    assert build_features(compact).equals(build_features(sample))


def test_build_features_accepts_frailty_names(periods):
    earlier, _ = periods
    sample = earlier.head(500)
    named = sample.assign(frailty=np.array(FRAILTY_CATEGORIES)[sample["frailty"]])
    assert (build_features(named)["frailty"] == build_features(sample)["frailty"]).all()


def test_build_features_needs_only_the_person_columns(periods):
    earlier, _ = periods
    extra = earlier.head(100).assign(lsoa_id=1, practice_id=2)
    assert build_features(extra).equals(build_features(extra[PERSON_COLUMNS]))


def test_build_features_missing_columns_raises(periods):
    earlier, _ = periods
    with pytest.raises(ValueError, match="missing columns: copd, cost"):
        build_features(earlier.drop(columns=["copd", "cost"]))


def test_build_features_unknown_codes_raise(periods):
    earlier, _ = periods
    with pytest.raises(ValueError, match="sex has codes outside"):
        build_features(earlier.head(5).assign(sex="X"))
    with pytest.raises(ValueError, match="frailty must be 0-3"):
        build_features(earlier.head(5).assign(frailty=4))


# --- the models -----------------------------------------------------------------------


def test_train_auc_well_above_chance_with_interval(result):
    auc = result.emergency.auc
    assert auc.value > 0.7
    assert 0.5 < auc.lower < auc.value < auc.upper < 1
    assert auc.method == "DeLong"


def test_delong_auc_matches_mann_whitney_and_naive_variance():
    rng = np.random.default_rng(3)
    outcome = rng.random(400) < 0.3
    predicted = np.round(rng.random(400) + 0.4 * outcome, 1)  # rounding makes ties
    estimate = delong_auc(outcome, predicted)
    assert estimate.value == pytest.approx(roc_auc_score(outcome, predicted), abs=1e-12)
    pos, neg = predicted[outcome], predicted[~outcome]
    psi = (pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])
    variance = psi.mean(axis=1).var(ddof=1) / len(pos) + psi.mean(axis=0).var(ddof=1) / len(neg)
    half = 1.959963984540054 * np.sqrt(variance)
    assert estimate.lower == pytest.approx(estimate.value - half, abs=1e-12)
    assert estimate.upper == pytest.approx(estimate.value + half, abs=1e-12)


def test_delong_auc_needs_both_outcomes():
    with pytest.raises(ValueError, match="with and without"):
        delong_auc(np.zeros(5), np.arange(5.0))


def test_emergency_calibration_deciles_add_up_and_match_overall(result):
    deciles = result.emergency.calibration_by_decile
    assert list(deciles["decile"]) == list(range(1, 11))
    assert deciles["people"].sum() == result.held_out_people
    assert deciles["people"].max() - deciles["people"].min() <= 1
    assert deciles["observed_admitted"].sum() == result.emergency.observed_admitted
    assert deciles["predicted_rate"].is_monotonic_increasing
    observed, predicted = result.emergency.observed_admitted, result.emergency.predicted_admitted
    assert predicted == pytest.approx(observed, rel=0.1)
    top = deciles.iloc[-1]
    assert top["observed_lower"] <= top["observed_rate"] <= top["observed_upper"]
    assert top["observed_rate"] > 5 * deciles.iloc[0]["observed_rate"]


def test_fairness_tables_have_one_row_per_group_with_counts(result):
    assert set(result.fairness) == {"sex", "imd_quintile", "ethnicity"}
    for name, table in result.fairness.items():
        assert table["group"].is_unique, name
        assert table["people"].sum() == result.held_out_people, name
        assert (table["people"] > 0).all(), name
        assert {"observed_rate", "predicted_rate", "observed_to_predicted", "auc"} <= set(
            table.columns
        )
    assert len(result.fairness["imd_quintile"]) == 5
    assert set(result.fairness["ethnicity"]["group"]) == set(ETHNICITY_GROUPS)
    assert set(result.fairness["sex"]["group"]) <= set(SEX_CODES)
    big = result.fairness["imd_quintile"]
    assert big["observed_to_predicted"].between(0.75, 1.33).all()


def test_cost_model_is_calibrated_and_explains_some_variance(result):
    cost = result.cost
    assert cost.predicted_cost == pytest.approx(cost.observed_cost, rel=0.1)
    assert cost.r_squared > 0.1
    assert cost.mean_absolute_error > 0
    assert 0.05 < cost.top_5_percent_cost_share < 1
    deciles = cost.calibration_by_decile
    assert deciles["people"].sum() == result.held_out_people
    assert deciles["observed_cost"].sum() == pytest.approx(cost.observed_cost)
    assert deciles["observed_per_head"].iloc[-1] > 3 * deciles["observed_per_head"].iloc[0]


def test_linkage_counts_deaths_leavers_and_newcomers(periods, result):
    earlier, later = periods
    linked = len(set(earlier["pseudo_id"]) & set(later["pseudo_id"]))
    linkage = result.linkage
    assert linkage.linked == linked
    assert linkage.earlier_only == len(earlier) - linked > 0
    assert linkage.later_only == len(later) - linked > 0
    assert result.held_out_people == round(linked * 0.3)
    assert result.training_people == linked - result.held_out_people


def test_train_subsamples_to_the_cap_and_says_so(periods):
    earlier, later = periods
    capped = train_risk_models(earlier, later, seed=SEED, max_training_rows=5_000)
    assert capped.training_people_used == 5_000 < capped.training_people
    assert capped.to_dict()["subsampled"] is True


def test_train_is_reproducible_whatever_the_row_order(periods, result):
    earlier, later = periods
    again = train_risk_models(
        earlier.sample(frac=1, random_state=1), later.sample(frac=1, random_state=2), seed=SEED
    )
    first, second = result.to_dict(), again.to_dict()
    first.pop("fit_seconds"), second.pop("fit_seconds")
    assert first == second


def test_train_with_another_seed_holds_out_other_people(periods, result):
    earlier, later = periods
    other = train_risk_models(earlier, later, seed=SEED + 1)
    assert other.held_out_people == result.held_out_people
    assert other.emergency.observed_admitted != result.emergency.observed_admitted


def test_train_refuses_missing_columns(periods):
    earlier, later = periods
    with pytest.raises(ValueError, match="earlier period is missing columns: frailty"):
        train_risk_models(earlier.drop(columns="frailty"), later, seed=1)
    with pytest.raises(ValueError, match="later period is missing columns: emergency"):
        train_risk_models(earlier, later.drop(columns="emergency_admissions"), seed=1)


def test_train_refuses_periods_with_no_people_in_common(periods):
    earlier, later = periods
    strangers = later.assign(pseudo_id="X" + later["pseudo_id"])
    with pytest.raises(ValueError, match="no people are in both periods"):
        train_risk_models(earlier, strangers, seed=1)


def test_train_refuses_duplicate_ids_and_bad_fraction(periods):
    earlier, later = periods
    with pytest.raises(ValueError, match="duplicate pseudo_id"):
        train_risk_models(pd.concat([earlier, earlier.head(3)]), later, seed=1)
    with pytest.raises(ValueError, match="test_fraction"):
        train_risk_models(earlier, later, seed=1, test_fraction=1.0)


def test_train_refuses_a_split_with_no_admissions(periods):
    earlier, later = periods
    with pytest.raises(ValueError, match="some people with and some without"):
        train_risk_models(earlier, later.assign(emergency_admissions=0), seed=1)


def test_result_to_dict_is_plain_json(result):
    stored = result.to_dict()
    text = json.dumps(stored, allow_nan=False)
    assert json.loads(text) == stored
    assert len(stored["emergency"]["calibration_by_decile"]) == 10
    assert stored["emergency"]["auc"]["value"] == pytest.approx(result.emergency.auc.value)
    assert stored["linkage"]["linked"] == result.linkage.linked


def test_score_gives_every_latest_person_a_risk_and_cost(periods, result):
    _, later = periods
    scores = score(result, later)
    assert scores.index.equals(later.index)
    assert list(scores.columns) == ["pseudo_id", "emergency_risk", "predicted_cost"]
    assert scores["emergency_risk"].between(0, 1).all()
    assert (scores["predicted_cost"] > 0).all()
    assert (scores["pseudo_id"] == later["pseudo_id"]).all()


# --- tiers and the matrix ---------------------------------------------------------------


def test_tier_labels_default():
    assert tier_labels() == ["Top 0.5%", "Next 4.5%", "Next 15%", "Remaining 80%"]


@pytest.mark.parametrize("n", [40_000, 1_001, 7])
def test_tiers_have_exactly_the_right_sizes(n):
    rng = np.random.default_rng(n)
    scores = pd.DataFrame(
        {"pseudo_id": [f"P{i:06d}" for i in range(n)], "predicted_cost": rng.gamma(1, 900, n)}
    )
    tiered = assign_risk_tiers(scores, by="cost")
    bounds = [int(np.floor(n * c + 0.5)) for c in (0.005, 0.05, 0.20)]
    expected = np.diff([0, *bounds, n])
    sizes = tiered["tier"].value_counts(sort=False).to_numpy()
    assert list(sizes) == list(expected)
    if n == 40_000:
        assert list(sizes) == [200, 1_800, 6_000, 32_000]


def test_tiers_are_ordered_by_predicted_value(periods, result):
    _, later = periods
    tiered = assign_risk_tiers(score(result, later), by="emergency")
    ranges = tiered.groupby("tier", observed=True)["emergency_risk"].agg(["min", "max"])
    assert list(ranges.index) == tier_labels()
    assert (ranges["min"].to_numpy()[:-1] >= ranges["max"].to_numpy()[1:]).all()
    assert sorted(tiered["rank"]) == list(range(1, len(later) + 1))
    by_rank = tiered.sort_values("rank")["emergency_risk"]
    assert by_rank.is_monotonic_decreasing


def test_tiers_break_ties_by_pseudo_id_whatever_the_order():
    scores = pd.DataFrame({"pseudo_id": [f"P{i:03d}" for i in range(400)], "emergency_risk": 0.1})
    tiered = assign_risk_tiers(scores.sample(frac=1, random_state=4), by="emergency")
    assert list(tiered.sort_values("rank")["pseudo_id"]) == list(scores["pseudo_id"])
    assert list(tiered.sort_values("rank")["tier"].iloc[:2]) == ["Top 0.5%"] * 2


def test_tiers_refuse_bad_arguments():
    scores = pd.DataFrame({"pseudo_id": ["a", "b"], "predicted_cost": [1.0, 2.0]})
    with pytest.raises(ValueError, match="by must be one of cost, emergency"):
        assign_risk_tiers(scores, by="age")
    with pytest.raises(ValueError, match="cuts must rise"):
        assign_risk_tiers(scores, cuts=(0.2, 0.05))
    with pytest.raises(ValueError, match="missing columns: emergency_risk"):
        assign_risk_tiers(scores, by="emergency")


def test_segment_tier_matrix_totals_equal_population_totals(periods, result):
    _, later = periods
    tiered = assign_risk_tiers(score(result, later), by="cost")
    segment = np.select(
        [later["palliative"], later["frailty"] >= 2, later[LTC_FLAGS].sum(axis=1) >= 2],
        ["palliative", "frailty", "multiple LTCs"],
        "other",
    )
    order = ["palliative", "frailty", "multiple LTCs", "other"]
    people = later.assign(
        segment=pd.Categorical(segment, categories=order),
        tier=tiered["tier"],
        predicted_cost=tiered["predicted_cost"],
        emergency_risk=tiered["emergency_risk"],
    )
    matrix = segment_tier_matrix(people)
    assert len(matrix) == (len(order) + 1) * (len(tier_labels()) + 1)
    total = matrix[(matrix["segment"] == "All") & (matrix["tier"] == "All")].iloc[0]
    assert total["people"] == len(later)
    assert round(total["cost"] * 100) == round(later["cost"].sum() * 100)
    for column in ["emergency_admissions", "ae_attendances", "bed_days", "gp_contacts"]:
        assert total[column] == later[column].sum()
    assert total["predicted_cost"] == pytest.approx(tiered["predicted_cost"].sum(), rel=1e-9)
    cells = matrix[(matrix["segment"] != "All") & (matrix["tier"] != "All")]
    assert cells["people"].sum() == len(later)
    assert cells["cost"].sum() == pytest.approx(total["cost"], abs=0.005)
    by_segment = matrix[(matrix["tier"] == "All") & (matrix["segment"] != "All")]
    assert list(by_segment["segment"]) == order
    assert by_segment["gp_contacts"].sum() == total["gp_contacts"]
    top = matrix[(matrix["segment"] == "All") & (matrix["tier"] == "Top 0.5%")].iloc[0]
    assert top["people"] == round(len(later) * 0.005)
    assert top["cost_per_head"] > total["cost_per_head"]


def test_segment_tier_matrix_refuses_missing_columns(periods):
    _, later = periods
    with pytest.raises(ValueError, match="missing columns: segment, tier"):
        segment_tier_matrix(later)
