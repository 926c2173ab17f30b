"""The security log: JSON lines for sign-ins, failures, lockouts, sign-outs, denials, token
events, role changes and exports; never a password, a token or a typed username."""

import json
import logging

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory
from rest_framework.test import APIClient

from commissioning.models import Role
from commissioning.security.log import JsonLineFormatter, security_event
from commissioning.security.middleware import SecurityLogMiddleware
from tests import factories as f
from tests.strategy import factories as sf

pytestmark = pytest.mark.django_db
WRONG = "Wr0ng-Horse-Battery"


@pytest.fixture(autouse=True)
def _generous_token_rate(settings):
    settings.API_TOKEN_REQUEST_RATE = "1000/minute"


def sign_in(username, password):
    return Client().post("/login/", {"username": username, "password": password})


def test_security_log_sign_in_success(universe, security_log):
    assert sign_in("analyst", f.PASSWORD).status_code == 302
    [event] = security_log("login.succeeded")
    assert event["username"] == "analyst" and event["user_id"] == universe.analyst.pk
    assert event["address"] == "127.0.0.1" and event["path"] == "/login/"
    assert f.PASSWORD not in security_log.text()


def test_security_log_sign_in_failure_hides_password_and_typed_name(universe, security_log):
    sign_in("analyst-typo", WRONG)
    [event] = security_log("login.failed")
    assert len(event["username_sha256"]) == 16
    assert "user_id" not in event
    text = security_log.text()
    assert WRONG not in text and "analyst-typo" not in text


def test_security_log_lockout(universe, security_log):
    for _ in range(5):
        sign_in("analyst", WRONG)
    assert len(security_log("login.failed")) == 5
    assert len(security_log("login.locked_out")) == 1
    assert WRONG not in security_log.text()


def test_security_log_sign_out(universe, client_for, security_log):
    client_for(universe.commissioner).post("/logout/")
    assert security_log("logout")[0]["username"] == "commissioner"


def test_security_log_denial_403(universe, security_log):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "partner", "password": f.PASSWORD}, format="json"
    )
    assert response.status_code == 403
    assert security_log("access.denied")[0]["status"] == 403


def test_security_log_scoped_404_for_signed_in_user(universe, client_for, security_log):
    foreign = universe.contract_south.pk
    assert client_for(universe.commissioner).get(f"/contracts/{foreign}/").status_code == 404
    [event] = security_log("access.not_found")
    assert event["path"] == f"/contracts/{foreign}/" and event["username"] == "commissioner"


def test_security_log_token_created_used_badly_and_revoked(universe, security_log):
    client = APIClient()
    issued = client.post(
        "/api/v1/auth/token/", {"username": "analyst", "password": f.PASSWORD}, format="json"
    ).json()
    [created] = security_log("api_token.created")
    assert created["api_token_id"] == issued["id"]
    assert created["owner_user_id"] == universe.analyst.pk

    bogus = "not-a-real-token-" + "x" * 30
    client.credentials(HTTP_AUTHORIZATION=f"Token {bogus}")
    assert client.get("/api/v1/contracts/").status_code == 401
    assert security_log("api_token.rejected")[0]["status"] == 401

    client.credentials(HTTP_AUTHORIZATION=f"Token {issued['token']}")
    assert client.delete(f"/api/v1/auth/tokens/{issued['id']}/").status_code == 204
    assert security_log("api_token.revoked")[0]["api_token_id"] == issued["id"]

    text = security_log.text()
    assert issued["token"] not in text and issued["prefix"] not in text and bogus not in text
    assert f.PASSWORD not in text


def test_security_log_role_change(universe, security_log):
    user = universe.partner
    user.role = Role.COMMISSIONER
    user.save()
    [event] = security_log("user.role_changed")
    assert event["target_user_id"] == user.pk
    assert (event["role_before"], event["role_after"]) == (Role.PARTNER, Role.COMMISSIONER)


def test_security_log_save_without_role_change_is_quiet(universe, security_log):
    universe.partner.first_name = "Pat"
    universe.partner.save()
    assert security_log("user.role_changed") == []


def test_security_log_export_from_export_view(universe, client_for, security_log):
    strategy = sf.StrategyFactory(icb=universe.north, title="North PHIP")
    response = client_for(universe.commissioner).get(
        f"/strategy/strategies/{strategy.pk}/export.xlsx"
    )
    assert response.status_code == 200
    [event] = security_log("export")
    assert event["what"] == f"strategy:{strategy.pk}:xlsx"
    assert event["username"] == "commissioner"


def test_security_log_attachment_without_log_export_is_still_logged(universe, security_log):
    def download(request):
        response = HttpResponse(b"a,b\n")
        response["Content-Disposition"] = 'attachment; filename="x.csv"'
        return response

    request = RequestFactory().get("/somewhere/file.csv")
    request.user = universe.analyst
    SecurityLogMiddleware(download)(request)
    [event] = security_log("export")
    assert event["what"] == "/somewhere/file.csv" and event["username"] == "analyst"


def test_security_log_drops_secret_fields(security_log):
    security_event("test.event", token="abc", password="p", pseudo_id="P1", key_hash="h", ok=1)
    [event] = security_log("test.event")
    assert event["ok"] == 1
    assert not {"token", "password", "pseudo_id", "key_hash"} & set(event)


def test_security_log_lines_are_json():
    record = logging.LogRecord("security", logging.INFO, "", 0, '{"event": "x"}', None, None)
    assert json.loads(JsonLineFormatter().format(record)) == {
        "event": "x",
        "level": "INFO",
        "logger": "security",
    }
