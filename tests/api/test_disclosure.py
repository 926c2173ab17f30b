"""Disclosure control in API responses: exact for ICB staff, controlled for everyone else."""

import pytest

from commissioning.api.controlled import controlled_indicator_figures, rate_scale
from commissioning.disclosure import SUPPRESSED
from tests import factories as f
from tests.api import API, north_objects, session_client, token_client


@pytest.fixture
def north(universe):
    universe.lsoa.population = 1603
    universe.lsoa.save()
    return north_objects(universe)


@pytest.mark.django_db
def test_partner_sees_controlled_area_population(universe, north):
    client = session_client(universe.partner)
    row = client.get(f"{API}/areas/{universe.lsoa.pk}/").json()
    assert row["population"] == 1605


@pytest.mark.django_db
def test_partner_sees_controlled_indicator_counts(universe, north):
    client = session_client(universe.partner)
    row = client.get(f"{API}/indicator-values/{north.indicator_value.pk}/").json()
    assert row["numerator"] == SUPPRESSED  # 5 people
    assert row["denominator"] == 1605
    assert row["value"] == SUPPRESSED  # a rate from a suppressed count is suppressed too


@pytest.mark.django_db
def test_partner_sees_rate_from_rounded_parts(universe, north):
    value = f.IndicatorValueFactory(
        indicator=north.indicator,
        area=universe.place,
        breakdown="sex",
        category="F",
        numerator=23,
        denominator=1603,
        value=23 / 1603 * 100_000,
        lower_ci=900.0,
        upper_ci=2100.0,
    )
    row = session_client(universe.partner).get(f"{API}/indicator-values/{value.pk}/").json()
    assert row["numerator"] == 25
    assert row["denominator"] == 1605
    assert row["value"] == pytest.approx(25 / 1605 * 100_000)
    assert row["lower_ci"] == row["upper_ci"] == SUPPRESSED


@pytest.mark.django_db
def test_provider_sees_controlled_population(universe, north):
    row = token_client(universe.provider_a_rep).get(f"{API}/areas/{universe.lsoa.pk}/").json()
    assert row["population"] == 1605


@pytest.mark.django_db
def test_commissioner_sees_exact_counts(universe, north):
    client = token_client(universe.commissioner)
    assert client.get(f"{API}/areas/{universe.lsoa.pk}/").json()["population"] == 1603
    row = client.get(f"{API}/indicator-values/{north.indicator_value.pk}/").json()
    assert row["numerator"] == 5
    assert row["denominator"] == 1603
    assert row["value"] == pytest.approx(311.9)


@pytest.mark.django_db
def test_run_result_withheld_from_controlled_users(universe):
    run = f.RunFactory(started_by=universe.provider_a_rep, result={"people": 3})
    row = token_client(universe.provider_a_rep).get(f"{API}/runs/{run.pk}/").json()
    assert row["result"] is None


def test_controlled_figures_count_unit():
    figures = controlled_indicator_figures(
        unit="count", value=42, lower_ci=30.0, upper_ci=55.0, numerator=None, denominator=None
    )
    assert figures == {
        "numerator": None,
        "denominator": None,
        "value": 40,
        "lower_ci": SUPPRESSED,
        "upper_ci": SUPPRESSED,
    }


def test_controlled_figures_small_denominator_suppresses_everything():
    figures = controlled_indicator_figures(
        unit="%", value=50.0, lower_ci=20.0, upper_ci=80.0, numerator=3, denominator=6
    )
    assert figures["value"] == figures["lower_ci"] == figures["upper_ci"] == SUPPRESSED


def test_controlled_figures_percentage_from_rounded_parts():
    figures = controlled_indicator_figures(
        unit="%", value=24.0, lower_ci=None, upper_ci=None, numerator=12, denominator=50
    )
    assert figures["value"] == pytest.approx(10 / 50 * 100)
    assert figures["lower_ci"] is None


def test_controlled_figures_standardised_rate_without_parts_released():
    figures = controlled_indicator_figures(
        unit="DSR per 100,000",
        value=812.4,
        lower_ci=700.1,
        upper_ci=930.2,
        numerator=None,
        denominator=None,
    )
    assert figures["value"] == 812.4
    assert figures["lower_ci"] == 700.1


def test_controlled_figures_negative_count_withheld():
    figures = controlled_indicator_figures(
        unit="count", value=-12, lower_ci=None, upper_ci=None, numerator=None, denominator=None
    )
    assert figures["value"] == SUPPRESSED


@pytest.mark.parametrize(
    ("unit", "scale"),
    [("%", 100.0), ("per 100,000", 100_000.0), ("Per 1000", 1000.0), ("£", None), ("", None)],
)
def test_rate_scale(unit, scale):
    assert rate_scale(unit) == scale
