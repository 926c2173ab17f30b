"""The segmentation-model API of stage 1: reads, and writes for ICB staff only."""

import pytest

from commissioning.models import Run, SegmentationModel, SnapshotStatus
from needs_assessment.segmentation import actions
from tests import factories as f
from tests.api import session_client, token_client

pytestmark = pytest.mark.django_db

BASE = "/api/v1/needs-assessment/segmentation-models"
GM = "Greater Manchester population segmentation"


@pytest.fixture
def library():
    return SegmentationModel.objects.get(icb=None, name=GM)


@pytest.fixture
def north_model(universe, library):
    return actions.copy_model(
        model=library, icb=universe.north, name="North segments", by=universe.commissioner
    )


@pytest.fixture
def snapshot(universe):
    return f.PopulationSnapshotFactory(icb=universe.north, status=SnapshotStatus.CURRENT)


def api_client(user):
    """A token client, or a browser session for roles that may not hold tokens (partners)."""
    return session_client(user) if user.role == "partner" else token_client(user)


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_list_and_detail_are_scoped(universe, library, north_model):
    library_ids = set(SegmentationModel.objects.filter(icb=None).values_list("pk", flat=True))
    assert ids(token_client(universe.analyst).get(f"{BASE}/")) == library_ids | {north_model.pk}
    assert ids(token_client(universe.outsider).get(f"{BASE}/")) == library_ids
    assert token_client(universe.outsider).get(f"{BASE}/{north_model.pk}/").status_code == 404
    assert token_client(universe.outsider).get(f"{BASE}/{library.pk}/").status_code == 200


def test_detail_shape_has_segments_in_order_with_words(universe, north_model):
    body = token_client(universe.analyst).get(f"{BASE}/{north_model.pk}/").json()
    assert body["editable"] is True and body["is_published"] is False
    assert [s["priority"] for s in body["segments"]] == list(range(1, 9))
    assert body["segments"][5]["rule"] == {"count": "ltc", "op": ">=", "value": 2}
    assert body["segments"][5]["rule_text"] == "2 or more long-term conditions"
    partner_view = api_client(universe.partner).get(f"{BASE}/{north_model.pk}/").json()
    assert partner_view["editable"] is False


