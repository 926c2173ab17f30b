"""Outcome tracking and indicator data: pages, API, derived values and who sees what."""

from datetime import date

import pytest
from django.urls import reverse

from commissioning.models import AuditEvent, IndicatorValue, SegmentationModel
from evaluation.tracking import actions
from evaluation.tracking.queries import track_outcome
from needs_assessment.models import NeedsProfile, ProfileAggregate
from strategy.models import Outcome
from tests import factories as f
from tests.strategy.factories import InterventionFactory, OutcomeFactory, PriorityFactory


def quarter_ends(count: int, start_year: int = 2024):
    ends = []
    for k in range(count):
        year, quarter = divmod(k, 4)
        month = quarter * 3 + 3
        following = date(start_year + year + (month == 12), month % 12 + 1, 1)
        ends.append(date.fromordinal(following.toordinal() - 1))
    return ends


@pytest.fixture
def world(universe):
    """A 2025 strategy of North with one outcome (lower is better, 1,200 → 1,000) and a
    quarterly series falling 10 a quarter from 1,200, and an intervention in plan year 1."""
    from tests.strategy.factories import StrategyFactory

    strategy = StrategyFactory(icb=universe.north, first_year=2025)
    priority = PriorityFactory(strategy=strategy, title="Fewer emergency admissions")
    indicator = f.IndicatorFactory(code="ADM_T", name="Admissions", polarity="lower")
    outcome = OutcomeFactory(priority=priority, indicator=indicator, area=universe.north)
    InterventionFactory(priority=priority, outcome=outcome, name="Virtual wards", start_year=1)
    for k, end in enumerate(quarter_ends(8)):
        f.IndicatorValueFactory(
            indicator=indicator,
            area=universe.north,
            period_start=end.replace(day=1),
            period_end=end,
            value=1200 - 10 * k,
        )
    return strategy, outcome


def test_track_outcome_status_and_forecast(universe, world):
    strategy, outcome = world
    track = track_outcome(universe.commissioner, outcome)
    assert track.latest.value == 1130
    assert track.latest.period_end == date(2025, 12, 31)
    # linear 1,200 → 1,160 by 31 Mar 2026: 275 of 365 days on is 1,200 − 40 × 275/365
    assert track.expected == pytest.approx(1200 - 40 * 275 / 365)
    assert track.status == "on_track"
    assert track.forecast < 1000 and track.will_meet is True
    assert track.forecast_date == date(2030, 3, 31)
    assert track.variation_icon is not None and track.assurance_icon is not None


