"""Trajectory profiles and the plan's arithmetic, against hand-worked examples (no DB)."""

import math

import pandas as pd
import pytest

from strategy.delivery import impact
from strategy.delivery.trajectory import (
    cumulative_shares,
    financial_year_label,
    trajectory,
)


def values(frame: pd.DataFrame) -> list[float]:
    return list(frame.loc[frame["plan_year"] > 0, "value"])


# ----------------------------------------------------------------------------- profiles


def test_trajectory_linear_baseline_1000_target_850():
    assert values(trajectory(1000, 850, "linear")) == pytest.approx([970, 940, 910, 880, 850])


def test_trajectory_front_loaded_by_hand():
    # shares 1 − (1 − t/5)²: 0.36, 0.64, 0.84, 0.96, 1; change −150
    # 1000 − 54 = 946, − 96 = 904, − 126 = 874, − 144 = 856, − 150 = 850
    assert values(trajectory(1000, 850, "front_loaded")) == pytest.approx([946, 904, 874, 856, 850])


def test_trajectory_back_loaded_by_hand():
    # shares (t/5)²: 0.04, 0.16, 0.36, 0.64, 1 → 994, 976, 946, 904, 850
    assert values(trajectory(1000, 850, "back_loaded")) == pytest.approx([994, 976, 946, 904, 850])


def test_trajectory_back_loaded_mirrors_front_loaded():
    front = cumulative_shares("front_loaded")
    back = cumulative_shares("back_loaded")
    # back(t) = 1 − front(5 − t), with front(0) = 0
    mirrored = [1 - ([0.0, *front][5 - t]) for t in range(1, 6)]
    assert back == pytest.approx(mirrored)


def test_trajectory_step_at_year_3():
    assert values(trajectory(1000, 850, "step", step_year=3)) == [1000, 1000, 850, 850, 850]


def test_trajectory_step_at_year_1_and_5():
    assert values(trajectory(10, 20, "step", step_year=1)) == [20] * 5
    assert values(trajectory(10, 20, "step", step_year=5)) == [10, 10, 10, 10, 20]


def test_trajectory_rising_target():
    # a higher-is-better outcome: 60% to 70%, linear
    assert values(trajectory(60, 70, "linear")) == pytest.approx([62, 64, 66, 68, 70])


@pytest.mark.parametrize("profile", ["linear", "front_loaded", "back_loaded"])
def test_trajectory_every_profile_reaches_target_exactly(profile):
    frame = trajectory(1234.5, 987.6, profile, horizon=7)
    assert frame["value"].iloc[-1] == 987.6
    assert frame["value"].iloc[0] == 1234.5
    assert list(frame["plan_year"]) == list(range(8))


def test_trajectory_years_and_labels():
    frame = trajectory(1000, 850, "linear", first_year=2026)
    assert list(frame["financial_year"]) == [2025, 2026, 2027, 2028, 2029, 2030]
    assert financial_year_label(2026) == "2026/27"
    assert financial_year_label(2099) == "2099/00"


def test_trajectory_step_needs_a_step_year_in_the_plan():
    with pytest.raises(ValueError, match="step year from 1 to 5"):
        trajectory(1000, 850, "step")
    with pytest.raises(ValueError, match="step year"):
        trajectory(1000, 850, "step", step_year=6)


def test_trajectory_unknown_profile_refused():
    with pytest.raises(ValueError, match="Unknown time profile"):
        trajectory(1000, 850, "s_curve")


def test_trajectory_needs_numbers():
    with pytest.raises(ValueError, match="baseline"):
        trajectory(math.nan, 850, "linear")


# ------------------------------------------------------------------------------- impact


def two_interventions(effect_b: float = -0.20) -> pd.DataFrame:
    """A reaches 20,000 of 100,000 people from year 1 (−25%); B reaches 50,000 from
    year 3."""
    return pd.DataFrame(
        {
            "cohort_size": [20_000, 50_000],
            "expected_effect": [-0.25, effect_b],
            "start_year": [1, 3],
        }
    )


def test_contributions_by_hand():
    out = impact.contributions(1000, 100_000, two_interventions())
    # w = 0.2 and 0.5; c = 0.2 × 1000 × −0.25 = −50 and 0.5 × 1000 × −0.2 = −100
    assert list(out["weight"]) == pytest.approx([0.2, 0.5])
    assert list(out["contribution"]) == pytest.approx([-50, -100])
    assert list(out["factor"]) == pytest.approx([0.95, 0.9])


