"""The uploads API: POST a file for 202 with its run; list and read uploads with their
reports; scoped like every endpoint."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from commissioning.models import AuditEvent, Run
from needs_assessment.models import DataUpload
from tests.api import session_client, token_client
from tests.conftest import PERSONAS
from tests.needs_assessment.test_ingest_fixtures import people_frame, run_upload, upload_file

pytestmark = pytest.mark.django_db
URL = "/api/v1/needs-assessment/uploads/"


@pytest.fixture(autouse=True)
def _media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def north_upload(universe, tmp_path):
    path = tmp_path / "north_people.csv"
    people_frame().iloc[:30].to_csv(path, index=False)
    return run_upload(upload_file(path, icb=universe.north, by=universe.analyst))


def _file(name="people.csv.gz", content=b"\x1f\x8b not really"):
    return SimpleUploadedFile(name, content, content_type="application/gzip")


def _post(client, **fields):
    body = {"kind": "person_level", "period_start": "2024-04-01", "period_end": "2025-03-31"}
    return client.post(URL, {**body, "file": _file(), **fields}, format="multipart")


def test_api_upload_accepted_with_run(universe, django_capture_on_commit_callbacks):
    client = token_client(universe.analyst)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _post(client, source="SUS extract")
    assert response.status_code == 202, response.content
    body = response.json()
    upload = DataUpload.objects.get(pk=body["id"])
    assert response["Location"].endswith(f"{URL}{upload.pk}/")
    assert body["status"] == "received" and body["kind"] == "person_level"
    assert body["original_name"] == "people.csv.gz" and body["source"] == "SUS extract"
    assert body["size_bytes"] == len(b"\x1f\x8b not really") and len(body["sha256"]) == 64
    assert body["run"]["kind"] == "ingest" and body["run"]["status"] == "queued"
    assert Run.objects.get(pk=body["run"]["id"]).parameters == {"upload_id": upload.pk}
    assert len(callbacks) == 1  # the run is sent once the request's transaction commits
    assert AuditEvent.objects.filter(verb="upload.receive", object_id=str(upload.pk)).exists()


def test_api_upload_by_commissioner_accepted(universe):
    assert _post(token_client(universe.commissioner)).status_code == 202


@pytest.mark.parametrize("persona", ["provider_a_rep", "partner"])
def test_api_upload_refused_for_providers_and_partners(universe, persona):
    response = _post(session_client(getattr(universe, persona)))  # partners have no tokens
    assert response.status_code == 403
    assert not DataUpload.objects.exists()


def test_api_upload_needs_authentication(client):
    response = client.post(URL, {"kind": "areas", "file": _file()})
    assert response.status_code in (401, 403)


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"kind": "pictures"}, "kind", "not a valid choice"),
        ({"period_start": ""}, "period_start", "first day"),
        ({"period_end": "31/03/2025"}, "period_end", "Date has wrong format"),
        ({"file": ""}, "file", "not a file"),
    ],
)
def test_api_upload_bad_request_names_the_field(universe, fields, field, words):
    response = _post(token_client(universe.analyst), **fields)
    assert response.status_code == 400
    messages = response.json()[field]
    assert any(words in message for message in messages), messages
    assert not DataUpload.objects.exists()


def test_api_upload_detail_has_report(universe, north_upload):
    body = token_client(universe.analyst).get(f"{URL}{north_upload.pk}/").json()
    assert body["status"] == "rejected"
    assert body["run"]["status"] == "failed"
    codes = [p["code"] for p in body["report"]["problems"]]
    assert "unknown_lsoa" in codes and "unknown_practice" in codes
    problem = body["report"]["problems"][codes.index("unknown_lsoa")]
    assert problem["first"][0] == {"row": 1, "column": "lsoa_code"}
    assert problem["guidance"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_api_uploads_scoped(universe, north_upload, persona):
    client = session_client(getattr(universe, persona))
    listed = {row["id"] for row in client.get(URL).json()["results"]}
    detail = client.get(f"{URL}{north_upload.pk}/")
    if persona in ("commissioner", "analyst"):
        assert listed == {north_upload.pk} and detail.status_code == 200
    else:
        assert listed == set() and detail.status_code == 404


def test_api_uploads_filter_by_kind_and_status(universe, north_upload):
    client = token_client(universe.analyst)
    assert client.get(URL, {"kind": "areas"}).json()["count"] == 0
    assert client.get(URL, {"status": "rejected"}).json()["count"] == 1


def test_api_never_serves_person_rows(universe, north_upload):
    text = token_client(universe.analyst).get(f"{URL}{north_upload.pk}/").content.decode()
    for pseudo_id in people_frame().iloc[:30]["pseudo_id"]:
        assert pseudo_id not in text


def test_api_upload_without_period_for_reference_file(universe):
    client = token_client(universe.analyst)
    response = client.post(URL, {"kind": "areas", "file": _file("areas.csv", b"code\n")})
    assert response.status_code == 202, response.content
    assert response.json()["period_start"] is None


def test_api_retry_refused_for_rejected_upload(universe, north_upload):
    response = token_client(universe.analyst).post(f"{URL}{north_upload.pk}/retry/")
    assert response.status_code == 400
    assert "Only a failed upload" in response.json()["detail"][0]


def test_api_retry_hidden_from_outsider(universe, north_upload):
    response = token_client(universe.outsider).post(f"{URL}{north_upload.pk}/retry/")
    assert response.status_code == 404
