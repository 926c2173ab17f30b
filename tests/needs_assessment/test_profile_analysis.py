"""Needs profile analysis on small hand-made frames (pure: no database).

Expected values are computed by hand or with commissioning.stats directly on the same
numbers, so the tests check that the profile feeds the statistics the right people.
"""

import numpy as np
import pandas as pd
import pytest

from commissioning.stats import (
    crude_rate,
    directly_standardised_rate,
    european_standard_population_2013,
    indirectly_standardised_ratio,
    slope_index_of_inequality,
    wilson_interval,
)
from needs_assessment.profile import measures as m
from needs_assessment.profile import rates
from needs_assessment.profile.analysis import profile_aggregates
from needs_assessment.profile.benchmark import benchmark, classify
from needs_assessment.profile.cube import AreaTree, build_cube, by_area
from needs_assessment.profile.inequality import SII_REPETITIONS, SII_SEED, mover_difference
from needs_assessment.profile.rows import AGGREGATE_COLUMNS
from tests.needs_assessment.test_profile_helpers import (
    people_frame,
    random_people,
    repeat,
    segments_of,
)

ICB, PLACE_A, PLACE_B, HOOD_A1, HOOD_A2, HOOD_B1 = 1, 2, 3, 11, 12, 21
TREE = AreaTree.from_pairs(ICB, [(HOOD_A1, PLACE_A), (HOOD_A2, PLACE_A), (HOOD_B1, PLACE_B)])
TIERS = ["Top 0.5%", "Next 4.5%", "Next 15%", "Remaining 80%"]


def one(rows: pd.DataFrame, area: int, measure: str, breakdown: str = "", category: str = ""):
    found = rows[
        (rows["area"] == area)
        & (rows["measure"] == measure)
        & (rows["breakdown"] == breakdown)
        & (rows["category"] == category)
    ]
    assert len(found) == 1, (area, measure, breakdown, category, len(found))
    return found.iloc[0]


def profile(frame: pd.DataFrame, tiers=None):
    frame = frame.copy()
    frame["segment"] = segments_of(frame)
    rows, _ = profile_aggregates(frame, TREE, segments=["ill", "well"], tiers=tiers)
    return rows


@pytest.fixture(scope="module")
def small_profile():
    """Place A: 30 people with diabetes out of 200 in A1 and 10 of 100 in A2; place B:
    5 of 300 in B1."""
    rows = repeat(30, neighbourhood_id=HOOD_A1, diabetes=1) + repeat(170, neighbourhood_id=HOOD_A1)
    rows += repeat(10, neighbourhood_id=HOOD_A2, diabetes=1) + repeat(90, neighbourhood_id=HOOD_A2)
    rows += repeat(5, neighbourhood_id=HOOD_B1, diabetes=1) + repeat(295, neighbourhood_id=HOOD_B1)
    return profile(people_frame(rows))


def test_place_prevalence_and_wilson_interval_match_stats(small_profile):
    row = one(small_profile, PLACE_A, "prevalence:diabetes")
    expected95 = wilson_interval(40, 300, 0.95, per=100)
    expected998 = wilson_interval(40, 300, 0.998, per=100)
    assert (row["numerator"], row["denominator"]) == (40, 300)
    assert row["value"] == pytest.approx(40 / 3)
    assert (row["lower95"], row["upper95"]) == pytest.approx((expected95.lower, expected95.upper))
    assert (row["lower998"], row["upper998"]) == pytest.approx(
        (expected998.lower, expected998.upper)
    )
    assert row["unit"] == "%" and row["method"] == "Wilson"


def test_areas_add_up_to_the_icb(small_profile):
    people = small_profile[
        (small_profile["measure"] == "people") & (small_profile["breakdown"] == "")
    ]
    by_area = people.set_index("area")["value"]
    assert by_area[HOOD_A1] + by_area[HOOD_A2] == by_area[PLACE_A] == 300
    assert by_area[PLACE_A] + by_area[PLACE_B] == by_area[ICB] == 600


def test_benchmark_against_parent_is_polarity_aware(small_profile):
    # Place A's 13.3% (interval 10.0 to 17.6) is above the ICB's 7.5%; B's 1.7% below.
    # Diabetes prevalence is neutral in the indicator library, so higher/lower.
    assert one(small_profile, PLACE_A, "prevalence:diabetes")["comparison95"] == "higher"
    assert one(small_profile, PLACE_B, "prevalence:diabetes")["comparison95"] == "lower"
    # A2's 10% (6.0 to 16.9%) is not different from its place's 13.3%.
    assert one(small_profile, HOOD_A2, "prevalence:diabetes")["comparison95"] == "similar"
    # Two or more conditions is "lower is better" (MLTC_PCT): nobody has two here, 0%
    # against 0% is similar, not better.
    assert one(small_profile, PLACE_A, "prevalence:multiple_ltc")["comparison95"] == "similar"
    assert one(small_profile, ICB, "prevalence:diabetes")["comparison95"] == "not_compared"


