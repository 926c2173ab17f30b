"""Starting a background run through the API: recorded now, queued on commit, scoped."""

import pytest

from commissioning.models import AuditEvent, Run, RunStatus, SnapshotStatus
from tests import factories as f
from tests.api import API, session_client, token_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def snapshot(universe):
    return f.PopulationSnapshotFactory(
        icb=universe.north, status=SnapshotStatus.CURRENT, row_count=1600
    )


def start(client, **body):
    return client.post(f"{API}/runs/", body, format="json")


def test_run_started_and_sent_to_celery_on_commit(
    universe, snapshot, django_capture_on_commit_callbacks
):
    client = token_client(universe.analyst)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = start(client, kind="population_summary", parameters={"snapshot_id": snapshot.pk})
    assert response.status_code == 202, response.content
    body = response.json()
    run = Run.objects.get(pk=body["id"])
    assert run.kind == "population_summary"
    assert run.parameters == {"snapshot_id": snapshot.pk}
    assert run.icb == universe.north
    assert run.started_by == universe.analyst
    assert run.status == RunStatus.QUEUED
    assert body["status"] == "queued"
    assert body["progress"] == 0
    assert response["Location"].endswith(f"{API}/runs/{run.pk}/")
    assert AuditEvent.objects.filter(verb="run.start", object_id=str(run.pk)).exists()
    # The task is sent by exactly one on-commit callback, not during the request.
    assert len(callbacks) == 1
    assert callbacks[0].__qualname__.startswith("start_run.")


def test_run_start_visible_at_its_detail_url(universe, snapshot):
    client = token_client(universe.commissioner)
    body = start(client, kind="population_summary", parameters={"snapshot_id": snapshot.pk})
    detail = client.get(f"{API}/runs/{body.json()['id']}/")
    assert detail.status_code == 200
    assert detail.json()["kind"] == "population_summary"


def test_run_start_refused_for_partner(universe, snapshot):
    response = start(
        session_client(universe.partner),
        kind="population_summary",
        parameters={"snapshot_id": snapshot.pk},
    )
    assert response.status_code == 403
    assert "cannot start analyses" in response.json()["detail"]
    assert not Run.objects.exists()


def test_run_start_refused_for_provider(universe, snapshot):
    response = start(
        token_client(universe.provider_a_rep),
        kind="population_summary",
        parameters={"snapshot_id": snapshot.pk},
    )
    assert response.status_code == 403
    assert not Run.objects.exists()


def test_run_start_foreign_snapshot_is_404(universe):
    south_snapshot = f.PopulationSnapshotFactory(icb=universe.south, status=SnapshotStatus.CURRENT)
    response = start(
        token_client(universe.analyst),
        kind="population_summary",
        parameters={"snapshot_id": south_snapshot.pk},
    )
    assert response.status_code == 404
    assert not Run.objects.exists()


def test_run_start_missing_snapshot_is_404(universe):
    response = start(
        token_client(universe.analyst),
        kind="population_summary",
        parameters={"snapshot_id": 999_999_999},
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "mine_bitcoin", "parameters": {}}, "kind"),
        ({"parameters": {"snapshot_id": 1}}, "kind"),
        ({"kind": "population_summary", "parameters": {}}, "parameters"),
        ({"kind": "population_summary", "parameters": {"snapshot_id": "x"}}, "parameters"),
        ({"kind": "population_summary", "parameters": "snapshot 1"}, "parameters"),
    ],
)
def test_run_start_bad_input_is_400_naming_the_field(universe, body, field):
    response = token_client(universe.analyst).post(f"{API}/runs/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Run.objects.exists()


def test_run_start_for_snapshot_still_loading_is_400(universe):
    loading = f.PopulationSnapshotFactory(icb=universe.north, status=SnapshotStatus.LOADING)
    response = start(
        token_client(universe.analyst),
        kind="population_summary",
        parameters={"snapshot_id": loading.pk},
    )
    assert response.status_code == 400
    message = response.json()["parameters"]["snapshot_id"][0]
    assert "loading" in message
    assert not Run.objects.exists()


def test_run_start_by_session_needs_csrf(universe, snapshot):
    client = session_client(universe.analyst, enforce_csrf_checks=True)
    response = start(client, kind="population_summary", parameters={"snapshot_id": snapshot.pk})
    assert response.status_code == 403
    assert not Run.objects.exists()


def test_runs_of_others_hidden_from_provider(universe):
    theirs = f.RunFactory(icb=universe.north, started_by=universe.analyst)
    client = token_client(universe.provider_a_rep)
    assert client.get(f"{API}/runs/{theirs.pk}/").status_code == 404
    assert client.get(f"{API}/runs/").json()["count"] == 0
