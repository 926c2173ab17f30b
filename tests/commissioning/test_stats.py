"""Public health statistics against worked examples with known answers (no database).

Where an expected value comes from is said beside it. "PHStatsMethods" means the value was
also produced by PHStatsMethods 0.1.16 (DHSC's Python port of PHEindicatormethods, whose
tests use PHEindicatormethods' own test workbooks) on the same inputs; "by hand" means the
test recomputes it from the published formula with the standard library alone.
"""

import math
from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from commissioning.stats import (
    ESP2013_BANDS,
    age_band_esp2013,
    byars_interval,
    count_interval,
    crude_rate,
    directly_standardised_rate,
    directly_standardised_rates,
    european_standard_population_2013,
    exact_poisson_interval,
    expected_count,
    indirectly_standardised_ratio,
    slope_index_of_inequality,
    wilson_interval,
    z_score,
)

CONFIDENCES = [0.95, 0.998]


def z(confidence):
    return NormalDist().inv_cdf(confidence + (1 - confidence) / 2)


def byars_by_hand(count, confidence):
    zz = z(confidence)
    lower = count * (1 - 1 / (9 * count) - zz / (3 * math.sqrt(count))) ** 3
    upper = (count + 1) * (1 - 1 / (9 * (count + 1)) + zz / (3 * math.sqrt(count + 1))) ** 3
    return lower, upper


# ---------------------------------------------------------------------------- confidence


@pytest.mark.parametrize("level", [95, 99.8, 0.8, 1, "0.95"])
def test_z_score_refuses_levels_that_are_not_proportions_from_90_percent(level):
    with pytest.raises(ValueError, match="confidence"):
        z_score(level)


def test_z_score_for_the_two_published_levels():
    assert z_score(0.95) == pytest.approx(1.959964, abs=1e-6)
    assert z_score(0.998) == pytest.approx(3.090232, abs=1e-6)


# ---------------------------------------------------------------------------- Wilson


def test_wilson_interval_apho_briefing_example():
    # APHO Technical Briefing 3 (2008): 10 of 100 -> 10% (95% CI 5.52% to 17.44%).
    result = wilson_interval(10, 100, per=100)
    assert result.value == 10
    assert result.lower == pytest.approx(5.5229, abs=5e-5)
    assert result.upper == pytest.approx(17.4366, abs=5e-5)
    assert round(result.lower, 2) == 5.52 and round(result.upper, 2) == 17.44


