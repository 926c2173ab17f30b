"""Contract performance: KPIs against targets, outcome payment earned from indicator
values, recording the statement through the payor action, and who sees what."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.urls import reverse

from commissioning.models import PaymentModel
from evaluation.performance import queries
from evaluation.performance.demo import seed_demo
from payor.finance import actions as payor_actions
from payor.models import PaymentStatement
from tests import factories as f

# docs/payment-models.md, "Outcome-based", worked example (its answer is tested in
# tests/payor/test_payment_models.py): £2,000,000, 10% at risk, three outcomes.
TERMS = {
    "contract_value": "2000000.00",
    "share_at_risk": "0.1",
    "outcomes": [
        {"code": "EA65", "weight": 50, "floor": 60, "target": 50, "polarity": "lower",
         "description": "Emergency admissions per 1,000 aged 65+"},
        {"code": "HTN", "weight": 30, "floor": "0.6", "target": "0.8", "polarity": "higher",
         "description": "Hypertension treated to target"},
        {"code": "SELF", "weight": 20, "floor": "0.7", "target": "0.75", "polarity": "higher",
         "description": "Supported to manage their condition"},
    ],
}  # fmt: skip


def months(year: int, values):
    """(start, end) of the months April `year` onwards, with the values."""
    for index, value in enumerate(values):
        month = (3 + index) % 12 + 1
        start = date(year + (month < 4), month, 1)
        following = date(start.year + (month == 12), month % 12 + 1, 1)
        yield start, date.fromordinal(following.toordinal() - 1), value


def add_series(indicator, provider, year, values):
    for start, end, value in months(year, values):
        f.IndicatorValueFactory(
            indicator=indicator, area=None, provider=provider,
            period_start=start, period_end=end, value=value,
        )  # fmt: skip


@pytest.fixture
def outcome_contract(universe):
    """Provider A's outcome contract. In 2025/26: EA65 monthly 52 and 56 (mean 54);
    hypertension 76% and 78% (mean 77%, read as 0.77 against share terms); self-care 0.68
    for the whole year. 2024/25 values differ, so using them would change the answer."""
    contract = universe.contract_a
    contract.payment_model = PaymentModel.OUTCOME
    contract.save()
    by = universe.commissioner
    payor_actions.set_contract_terms(by=by, contract=contract, terms=TERMS, expected_version=None)
    ea = f.IndicatorFactory(code="EA65", name="Emergency admissions 65+", polarity="lower")
    bp = f.IndicatorFactory(code="BP_CTRL", name="Blood pressure", polarity="higher", unit="%")
    self_care = f.IndicatorFactory(
        code="SELFCARE", name="Supported to manage their condition", polarity="higher",
        unit="proportion",
    )  # fmt: skip
    add_series(ea, universe.provider_a, 2024, [70.0] * 12)
    add_series(ea, universe.provider_a, 2025, [52.0, 56.0] * 6)
    add_series(bp, universe.provider_a, 2024, [50.0] * 12)
    add_series(bp, universe.provider_a, 2025, [76.0, 78.0] * 6)
    f.IndicatorValueFactory(
        indicator=self_care, area=None, provider=universe.provider_a,
        period_start=date(2025, 4, 1), period_end=date(2026, 3, 31), value=0.68,
    )  # fmt: skip
    payor_actions.add_kpi(by=by, contract=contract, indicator=ea, target="55")
    payor_actions.add_kpi(
        by=by, contract=contract, indicator=bp, target="75", description="BP to target [HTN]"
    )
    payor_actions.add_kpi(by=by, contract=contract, indicator=self_care, target="0.75")
    return contract


def test_outcome_payment_earned_matches_the_worked_example(universe, outcome_contract):
    """docs/payment-models.md worked example: earned £111,000 of £200,000; total due
    £1,911,000.00 (EA65 60% of £100,000; HTN 85% of £60,000; SELF short of floor)."""
    result = queries.contract_performance(universe.commissioner, outcome_contract)
    payment = result.payment
    assert payment.period == "2025/26"
    assert payment.error == ""
    assert payment.measured == {"achievement": {"EA65": "54", "HTN": "0.77", "SELF": "0.68"}}
    assert [line.amount for line in payment.statement.lines] == [
        D("1800000.00"), D("60000.00"), D("51000.00"), D("0.00"),
    ]  # fmt: skip
    assert payment.value_at_risk == D("200000.00")
    assert payment.earned == D("111000.00")
    assert payment.statement.total == D("1911000.00")


def test_threshold_and_linear_scaling_in_an_earlier_year(universe, outcome_contract):
    """2024/25: EA65 70 (beyond the floor 60: nothing), BP 50% (0.5, short of floor 0.6:
    nothing); SELF has no value that year, so no statement (never treated as zero)."""
    result = queries.contract_performance(universe.commissioner, outcome_contract, "2024/25")
    assert result.payment.statement is None
    assert "Supported to manage their condition (SELF): no values in the period" in (
        result.payment.error
    )
    assert result.periods == ["2025/26", "2024/25"]


def test_linear_share_between_floor_and_target(universe, outcome_contract):
    """EA65 mean moved to 57.5: (60 - 57.5) ÷ (60 - 50) = 25% of £100,000 = £25,000."""
    f.IndicatorValueFactory(
        indicator=outcome_contract.kpis.get(indicator__code="EA65").indicator, area=None,
        provider=universe.provider_a, period_start=date(2025, 4, 1),
        period_end=date(2026, 3, 31), value=57.5,
    )  # fmt: skip
    payment = queries.contract_performance(universe.commissioner, outcome_contract).payment
    assert payment.statement.lines[1].amount == D("25000.00")
    assert payment.earned == D("76000.00")


def test_kpis_met_by_polarity(universe, outcome_contract):
    """Latest values: EA65 56 against 55, lower is better: not met; BP 78 against 75,
    higher is better: met; self-care 0.68 against 0.75: not met."""
    result = queries.contract_performance(universe.commissioner, outcome_contract)
    status = {row.kpi.indicator.code: row.status for row in result.kpis}
    assert status == {"EA65": "Not met", "BP_CTRL": "Met", "SELFCARE": "Not met"}
    assert (result.met, result.not_met) == (1, 2)
    ea = next(row for row in result.kpis if row.kpi.indicator.code == "EA65")
    assert ea.variation["code"] == "improvement_low"  # 2025/26 well below the 70s before
    assert ea.assurance is not None
    assert ea.chart_url == f"/evaluation/spc/EA65/provider/{universe.provider_a.pk}/"
    assert queries.is_met(55.0, D("55"), "lower") is True
    assert queries.is_met(55.0, D("55"), "higher") is True
    assert queries.is_met(54.9, D("55"), "higher") is False
    assert queries.is_met(1.0, D("55"), "neutral") is None


def test_pages_for_the_commissioner_and_recording_the_statement(
    universe, client_for, outcome_contract
):
    client = client_for(universe.commissioner)
    listing = client.get(reverse("evaluation:performance-list")).content.decode()
    assert "N-A-1" in listing and "N-B-1" in listing
    assert "111,000.00 of 200,000.00" in listing
    url = reverse("evaluation:performance-detail", args=[outcome_contract.pk])
    html = client.get(url).content.decode()
    assert "Earned <strong>£111,000.00</strong> of <strong>£200,000.00</strong>" in html
    assert "Record as the payment statement for 2025/26" in html
    assert "<script>" not in html
    response = client.post(url, {"period": "2025/26"})
    stored = PaymentStatement.objects.get(contract=outcome_contract)
    assert response.status_code == 302 and stored.total == D("1911000.00")
    assert stored.measured["achievement"]["HTN"] == "0.77"
    again = client.post(url, {"period": "2025/26"}).content.decode()
    assert "There is already a statement for 2025/26" in again
    bad = client.post(url, {"period": "2025"}).content.decode()
    assert "period &#x27;2025&#x27; is not a financial year" in bad
    assert PaymentStatement.objects.count() == 1


def test_provider_sees_its_own_only_and_cannot_record(universe, client_for, outcome_contract):
    client = client_for(universe.provider_a_rep)
    listing = client.get(reverse("evaluation:performance-list")).content.decode()
    assert "N-A-1" in listing and "N-B-1" not in listing
    url = reverse("evaluation:performance-detail", args=[outcome_contract.pk])
    html = client.get(url).content.decode()
    assert "£111,000.00" in html and "Record as the payment statement" not in html
    response = client.post(url, {"period": "2025/26"})
    assert "Only the ICB&#x27;s commissioners" in response.content.decode()
    assert not PaymentStatement.objects.exists()
    other = reverse("evaluation:performance-detail", args=[universe.contract_b.pk])
    assert client.get(other).status_code == 404


@pytest.mark.parametrize("persona", ["outsider", "provider_b_rep", "partner"])
def test_others_get_404(universe, client_for, outcome_contract, persona):
    client = client_for(getattr(universe, persona))
    url = reverse("evaluation:performance-detail", args=[outcome_contract.pk])
    assert client.get(url).status_code == 404
    api = f"/api/v1/evaluation/contract-performance/{outcome_contract.pk}/"
    assert client.get(api).status_code == 404
    listing = client.get("/api/v1/evaluation/contract-performance/").json()
    assert "N-A-1" not in [row["reference"] for row in listing["results"]]


def test_api(universe, client_for, outcome_contract):
    client = client_for(universe.commissioner)
    listing = client.get("/api/v1/evaluation/contract-performance/").json()
    row = next(r for r in listing["results"] if r["reference"] == "N-A-1")
    assert (row["kpis_met"], row["kpis_total"], row["earned"]) == (1, 3, "111000.00")
    detail = client.get(f"/api/v1/evaluation/contract-performance/{outcome_contract.pk}/").json()
    assert detail["payment"]["statement"]["total"] == "1911000.00"
    assert detail["payment"]["value_at_risk"] == "200000.00"
    assert {k["indicator"]: k["met"] for k in detail["kpis"]}["BP_CTRL"] is True
    bad = client.get(f"/api/v1/evaluation/contract-performance/{outcome_contract.pk}/?period=x")
    assert bad.status_code == 400 and "period" in bad.json()
    from django.test import Client

    assert Client().get("/api/v1/evaluation/contract-performance/").status_code in (401, 403)
    own = client_for(universe.provider_a_rep).get("/api/v1/evaluation/contract-performance/")
    assert [r["reference"] for r in own.json()["results"]] == ["N-A-1"]


def test_list_requires_login(client):
    response = client.get(reverse("evaluation:performance-list"))
    assert response.status_code == 302


def test_seed_demo_summarises(universe, outcome_contract):
    line = seed_demo(icb=universe.north, by=universe.commissioner)
    assert "N-A-1 earned £111,000.00 of £200,000.00 in 2025/26" in line
    assert not PaymentStatement.objects.exists()


def test_aligned_payment_activity_is_the_sum_of_the_year(universe):
    """docs/payment-models.md, aligned payment worked example (20%): plan 10,000
    non-elective spells at £1,800; 10,400 delivered (12 months: 8 of 870 and 4 of 860)
    = £18,000,000 fixed + 400 × 20% × £1,800 = £18,144,000.00."""
    contract, by = universe.contract_b, universe.commissioner
    terms = {
        "currencies": [{"code": "NEL", "unit_price": "1800", "planned_activity": 10000,
                        "description": "Non-elective spells"}],
        "variable_share_above": "0.2",
    }  # fmt: skip
    payor_actions.set_contract_terms(by=by, contract=contract, terms=terms, expected_version=None)
    nel = f.IndicatorFactory(code="NEL", name="Non-elective spells", polarity="neutral")
    add_series(nel, universe.provider_b, 2025, [870.0] * 8 + [860.0] * 4)
    payor_actions.add_kpi(by=by, contract=contract, indicator=nel)
    result = queries.contract_performance(by, contract)
    assert result.payment.measured == {"activity": {"NEL": "10400"}}
    assert result.payment.statement.total == D("18144000.00")
    assert result.payment.earned is None and result.kpis[0].status == "No target"
