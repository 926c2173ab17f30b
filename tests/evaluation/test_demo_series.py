"""The demo series generator (evaluation.demo.series): deterministic, and the planted
effects are there at the size the docs say, so evaluation methods can be checked on it."""

import datetime as dt

import pytest

from evaluation.demo import series

TODAY = dt.date(2026, 11, 22)
PLACES = series.demo_places([(1, "Riverton"), (2, "Marshfield"), (3, "Highdown")])
PROVIDERS = [
    series.Provider(code, catchment, indicators, name=code)
    for code, (catchment, indicators) in series.DEMO_PROVIDERS.items()
]


@pytest.fixture(scope="module")
def frame():
    return series.generate(icb_key=0, places=PLACES, providers=PROVIDERS, today=TODAY)


def one(frame, code, area=None, provider=None):
    rows = frame[frame["indicator"] == code]
    if provider is not None:
        return rows[rows["provider"] == provider]
    return rows[rows["area"] == area]


def test_months_run_from_april_2023_to_the_last_complete_month():
    months = series.months(TODAY)
    assert months[0] == dt.date(2023, 4, 1) and months[-1] == dt.date(2026, 10, 1)
    assert len(months) == 43
    assert series.months(dt.date(2026, 11, 1))[-1] == dt.date(2026, 10, 1)
    assert series.month_end(dt.date(2024, 2, 1)) == dt.date(2024, 2, 29)


def test_same_seed_same_rows_other_seed_other_rows(frame):
    again = series.generate(icb_key=0, places=PLACES, providers=PROVIDERS, today=TODAY)
    assert frame.equals(again)
    other = series.generate(icb_key=0, places=PLACES, today=TODAY, seed=7)
    assert not one(frame, "EMADM_DSR", 1)["value"].equals(one(other, "EMADM_DSR", 1)["value"])


def test_rows_do_not_depend_on_the_providers_given(frame):
    without = series.generate(icb_key=0, places=PLACES, today=TODAY)
    place_rows = frame[frame["provider"].isna()].reset_index(drop=True)
    assert place_rows.equals(without)


def test_shape_and_rates(frame):
    # 5 indicators x 43 months x (3 places + ICB) + provider rows (3 for R9A, 3 for R9D).
    assert len(frame) == 43 * (5 * 4 + 3 + 3)
    assert list(frame.columns) == series.COLUMNS
    row = frame.iloc[0]
    assert row["period_end"] == dt.date(2023, 4, 30)
    assert row["value"] == pytest.approx(row["numerator"] / row["denominator"] * 1_200_000, 1e-3)
    icb = one(frame, "EMADM_DSR", 0)
    assert icb["denominator"].iloc[0] == sum(p.population for p in PLACES)
    places = frame[(frame["indicator"] == "EMADM_DSR") & frame["area"].isin([1, 2, 3])]
    assert places.groupby("period_start")["numerator"].sum().tolist() == icb["numerator"].tolist()
    hyp = one(frame, "HYP_PREV", 1)["value"]
    assert hyp.between(14, 20).all()  # a percentage
    assert one(frame, "EMADM_DSR", 0)["value"].between(8_000, 13_000).all()


@pytest.mark.parametrize("place", [1, 2])
def test_emergency_admissions_fall_by_8_percent_in_intervention_places(frame, place):
    ratio = series.before_after_ratio(one(frame, "EMADM_DSR", place))
    assert ratio == pytest.approx(0.92, abs=0.02)


def test_comparison_place_and_null_indicator_are_unchanged(frame):
    assert series.before_after_ratio(one(frame, "EMADM_DSR", 3)) == pytest.approx(1, abs=0.025)
    highdown = series.before_after_ratio(one(frame, "EMADM_DSR", 3))
    riverton = series.before_after_ratio(one(frame, "EMADM_DSR", 1))
    assert riverton / highdown == pytest.approx(0.92, abs=0.025)  # difference in differences
    # Depression has a 4%-a-year trend and no effect: same in every place.
    ratios = [series.before_after_ratio(one(frame, "DEP_PREV", p)) for p in (1, 2, 3)]
    assert max(ratios) - min(ratios) < 0.01


def test_hypertension_detection_rises_in_riverton_only(frame):
    riverton = series.before_after_ratio(one(frame, "HYP_PREV", 1))
    highdown = series.before_after_ratio(one(frame, "HYP_PREV", 3))
    assert riverton / highdown == pytest.approx(1.06, abs=0.01)


def test_expected_value_has_the_step_and_winter_peak():
    spec = series.SPEC_BY_CODE["EMADM_DSR"]
    march, april = dt.date(2025, 3, 1), dt.date(2025, 4, 1)
    before = series.expected(spec, "Riverton", dt.date(2024, 4, 1))
    assert series.expected(spec, "Riverton", april) == pytest.approx(before * 0.92)
    assert series.expected(spec, "Highdown", april) > 0
    assert series.expected(spec, "Riverton", dt.date(2024, 1, 1)) > series.expected(
        spec, "Riverton", dt.date(2024, 7, 1)
    )
    assert series.expected(spec, "Riverton", march) > series.expected(spec, "Riverton", april)


def test_provider_series_follow_their_catchment(frame):
    acute = one(frame, "EMADM_DSR", provider="R9A")
    assert len(acute) == 43 and acute["area"].isna().all()
    assert acute["denominator"].iloc[0] == round(0.85 * 420_000 + 0.25 * 330_000 + 0.2 * 250_000)
    assert one(frame, "AE_DSR", provider="R9D").empty


def test_demo_strategy_expects_the_effects_planted_in_the_series():
    """The plan's arithmetic (people reached / people in the place x effect among them)
    gives the same step as the series plants, so tracking can compare like with like."""
    from evaluation.demo.phip import PRIORITIES

    people = {p.name: p.population for p in PLACES}
    planted = {"EMADM_DSR": series.SPEC_BY_CODE["EMADM_DSR"].effect,
               "HYP_PREV": series.SPEC_BY_CODE["HYP_PREV"].effect}  # fmt: skip
    for priority in PRIORITIES:
        code = priority["outcome"][0]
        for _name, place, cohort, effect, *_ in priority["interventions"]:
            if code in planted:
                assert cohort / people[place] * effect == pytest.approx(planted[code], abs=1e-3)
