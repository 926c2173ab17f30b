"""/healthz against the real database, Redis and a real worker."""

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def test_healthz_all_up_is_200(client, celery_worker_process):
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert {name for name, check in body["checks"].items() if check["ok"]} == {
        "database",
        "redis",
        "worker",
    }
    assert body["checks"]["worker"]["answered"] >= 1


def test_healthz_redis_down_is_503(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 503
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["redis"]["ok"] is False
    assert body["checks"]["worker"]["ok"] is False
    assert "127.0.0.1" not in str(body)  # no hosts or secrets leak


def test_healthz_needs_no_login_and_only_get(client):
    assert client.post("/healthz").status_code == 405
