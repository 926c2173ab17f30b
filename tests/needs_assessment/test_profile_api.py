"""The needs profile API: scoped lists and details, filters, disclosure control, and
starting a profile (202 with the profile and its run)."""

import pytest

from commissioning.disclosure import SUPPRESSED
from commissioning.models import RunStatus, SnapshotStatus
from needs_assessment.models import INAStatus, NeedsAssessment, NeedsProfile
from tests import factories as f
from tests.api import session_client, token_client
from tests.needs_assessment.test_profile_helpers import ready_profile, two_segment_model

pytestmark = pytest.mark.django_db
API = "/api/v1/needs-assessment"


@pytest.fixture
def snapshot(universe):
    return f.PopulationSnapshotFactory(
        icb=universe.north, status=SnapshotStatus.CURRENT, row_count=400
    )


@pytest.fixture
def profile(universe, snapshot):
    return ready_profile(universe, snapshot)


def publish(universe, profile):
    NeedsAssessment.objects.create(
        icb=universe.north,
        cycle=f.CycleFactory(icb=universe.north),
        profile=profile,
        title="Our INA",
        status=INAStatus.APPROVED,
    )


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_analyst_lists_and_reads_profiles_with_risk_metrics(universe, profile):
    client = token_client(universe.analyst)
    assert ids(client.get(f"{API}/profiles/")) == {profile.pk}
    body = client.get(f"{API}/profiles/{profile.pk}/").json()
    assert body["status"] == "ready" and body["people"] == 400
    assert body["risk_metrics"]["emergency"]["auc"]["value"] == 0.71
    assert body["aggregates"].endswith(f"/profile-aggregates/?profile={profile.pk}")


@pytest.mark.parametrize("persona", ["outsider", "provider_a_rep", "provider_b_rep", "partner"])
def test_others_see_no_unpublished_profile(universe, profile, persona):
    client = token_client(getattr(universe, persona)) if persona != "partner" else None
    client = client or session_client(universe.partner)
    assert ids(client.get(f"{API}/profiles/")) == set()
    assert client.get(f"{API}/profiles/{profile.pk}/").status_code == 404
    assert ids(client.get(f"{API}/profile-aggregates/")) == set()
    some = profile.aggregates.first()
    assert client.get(f"{API}/profile-aggregates/{some.pk}/").status_code == 404


@pytest.mark.parametrize("persona", ["outsider", "provider_a_rep"])
def test_publishing_opens_nothing_to_providers_or_outsiders(universe, profile, persona):
    publish(universe, profile)
    client = token_client(getattr(universe, persona))
    assert client.get(f"{API}/profiles/{profile.pk}/").status_code == 404
    assert ids(client.get(f"{API}/profile-aggregates/?profile={profile.pk}")) == set()


def test_aggregates_filter_by_area_measure_breakdown_category_and_segment(universe, profile):
    client = token_client(universe.analyst)
    base = f"{API}/profile-aggregates/?profile={profile.pk}&page_size=500"
    rows = client.get(f"{base}&area={universe.place.pk}&measure=prevalence:diabetes").json()
    assert {(r["breakdown"], r["area"]) for r in rows["results"]} >= {("", universe.place.pk)}
    assert {r["measure"] for r in rows["results"]} == {"prevalence:diabetes"}
    whole = client.get(f"{base}&area={universe.place.pk}&measure=dsr:&breakdown=whole").json()
    assert {r["measure"] for r in whole["results"]} == {
        "dsr:emergency_admissions",
        "dsr:ae_attendances",
        "dsr:elective_admissions",
        "dsr:bed_days",
        "dsr:outpatient_appointments",
        "dsr:gp_contacts",
    }
    assert {r["breakdown"] for r in whole["results"]} == {""}
    women = client.get(f"{base}&measure=people&breakdown=sex&category=F").json()["results"]
    assert {r["area"] for r in women} == {
        universe.north.pk,
        universe.place.pk,
        universe.neighbourhood.pk,
    }
    ill = client.get(f"{base}&segment=ill&area={universe.north.pk}").json()["results"]
    assert {r["breakdown"] for r in ill} == {"segment", "segment_tier"}
    assert all(r["category"].split("|")[0] == "ill" for r in ill)
    code = client.get(f"{base}&area_code={universe.place.code}&measure=people&breakdown=whole")
    [row] = code.json()["results"]
    assert row["value"] == 400 and row["area_name"] == "Riverside"


