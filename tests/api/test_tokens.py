"""API tokens: issued for a username and password, stored as a hash, expiring, revocable."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from commissioning.api import tokens
from commissioning.models import ApiToken, AuditEvent
from commissioning.models.tokens import hash_token
from tests import factories as f
from tests.api import API, session_client, token_client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _generous_token_rate(settings):
    # The throttle's counts live in Redis across tests; only the throttle test is strict.
    settings.API_TOKEN_REQUEST_RATE = "1000/minute"


def ask_for_token(client=None, *, fmt="json", **data):
    return (client or APIClient()).post(f"{API}/auth/token/", data, format=fmt)


def test_token_issued_for_username_and_password(universe, settings):
    response = ask_for_token(username="analyst", password=f.PASSWORD, name="Power BI")
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"token", "id", "name", "prefix", "expires_at"}
    assert body["token"].startswith(body["prefix"])
    assert len(body["token"]) >= 40
    token = ApiToken.objects.get(pk=body["id"])
    assert token.user == universe.analyst
    assert token.name == "Power BI"
    lifetime = token.expires_at - token.created_at
    assert abs(lifetime - settings.API_TOKEN_LIFETIME) < timedelta(minutes=1)


def test_token_issued_for_form_encoded_credentials(universe):
    response = ask_for_token(fmt="multipart", username="analyst", password=f.PASSWORD)
    assert response.status_code == 201, response.content


def test_token_stored_only_as_its_hash(universe):
    issued = tokens.issue_token(user=universe.analyst, name="script", by=universe.analyst)
    row = ApiToken.objects.values().get(pk=issued.token.pk)
    assert row["key_hash"] == hash_token(issued.raw)
    assert issued.raw not in {str(value) for value in row.values()}
    audit = AuditEvent.objects.get(verb="api_token.issue", object_id=str(issued.token.pk))
    assert issued.raw not in str(audit.data)
    assert row["key_hash"] not in str(audit.data)


def test_token_wrong_password_is_400_without_saying_which_part(universe):
    wrong_password = ask_for_token(username="analyst", password="not-the-password")
    no_such_user = ask_for_token(username="nobody", password=f.PASSWORD)
    assert wrong_password.status_code == no_such_user.status_code == 400
    assert wrong_password.json() == no_such_user.json()
    assert "username and password" in wrong_password.json()["non_field_errors"][0]
    assert not ApiToken.objects.exists()


def test_token_missing_field_is_400(universe):
    response = ask_for_token(username="analyst")
    assert response.status_code == 400
    assert "password" in response.json()


def test_token_inactive_user_refused_like_wrong_password(universe):
    universe.analyst.is_active = False
    universe.analyst.save()
    response = ask_for_token(username="analyst", password=f.PASSWORD)
    assert response.status_code == 400
    assert "username and password" in response.json()["non_field_errors"][0]


def test_token_refused_for_partner_role(universe):
    response = ask_for_token(username="partner", password=f.PASSWORD)
    assert response.status_code == 403
    assert "cannot use API tokens" in response.json()["detail"]
    assert not ApiToken.objects.exists()


def test_token_requests_throttled_per_account(universe, settings):
    settings.API_TOKEN_REQUEST_RATE = "3/minute"
    username = f"guess-{timezone.now().timestamp()}"  # a fresh key in the shared cache
    codes = [ask_for_token(username=username, password="guess").status_code for _ in range(4)]
    assert codes == [400, 400, 400, 429]


def test_token_authenticates_requests_and_records_use(universe):
    client = token_client(universe.analyst)
    response = client.get(f"{API}/contracts/")
    assert response.status_code == 200
    token = ApiToken.objects.get(user=universe.analyst)
    assert token.last_used_at is not None


def test_token_use_recorded_at_most_once_a_minute(universe):
    client = token_client(universe.analyst)
    token = ApiToken.objects.get(user=universe.analyst)
    recent = timezone.now() - timedelta(seconds=20)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=recent)
    client.get(f"{API}/contracts/")
    token.refresh_from_db()
    assert token.last_used_at == recent


def test_token_unknown_is_401_with_message(universe):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = client.get(f"{API}/contracts/")
    assert response.status_code == 401
    assert "Invalid token" in response.json()["detail"]
    assert response["WWW-Authenticate"] == "Token"


def test_token_malformed_header_is_401(universe):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token two parts")
    assert client.get(f"{API}/contracts/").status_code == 401


def test_token_expired_is_401_with_message(universe):
    client = token_client(universe.analyst)
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(f"{API}/contracts/")
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_token_revoked_is_401_with_message(universe):
    client = token_client(universe.analyst)
    tokens.revoke_token(token=ApiToken.objects.get(), by=universe.analyst)
    response = client.get(f"{API}/contracts/")
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


def test_token_of_inactive_user_is_401(universe):
    client = token_client(universe.analyst)
    universe.analyst.is_active = False
    universe.analyst.save()
    response = client.get(f"{API}/contracts/")
    assert response.status_code == 401
    assert "inactive" in response.json()["detail"]


def test_token_list_shows_own_tokens_without_secrets(universe):
    client = token_client(universe.analyst)
    tokens.issue_token(user=universe.commissioner, name="theirs", by=universe.commissioner)
    response = client.get(f"{API}/auth/tokens/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["name"] for row in rows] == ["test"]
    assert set(rows[0]) == {
        "id",
        "name",
        "prefix",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
        "is_usable",
    }


def test_token_revoked_by_delete(universe):
    client = token_client(universe.analyst)
    other = tokens.issue_token(user=universe.analyst, name="old", by=universe.analyst)
    response = client.delete(f"{API}/auth/tokens/{other.token.pk}/")
    assert response.status_code == 204
    other.token.refresh_from_db()
    assert other.token.revoked_at is not None
    assert AuditEvent.objects.filter(
        verb="api_token.revoke", object_id=str(other.token.pk), actor=universe.analyst
    ).exists()
    assert client.get(f"{API}/auth/tokens/{other.token.pk}/").json()["is_usable"] is False


def test_token_of_another_user_is_404_and_stays_usable(universe):
    client = token_client(universe.analyst)
    theirs = tokens.issue_token(user=universe.commissioner, name="x", by=universe.commissioner)
    assert client.delete(f"{API}/auth/tokens/{theirs.token.pk}/").status_code == 404
    assert client.get(f"{API}/auth/tokens/{theirs.token.pk}/").status_code == 404
    theirs.token.refresh_from_db()
    assert theirs.token.revoked_at is None


def test_token_revoke_twice_is_audited_once(universe):
    issued = tokens.issue_token(user=universe.analyst, name="x", by=universe.analyst)
    tokens.revoke_token(token=issued.token, by=universe.analyst)
    tokens.revoke_token(token=issued.token, by=universe.analyst)
    assert AuditEvent.objects.filter(verb="api_token.revoke").count() == 1


def test_token_actions_refuse_someone_else(universe):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        tokens.issue_token(user=universe.analyst, name="x", by=universe.commissioner)
    issued = tokens.issue_token(user=universe.analyst, name="x", by=universe.analyst)
    with pytest.raises(PermissionDenied):
        tokens.revoke_token(token=issued.token, by=universe.commissioner)


def test_session_unsafe_request_needs_csrf_token(universe):
    issued = tokens.issue_token(user=universe.analyst, name="x", by=universe.analyst)
    client = session_client(universe.analyst, enforce_csrf_checks=True)
    assert client.get(f"{API}/auth/tokens/").status_code == 200
    response = client.delete(f"{API}/auth/tokens/{issued.token.pk}/")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