@pytest.mark.parametrize(
    ("numerator", "denominator", "lower", "upper"),
    [
        # Newcombe RG (1998) Two-sided confidence intervals for the single proportion,
        # Stat Med 17:857-872: its worked examples, method 3 (score interval without
        # continuity correction).
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_interval_newcombe_examples(numerator, denominator, lower, upper):
    result = wilson_interval(numerator, denominator)
    assert result.lower == pytest.approx(lower, abs=5e-5)
    assert result.upper == pytest.approx(upper, abs=5e-5)


@pytest.mark.parametrize(
    ("numerator", "denominator", "confidence", "lower", "upper"),
    [
        # Inputs from PHEindicatormethods tests/testthat/testWilson.R; values PHStatsMethods
        # (ph_proportion) and by the formula in wilson_lower/wilson_upper.
        (65, 100, 0.95, 0.5525444, 0.7363575),
        (1045, 5000, 0.95, 0.1979555, 0.2204913),
        (0.445, 1, 0.95, 0.0438174, 0.9334621),
        (65, 100, 0.998, 0.4954947, 0.7783541),
        (1045, 5000, 0.998, 0.1917938, 0.2273156),
        (0.445, 1, 0.998, 0.0193470, 0.9702260),
        (0, 20, 0.998, 0.0, 0.3231704),
        (100, 100, 0.998, 0.9128290, 1.0),
    ],
)
def test_wilson_interval_matches_pheindicatormethods_cases(
    numerator, denominator, confidence, lower, upper
):
    result = wilson_interval(numerator, denominator, confidence)
    assert result.lower == pytest.approx(lower, abs=5e-7)
    assert result.upper == pytest.approx(upper, abs=5e-7)


def test_wilson_interval_vectorised_with_zero_denominator_as_nan():
    result = wilson_interval(pd.Series([10, 0, 3]), pd.Series([100, 0, 3]))
    frame = result.to_frame()
    assert list(frame.columns) == ["value", "lower", "upper", "method"]
    assert frame.loc[0, "lower"] == pytest.approx(0.0552291, abs=1e-7)
    assert frame.loc[1, ["value", "lower", "upper"]].isna().all()
    assert frame.loc[2, "value"] == 1 and frame.loc[2, "upper"] == 1
    assert (frame["method"] == "Wilson").all()


def test_wilson_interval_rejects_numerator_above_denominator():
    with pytest.raises(ValueError, match="numerator must not exceed denominator"):
        wilson_interval([5, 11], [10, 10])


def test_wilson_interval_rejects_negative_counts():
    with pytest.raises(ValueError, match="numerator must not be negative"):
        wilson_interval(-1, 10)
    with pytest.raises(ValueError, match="denominator must not be negative"):
        wilson_interval(0, -10)


def test_wilson_interval_missing_values_pass_through_as_nan():
    result = wilson_interval([np.nan, 4], [10, 8])
    assert np.isnan(result.lower[0]) and result.value[1] == 0.5


# ---------------------------------------------------------------------------- counts


def test_byars_interval_apho_briefing_example():
    # APHO Technical Briefing 3 (2008): a count of 20 -> 95% CI 12.21 to 30.89.
    result = byars_interval(20)
    assert result.lower == pytest.approx(12.2114, abs=5e-5)
    assert result.upper == pytest.approx(30.8899, abs=5e-5)


@pytest.mark.parametrize(
    ("count", "confidence", "lower", "upper"),
    [
        # Counts from PHEindicatormethods tests/testthat/testByars.R; values PHStatsMethods
        # (ph_rate, Byar's branch) and by hand.
        (65, 0.95, 50.163188, 82.849139),
        (1045, 0.95, 982.59320, 1110.3312),
        (65, 0.998, 42.880261, 94.000291),
        (1045, 0.998, 947.94070, 1148.8062),
        (10, 0.998, 2.9163184, 24.193725),
    ],
)
def test_byars_interval_matches_pheindicatormethods_cases(count, confidence, lower, upper):
    result = byars_interval(count, confidence)
    assert result.lower == pytest.approx(lower, rel=1e-7)
    assert result.upper == pytest.approx(upper, rel=1e-7)
    assert (result.lower, result.upper) == pytest.approx(byars_by_hand(count, confidence))


def test_byars_interval_lower_limit_nan_where_the_approximation_fails():
    # As PHEindicatormethods: a negative Byar's lower limit is returned as NA.
    result = byars_interval([0, 1], 0.998)
    assert result.lower[0] == 0
    assert np.isnan(result.lower[1])


@pytest.mark.parametrize(
    ("count", "lower", "upper"),
    [
        # Exact Poisson 95% limits as tabulated (Garwood 1936); count 5 is the APHO
        # Technical Briefing 3 example (1.6235 to 11.6683); 3.689 is the familiar upper
        # limit for zero events.
        (0, 0.0, 3.6889),
        (1, 0.02532, 5.5716),
        (2, 0.24221, 7.2247),
        (5, 1.6235, 11.6683),
        (9, 4.1154, 17.0848),
    ],
)
def test_exact_poisson_interval_table_values(count, lower, upper):
    result = exact_poisson_interval(count)
    assert result.lower == pytest.approx(lower, abs=1e-4)
    assert result.upper == pytest.approx(upper, abs=1e-4)


def test_exact_poisson_interval_at_99_8_percent():
    # chi-square quantiles: chi2(0.001; 10)/2 and chi2(0.999; 12)/2 (PHStatsMethods ph_rate).
    result = exact_poisson_interval(5, 0.998)
    assert result.lower == pytest.approx(0.7393717, abs=1e-7)
    assert result.upper == pytest.approx(16.454745, abs=1e-6)


def test_count_interval_switches_to_byars_at_ten():
    result = count_interval([9, 10])
    assert list(result.method) == ["Exact", "Byars"]
    assert result.lower[0] == pytest.approx(exact_poisson_interval(9).lower)
    assert result.lower[1] == pytest.approx(byars_interval(10).lower)
    assert count_interval(3).method == "Exact"


@pytest.mark.parametrize(("confidence", "tolerance"), [(0.95, 0.002), (0.998, 0.015)])
def test_byars_interval_close_to_exact_from_ten(confidence, tolerance):
    # PHE Technical Guide: Confidence Intervals (2018): at 95%, Byar's is within 0.2% of
    # the exact limits for counts of 10 or more (the 99.8% bound is measured here).
    counts = np.arange(10, 3000)
    byars, exact = byars_interval(counts, confidence), exact_poisson_interval(counts, confidence)
    assert np.max(np.abs(byars.lower / exact.lower - 1)) < tolerance
    assert np.max(np.abs(byars.upper / exact.upper - 1)) < tolerance


def test_count_interval_rejects_negative_counts():
    with pytest.raises(ValueError, match="count must not be negative"):
        count_interval([3, -1])


# ---------------------------------------------------------------------------- crude rates


@pytest.mark.parametrize(
    ("count", "population", "confidence", "value", "lower", "upper", "method"),
    [
        # PHStatsMethods ph_rate on the same inputs (per 100,000).
        (5, 1000, 0.95, 500.0, 162.34864, 1166.8332, "Exact"),
        (9, 1000, 0.95, 900.0, 411.53731, 1708.4803, "Exact"),
        (10, 1000, 0.95, 1000.0, 478.74499, 1839.1459, "Byars"),
        (65, 100_000, 0.95, 65.0, 50.163188, 82.849139, "Byars"),
        (1045, 1_000_000, 0.95, 104.5, 98.259320, 111.03312, "Byars"),
        (5, 1000, 0.998, 500.0, 73.937173, 1645.4745, "Exact"),
        (65, 100_000, 0.998, 65.0, 42.880261, 94.000291, "Byars"),
    ],
)
def test_crude_rate_examples(count, population, confidence, value, lower, upper, method):
    result = crude_rate(count, population, confidence=confidence)
    assert result.value == pytest.approx(value)
    assert result.lower == pytest.approx(lower, rel=1e-7)
    assert result.upper == pytest.approx(upper, rel=1e-7)
    assert result.method == method


def test_crude_rate_zero_count_and_zero_population():
    result = crude_rate([0, 4], [1000, 0], per=1000)
    assert result.value[0] == 0 and result.lower[0] == 0
    assert result.upper[0] == pytest.approx(3.6889, abs=1e-4)  # 3.689 events per 1000
    assert np.isnan(result.value[1]) and np.isnan(result.upper[1])


def test_crude_rate_rejects_negative_population():
    with pytest.raises(ValueError, match="population must not be negative"):
        crude_rate(3, -100)


# ---------------------------------------------------------------------------- ESP2013


def test_esp2013_has_nineteen_bands_totalling_100000():
    esp = european_standard_population_2013()
    assert esp.sum() == 100_000
    assert list(esp.index) == list(ESP2013_BANDS)
    assert esp.index[0] == "0-4" and esp.index[-1] == "90+"
    assert esp.tolist() == [
        5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000,
        7000, 6500, 6000, 5500, 5000, 4000, 2500, 1500, 1000,
    ]  # fmt: skip


def test_esp2013_bands_match_the_population_summary_labels():
    from commissioning.population_summary import AGE_LABELS

    assert list(ESP2013_BANDS) == AGE_LABELS


@pytest.mark.parametrize(
    ("age", "band"),
    [(0, "0-4"), (4, "0-4"), (4.99, "0-4"), (5, "5-9"), (89, "85-89"), (90, "90+"), (107, "90+")],
)
def test_age_band_esp2013_boundaries(age, band):
    assert age_band_esp2013(age) == band


def test_age_band_esp2013_series_keeps_index_and_missing_ages():
    bands = age_band_esp2013(pd.Series([3, np.nan, 91], index=["a", "b", "c"]))
    assert list(bands.index) == ["a", "b", "c"]
    assert bands["a"] == "0-4" and pd.isna(bands["b"]) and bands["c"] == "90+"
    assert age_band_esp2013(np.nan) is None


def test_age_band_esp2013_rejects_negative_ages():
    with pytest.raises(ValueError, match="age must not be negative"):
        age_band_esp2013([-1, 3])


# ---------------------------------------------------------------------------- DSRs

# A worked example: deaths and residents of one place by ESP2013 band.
PLACE_POPULATION = [
    5000, 5400, 5200, 4800, 5500, 6200, 6400, 6100, 5800, 6000,
    6300, 6500, 5900, 5200, 4800, 3600, 2500, 1500, 800,
]  # fmt: skip
PLACE_DEATHS = [2, 0, 1, 1, 3, 3, 4, 6, 9, 14, 21, 33, 45, 62, 88, 110, 131, 142, 128]


def place_frame(deaths=PLACE_DEATHS, population=PLACE_POPULATION):
    esp = european_standard_population_2013()
    return pd.DataFrame(
        {
            "age_band": esp.index,
            "count": deaths,
            "population": population,
            "standard_population": esp.to_numpy(),
        }
    )


def dsr_by_hand(deaths, population, weights, confidence, per=100_000):
    """Dobson's method on the total count, from the Fingertips DSR formulae."""
    total_weight = sum(weights)
    total = sum(deaths)
    value = sum(w * x / n for x, n, w in zip(deaths, population, weights, strict=True))
    value = value / total_weight * per
    variance = sum(x * (w / n) ** 2 for x, n, w in zip(deaths, population, weights, strict=True))
    variance /= total_weight**2
    lower, upper = byars_by_hand(total, confidence)
    spread = math.sqrt(variance / total) * per
    return value, value + spread * (lower - total), value + spread * (upper - total)


@pytest.mark.parametrize(
    ("confidence", "lower", "upper"),
    [
        # PHStatsMethods ph_dsr on the same frame gives these limits.
        (0.95, 804.20886, 925.11879),
        (0.998, 771.69455, 961.75834),
    ],
)
def test_dsr_worked_example_with_esp2013(confidence, lower, upper):
    result = directly_standardised_rate(place_frame(), confidence=confidence)
    weights = european_standard_population_2013().tolist()
    by_hand = dsr_by_hand(PLACE_DEATHS, PLACE_POPULATION, weights, confidence)
    assert (result.value, result.lower, result.upper) == pytest.approx(by_hand, rel=1e-9)
    assert result.value == pytest.approx(863.08448, rel=1e-7)
    assert result.lower == pytest.approx(lower, rel=1e-7)
    assert result.upper == pytest.approx(upper, rel=1e-7)
    assert result.total_count == 803 and result.total_population == 93_500
    assert result.publishable and result.method == "Dobson (Byars)"


def test_dsr_equals_the_crude_rate_when_every_age_has_the_same_rate():
    # Direct standardisation reweights age-specific rates, so a flat 2 per 1,000 in
    # every band gives 200 per 100,000 whatever the standard population.
    population = [1000 * (i + 1) for i in range(19)]
    deaths = [2 * (i + 1) for i in range(19)]
    result = directly_standardised_rate(place_frame(deaths, population))
    assert result.value == pytest.approx(200.0)
    assert result.lower < 200 < result.upper


def test_dsr_with_a_total_under_ten_is_computed_but_not_publishable():
    deaths = [0] * 15 + [1, 2, 2, 2]
    result = directly_standardised_rate(place_frame(deaths))
    assert not result.publishable
    assert result.total_count == 7 and result.method == "Dobson (Exact)"
    # by hand: (1 x 4000/3600 + 2 x 2500/2500 + 2 x 1500/1500 + 2 x 1000/800) / 100,000 x 100,000
    assert result.value == pytest.approx(7.6111111, rel=1e-7)
    # Dobson with the exact chi-square limits on the total of 7 events.
    exact = exact_poisson_interval(7)
    weights = european_standard_population_2013().to_numpy()
    variance = np.sum(np.array(deaths) * (weights / PLACE_POPULATION) ** 2) / 100_000**2
    spread = math.sqrt(variance / 7) * 100_000
    assert result.lower == pytest.approx(result.value + spread * (exact.lower - 7))
    assert result.upper == pytest.approx(result.value + spread * (exact.upper - 7))
    assert result.lower == pytest.approx(3.0370238, rel=1e-6)


def test_dsr_missing_counts_count_as_no_events():
    deaths = [np.nan] * 10 + PLACE_DEATHS[10:]
    with_gaps = directly_standardised_rate(place_frame(deaths))
    with_zeros = directly_standardised_rate(place_frame([0] * 10 + PLACE_DEATHS[10:]))
    assert with_gaps == with_zeros


def test_dsr_zero_population_band_gives_nan():
    population = [*PLACE_POPULATION[:-1], 0]
    result = directly_standardised_rate(place_frame(population=population))
    assert math.isnan(result.value) and math.isnan(result.upper)
    assert not result.publishable


def test_dsr_zero_total_count_has_value_zero_and_no_limits():
    result = directly_standardised_rate(place_frame([0] * 19))
    assert result.value == 0 and math.isnan(result.lower) and not result.publishable


def test_dsr_rejects_negative_counts_and_missing_columns():
    with pytest.raises(ValueError, match="count must not be negative"):
        directly_standardised_rate(place_frame([-1] + PLACE_DEATHS[1:]))
    with pytest.raises(ValueError, match="missing"):
        directly_standardised_rate(place_frame().drop(columns="standard_population"))
    with pytest.raises(ValueError, match="population must not be missing"):
        directly_standardised_rate(place_frame(population=[np.nan] * 19))


def test_directly_standardised_rates_one_row_per_group():
    frame = pd.concat(
        [
            place_frame().assign(place="Riverside"),
            place_frame([0] * 15 + [1, 2, 2, 2]).assign(place="Hillside"),
        ]
    )
    result = directly_standardised_rates(frame, by="place")
    assert list(result["place"]) == ["Hillside", "Riverside"]
    assert list(result["publishable"]) == [False, True]
    assert result.loc[1, "value"] == pytest.approx(863.08448, rel=1e-7)


# ---------------------------------------------------------------------------- ISRs

REFERENCE_POPULATION = [
    330000, 350000, 330000, 310000, 340000, 370000, 380000, 360000, 340000, 350000,
    370000, 380000, 340000, 300000, 280000, 210000, 150000, 90000, 50000,
]  # fmt: skip
REFERENCE_DEATHS = [
    130, 8, 10, 40, 70, 100, 150, 230, 380, 620,
    1000, 1650, 2350, 3300, 4900, 6600, 8500, 9800, 9600,
]  # fmt: skip


def test_expected_count_from_reference_rates():
    rates = pd.Series(REFERENCE_DEATHS, index=ESP2013_BANDS) / pd.Series(
        REFERENCE_POPULATION, index=ESP2013_BANDS
    )
    population = pd.Series(PLACE_POPULATION, index=ESP2013_BANDS)
    by_hand = sum(
        n * d / r
        for n, d, r in zip(PLACE_POPULATION, REFERENCE_DEATHS, REFERENCE_POPULATION, strict=True)
    )
    assert expected_count(population, rates) == pytest.approx(by_hand)
    assert by_hand == pytest.approx(828.18553, rel=1e-7)
    # The same rates per 100,000 give the same expected count.
    assert expected_count(population, rates * 100_000, per=100_000) == pytest.approx(by_hand)
    # Series are matched on band, not position.
    assert expected_count(population, rates.iloc[::-1]) == pytest.approx(by_hand)


def test_expected_count_refuses_bands_that_do_not_match():
    population = pd.Series([100, 200], index=["0-4", "5-9"])
    with pytest.raises(ValueError, match="differ in bands"):
        expected_count(population, pd.Series([0.1, 0.2], index=["0-4", "10-14"]))
    with pytest.raises(ValueError, match="one value per age band"):
        expected_count([100, 200], [0.1])


@pytest.mark.parametrize(
    ("observed", "confidence", "value", "lower", "upper", "method"),
    [
        # PHStatsMethods ph_ISRatio (refvalue=100) with the reference above.
        (803, 0.95, 96.958951, 90.367741, 103.90378, "Byars"),
        (803, 0.998, 96.958951, 86.727719, 108.00563, "Byars"),
        (7, 0.95, 0.84522124, 0.33982278, 1.7414788, "Exact"),
    ],
)
def test_isr_worked_example(observed, confidence, value, lower, upper, method):
    expected = 828.18552728
    result = indirectly_standardised_ratio(observed, expected, confidence)
    assert result.value == pytest.approx(value, rel=1e-7)
    assert result.lower == pytest.approx(lower, rel=1e-7)
    assert result.upper == pytest.approx(upper, rel=1e-7)
    assert result.method == method
    limits = count_interval(observed, confidence)  # by hand: O limits / E x 100
    assert result.lower == pytest.approx(limits.lower / expected * 100)


def test_isr_vectorised_with_zero_expected_as_nan():
    result = indirectly_standardised_ratio([20, 5], [20.0, 0.0], per=1)
    assert result.value[0] == 1
    assert result.lower[0] == pytest.approx(12.211429 / 20, rel=1e-7)
    assert np.isnan(result.value[1])


# ---------------------------------------------------------------------------- SII / RII

# PHEindicatormethods phe_sii documentation example, Area1 (life expectancy by decile).
AREA1 = pd.DataFrame(
    {
        "quantile": range(1, 11),
        "population": [7291, 7997, 6105, 7666, 5790, 6934, 5918, 5974, 7147, 7534],
        "value": [75.9, 78.3, 83.8, 83.6, 80.5, 81.1, 81.7, 84.2, 80.6, 86.3],
        "lower": [72.7, 75.3, 80.9, 80.2, 77.1, 78, 79, 81.4, 75.8, 83.2],
        "upper": [79.1, 81.4, 86.8, 87.1, 83.8, 84.2, 84.4, 86.9, 85.4, 89.4],
        "se": [1.64, 1.58, 1.51, 1.78, 1.7, 1.56, 1.37, 1.4, 2.43, 1.57],
    }
)
AREA2 = pd.DataFrame(
    {
        "quantile": range(1, 11),
        "population": [21675, 20065, 19750, 24713, 20112, 19618, 22408, 19752, 18939, 19312],
        "value": [70.5, 71.6, 72.5, 73.5, 73.1, 76.2, 78.7, 80.6, 80.9, 80],
        "se": [0.23, 0.26, 0.3, 0.16, 0.79, 0.78, 0.4, 0.28, 0.23, 0.35],
    }
)


def sii_by_hand(frame):
    """Weighted least-squares slope on relative rank: Σp R (μ − μ̄) / (Σp R² − (Σp R)²).

    The closed form for grouped data (Preston, Haines & Pamuk, as given in NCI HD*Calc's
    "Slope Index of Inequality" help), with the intercept μ̄ − SII·Σp R.
    """
    total = sum(frame["population"])
    shares = [n / total for n in frame["population"]]
    ranks, cumulative = [], 0.0
    for p in shares:
        ranks.append(cumulative + p / 2)
        cumulative += p
    mean = sum(p * v for p, v in zip(shares, frame["value"], strict=True))
    mean_rank = sum(p * r for p, r in zip(shares, ranks, strict=True))
    numerator = sum(
        p * r * (v - mean) for p, r, v in zip(shares, ranks, frame["value"], strict=True)
    )
    denominator = sum(p * r * r for p, r in zip(shares, ranks, strict=True)) - mean_rank**2
    slope = numerator / denominator
    return slope, mean - slope * mean_rank


def test_sii_published_linear_example():
    # dceasimR calc_rii documentation: five equal groups with values 60, 63, 66, 69, 72
    # give SII 15 and intercept 58.5; RII as PHEindicatormethods = (58.5 + 15) / 58.5.
    frame = pd.DataFrame(
        {"quantile": [1, 2, 3, 4, 5], "value": [60, 63, 66, 69, 72], "population": [100] * 5}
    )
    result = slope_index_of_inequality(frame)
    assert result.sii == pytest.approx(15)
    assert result.rii == pytest.approx(73.5 / 58.5)
    assert math.isnan(result.sii_lower)  # no SE or limits given


@pytest.mark.parametrize("area", [AREA1, AREA2], ids=["Area1", "Area2"])
def test_sii_point_estimate_matches_closed_form(area):
    slope, intercept = sii_by_hand(area)
    result = slope_index_of_inequality(area, repetitions=1000, seed=1)
    assert result.sii == pytest.approx(slope, rel=1e-10)
    assert result.rii == pytest.approx((intercept + slope) / intercept, rel=1e-10)


def test_sii_area1_values():
    result = slope_index_of_inequality(AREA1, seed=1)
    assert result.sii == pytest.approx(7.000235, abs=1e-6)  # by hand (closed form above)
    assert result.rii == pytest.approx(1.0897097, abs=1e-7)


@pytest.mark.parametrize("confidence", CONFIDENCES)
def test_sii_simulated_limits_match_the_normal_theory_limits(confidence):
    # For value_type="normal" the slope is linear in the values, so the simulated slopes
    # are exactly normal: SII ± z·√Σ(c_i² se_i²), c the slope row of the WLS solution.
    # 100,000 draws put the simulated percentiles within ~0.05 of these.
    frame = AREA1.drop(columns=["lower", "upper"])
    shares = frame["population"] / frame["population"].sum()
    ranks = shares.cumsum() - shares / 2
    design = np.column_stack([np.sqrt(shares), ranks * np.sqrt(shares)])
    weights = np.linalg.pinv(design)[1] * np.sqrt(shares)
    sd = math.sqrt(np.sum(weights**2 * frame["se"] ** 2))
    result = slope_index_of_inequality(frame, confidence=confidence, seed=20240501)
    assert result.sii_lower == pytest.approx(result.sii - z(confidence) * sd, abs=0.1)
    assert result.sii_upper == pytest.approx(result.sii + z(confidence) * sd, abs=0.1)
    assert result.rii_lower < result.rii < result.rii_upper


def test_sii_limits_from_confidence_limits_agree_with_given_standard_errors():
    from_limits = slope_index_of_inequality(AREA1.drop(columns="se"), seed=3)
    from_se = slope_index_of_inequality(AREA1.drop(columns=["lower", "upper"]), seed=3)
    assert from_limits.sii_lower == pytest.approx(from_se.sii_lower, abs=0.1)
    assert from_limits.sii_upper == pytest.approx(from_se.sii_upper, abs=0.1)


def test_sii_is_reproducible_with_a_seed():
    first = slope_index_of_inequality(AREA2, repetitions=5000, seed=42)
    again = slope_index_of_inequality(AREA2, repetitions=5000, seed=42)
    other = slope_index_of_inequality(AREA2, repetitions=5000, seed=43)
    assert first == again
    assert first.sii_lower != other.sii_lower


def test_sii_sign_follows_pheindicatormethods():
    # Quantile 1 is most deprived. Life expectancy rising with affluence -> positive SII
    # and RII > 1; a mortality rate falling with affluence -> negative SII and RII < 1.
    assert slope_index_of_inequality(AREA1, repetitions=1000, seed=1).sii > 0
    mortality = AREA1.assign(value=lambda f: 2000 - 10 * f["value"]).drop(
        columns=["lower", "upper"]
    )
    result = slope_index_of_inequality(mortality, seed=1)
    assert result.sii < 0 and result.rii < 1


def test_sii_row_order_does_not_matter():
    shuffled = AREA1.sample(frac=1, random_state=7)
    assert slope_index_of_inequality(shuffled, seed=1) == slope_index_of_inequality(AREA1, seed=1)


def test_sii_rate_indicator_simulates_on_the_log_scale():
    rates = AREA2.assign(value=lambda f: 1000 - 8 * f["value"]).drop(columns="se")
    rates = rates.assign(lower=rates["value"] * 0.9, upper=rates["value"] * 1.1)
    as_rate = slope_index_of_inequality(rates, value_type="rate", seed=5)
    as_normal = slope_index_of_inequality(rates, seed=5)
    assert as_rate.sii == pytest.approx(as_normal.sii)  # the point estimate is untransformed
    assert as_rate.sii_lower < as_rate.sii < as_rate.sii_upper
    assert as_rate.sii_lower != pytest.approx(as_normal.sii_lower, abs=1e-6)


def test_sii_without_rii_leaves_rii_fields_nan():
    result = slope_index_of_inequality(AREA1, rii=False, repetitions=1000, seed=1)
    assert math.isnan(result.rii) and math.isnan(result.rii_upper)
    assert not math.isnan(result.sii_upper)


def test_sii_quantile_with_no_population_gives_nan():
    result = slope_index_of_inequality(
        AREA1.assign(population=[0, *AREA1["population"].tolist()[1:]])
    )
    assert all(math.isnan(v) for v in result.as_dict().values())


@pytest.mark.parametrize(
    ("frame", "kwargs", "message"),
    [
        (AREA1.head(4), {}, "5 to 100 quantiles"),
        (pd.concat([AREA1, AREA1.head(1)]), {}, "each quantile must appear once"),
        (AREA1, {"repetitions": 999}, "repetitions"),
        (AREA1, {"value_type": "ratio"}, "value_type"),
        (AREA1, {"value_type": "proportion"}, "proportions"),
        (AREA1.drop(columns="population"), {}, "missing"),
        (AREA1.assign(population=-AREA1["population"]), {}, "populations must not be negative"),
    ],
)
def test_sii_rejects_invalid_input(frame, kwargs, message):
    with pytest.raises(ValueError, match=message):
        slope_index_of_inequality(frame, **kwargs)


# ---------------------------------------------------------------------------- properties

counts = st.integers(min_value=0, max_value=100_000)
levels = st.sampled_from(CONFIDENCES)


@given(st.integers(min_value=1, max_value=100_000), st.data(), levels)
def test_wilson_interval_brackets_the_proportion_within_zero_and_one(denominator, data, level):
    numerator = data.draw(st.integers(min_value=0, max_value=denominator))
    result = wilson_interval(numerator, denominator, level)
    assert 0 <= result.lower <= result.value <= result.upper <= 1


@given(counts, levels)
def test_count_interval_brackets_the_count(count, level):
    result = count_interval(count, level)
    assert 0 <= result.lower <= count <= result.upper


@given(counts)
def test_count_interval_limits_rise_with_the_count(count):
    # Including across the switch from exact to Byar's at 10.
    for level in CONFIDENCES:
        this, following = count_interval([count, count + 1], level).lower
        assert this <= following
        this, following = count_interval([count, count + 1], level).upper
        assert this <= following


@given(counts)
def test_99_8_percent_limits_are_wider_than_95_percent(count):
    narrow, wide = count_interval(count, 0.95), count_interval(count, 0.998)
    assert wide.lower <= narrow.lower and wide.upper >= narrow.upper


@given(counts, st.integers(min_value=1, max_value=10**7), levels)
def test_crude_rate_and_isr_bracket_their_values(count, population, level):
    rate = crude_rate(count, population, confidence=level)
    assert rate.lower <= rate.value <= rate.upper
    ratio = indirectly_standardised_ratio(count, population / 1000, level)
    assert ratio.lower <= ratio.value <= ratio.upper


@given(
    st.lists(st.integers(min_value=0, max_value=500), min_size=19, max_size=19),
    st.lists(st.integers(min_value=500, max_value=50_000), min_size=19, max_size=19),
    levels,
)
def test_dsr_limits_bracket_the_rate(deaths, population, level):
    result = directly_standardised_rate(place_frame(deaths, population), confidence=level)
    if result.total_count == 0:
        assert result.value == 0
    else:
        assert result.lower <= result.value <= result.upper
    assert result.publishable == (result.total_count >= 10)