def test_underserved_flag_on_use_against_need(universe, profile):
    client = token_client(universe.analyst)
    rows = client.get(f"{API}/profile-aggregates/?profile={profile.pk}&measure=isr:").json()
    for row in rows["results"]:
        assert row["underserved"] == (row["publishable"] and row["upper95"] < 100)
    other = client.get(f"{API}/profile-aggregates/?profile={profile.pk}&measure=people").json()
    assert {row["underserved"] for row in other["results"]} == {None}


def test_partner_sees_controlled_figures_of_a_published_profile(universe, profile):
    publish(universe, profile)
    client = session_client(universe.partner)
    assert ids(client.get(f"{API}/profiles/")) == {profile.pk}
    body = client.get(f"{API}/profiles/{profile.pk}/").json()
    assert "cost" not in body["summary"]
    assert body["risk_metrics"]["fairness"]["sex"][1]["auc"] == SUPPRESSED  # 5 people
    exact = token_client(universe.analyst)
    url = f"{API}/profile-aggregates/?profile={profile.pk}&measure=prevalence:&breakdown=whole"
    staff = {
        (r["area"], r["measure"]): r for r in exact.get(url + "&page_size=500").json()["results"]
    }
    shown = client.get(url + "&page_size=500").json()["results"]
    assert shown
    for row in shown:
        original = staff[(row["area"], row["measure"])]
        count = int(original["numerator"])
        if count == 0 or count >= 8:
            assert row["numerator"] == 5 * round(count / 5)
        else:
            assert row["numerator"] == row["value"] == SUPPRESSED


def test_partner_cannot_start_a_profile(universe, snapshot):
    response = session_client(universe.partner).post(
        f"{API}/profiles/", {"snapshot": snapshot.pk}, format="json"
    )
    assert response.status_code == 403 and not NeedsProfile.objects.exists()


def test_analyst_starts_a_profile_and_gets_202(universe, snapshot):
    model = two_segment_model(universe.north)
    client = token_client(universe.analyst)
    response = client.post(
        f"{API}/profiles/",
        {"snapshot": snapshot.pk, "segmentation_model": model.pk},
        format="json",
    )
    assert response.status_code == 202, response.content
    body = response.json()
    profile = NeedsProfile.objects.get(pk=body["id"])
    assert response["Location"].endswith(f"/profiles/{profile.pk}/")
    assert body["status"] == "queued" and body["run"] == profile.run_id
    assert profile.run.status == RunStatus.QUEUED and profile.run.kind == "needs_profile"


@pytest.mark.parametrize(
    ("persona", "status"), [("provider_a_rep", 403), ("outsider", 404), ("analyst", 400)]
)
def test_bad_or_foreign_snapshots_are_refused(universe, snapshot, persona, status):
    loading = f.PopulationSnapshotFactory(icb=universe.north, status=SnapshotStatus.LOADING)
    target = snapshot if persona != "analyst" else loading
    response = token_client(getattr(universe, persona)).post(
        f"{API}/profiles/", {"snapshot": target.pk}, format="json"
    )
    assert response.status_code == status, response.content
    if status == 400:
        assert "loading" in response.json()["snapshot"][0]
    assert not NeedsProfile.objects.exists()


def test_missing_snapshot_is_a_clear_400(universe):
    response = token_client(universe.analyst).post(f"{API}/profiles/", {}, format="json")
    assert response.status_code == 400
    assert response.json() == {"snapshot": ["This field is required."]}


def test_another_icbs_segmentation_model_is_404(universe, snapshot):
    theirs = two_segment_model(universe.south, name="Theirs")
    response = token_client(universe.analyst).post(
        f"{API}/profiles/",
        {"snapshot": snapshot.pk, "segmentation_model": theirs.pk},
        format="json",
    )
    assert response.status_code == 404 and not NeedsProfile.objects.exists()


def test_profile_endpoints_need_a_sign_in(profile):
    from rest_framework.test import APIClient

    client = APIClient()
    for url in (f"{API}/profiles/", f"{API}/profile-aggregates/", f"{API}/profiles/{profile.pk}/"):
        assert client.get(url).status_code in (401, 403)
