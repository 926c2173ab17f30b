"""The INA in the API: an analyst can go from a ready profile to an approved INA (with a
commissioner's approval); who may read and write what; findings; export."""

import io

import pytest
from openpyxl import load_workbook

from commissioning.models import FindingStatus
from needs_assessment.documents import actions
from needs_assessment.models import INAStatus, NeedsAssessment
from tests.api import session_client, token_client
from tests.needs_assessment.test_documents_world import make_cycles, make_profile, make_world

pytestmark = pytest.mark.django_db
BASE = "/api/v1/needs-assessment"


@pytest.fixture
def world(universe):
    return make_world(universe)


def test_analyst_writes_an_ina_and_a_commissioner_approves_it(universe):
    profile = make_profile(universe)
    cycles = make_cycles(universe)
    analyst = token_client(universe.analyst)
    created = analyst.post(
        f"{BASE}/assessments/",
        {"cycle": cycles.current.pk, "profile": profile.pk, "title": "North INA 2026/27"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["version"] == 1 and body["status"] == "draft" and body["editable"] is True
    assert [s["key"] for s in body["sections"]][0] == "starting_point"
    pk = body["id"]
    section = analyst.put(
        f"{BASE}/assessments/{pk}/sections/prevalence/",
        {"commentary": "Diabetes is common."},
        format="json",
    )
    assert section.status_code == 200
    prevalence = next(s for s in section.json()["sections"] if s["key"] == "prevalence")
    assert prevalence["commentary"] == "Diabetes is common."
    finding = analyst.post(
        f"{BASE}/assessments/{pk}/findings/",
        {
            "section": "prevalence",
            "title": "Diabetes is common",
            "summary": "7.5% of registered people.",
            "evidence": [{"measure": "prevalence:diabetes"}],
        },
        format="json",
    )
    assert finding.status_code == 201, finding.json()
    assert finding.json()["evidence"][0]["area"] == universe.north.pk
    assert analyst.post(f"{BASE}/assessments/{pk}/approve/").status_code == 403
    approved = token_client(universe.commissioner).post(f"{BASE}/assessments/{pk}/approve/")
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"
    assert approved.json()["approved_by"] == "commissioner"
    assert approved.json()["findings"][0]["status"] == FindingStatus.APPROVED


def test_bad_input_says_what_is_wrong(universe, world):
    client = token_client(universe.analyst)
    pk = world.v1.pk
    response = client.post(
        f"{BASE}/assessments/{pk}/findings/",
        {"section": "prevalence", "title": "x", "summary": "y", "evidence": [{"measure": "nope"}]},
        format="json",
    )
    assert response.status_code == 400
    assert "Evidence 1: the needs profile has no figure 'nope'" in response.json()["evidence"][0]
    response = client.post(
        f"{BASE}/assessments/",
        {"cycle": world.cycles.current.pk, "profile": world.profile.pk, "title": ""},
        format="json",
    )
    assert response.status_code == 400 and "title" in response.json()
    assert client.put(
        f"{BASE}/assessments/{pk}/sections/nope/", {"commentary": ""}
    ).status_code in (
        404,
        415,
    )


def test_approved_version_is_read_only_in_the_api(universe, world):
    actions.approve(assessment=world.v1, by=universe.commissioner)
    client = token_client(universe.commissioner)
    pk = world.v1.pk
    response = client.put(
        f"{BASE}/assessments/{pk}/sections/risk/", {"commentary": "x"}, format="json"
    )
    assert response.status_code == 400
    assert "read-only" in response.json()["non_field_errors"][0]
    assert (
        client.patch(f"{BASE}/assessments/{pk}/", {"title": "x"}, format="json").status_code == 400
    )
    assert client.delete(f"{BASE}/assessments/{pk}/findings/{world.link.pk}/").status_code == 400
    assert client.post(f"{BASE}/assessments/{pk}/approve/").status_code == 400


def test_new_version_compare_and_tables(universe, world):
    client = token_client(universe.analyst)
    new = client.post(f"{BASE}/assessments/{world.v1.pk}/new-version/", {}, format="json")
    assert new.status_code == 201 and new.json()["version"] == 2
    v2 = new.json()["id"]
    client.put(f"{BASE}/assessments/{v2}/sections/risk/", {"commentary": "New."}, format="json")
    diff = client.get(f"{BASE}/assessments/{v2}/compare/", {"with": world.v1.pk})
    assert diff.status_code == 200
    assert [s["key"] for s in diff.json()["sections"]] == ["risk"]
    assert client.get(f"{BASE}/assessments/{v2}/compare/").status_code == 400
    tables = client.get(f"{BASE}/assessments/{v2}/tables/").json()
    prevalence = next(s for s in tables if s["key"] == "prevalence")
    row = prevalence["tables"][0]["rows"][0]
    assert row[0] == "COPD" or row[0] == "Diabetes"
    population = next(s for s in tables if s["key"] == "population")
    assert population["tables"][0]["rows"][0][1] == 1603  # exact for ICB staff


def test_partner_reads_approved_versions_with_controlled_tables(universe, world):
    partner = session_client(universe.partner)
    assert partner.get(f"{BASE}/assessments/").json()["count"] == 0
    assert partner.get(f"{BASE}/assessments/{world.v1.pk}/").status_code == 404
    actions.approve(assessment=world.v1, by=universe.commissioner)
    listed = partner.get(f"{BASE}/assessments/").json()
    assert [row["id"] for row in listed["results"]] == [world.v1.pk]
    assert listed["results"][0]["editable"] is False
    tables = partner.get(f"{BASE}/assessments/{world.v1.pk}/tables/").json()
    population = next(s for s in tables if s["key"] == "population")
    assert population["tables"][0]["rows"][0][1] == 1605
    ages = population["tables"][1]["rows"]
    assert ages[0][:3] == ["Age band", "0-4", "*"]
    pk = world.v1.pk
    assert (
        partner.put(
            f"{BASE}/assessments/{pk}/sections/risk/", {"commentary": "x"}, format="json"
        ).status_code
        == 403
    )
    assert (
        partner.post(f"{BASE}/assessments/{pk}/new-version/", {}, format="json").status_code == 403
    )
    assert partner.post(f"{BASE}/assessments/{pk}/approve/").status_code == 403
    created = partner.post(
        f"{BASE}/assessments/",
        {"cycle": world.cycles.current.pk, "profile": world.profile.pk, "title": "x"},
        format="json",
    )
    assert created.status_code in (403, 404)
    assert NeedsAssessment.objects.count() == 1


@pytest.mark.parametrize("persona", ["provider_a_rep", "outsider"])
def test_providers_and_outsiders_see_nothing(universe, world, persona):
    actions.approve(assessment=world.v1, by=universe.commissioner)
    client = token_client(getattr(universe, persona))
    pk = world.v1.pk
    assert client.get(f"{BASE}/assessments/").json()["count"] == 0
    assert client.get(f"{BASE}/ina-findings/").json()["count"] == 0
    for url in (
        f"{BASE}/assessments/{pk}/",
        f"{BASE}/assessments/{pk}/tables/",
        f"{BASE}/assessments/{pk}/export/",
        f"{BASE}/assessments/{pk}/compare/?with={pk}",
        f"{BASE}/ina-findings/{world.link.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(f"{BASE}/assessments/{pk}/new-version/", {}, format="json").status_code == 404
    )
    assert client.delete(f"{BASE}/assessments/{pk}/findings/{world.link.pk}/").status_code == 404
    assert world.v1.finding_links.count() == 1


def test_findings_endpoint_filters(universe, world):
    client = token_client(universe.analyst)
    rows = client.get(f"{BASE}/ina-findings/", {"section": "prevalence"}).json()["results"]
    assert [r["title"] for r in rows] == ["Diabetes prevalence is high"]
    assert rows[0]["finding"] == world.link.finding_id and rows[0]["status"] == "draft"
    assert client.get(f"{BASE}/ina-findings/", {"section": "risk"}).json()["count"] == 0
    assert client.get(f"{BASE}/ina-findings/", {"cycle": "x"}).status_code == 400
    by_cycle = client.get(f"{BASE}/ina-findings/", {"cycle": world.cycles.current.pk}).json()
    assert by_cycle["count"] == 1
    partner = session_client(universe.partner)
    assert partner.get(f"{BASE}/ina-findings/").json()["count"] == 0


def test_export_endpoint_is_a_controlled_workbook(universe, world):
    response = token_client(universe.analyst).get(f"{BASE}/assessments/{world.v1.pk}/export/")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book["2 Our population"].iter_rows(values_only=True))
    assert next(r for r in rows if r[0] == "North ICB")[1] == 1605


def test_anonymous_is_refused(client, world):
    assert client.get(f"{BASE}/assessments/").status_code in (401, 403)
    assert client.get(f"{BASE}/ina-findings/").status_code in (401, 403)


def test_version_status_is_draft_then_superseded(universe, world):
    client = token_client(universe.analyst)
    client.post(f"{BASE}/assessments/{world.v1.pk}/new-version/", {}, format="json")
    world.v1.refresh_from_db()
    assert world.v1.status == INAStatus.SUPERSEDED


def test_list_filters_do_not_reveal_other_icbs_cycles(universe, world):
    client = token_client(universe.analyst)
    mine = client.get(f"{BASE}/assessments/", {"cycle": world.cycles.current.pk}).json()
    assert mine["count"] == 1
    from tests import factories as f

    theirs = f.CycleFactory(icb=universe.south, financial_year=2026)
    response = client.get(f"{BASE}/assessments/", {"cycle": theirs.pk})
    assert response.status_code == 200 and response.json()["count"] == 0
    assert client.get(f"{BASE}/assessments/", {"status": "approved"}).json()["count"] == 0
