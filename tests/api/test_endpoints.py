"""Read endpoints: every list and detail is scoped by access.visible_to."""

import pytest
from rest_framework.test import APIClient

from commissioning.models import FindingStatus, PersonRecord, SegmentationModel
from tests import factories as f
from tests.api import (
    API,
    LIST_ENDPOINTS,
    detail_urls,
    ids,
    north_objects,
    session_client,
    token_client,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def north(universe):
    return north_objects(universe)


def test_analyst_token_lists_contracts(universe):
    response = token_client(universe.analyst).get(f"{API}/contracts/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    references = {row["reference"] for row in body["results"]}
    assert references == {"N-A-1", "N-B-1"}


def test_contract_detail_shape_and_money_as_decimal_string(universe):
    client = token_client(universe.analyst)
    row = client.get(f"{API}/contracts/{universe.contract_a.pk}/").json()
    assert row["annual_value"] == "1250000.00"
    assert row["provider"] == {
        "id": universe.provider_a.pk,
        "ods_code": "RAA",
        "name": "Provider A Hospitals",
    }
    assert row["commissioner"]["ods_code"] == "QAA"
    assert row["payment_model"] == "aligned"


def test_provider_b_gets_404_for_provider_a_contract(universe):
    client = token_client(universe.provider_b_rep)
    assert client.get(f"{API}/contracts/{universe.contract_a.pk}/").status_code == 404
    assert client.get(f"{API}/contracts/{universe.contract_b.pk}/").status_code == 200
    assert ids(client.get(f"{API}/contracts/")) == {universe.contract_b.pk}


def test_outsider_gets_404_on_every_detail_of_ours(universe, north):
    client = token_client(universe.outsider)
    for endpoint, url in detail_urls(universe, north).items():
        response = client.get(url)
        assert response.status_code == 404, endpoint


def test_outsider_lists_contain_none_of_ours(universe, north):
    client = token_client(universe.outsider)
    ours = {
        endpoint: url.rstrip("/").rsplit("/", 1)[1]
        for endpoint, url in detail_urls(universe, north).items()
    }
    for endpoint, our_id in ours.items():
        assert int(our_id) not in ids(client.get(f"{API}/{endpoint}/")), endpoint
    # Beyond their own ICB's contract and organisations, they see nothing at all.
    for endpoint in ["snapshots", "indicator-values", "cycles", "findings", "runs"]:
        assert ids(client.get(f"{API}/{endpoint}/")) == set(), endpoint
    library = set(SegmentationModel.objects.filter(icb=None).values_list("pk", flat=True))
    assert ids(client.get(f"{API}/segmentation-models/")) == library
    assert ids(client.get(f"{API}/contracts/")) == {universe.contract_south.pk}


def test_commissioner_sees_every_detail_of_ours(universe, north):
    client = token_client(universe.commissioner)
    for endpoint, url in detail_urls(universe, north).items():
        assert client.get(url).status_code == 200, endpoint


@pytest.mark.parametrize("endpoint", LIST_ENDPOINTS)
def test_anonymous_gets_401_on_lists(db, endpoint):
    response = APIClient().get(f"{API}/{endpoint}/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_anonymous_gets_401_on_details_root_and_run_start(universe, north):
    client = APIClient()
    for endpoint, url in detail_urls(universe, north).items():
        assert client.get(url).status_code == 401, endpoint
    assert client.get(f"{API}/").status_code == 401
    response = client.post(
        f"{API}/runs/",
        {"kind": "population_summary", "parameters": {"snapshot_id": north.snapshot.pk}},
        format="json",
    )
    assert response.status_code == 401


def test_session_login_works_for_the_browser(universe):
    response = session_client(universe.commissioner).get(f"{API}/contracts/")
    assert response.status_code == 200
    assert response.json()["count"] == 2


def test_snapshot_shows_metadata_and_never_people(universe, north):
    client = token_client(universe.analyst)
    row = client.get(f"{API}/snapshots/{north.snapshot.pk}/").json()
    assert row["row_count"] == 1603
    assert row["status"] == "current"
    person_columns = {field.name for field in PersonRecord._meta.fields} - {"snapshot"}
    assert not person_columns & set(row)
    assert not any(isinstance(value, list) for value in row.values())


def test_snapshots_hidden_from_providers(universe, north):
    client = token_client(universe.provider_a_rep)
    assert ids(client.get(f"{API}/snapshots/")) == set()
    assert client.get(f"{API}/snapshots/{north.snapshot.pk}/").status_code == 404


def test_segmentation_model_carries_segments_with_rules(universe, north):
    client = token_client(universe.analyst)
    row = client.get(f"{API}/segmentation-models/{north.segmentation_model.pk}/").json()
    assert [s["code"] for s in row["segments"]] == ["frail", "rest"]
    assert row["segments"][0]["rule"] == {"flag": "palliative"}


def test_findings_drafts_only_for_icb_staff(universe, north):
    draft = f.FindingFactory(cycle=north.cycle, status=FindingStatus.DRAFT)
    assert draft.pk in ids(token_client(universe.analyst).get(f"{API}/findings/"))
    provider_sees = ids(token_client(universe.provider_a_rep).get(f"{API}/findings/"))
    assert provider_sees == {north.finding.pk}


def test_areas_filter_by_level_parent_and_code(universe):
    client = token_client(universe.analyst)
    assert ids(client.get(f"{API}/areas/", {"level": "lsoa"})) == {universe.lsoa.pk}
    children = ids(client.get(f"{API}/areas/", {"parent": universe.place.pk}))
    assert children == {universe.neighbourhood.pk}
    assert ids(client.get(f"{API}/areas/", {"code": universe.lsoa.code})) == {universe.lsoa.pk}


def test_filter_by_foreign_id_is_empty_not_an_error(universe):
    # An id from another ICB gives the same answer as an id that does not exist.
    client = token_client(universe.analyst)
    foreign = client.get(f"{API}/areas/", {"parent": universe.south.pk})
    missing = client.get(f"{API}/areas/", {"parent": 999_999_999})
    assert foreign.status_code == missing.status_code == 200
    assert foreign.json()["count"] == missing.json()["count"] == 0


def test_organisations_filter_by_kind_sector_and_ods_code(universe):
    client = token_client(universe.analyst)
    assert ids(client.get(f"{API}/organisations/", {"kind": "local_authority"})) == {
        universe.council.pk
    }
    assert ids(client.get(f"{API}/organisations/", {"sector": "community"})) == {
        universe.provider_b.pk
    }
    assert ids(client.get(f"{API}/organisations/", {"ods_code": "raa"})) == {universe.provider_a.pk}


def test_contracts_filter_by_provider_payment_model_and_status(universe):
    universe.contract_b.payment_model = "block"
    universe.contract_b.status = "draft"
    universe.contract_b.save()
    client = token_client(universe.analyst)
    by_provider = ids(client.get(f"{API}/contracts/", {"provider": universe.provider_a.pk}))
    assert by_provider == {universe.contract_a.pk}
    assert ids(client.get(f"{API}/contracts/", {"payment_model": "block"})) == {
        universe.contract_b.pk
    }
    assert ids(client.get(f"{API}/contracts/", {"status": "active"})) == {universe.contract_a.pk}
    assert client.get(f"{API}/contracts/", {"status": "nonsense"}).status_code == 400


def test_indicator_values_filter_by_code_area_period_and_breakdown(universe, north):
    older = f.IndicatorValueFactory(
        indicator=north.indicator,
        area=universe.place,
        period_start="2024-04-01",
        period_end="2025-03-31",
    )
    by_sex = f.IndicatorValueFactory(
        indicator=north.indicator, area=universe.place, breakdown="sex", category="F"
    )
    client = token_client(universe.analyst)
    url = f"{API}/indicator-values/"
    assert ids(client.get(url, {"indicator": "EMADM"})) == {
        north.indicator_value.pk,
        older.pk,
        by_sex.pk,
    }
    assert ids(client.get(url, {"period_end_before": "2025-12-31"})) == {older.pk}
    assert ids(client.get(url, {"period_end_after": "2026-01-01", "breakdown": "sex"})) == {
        by_sex.pk
    }
    assert ids(client.get(url, {"area": universe.lsoa.pk})) == set()


def test_runs_list_shows_status_progress_and_result(universe, north):
    north.run.status = "succeeded"
    north.run.progress = 100
    north.run.result = {"people": 1603}
    north.run.save()
    client = token_client(universe.commissioner)
    row = client.get(f"{API}/runs/").json()["results"][0]
    assert row["id"] == north.run.pk
    assert row["status"] == "succeeded"
    assert row["progress"] == 100
    assert row["result"] == {"people": 1603}
    assert row["started_by"] == "analyst"
    assert "error" not in row


def test_ordering_by_allowed_field(universe):
    client = token_client(universe.analyst)
    rows = client.get(f"{API}/contracts/", {"ordering": "-reference"}).json()["results"]
    assert [row["reference"] for row in rows] == ["N-B-1", "N-A-1"]


def test_filter_by_malformed_id_is_400(universe):
    response = token_client(universe.analyst).get(f"{API}/areas/", {"parent": "abc"})
    assert response.status_code == 400
    assert "parent" in response.json()


def test_list_query_count_does_not_grow_with_rows(universe, django_assert_max_num_queries):
    for _ in range(10):
        provider = f.OrganisationFactory(icb=universe.north)
        f.ContractFactory(commissioner=universe.north_org, provider=provider)
        f.IndicatorValueFactory(area=universe.place, numerator=20, denominator=100)
    client = session_client(universe.partner)
    analyst = token_client(universe.analyst)
    with django_assert_max_num_queries(8):
        assert analyst.get(f"{API}/contracts/").json()["count"] == 12
    with django_assert_max_num_queries(8):
        assert client.get(f"{API}/indicator-values/").json()["count"] == 10


def test_cycles_filter_by_financial_year(universe, north):
    client = token_client(universe.analyst)
    assert ids(client.get(f"{API}/cycles/", {"financial_year": 2026})) == {north.cycle.pk}
    assert ids(client.get(f"{API}/cycles/", {"financial_year": 2025})) == set()


def test_api_root_lists_the_endpoints(universe):
    body = session_client(universe.analyst).get(f"{API}/").json()
    assert {"contracts", "runs", "auth/tokens"} <= set(body)
    assert body["contracts"].endswith(f"{API}/contracts/")


def test_browsable_api_renders_for_the_browser(universe, north):
    client = session_client(universe.analyst)
    for url in [f"{API}/runs/", f"{API}/contracts/{universe.contract_a.pk}/", f"{API}/auth/token/"]:
        response = client.get(url, HTTP_ACCEPT="text/html")
        assert response.status_code in (200, 405), url
        assert response["Content-Type"].startswith("text/html"), url