def test_plan_check_phased_starts_falls_short():
    check = impact.plan_check(
        trajectory(1000, 850, "linear", first_year=2026), 1000, 100_000, two_interventions()
    )
    # years 1-2: only A, 1000 × 0.95 = 950; from year 3: 1000 × 0.95 × 0.9 = 855
    assert list(check["expected"]) == pytest.approx([950, 950, 855, 855, 855])
    assert list(check["standalone_change"]) == pytest.approx([-50, -50, -150, -150, -150])
    assert list(check["overlap"]) == pytest.approx([0, 0, 5, 5, 5])
    # trajectory 970, 940, 910, 880, 850: shortfall = −(T − V) for a fall
    assert list(check["shortfall"]) == pytest.approx([-20, 10, -55, -25, 5])
    assert list(check["on_track"]) == [True, False, True, True, False]
    # year 5: 5 short of a required change of 150 = 3.33%
    assert check["shortfall_share"].iloc[-1] == pytest.approx(5 / 150)
    verdict = impact.verdict(check)
    assert verdict["adds_up"] is False
    assert verdict["years_short"] == [2, 5]
    assert verdict["final"]["financial_year"] == 2030


def test_plan_check_reaching_plan_adds_up():
    check = impact.plan_check(
        trajectory(1000, 850, "linear"), 1000, 100_000, two_interventions(effect_b=-0.25)
    )
    # year 5: 1000 × 0.95 × 0.875 = 831.25, 18.75 beyond the target
    assert check["expected"].iloc[-1] == pytest.approx(831.25)
    assert check["shortfall"].iloc[-1] == pytest.approx(-18.75)
    assert impact.verdict(check)["adds_up"] is True


def test_plan_check_rising_outcome():
    # uptake 50% → 60%; one intervention reaching half the people, +30% among them
    frame = pd.DataFrame({"cohort_size": [5_000], "expected_effect": [0.3], "start_year": [2]})
    check = impact.plan_check(trajectory(50, 60, "linear"), 50, 10_000, frame)
    # factor 1 + 0.5 × 0.3 = 1.15 → 57.5 from year 2; target 60 → 2.5 short (25%)
    assert list(check["expected"]) == pytest.approx([50, 57.5, 57.5, 57.5, 57.5])
    assert check["shortfall"].iloc[-1] == pytest.approx(2.5)
    assert check["shortfall_share"].iloc[-1] == pytest.approx(0.25)
    assert impact.verdict(check)["adds_up"] is False


def test_plan_check_rate_ratio_weights_the_cohort():
    # a frailty cohort of 5% of people admitted 4 times as often: 20% of admissions
    frame = pd.DataFrame(
        {"cohort_size": [5_000], "expected_effect": [-0.5], "start_year": [1], "rate_ratio": [4.0]}
    )
    out = impact.contributions(1000, 100_000, frame)
    assert out["weight"].iloc[0] == pytest.approx(0.2)
    assert out["contribution"].iloc[0] == pytest.approx(-100)


def test_plan_check_weight_never_above_one():
    frame = pd.DataFrame(
        {"cohort_size": [60_000], "expected_effect": [-1.0], "start_year": [1], "rate_ratio": [3]}
    )
    check = impact.plan_check(trajectory(1000, 850, "linear"), 1000, 100_000, frame)
    assert check["expected"].iloc[0] == pytest.approx(0)  # never below zero


def test_plan_check_without_interventions():
    check = impact.plan_check(trajectory(1000, 850, "linear"), 1000, 100_000, pd.DataFrame())
    assert list(check["expected"]) == [1000] * 5
    assert check["shortfall"].iloc[-1] == pytest.approx(150)
    assert check["shortfall_share"].iloc[-1] == pytest.approx(1.0)
    assert impact.verdict(check)["adds_up"] is False


def test_plan_check_starting_after_the_plan_counts_nothing():
    frame = pd.DataFrame({"cohort_size": [50_000], "expected_effect": [-0.5], "start_year": [7]})
    check = impact.plan_check(trajectory(1000, 850, "linear"), 1000, 100_000, frame)
    assert list(check["expected"]) == [1000] * 5


def test_plan_check_no_change_required():
    check = impact.plan_check(trajectory(1000, 1000, "linear"), 1000, 100_000, pd.DataFrame())
    assert check["shortfall_share"].isna().all()
    verdict = impact.verdict(check)
    assert verdict["adds_up"] is True and verdict["no_change_required"] is True


def test_plan_check_needs_a_population():
    with pytest.raises(ValueError, match="population"):
        impact.plan_check(trajectory(1000, 850, "linear"), 1000, 0, two_interventions())


def test_plan_check_missing_columns_refused():
    with pytest.raises(ValueError, match="start_year"):
        impact.plan_check(
            trajectory(1000, 850, "linear"),
            1000,
            100,
            pd.DataFrame({"cohort_size": [1], "expected_effect": [-0.1]}),
        )
