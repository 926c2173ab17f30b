"""django-axes: five failures for one username from one address lock that pair."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests import factories as f

pytestmark = pytest.mark.django_db
HOME = "10.1.1.1"


def sign_in(username, password, address=HOME, client=None):
    client = client or Client()
    data = {"username": username, "password": password}
    return client.post("/login/", data, REMOTE_ADDR=address)


def fail(username, times, address=HOME):
    return [sign_in(username, "wrong-password", address).status_code for _ in range(times)]


def test_lockout_after_five_failures_shows_the_lockout_page(universe):
    assert fail("analyst", 4) == [200] * 4
    fifth = sign_in("analyst", "wrong-password")
    assert fifth.status_code == 429
    assert b"Sign-in is locked" in fifth.content
    # Now even the right password is refused, with the same page.
    right = sign_in("analyst", f.PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in right.wsgi_request.session


def test_lockout_success_resets_the_count(universe):
    fail("analyst", 4)
    assert sign_in("analyst", f.PASSWORD).status_code == 302
    assert fail("analyst", 4) == [200] * 4
    assert sign_in("analyst", f.PASSWORD).status_code == 302


def test_lockout_other_user_at_same_address_not_locked(universe):
    fail("analyst", 5)
    assert sign_in("commissioner", f.PASSWORD).status_code == 302


def test_lockout_same_user_from_another_address_not_locked(universe):
    fail("analyst", 5)
    assert sign_in("analyst", f.PASSWORD, address="10.2.2.2").status_code == 302


def test_lockout_applies_to_the_api_token_endpoint(universe, settings):
    settings.API_TOKEN_REQUEST_RATE = "1000/minute"
    client = APIClient()

    def ask(password):
        data = {"username": "analyst", "password": password}
        return client.post("/api/v1/auth/token/", data, format="json", REMOTE_ADDR=HOME)

    assert [ask("wrong-password").status_code for _ in range(5)] == [400] * 5
    assert ask(f.PASSWORD).status_code == 400  # locked: no token, same message
    assert sign_in("analyst", f.PASSWORD).status_code == 429
