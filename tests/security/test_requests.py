"""Request and upload limits."""

import pytest

pytestmark = pytest.mark.django_db


def test_request_larger_than_the_limit_is_refused_before_reading(
    universe, client_for, settings, security_log
):
    settings.REQUEST_MAX_BYTES = 1000
    client = client_for(universe.analyst)
    response = client.post(
        "/needs-assessment/uploads/new/", {"note": "x" * 2000}, CONTENT_LENGTH="5000"
    )
    assert response.status_code == 413
    assert security_log("request.too_large")[0]["bytes"] == 5000


def test_request_within_the_limit_reaches_the_view(universe, client_for, settings):
    settings.REQUEST_MAX_BYTES = 10_000
    response = client_for(universe.analyst).post("/needs-assessment/uploads/new/", {})
    assert response.status_code != 413


def test_upload_memory_limits_are_set(settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 2_621_440
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE == 2_621_440
    assert settings.REQUEST_MAX_BYTES > 2 * 1024**3  # the 2 GB data-file limit fits