def test_copy_creates_a_draft_for_icb_staff_only(universe, library):
    response = token_client(universe.analyst).post(
        f"{BASE}/{library.pk}/copy/", {"name": "Ours"}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["icb"] == universe.north.pk and response.json()["based_on"] == library.pk
    again = token_client(universe.analyst).post(
        f"{BASE}/{library.pk}/copy/", {"name": "Ours"}, format="json"
    )
    assert again.status_code == 400
    assert "already has a model called 'Ours'" in again.json()["name"][0]
    for persona in ("partner", "provider_a_rep"):
        response = api_client(getattr(universe, persona)).post(
            f"{BASE}/{library.pk}/copy/", {"name": "Theirs"}, format="json"
        )
        assert response.status_code == 403, persona
    assert not SegmentationModel.objects.filter(name="Theirs").exists()


def test_outsider_gets_404_for_every_write_on_our_model(universe, north_model, snapshot):
    client = token_client(universe.outsider)
    segments = {"segments": actions.segments_of(north_model)}
    assert (
        client.post(f"{BASE}/{north_model.pk}/copy/", {"name": "x"}, format="json").status_code
        == 404
    )
    assert (
        client.put(f"{BASE}/{north_model.pk}/segments/", segments, format="json").status_code == 404
    )
    assert client.post(f"{BASE}/{north_model.pk}/publish/").status_code == 404
    assert client.post(f"{BASE}/{north_model.pk}/run/", {}, format="json").status_code == 404
    body = {"model_a": north_model.pk, "model_b": north_model.pk}
    assert client.post(f"{BASE}/compare/", body, format="json").status_code == 404
    assert not Run.objects.exists()


@pytest.mark.parametrize("persona", ["partner", "provider_a_rep"])
def test_partner_and_provider_are_refused_every_write(persona, universe, north_model, library):
    client = api_client(getattr(universe, persona))
    segments = {"segments": actions.segments_of(north_model)}
    # A partner may read the ICB's model but not change it (403); to a provider the ICB's
    # own models are out of scope altogether (404).
    refused = 403 if persona == "partner" else 404
    assert (
        client.put(f"{BASE}/{north_model.pk}/segments/", segments, format="json").status_code
        == refused
    )
    assert client.post(f"{BASE}/{north_model.pk}/publish/").status_code == refused
    # Starting runs is refused by role before any lookup, so it is 403 for both (and
    # says nothing about whether the model exists).
    assert client.post(f"{BASE}/{north_model.pk}/run/", {}, format="json").status_code == 403
    body = {"model_a": north_model.pk, "model_b": library.pk}
    assert client.post(f"{BASE}/compare/", body, format="json").status_code == 403
    north_model.refresh_from_db()
    assert not north_model.is_published and not Run.objects.exists()


def test_put_segments_edits_a_draft_and_versions_a_published_model(universe, north_model):
    client = token_client(universe.analyst)
    segments = actions.segments_of(north_model)
    segments[5]["rule"] = {"count": "ltc", "op": ">=", "value": 3}
    response = client.put(
        f"{BASE}/{north_model.pk}/segments/", {"segments": segments}, format="json"
    )
    assert response.status_code == 200 and response.json()["id"] == north_model.pk
    assert client.post(f"{BASE}/{north_model.pk}/publish/").json()["is_published"] is True
    segments[5]["rule"]["value"] = 4
    response = client.put(
        f"{BASE}/{north_model.pk}/segments/", {"segments": segments}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["version"] == 2 and body["based_on"] == north_model.pk
    assert body["segments"][5]["rule"]["value"] == 4
    published = client.get(f"{BASE}/{north_model.pk}/").json()
    assert published["segments"][5]["rule"]["value"] == 3


def test_put_segments_reports_problems_by_position(universe, north_model, library):
    client = token_client(universe.analyst)
    segments = actions.segments_of(north_model)
    segments[1]["rule"] = {
        "any": [{"flag": "palliative"}, {"field": "height", "op": ">", "value": 2}]
    }
    segments[7]["rule"] = {"flag": "copd"}
    response = client.put(
        f"{BASE}/{north_model.pk}/segments/", {"segments": segments}, format="json"
    )
    assert response.status_code == 400
    errors = response.json()["segments"]
    assert errors[0] == {}
    assert errors[1] == {"rule": ["Segment 2 (Frailty): rule.any[1].field: unknown field 'height'"]}
    assert errors[7]["rule"][0].startswith("Segment 8 (Good health): the last segment must catch")
    empty = client.put(f"{BASE}/{north_model.pk}/segments/", {"segments": []}, format="json")
    assert empty.json() == {"segments": ["A model needs at least one segment."]}
    library_edit = client.put(
        f"{BASE}/{library.pk}/segments/", {"segments": segments}, format="json"
    )
    assert library_edit.status_code == 403
    assert "copy one to edit it" in library_edit.json()["detail"]


def test_run_and_compare_answer_202_with_the_run(
    universe, north_model, library, snapshot, django_capture_on_commit_callbacks
):
    client = token_client(universe.analyst)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(f"{BASE}/{north_model.pk}/run/", {}, format="json")
    assert response.status_code == 202, response.content
    run = Run.objects.get(pk=response.json()["id"])
    assert response["Location"].endswith(f"/api/v1/runs/{run.pk}/")
    assert run.kind == "segmentation_run" and run.parameters["snapshot_id"] == snapshot.pk
    body = {"model_a": library.pk, "model_b": north_model.pk, "snapshot_id": snapshot.pk}
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(f"{BASE}/compare/", body, format="json")
    assert response.status_code == 202 and response.json()["kind"] == "segmentation_compare"


def test_run_refuses_other_icbs_data_and_icbs_without_data(universe, north_model):
    client = token_client(universe.analyst)
    response = client.post(f"{BASE}/{north_model.pk}/run/", {}, format="json")
    assert response.status_code == 400
    assert response.json()["snapshot_id"] == ["Your ICB has no population data loaded yet."]
    south = f.PopulationSnapshotFactory(icb=universe.south, status=SnapshotStatus.CURRENT)
    response = client.post(
        f"{BASE}/{north_model.pk}/run/", {"snapshot_id": south.pk}, format="json"
    )
    assert response.status_code == 404
    assert not Run.objects.exists()


def test_browser_session_writes_need_the_csrf_token(universe, library):
    client = session_client(universe.analyst, enforce_csrf_checks=True)
    response = client.post(f"{BASE}/{library.pk}/copy/", {"name": "X"}, format="json")
    assert response.status_code == 403
