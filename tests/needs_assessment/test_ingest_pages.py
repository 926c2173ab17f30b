"""Upload pages: who sees them, the form (and its errors), and a report as a table."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from needs_assessment.models import DataUpload, UploadStatus
from tests.conftest import PERSONAS
from tests.needs_assessment.test_ingest_fixtures import people_frame, run_upload, upload_file

pytestmark = pytest.mark.django_db
LIST, NEW = "/needs-assessment/uploads/", "/needs-assessment/uploads/new/"


@pytest.fixture
def north_upload(universe, tmp_path, settings):
    """A person-level file for North that is rejected (its codes are the demo ICB's)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    path = tmp_path / "north_people.csv"
    people_frame().iloc[:30].to_csv(path, index=False)
    return run_upload(upload_file(path, icb=universe.north, by=universe.analyst))


def _csv(name="areas.csv", content=b"code,name,level,parent_code,imd_decile,population\n"):
    return SimpleUploadedFile(name, content, content_type="text/csv")


@pytest.mark.parametrize("persona", PERSONAS)
def test_upload_list_shown_to_icb_staff_only(universe, client_for, north_upload, persona):
    response = client_for(getattr(universe, persona)).get(LIST)
    if persona in ("commissioner", "analyst"):
        assert response.status_code == 200
        assert "north_people.csv" in response.content.decode()
    elif persona == "outsider":  # another ICB's staff: their own (empty) list
        assert response.status_code == 200
        assert "north_people.csv" not in response.content.decode()
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("persona", PERSONAS)
def test_upload_detail_and_status_hidden_from_outsiders(
    universe, client_for, north_upload, persona
):
    client = client_for(getattr(universe, persona))
    detail = client.get(f"{LIST}{north_upload.pk}/")
    status = client.get(f"{LIST}{north_upload.pk}/status/")
    expected = 200 if persona in ("commissioner", "analyst") else 404
    assert (detail.status_code, status.status_code) == (expected, expected)


def test_upload_pages_need_sign_in(client, north_upload):
    for url in (LIST, NEW, f"{LIST}{north_upload.pk}/"):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_upload_form_for_analysts_and_commissioners(universe, client_for, persona):
    response = client_for(getattr(universe, persona)).get(NEW)
    allowed = persona in ("commissioner", "analyst", "outsider")  # outsider: for their own ICB
    assert response.status_code == (200 if allowed else 403)


def test_upload_form_posts_and_queues_run(universe, client_for, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    response = client_for(universe.commissioner).post(
        NEW, {"kind": "areas", "source": "ONS lookup", "file": _csv()}
    )
    upload = DataUpload.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}{upload.pk}/"
    assert (upload.kind, upload.source, upload.icb) == ("areas", "ONS lookup", universe.north)
    assert upload.status == UploadStatus.RECEIVED and upload.run.kind == "ingest"
    assert upload.file.name.startswith(f"uploads/{universe.north.pk}/")
    assert "areas.csv" not in upload.file.name  # stored under a generated name


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "areas"}, "file", "Choose a file to upload"),
        ({"file": True}, "kind", "Choose what kind of file"),
        ({"kind": "person_level", "file": True}, "period_start", "first day of the 12-month"),
        (
            {
                "kind": "person_level",
                "file": True,
                "period_start": "2025-03-31",
                "period_end": "2024-04-01",
            },
            "period_end",
            "after its start",
        ),
        (
            {
                "kind": "person_level",
                "file": True,
                "period_start": "2020-04-01",
                "period_end": "2025-03-31",
            },
            "period_end",
            "12 months at most",
        ),
    ],
)
def test_upload_form_errors_say_what_is_wrong(
    universe, client_for, tmp_path, settings, data, field, message
):
    settings.MEDIA_ROOT = tmp_path
    if data.get("file"):
        data = {**data, "file": _csv()}
    response = client_for(universe.analyst).post(NEW, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert f'href="#id_{field}"' in page and message in page
    assert not DataUpload.objects.exists()


def test_upload_form_refused_for_provider(universe, client_for, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    response = client_for(universe.provider_a_rep).post(NEW, {"kind": "areas", "file": _csv()})
    assert response.status_code == 403
    assert not DataUpload.objects.exists()


def test_upload_detail_shows_report_as_table(universe, client_for, north_upload):
    assert north_upload.status == UploadStatus.REJECTED
    page = client_for(universe.analyst).get(f"{LIST}{north_upload.pk}/").content.decode()
    assert "<h1>north_people.csv</h1>" in page
    assert "The file was rejected" in page
    assert "LSOA code not in this ICB" in page
    assert re.search(r"rows 1, 2, 3, 4, 5 in lsoa_code and 25 more", page)
    assert "upload the areas file with these LSOAs first" in page
    assert "hx-get" not in page  # finished: no polling
    assert f'href="/runs/{north_upload.run_id}/"' in page


def test_upload_status_polls_while_unfinished(universe, client_for, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    path = tmp_path / "a.csv"
    path.write_bytes(b"code,name\n")
    upload = upload_file(path, icb=universe.north, by=universe.analyst, kind="areas", period=None)
    page = client_for(universe.analyst).get(f"{LIST}{upload.pk}/status/").content.decode()
    assert 'hx-trigger="every 2s"' in page
    assert "Received" in page
