"""receive_upload: who may upload, what the request must hold, and what it stores."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from commissioning.models import Run
from needs_assessment.ingest import actions
from needs_assessment.ingest.actions import may_upload, receive_upload
from needs_assessment.models import DataUpload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path


def _receive(universe, by=None, **changes):
    fields = {
        "icb": universe.north,
        "kind": "areas",
        "file": SimpleUploadedFile("areas.csv", b"code,name\n"),
        "period_start": None,
        "period_end": None,
        "source": "  ONS  ",
        "by": by or universe.analyst,
    }
    return receive_upload(**{**fields, **changes})


def test_receive_upload_stores_file_with_hash_and_queues_run(universe, tmp_path):
    upload = _receive(universe)
    assert upload.sha256 == hashlib.sha256(b"code,name\n").hexdigest()
    assert upload.size_bytes == 10 and upload.original_name == "areas.csv"
    assert upload.source == "ONS"
    assert (tmp_path / upload.file.name).read_bytes() == b"code,name\n"
    assert Run.objects.get(pk=upload.run_id).parameters == {"upload_id": upload.pk}


def test_receive_upload_keeps_only_the_file_name(universe):
    upload = _receive(universe, file=SimpleUploadedFile("../../etc/passwd.csv", b"a\n"))
    assert upload.original_name == "passwd.csv"
    assert ".." not in upload.file.name


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("analyst", True),
        ("commissioner", True),
        ("provider_a_rep", False),
        ("partner", False),
        ("outsider", False),  # a commissioner of another ICB
    ],
)
def test_may_upload_for_own_icb_staff(universe, persona, allowed):
    assert may_upload(getattr(universe, persona), universe.north) is allowed


def test_receive_upload_refused_for_provider(universe):
    with pytest.raises(PermissionError):
        _receive(universe, by=universe.provider_a_rep)
    assert not DataUpload.objects.exists()


def test_receive_upload_too_large_refused(universe, monkeypatch):
    monkeypatch.setattr(actions, "MAX_UPLOAD_BYTES", 5)
    with pytest.raises(ValidationError) as error:
        _receive(universe)
    assert "largest accepted is 2 GB" in error.value.message_dict["file"][0]
    assert not DataUpload.objects.exists()


def test_receive_upload_person_level_needs_period(universe):
    with pytest.raises(ValidationError) as error:
        _receive(universe, kind="person_level")
    assert set(error.value.message_dict) == {"period_start", "period_end"}


def test_receive_upload_half_a_period_refused(universe):
    with pytest.raises(ValidationError) as error:
        _receive(universe, kind="indicators", period_start=date(2024, 4, 1))
    assert "both dates" in error.value.message_dict["period_end"][0]
