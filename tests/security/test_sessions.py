"""Idle (30 minutes) and absolute (10 hours) session timeouts."""

import time

import pytest

from commissioning.security.sessions import LAST_ACTIVITY, SIGNED_IN_AT

pytestmark = pytest.mark.django_db


def travel(client, *, signed_in_ago: float, active_ago: float) -> None:
    """Pretend the session was started and last used that many seconds ago."""
    now = time.time()
    session = client.session
    session[SIGNED_IN_AT] = now - signed_in_ago
    session[LAST_ACTIVITY] = now - active_ago
    session.save()


def test_session_login_starts_the_clock(universe, client_for):
    session = client_for(universe.commissioner).session
    assert abs(session[SIGNED_IN_AT] - time.time()) < 60
    assert session[LAST_ACTIVITY] == session[SIGNED_IN_AT]


def test_session_active_within_idle_timeout_stays_signed_in(universe, client_for):
    client = client_for(universe.commissioner)
    travel(client, signed_in_ago=9 * 3600, active_ago=29 * 60)
    response = client.get("/")
    assert response.status_code == 200
    assert abs(client.session[LAST_ACTIVITY] - time.time()) < 60


def test_session_idle_for_31_minutes_is_signed_out(universe, client_for, security_log):
    client = client_for(universe.commissioner)
    travel(client, signed_in_ago=3600, active_ago=31 * 60)
    response = client.get("/contracts/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/contracts/")
    assert "_auth_user_id" not in client.session
    assert security_log("session.expired")[0]["reason"] == "idle"


def test_session_older_than_10_hours_is_signed_out_even_when_busy(
    universe, client_for, security_log
):
    client = client_for(universe.commissioner)
    travel(client, signed_in_ago=10 * 3600 + 60, active_ago=10)
    assert client.get("/").status_code == 302
    assert "_auth_user_id" not in client.session
    assert security_log("session.expired")[0]["reason"] == "absolute"


def test_session_expired_htmx_request_reloads_to_sign_in(universe, client_for):
    client = client_for(universe.commissioner)
    travel(client, signed_in_ago=3600, active_ago=31 * 60)
    response = client.get("/contracts/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith("/login/?next=/contracts/")


def test_session_expired_api_call_is_refused(universe, client_for):
    client = client_for(universe.analyst)
    travel(client, signed_in_ago=3600, active_ago=31 * 60)
    assert client.get("/api/v1/contracts/").status_code in (401, 403)


def test_session_cookie_lasts_no_longer_than_the_absolute_timeout(settings):
    assert settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds() >= settings.SESSION_COOKIE_AGE
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"