def test_strategy_page_and_chart(universe, client_for, world):
    strategy, outcome = world
    client = client_for(universe.commissioner)
    page = client.get(reverse("evaluation:tracking-strategy", args=[strategy.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Fewer emergency admissions" in html and "On track" in html
    assert "1,130" in html
    chart = client.get(reverse("evaluation:tracking-outcome-chart", args=[outcome.pk]))
    assert chart.status_code == 200
    figure = chart.context["figure"]
    names = [trace["name"] for trace in figure["data"]]
    assert {"Measured", "Trajectory", "Year-5 target"} <= set(names)
    assert figure["layout"]["shapes"][0]["x0"] == "2025-04-01"
    assert "Virtual wards" in figure["layout"]["annotations"][0]["text"]
    assert "<script>" not in chart.content.decode()


@pytest.mark.parametrize("persona", ["outsider", "provider_a_rep", "partner"])
def test_outsider_and_provider_get_404(universe, client_for, world, persona):
    strategy, outcome = world
    client = client_for(getattr(universe, persona))
    assert (
        client.get(reverse("evaluation:tracking-strategy", args=[strategy.pk])).status_code == 404
    )
    url = reverse("evaluation:tracking-outcome-chart", args=[outcome.pk])
    assert client.get(url).status_code == 404
    api = client.get(f"/api/v1/evaluation/outcome-tracking/?strategy={strategy.pk}")
    assert api.status_code == 404


def test_outcome_tracking_api(universe, client_for, world):
    strategy, outcome = world
    response = client_for(universe.analyst).get(
        f"/api/v1/evaluation/outcome-tracking/?strategy={strategy.pk}"
    )
    assert response.status_code == 200
    [row] = response.json()
    assert row["outcome"] == outcome.pk and row["status"] == "on_track"
    assert row["forecast_lower"] <= row["forecast"] <= row["forecast_upper"]


def test_no_data_status(universe, world):
    strategy, outcome = world
    other = OutcomeFactory(priority=outcome.priority, area=universe.place)
    track = track_outcome(universe.commissioner, other)
    assert track.status == "no_data" and track.latest is None and track.forecast is None


ROWS = [
    {"indicator_code": "ADM_T", "area_code": "E54000001", "period_start": "2026-01-01",
     "period_end": "2026-03-31", "value": "1100"},
    {"indicator_code": "ADM_T", "ods_code": "RAA", "period_start": "2026-01-01",
     "period_end": "2026-03-31", "value": 12.5, "lower_ci": 10, "upper_ci": 15},
]  # fmt: skip


def test_api_loads_rows_all_or_nothing(universe, client_for, world):
    client = client_for(universe.analyst)
    url = "/api/v1/evaluation/indicator-values/"
    bad = [*ROWS, {**ROWS[0], "period_start": "2026-02-01", "value": "lots"}]
    response = client.post(url, bad, content_type="application/json")
    assert response.status_code == 400
    text = str(response.json())
    assert "row 3 column value" in text
    assert not IndicatorValue.objects.filter(period_end=date(2026, 3, 31)).exists()
    response = client.post(url, ROWS, content_type="application/json")
    assert response.status_code == 201 and response.json() == {"saved": 2}
    assert IndicatorValue.objects.filter(period_end=date(2026, 3, 31)).count() == 2
    assert AuditEvent.objects.filter(verb="indicator_values.api_load").exists()
    listed = client.get(url, {"indicator": "ADM_T", "ods_code": "RAA"}).json()
    assert [r["value"] for r in listed["results"]] == [12.5]
    listed = client.get(url, {"indicator": "ADM_T", "period": "2026-03-31"}).json()
    assert listed["count"] == 2


def test_api_load_refused_for_provider_and_outsider_rows_unknown(universe, client_for, world):
    url = "/api/v1/evaluation/indicator-values/"
    refused = client_for(universe.provider_a_rep).post(url, ROWS, content_type="application/json")
    assert refused.status_code == 403
    outsider = client_for(universe.outsider).post(url, ROWS, content_type="application/json")
    assert outsider.status_code == 400  # North's codes are not South's areas
    assert "Area code not in this ICB" in str(outsider.json())
    mine = client_for(universe.provider_a_rep).get(url).json()
    assert mine["count"] == 0


def test_indicator_data_page(universe, client_for, world):
    page = client_for(universe.commissioner).get(reverse("evaluation:tracking-indicator-data"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Admissions" in html and "Upload a CSV" in html
    [row] = page.context["series"]
    assert row["points"] == 8
    other = client_for(universe.outsider).get(reverse("evaluation:tracking-indicator-data"))
    assert other.context["series"] == []


def test_derive_indicator_values_from_a_ready_profile(universe, reference_data):
    snapshot = f.PopulationSnapshotFactory(
        icb=universe.north, period_start=date(2025, 4, 1), period_end=date(2026, 3, 31)
    )
    profile = NeedsProfile.objects.create(
        snapshot=snapshot,
        segmentation_model=SegmentationModel.objects.filter(icb__isnull=True).first(),
        status="ready",
    )
    for area, value in ((universe.north, 14.2), (universe.place, 15.1), (universe.lsoa, 20.0)):
        ProfileAggregate.objects.create(
            profile=profile, area=area, measure="prevalence:hypertension", value=value,
            lower95=value - 1, upper95=value + 1, numerator=100, denominator=700,
        )  # fmt: skip
    ProfileAggregate.objects.create(
        profile=profile, area=universe.north, measure="prevalence:hypertension",
        breakdown="sex", category="F", value=13.0,
    )  # fmt: skip
    assert actions.derive_indicator_values(profile=profile, by=universe.analyst) == 2
    assert actions.derive_indicator_values(profile=profile, by=universe.analyst) == 2
    values = IndicatorValue.objects.filter(indicator__code="HYP_PREV").order_by("value")
    assert [(v.area_id, v.value, v.period_end) for v in values] == [
        (universe.north.pk, 14.2, date(2026, 3, 31)),
        (universe.place.pk, 15.1, date(2026, 3, 31)),
    ]
    assert Outcome.objects.count() == 0


def test_spc_chart_draws_intervention_starts_and_summary_labels_outcomes_and_kpis(
    universe, client_for, world
):
    from payor.models import ContractKpi

    strategy, outcome = world
    for k, end in enumerate(quarter_ends(8)):
        f.IndicatorValueFactory(
            indicator=outcome.indicator, area=None, provider=universe.provider_a,
            period_start=end.replace(day=1), period_end=end, value=50 + k,
        )  # fmt: skip
        f.IndicatorValueFactory(
            indicator=outcome.indicator, area=None, provider=universe.provider_b,
            period_start=end.replace(day=1), period_end=end, value=60 + k,
        )  # fmt: skip
    ContractKpi.objects.create(
        contract=universe.contract_a, indicator=outcome.indicator, outcome=outcome, target=40
    )
    ContractKpi.objects.create(contract=universe.contract_b, indicator=outcome.indicator, target=40)
    client = client_for(universe.commissioner)
    url = reverse("evaluation:spc-chart", args=[outcome.indicator.code, "area", universe.north.pk])
    chart = client.get(url)
    assert chart.context["figure"]["layout"]["shapes"][0]["x0"] == "2025-04-01"
    assert "Outcome of priority" in chart.content.decode()
    kpi_url = reverse(
        "evaluation:spc-chart", args=[outcome.indicator.code, "provider", universe.provider_a.pk]
    )
    assert client.get(kpi_url).context["starts"][0]["label"] == "Virtual wards"
    summary = client.get(reverse("evaluation:spc-summary"))
    labels = [row["belongs_to"] for row in summary.context["rows"]]
    assert "KPI of contract N-A-1" in labels and "KPI of contract N-B-1" in labels
    assert any(label.startswith("Outcome of priority") for label in labels)
    # rising values of a lower-is-better KPI with target 40: consistently failing
    outliers = [row["belongs_to"] for row in summary.context["outliers"]]
    assert "KPI of contract N-A-1" in outliers
    mine = client_for(universe.provider_a_rep).get(reverse("evaluation:spc-summary"))
    labels = [row["belongs_to"] for row in mine.context["rows"]]
    assert labels == ["KPI of contract N-A-1"]