def test_classify_turns_higher_into_worse_when_lower_is_better():
    lower, upper, parent = [12, 1, 4, np.nan], [15, 3, 6, 2], [10, 5, 5, 1]
    assert list(classify(lower, upper, parent, "neutral")) == [
        "higher",
        "lower",
        "similar",
        "not_compared",
    ]
    assert list(classify(lower, upper, parent, "lower"))[:3] == ["worse", "better", "similar"]
    assert list(classify(lower, upper, parent, "higher"))[:3] == ["better", "worse", "similar"]


def test_polarities_come_from_the_indicator_library():
    assert m.polarity("dsr:emergency_admissions") == "lower"  # EMADM_DSR
    assert m.polarity("prevalence:hypertension") == "neutral"  # HYP_PREV
    assert m.polarity("dsr:gp_contacts") == "neutral"  # no library indicator
    assert m.polarity("sii:dsr:emergency_admissions") == "neutral"  # signed, see measures


def test_dsr_per_area_matches_stats_directly():
    frame = random_people(3000, [HOOD_A1, HOOD_A2, HOOD_B1], seed=5)
    rows = profile(frame)
    esp = european_standard_population_2013()
    for area, hoods in ((PLACE_A, [HOOD_A1, HOOD_A2]), (HOOD_B1, [HOOD_B1])):
        part = frame[frame["neighbourhood_id"].isin(hoods)]
        band = np.minimum(part["age"] // 5, 18)
        per_band = pd.DataFrame(
            {
                "count": part.groupby(band)["emergency_admissions"].sum().reindex(range(19)),
                "population": part.groupby(band).size().reindex(range(19)),
            }
        ).fillna(0)
        per_band["standard_population"] = esp.to_numpy()
        for level, lower, upper in ((0.95, "lower95", "upper95"), (0.998, "lower998", "upper998")):
            expected = directly_standardised_rate(per_band, confidence=level)
            row = one(rows, area, "dsr:emergency_admissions")
            assert row["value"] == pytest.approx(expected.value)
            assert (row[lower], row[upper]) == pytest.approx((expected.lower, expected.upper))
            assert row["numerator"] == expected.total_count
            assert row["publishable"] == expected.publishable


def test_dsr_not_publishable_below_ten_events():
    rows = []
    for age in range(0, 95, 5):  # people in every age band, so only the count matters
        rows += repeat(5, neighbourhood_id=HOOD_A1, age=age)
        rows += repeat(5, neighbourhood_id=HOOD_B1, age=age, emergency_admissions=1)
    result = profile(people_frame(rows))
    few = one(result, HOOD_A1, "dsr:emergency_admissions")
    many = one(result, HOOD_B1, "dsr:emergency_admissions")
    assert few["numerator"] == 0 and not few["publishable"]
    assert few["comparison95"] == "not_compared"
    assert many["numerator"] == 95 and many["publishable"]


def test_crude_rate_by_age_band_matches_stats():
    rows = repeat(40, age=72, gp_contacts=3) + repeat(60, age=74, gp_contacts=1)
    result = profile(people_frame(rows))
    row = one(result, HOOD_A1, "rate:gp_contacts", "age_band", "70-74")
    expected = crude_rate(180, 100, per=1000, confidence=0.95)
    assert row["value"] == pytest.approx(1800)
    assert (row["lower95"], row["upper95"]) == pytest.approx((expected.lower, expected.upper))


def test_isr_flags_the_group_whose_use_is_below_need():
    # Same age, sex and conditions everywhere; B1 (deciles 1) sees the GP half as often.
    rows = repeat(200, neighbourhood_id=HOOD_A1, gp_contacts=4, imd_decile=8.0)
    rows += repeat(200, neighbourhood_id=HOOD_A2, gp_contacts=4, imd_decile=8.0)
    rows += repeat(200, neighbourhood_id=HOOD_B1, gp_contacts=2, imd_decile=1.0)
    result = profile(people_frame(rows))
    # ICB-wide rate 10/3 per person; B1 expected 200 × 10/3, observed 400.
    row = one(result, HOOD_B1, "isr:gp_contacts")
    expected = indirectly_standardised_ratio(400, 2000 / 3, 0.95, per=100)
    assert row["value"] == pytest.approx(60.0)
    assert (row["lower95"], row["upper95"]) == pytest.approx((expected.lower, expected.upper))
    assert row["upper95"] < 100 and row["comparison95"] == "lower"
    assert one(result, HOOD_A1, "isr:gp_contacts")["comparison95"] == "higher"
    decile1 = one(result, ICB, "isr:gp_contacts", "imd_decile", "1")
    assert decile1["value"] == pytest.approx(60.0) and decile1["comparison95"] == "lower"
    assert one(result, ICB, "isr:gp_contacts")["value"] == pytest.approx(100.0)


def test_isr_expected_uses_age_sex_and_conditions():
    # Older people with conditions use more; an area of them is as expected, not over.
    rows = repeat(100, neighbourhood_id=HOOD_A1, age=80, hypertension=1, gp_contacts=9)
    rows += repeat(100, neighbourhood_id=HOOD_B1, age=20, gp_contacts=1)
    result = profile(people_frame(rows))
    assert one(result, HOOD_A1, "isr:gp_contacts")["value"] == pytest.approx(100.0)
    assert one(result, HOOD_B1, "isr:gp_contacts")["value"] == pytest.approx(100.0)


def gradient_people() -> pd.DataFrame:
    """100 people in each IMD decile; decile d has 11 - d with diabetes (10 to 1)."""
    rows = []
    for decile in range(1, 11):
        cases = 11 - decile
        rows += repeat(cases, imd_decile=float(decile), diabetes=1, emergency_admissions=2)
        rows += repeat(100 - cases, imd_decile=float(decile), emergency_admissions=decile % 2)
    return people_frame(rows)


def test_sii_on_a_constructed_gradient():
    result = profile(gradient_people())
    row = one(result, ICB, "sii:prevalence:diabetes")
    deciles = pd.DataFrame(
        {
            "quantile": range(1, 11),
            "population": 100,
            "value": [(11 - d) / 100 for d in range(1, 11)],
        }
    )
    intervals = wilson_interval(deciles["value"] * 100, deciles["population"], 0.95)
    deciles["lower"], deciles["upper"] = intervals.lower, intervals.upper
    expected = slope_index_of_inequality(
        deciles, repetitions=SII_REPETITIONS, seed=SII_SEED, value_type="proportion"
    )
    # A straight line from 10% to 1%: SII = -9 percentage points × (10/10 deciles span).
    assert row["value"] == pytest.approx(-10.0)
    assert row["value"] == pytest.approx(expected.sii * 100)
    assert (row["lower95"], row["upper95"]) == pytest.approx(
        (expected.sii_lower * 100, expected.sii_upper * 100)
    )
    assert row["upper95"] < 0 and row["comparison95"] == "lower"
    rii = one(result, ICB, "rii:prevalence:diabetes")
    assert rii["value"] == pytest.approx(expected.rii)


def test_no_sii_without_all_ten_deciles(small_profile):
    assert not small_profile["measure"].str.startswith("sii:").any()


def test_core20_gap_with_mover_limits():
    result = profile(gradient_people())
    gap = one(result, ICB, "core20_gap:prevalence:diabetes")
    core = wilson_interval(19, 200, 0.95, per=100)  # deciles 1-2: 10 + 9 cases
    rest = wilson_interval(36, 800, 0.95, per=100)  # deciles 3-10: 8 + ... + 1
    difference, lower, upper = mover_difference(
        core.value, core.lower, core.upper, rest.value, rest.lower, rest.upper
    )
    assert gap["value"] == pytest.approx(9.5 - 4.5)
    assert (gap["value"], gap["lower95"], gap["upper95"]) == pytest.approx(
        (difference, lower, upper)
    )
    assert (gap["numerator"], gap["denominator"]) == pytest.approx((9.5, 4.5))
    # By hand: lower = d - sqrt((p1 - l1)² + (u2 - p2)²).
    assert lower == pytest.approx(
        5.0 - ((core.value - core.lower) ** 2 + (rest.upper - rest.value) ** 2) ** 0.5
    )


def test_segments_add_up_to_people_in_every_area():
    frame = random_people(2000, [HOOD_A1, HOOD_A2, HOOD_B1])
    result = profile(frame)
    segments = result[result["measure"] == "segment_people"].groupby("area")["value"].sum()
    people = result[(result["measure"] == "people") & (result["breakdown"] == "")]
    assert segments.to_dict() == people.set_index("area")["value"].to_dict()
    ill = one(result, ICB, "segment_share", "segment", "ill")
    expected = wilson_interval(ill["numerator"], 2000, 0.95, per=100)
    assert ill["lower95"] == pytest.approx(expected.lower)


def test_tiers_and_matrix_add_up():
    frame = random_people(2000, [HOOD_A1, HOOD_A2, HOOD_B1])
    frame["tier"] = np.where(frame["cost"] > 1200, TIERS[2], TIERS[3])
    frame.loc[frame["cost"].nlargest(10).index, "tier"] = TIERS[0]
    frame["predicted_cost"] = frame["cost"]
    result = profile(frame, tiers=TIERS)
    for area in (ICB, PLACE_A, HOOD_B1):
        area_rows = result[result["area"] == area]
        people = one(result, area, "people")["value"]
        tiers = area_rows[area_rows["measure"] == "tier_people"]
        assert tiers[tiers["breakdown"] == "tier"]["value"].sum() == people
        assert tiers[tiers["breakdown"] == "segment_tier"]["value"].sum() == people
    top = one(result, ICB, "tier_people", "tier", TIERS[0])
    assert top["value"] == 10
    cost = one(result, ICB, "cost_per_head", "segment_tier", f"ill|{TIERS[0]}")
    chosen = frame.loc[frame["cost"].nlargest(10).index]
    ill = chosen[segments_of(chosen) == "ill"]
    assert cost["value"] == pytest.approx(ill["cost"].mean())


def test_pyramid_rows_add_up_to_people(small_profile):
    pyramid = small_profile[small_profile["breakdown"] == "age_sex"]
    assert pyramid[pyramid["area"] == ICB]["value"].sum() == 600
    assert set(pyramid["category"]) == {"40-44|F"}


def test_rows_fit_the_model_fields():
    result = profile(gradient_people(), tiers=None)
    assert list(result.columns) == AGGREGATE_COLUMNS
    assert result["measure"].str.len().max() <= 60
    assert result["breakdown"].str.len().max() <= 30
    assert result["category"].str.len().max() <= 80
    assert result["method"].str.len().max() <= 40
    assert not result.duplicated(["area", "measure", "breakdown", "category"]).any()


def test_cube_groups_people_once_and_rolls_up():
    frame = random_people(500, [HOOD_A1, HOOD_A2, HOOD_B1])
    cells = build_cube(frame, TREE)
    assert cells["people"].sum() == 500
    assert cells["diabetes"].sum() == frame["diabetes"].sum()
    table = by_area(cells, ["sex"], ["people"], TREE)
    icb = table[table["area"] == ICB].set_index("sex")["people"]
    assert icb.sum() == 500


def test_people_outside_the_tree_are_refused():
    frame = people_frame(repeat(3, neighbourhood_id=99))
    with pytest.raises(ValueError, match="outside the ICB"):
        build_cube(frame, TREE)


def test_benchmark_uses_fixed_comparators_for_ratios():
    rows = pd.DataFrame(
        {
            "area": [ICB, ICB],
            "measure": ["isr:gp_contacts", "sii:dsr:emergency_admissions"],
            "breakdown": ["", ""],
            "category": ["", ""],
            "value": [90.0, -50.0],
            "lower95": [85.0, -80.0],
            "upper95": [95.0, 10.0],
            "lower998": [80.0, -90.0],
            "upper998": [101.0, 20.0],
            "publishable": [True, True],
        }
    )
    out = benchmark(rows.assign(comparison95="", comparison998=""), TREE.parents())
    assert list(out["comparison95"]) == ["lower", "similar"]
    assert list(out["comparison998"]) == ["similar", "similar"]


def test_vectorised_dsr_equals_the_one_group_function():
    rng = np.random.default_rng(1)
    counts = rng.poisson(3, (4, 19)).astype(float)
    population = rng.integers(50, 500, (4, 19)).astype(float)
    population[3, 5] = 0  # an empty band: no rate
    esp = european_standard_population_2013().to_numpy()
    value, lower, upper, total, publishable = rates.dobson_dsr(counts, population, 0.998)
    for g in range(3):
        frame = pd.DataFrame(
            {"count": counts[g], "population": population[g], "standard_population": esp}
        )
        expected = directly_standardised_rate(frame, confidence=0.998)
        assert (value[g], lower[g], upper[g]) == pytest.approx(
            (expected.value, expected.lower, expected.upper)
        )
    assert np.isnan(value[3]) and not publishable[3]
