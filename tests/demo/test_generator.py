"""The demo generator: structure, realism as statistical properties, change between years,
reproducibility. Pure pandas: no database. One 40,000-person demo is built per module."""

import numpy as np
import pandas as pd
import pytest

from commissioning.demo import DEMO_ICB_CODE, PERIOD_ENDS
from commissioning.demo.activity import ACTIVITY_COUNTS, OTHER_FLAGS
from commissioning.demo.generator import build_demo, write_demo
from commissioning.demo.health import ETHNICITY_GROUPS, FRAILTY_CATEGORIES, LTC_FLAGS
from commissioning.demo.people import OUTPUT_COLUMNS, SEX_CODES
from commissioning.demo.person_file import FORBIDDEN_COLUMNS
from commissioning.models import population
from commissioning.models.organisations import OrganisationKind, ProviderSector

SIZE = 40_000
FIRST, SECOND = PERIOD_ENDS


@pytest.fixture(scope="module")
def demo():
    return build_demo(seed=2024, people=SIZE)


@pytest.fixture(scope="module")
def first(demo):
    return with_area_columns(demo.people[FIRST], demo.areas)


def with_area_columns(people: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    """People with their LSOA's IMD decile and place name."""
    by_code = areas.set_index("code")
    lsoa = by_code.loc[people["lsoa_code"].astype(str)]
    place = by_code.loc[by_code.loc[lsoa["parent_code"], "parent_code"], "name"]
    return people.assign(imd_decile=lsoa["imd_decile"].to_numpy(), place=place.to_numpy())


def prevalence(people: pd.DataFrame, flag: str, lo: int = 0, hi: int = 200) -> float:
    return people.loc[people["age"].between(lo, hi - 1), flag].mean()


def test_generator_columns_match_the_person_model():
    assert LTC_FLAGS == population.LTC_FLAGS
    assert OTHER_FLAGS == population.OTHER_FLAGS
    assert ACTIVITY_COUNTS == population.ACTIVITY_COUNTS
    assert FRAILTY_CATEGORIES == population.FRAILTY_CATEGORIES
    assert SEX_CODES == population.SEX_CODES
    assert ETHNICITY_GROUPS == population.ETHNICITY_GROUPS


def test_generator_people_have_documented_columns_and_no_identifiers(demo):
    for period_end, people in demo.people.items():
        assert list(people.columns) == OUTPUT_COLUMNS
        assert not FORBIDDEN_COLUMNS & {c.lower() for c in people.columns}
        assert (people["period_end"] == period_end).all()
        assert people["pseudo_id"].is_unique
        assert people["pseudo_id"].str.fullmatch(r"P[0-9a-f]{16}").all()
        assert set(people["sex"]) <= set(SEX_CODES)
        assert set(people["ethnicity"]) <= set(ETHNICITY_GROUPS)
        assert set(people["frailty"]) <= set(FRAILTY_CATEGORIES)
        for flag in LTC_FLAGS + OTHER_FLAGS:
            assert set(people[flag].unique()) <= {0, 1}
        assert (people[ACTIVITY_COUNTS] >= 0).all().all()
        assert (people["cost"] >= 0).all()
        assert np.allclose(people["cost"], people["cost"].round(2))


def test_generator_same_seed_gives_identical_files(tmp_path):
    for folder in ("a", "b"):
        write_demo(build_demo(seed=7, people=3000), tmp_path / folder)
    write_demo(build_demo(seed=8, people=3000), tmp_path / "c")
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == [
        "areas.csv",
        "organisations.csv",
        f"people_{FIRST}.csv.gz",
        f"people_{SECOND}.csv.gz",
    ]
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert (tmp_path / "a" / names[2]).read_bytes() != (tmp_path / "c" / names[2]).read_bytes()


def test_generator_area_tree_has_places_neighbourhoods_and_lsoas(demo):
    areas = demo.areas
    counts = areas["level"].value_counts()
    assert (counts["footprint"], counts["icb"], counts["place"]) == (1, 1, 3)
    assert counts["neighbourhood"] == 12
    icb = areas[areas["level"] == "icb"].iloc[0]
    assert icb["code"] == DEMO_ICB_CODE
    places = areas[areas["level"] == "place"]
    hoods = areas[areas["level"] == "neighbourhood"]
    assert hoods["parent_code"].value_counts().tolist() == [4, 4, 4]
    assert set(hoods["parent_code"]) == set(places["code"])
    lsoas = areas[areas["level"] == "lsoa"]
    assert lsoas["code"].str.fullmatch(r"E01\d{6}").all()
    assert set(lsoas["parent_code"]) == set(hoods["code"])
    assert 1300 < lsoas["population"].mean() < 1900
    assert lsoas["population"].sum() == len(demo.people[SECOND])
    assert areas.loc[areas["level"] != "lsoa", "imd_decile"].isna().all()


def test_generator_deprivation_differs_between_neighbourhoods(demo):
    lsoas = demo.areas[demo.areas["level"] == "lsoa"]
    assert (lsoas["imd_decile"] <= 2).mean() > 0.1  # some Core20
    assert (lsoas["imd_decile"] >= 9).mean() > 0.05
    by_hood = lsoas.groupby("parent_code")["imd_decile"].mean()
    assert by_hood.max() - by_hood.min() > 5


def test_generator_organisations_use_model_kinds_and_sectors(demo):
    orgs = demo.organisations
    assert set(orgs["kind"]) <= set(OrganisationKind.values)
    assert set(orgs["sector"]) - {""} <= set(ProviderSector.values)
    kinds = orgs["kind"].value_counts()
    assert (kinds["icb"], kinds["local_authority"], kinds["healthwatch"], kinds["pcn"]) == (
        1,
        2,
        1,
        12,
    )
    providers = orgs[(orgs["sector"] != "") & (orgs["kind"] != "gp_practice")]
    sectors = providers["sector"].value_counts()
    assert 2 <= sectors["acute"] <= 3
    assert (sectors["community"], sectors["mental_health"], sectors["ambulance"]) == (2, 1, 1)
    assert sectors["vcse"] >= 3 and sectors["independent"] >= 3 and sectors["social_care"] == 1
    assert 15 <= len(providers) <= 25
    assert orgs["ods_code"].is_unique
    assert (orgs["icb_code"] == DEMO_ICB_CODE).all()


def test_generator_practices_sit_in_pcns_and_neighbourhoods(demo):
    orgs, areas = demo.organisations, demo.areas
    practices = orgs[orgs["kind"] == "gp_practice"]
    assert (practices["sector"] == "primary_care").all()
    pcns = set(orgs.loc[orgs["kind"] == "pcn", "ods_code"])
    assert set(practices["parent_code"]) <= pcns
    hoods = set(areas.loc[areas["level"] == "neighbourhood", "code"])
    assert set(practices["area_code"]) == hoods
    for people in demo.people.values():
        assert set(people["practice_code"].astype(str)) <= set(practices["ods_code"])
        assert set(people["lsoa_code"].astype(str)) <= set(areas["code"])


def test_generator_age_sex_structure_is_english(first):
    assert 0.19 < (first["age"] < 18).mean() < 0.24
    assert 0.16 < (first["age"] >= 65).mean() < 0.22
    assert 0.035 < (first["age"] >= 80).mean() < 0.065
    assert first["age"].max() <= 115
    assert 0.49 < (first["sex"] == "F").mean() < 0.53
    old = first[first["age"] >= 80]
    assert (old["sex"] == "F").mean() > 0.55
    assert 0 < first["sex"].isin(["I", "U"]).mean() < 0.01


@pytest.mark.parametrize(
    "lo, hi, expected",
    [(40, 50, 0.07), (50, 60, 0.18), (60, 70, 0.32), (70, 80, 0.48), (80, 200, 0.63)],
)
def test_generator_hypertension_by_age_band_matches_qof(first, lo, hi, expected):
    assert prevalence(first, "hypertension", lo, hi) == pytest.approx(expected, abs=0.035)


@pytest.mark.parametrize(
    "flag, lo, expected, tolerance",
    [
        ("hypertension", 0, 0.145, 0.015),
        ("diabetes", 17, 0.075, 0.01),
        ("asthma", 0, 0.065, 0.01),
        ("depression", 18, 0.13, 0.015),
        ("copd", 0, 0.02, 0.005),
        ("smi", 0, 0.01, 0.003),
        ("dementia", 0, 0.008, 0.0025),
    ],
)
def test_generator_prevalence_matches_published_figures(first, flag, lo, expected, tolerance):
    assert prevalence(first, flag, lo) == pytest.approx(expected, abs=tolerance)


def standardised_ratio(people: pd.DataFrame, measure: str, group: pd.Series) -> float:
    """Observed over expected (indirect standardisation by 10-year age band) within group."""
    band = people["age"] // 10
    expected_rate = people.groupby(band)[measure].mean()
    expected = band[group].map(expected_rate).sum()
    return people.loc[group, measure].sum() / expected


@pytest.mark.parametrize(
    "measure", ["diabetes", "copd", "smi", "depression", "emergency_admissions", "cost"]
)
def test_generator_deprivation_raises_need_and_use_at_the_same_age(first, measure):
    most = standardised_ratio(first, measure, first["imd_decile"] <= 2)
    least = standardised_ratio(first, measure, first["imd_decile"] >= 9)
    assert most > 1.2 * least


def test_generator_conditions_rise_with_age(first):
    bands = [(0, 18), (18, 40), (40, 60), (60, 80), (80, 200)]
    for flag in ["hypertension", "chd", "copd", "ckd", "atrial_fibrillation"]:
        rates = [prevalence(first, flag, lo, hi) for lo, hi in bands]
        assert rates == sorted(rates), flag
    assert prevalence(first, "dementia", 0, 65) < 0.002 < prevalence(first, "dementia", 80)


def test_generator_frailty_rises_with_age(first):
    frail = first["frailty"].isin(["moderate", "severe"])
    shares = [frail[first["age"].between(lo, hi - 1)].mean() for lo, hi in
              [(50, 65), (65, 75), (75, 85), (85, 200)]]  # fmt: skip
    assert shares == sorted(shares) and shares[-1] > 0.3
    old = first.loc[first["age"] >= 65, "frailty"].value_counts(normalize=True)
    assert 0.4 < old["fit"] < 0.6 and old["severe"] < 0.08
    assert (first.loc[first["age"] < 50, "frailty"] == "fit").all()


def test_generator_activity_and_cost_follow_age_and_conditions(first):
    conditions = first[LTC_FLAGS].sum(axis=1)
    cost = [first.loc[conditions == n, "cost"].mean() for n in (0, 1)]
    cost.append(first.loc[conditions >= 2, "cost"].mean())
    assert cost == sorted(cost) and cost[2] > 3 * cost[0]
    assert prevalence(first, "emergency_admissions", 80) > 3 * prevalence(
        first, "emergency_admissions", 20, 50
    )
    counts = first["emergency_admissions"]
    assert counts.var() > counts.mean()  # over-dispersed, as real activity is
    assert (first.loc[first["emergency_admissions"] + first["elective_admissions"] == 0,
                      "bed_days"] == 0).all()  # fmt: skip
    assert 0.3 < first["ae_attendances"].mean() < 0.5
    assert 1000 < first["cost"].mean() < 2500


def test_generator_ethnicity_mix_varies_by_place(first):
    white = first.groupby("place")["ethnicity"].apply(lambda e: (e == "white").mean())
    assert white["Riverton"] < 0.7 and white["Highdown"] > 0.9


def test_generator_second_year_ages_everyone_who_stays(demo):
    one, two = (demo.people[p].set_index("pseudo_id") for p in (FIRST, SECOND))
    stayed = one.index.intersection(two.index)
    assert 0.93 < len(stayed) / len(one) < 0.98
    assert (two.loc[stayed, "age"] == np.minimum(one.loc[stayed, "age"] + 1, 115)).all()
    assert (two.loc[stayed, "sex"] == one.loc[stayed, "sex"]).all()


def test_generator_second_year_has_deaths_births_and_migrants(demo):
    one, two = (demo.people[p].set_index("pseudo_id") for p in (FIRST, SECOND))
    gone = ~one.index.isin(two.index)
    assert (
        one.loc[gone & (one["palliative"] == 1).to_numpy()].shape[0] > 0.4 * one["palliative"].sum()
    )
    old, middle = one["age"] >= 85, one["age"].between(40, 64)
    assert gone[old].mean() > 2 * gone[middle].mean()
    new = two[~two.index.isin(one.index)]
    births = (new["age"] == 0).sum()
    assert 0.007 * len(one) < births < 0.014 * len(one)
    assert (new["age"] > 0).sum() > births  # in-migrants, mostly young adults
    assert new.loc[new["age"] > 0, "age"].median() < 40


def test_generator_second_year_has_moves_and_new_conditions(demo):
    one, two = (demo.people[p].set_index("pseudo_id") for p in (FIRST, SECOND))
    stayed = one.index.intersection(two.index)
    moved = two.loc[stayed, "lsoa_code"].astype(str) != one.loc[stayed, "lsoa_code"].astype(str)
    assert 0.04 < moved.mean() < 0.12
    for flag in ["hypertension", "diabetes", "dementia"]:
        before, after = one.loc[stayed, flag], two.loc[stayed, flag]
        assert ((before == 0) & (after == 1)).sum() > 0, flag
        assert ((before == 1) & (after == 0)).sum() == 0, flag


def test_generator_second_year_keeps_the_age_pattern_and_raises_prices(demo):
    one, two = demo.people[FIRST], demo.people[SECOND]
    for flag in ["hypertension", "diabetes", "chd", "dementia"]:
        ratio = prevalence(two, flag, 70) / prevalence(one, flag, 70)
        assert 0.9 < ratio < 1.1, flag  # deaths are replaced by new cases, not a healthier cohort
    # Prices rise 2.5%; activity is drawn afresh each year, so the mean moves a little too.
    assert 0.96 < two["cost"].mean() / one["cost"].mean() < 1.1
