"""Contract KPIs, variations and values by year written through the API and the contract
page: scoped, validated with messages naming the field, audited, version-checked."""

import json

import pytest

from commissioning.models import AuditEvent, PaymentModel
from payor.finance import actions
from payor.models import ContractKpi, ContractVariation, ContractYearValue
from tests import factories as f

pytestmark = pytest.mark.django_db

BLOCK = {"annual_value": "1200000.00"}


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def contract(universe):
    contract = universe.contract_a
    contract.payment_model = PaymentModel.BLOCK
    contract.save()
    actions.set_contract_terms(
        by=universe.commissioner, contract=contract, terms=BLOCK, expected_version=None
    )
    return contract


def test_api_adds_a_kpi_and_refuses_a_foreign_or_missing_indicator(universe, contract, client_for):
    indicator = f.IndicatorFactory(code="KPI_X")
    client = client_for(universe.commissioner)
    url = "/api/v1/payor/contract-kpis/"
    made = _post(client, url, {"contract": contract.pk, "indicator": indicator.pk, "target": "95"})
    assert made.status_code == 201, made.json()
    assert made.json()["target"] == "95.0000"
    assert ContractKpi.objects.filter(contract=contract).count() == 1
    missing = _post(client, url, {"contract": contract.pk, "indicator": 999999})
    assert missing.status_code == 400 and "indicator" in missing.json()
    bad_target = _post(client, url, {"contract": contract.pk, "indicator": indicator.pk,
                                     "target": "lots"})  # fmt: skip
    assert bad_target.status_code == 400 and "target" in bad_target.json()
    assert ContractKpi.objects.filter(contract=contract).count() == 1
    foreign = _post(client_for(universe.outsider), url,
                    {"contract": contract.pk, "indicator": indicator.pk})  # fmt: skip
    assert foreign.status_code == 400 and "contract" in foreign.json()


def test_api_variation_is_version_checked_and_keeps_history(universe, contract, client_for):
    client = client_for(universe.commissioner)
    url = "/api/v1/payor/contract-variations/"
    body = {
        "contract": contract.pk,
        "description": "Uplift for winter capacity",
        "effective_from": "2026-12-01",
        "terms": {"annual_value": "1300000.00"},
        "version": 1,
    }
    made = _post(client, url, body)
    assert made.status_code == 201, made.json()
    assert made.json()["before"]["terms"]["annual_value"] == "1200000.00"
    assert made.json()["after"]["terms"]["annual_value"] == "1300000.00"
    stale = _post(client, url, body | {"terms": {"annual_value": "1.00"}})
    assert stale.status_code == 409
    assert ContractVariation.objects.filter(contract=contract).count() == 1
    no_version = _post(client, url, {k: v for k, v in body.items() if k != "version"})
    assert no_version.status_code == 400 and "version" in no_version.json()
    refused = _post(client_for(universe.provider_a_rep), url, body | {"version": 2})
    assert refused.status_code == 403


def test_api_sets_values_by_year_with_history(universe, contract, client_for):
    client = client_for(universe.commissioner)
    url = "/api/v1/payor/contract-year-values/"
    made = _post(client, url, {"contract": contract.pk, "values": {"2026": "100.50", "2027": 200}})
    assert made.status_code == 201, made.json()
    assert [row["value"] for row in made.json()] == ["100.50", "200.00"]
    negative = _post(client, url, {"contract": contract.pk, "values": {"2026": "-5"}})
    assert negative.status_code == 400 and "value_2026" in negative.json()
    not_a_year = _post(client, url, {"contract": contract.pk, "values": {"next": "5"}})
    assert not_a_year.status_code == 400
    assert ContractYearValue.objects.get(contract=contract, year=2026).value == 100.5
    event = AuditEvent.objects.filter(verb="contract_year_values_set").latest("pk")
    assert event.data["after"] == {"2026": "100.50", "2027": "200.00"}
    listed = client_for(universe.provider_a_rep).get(f"{url}?contract={contract.pk}").json()
    assert len(listed["results"]) == 2
    assert client_for(universe.provider_b_rep).get(url).json()["results"] == []


def test_contract_page_sets_values_by_year(universe, contract, client_for):
    client = client_for(universe.commissioner)
    url = f"/resource-allocation/finance/contracts/{contract.pk}/"
    page = client.get(url).content.decode()
    years = [y for y in range(2020, 2040) if f'name="value_{y}"' in page]
    assert years, "the form offers the contract's financial years"
    response = client.post(url, {"form": "year_values", f"value_{years[0]}": "a lot"})
    assert response.status_code == 400
    assert "value_" in response.content.decode() or "number" in response.content.decode()
    response = client.post(url, {"form": "year_values", f"value_{years[0]}": "1000.25"})
    assert response.status_code == 302
    assert ContractYearValue.objects.get(contract=contract, year=years[0]).value == 1000.25
    label = f"{years[0]}/{str(years[0] + 1)[-2:]}"
    assert label in client.get(url).content.decode()


def test_staff_pages_link_to_the_change_history(universe, contract, client_for):
    url = f"/resource-allocation/finance/contracts/{contract.pk}/"
    history = f"/history/contract/{contract.pk}/"
    assert history in client_for(universe.commissioner).get(url).content.decode()
    assert client_for(universe.commissioner).get(history).status_code == 200
    provider_page = client_for(universe.provider_a_rep).get(url).content.decode()
    assert history not in provider_page
