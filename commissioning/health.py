"""`/healthz`: is the database up, is Redis up, is at least one worker alive?"""

from __future__ import annotations

import logging
import time

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def _check(function) -> dict:
    started = time.monotonic()
    try:
        detail = function()
    except Exception as exc:  # noqa: BLE001 - a health check reports every failure
        # The full message (which may name hosts) goes to the log, not to the caller.
        logger.warning("health check %s failed: %s", function.__name__, exc)
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1), **(detail or {})}


def _database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {}


def _redis() -> dict:
    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1)
    try:
        client.ping()
    finally:
        client.close()
    return {}


def _workers() -> dict:
    from commissioning.celery import app

    # limit=1: return as soon as one worker answers instead of waiting out the timeout.
    replies = app.control.ping(timeout=settings.HEALTH_WORKER_PING_TIMEOUT, limit=1) or []
    if not replies:
        raise RuntimeError("no Celery worker answered")
    return {"answered": len(replies)}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 with every check ok; 503 naming what is down otherwise. No secrets, no hosts."""
    checks = {"database": _check(_database), "redis": _check(_redis)}
    # Workers are reached through Redis: without it the ping would only time out.
    checks["worker"] = (
        _check(_workers)
        if checks["redis"]["ok"]
        else {"ok": False, "error": "Redis is down, so no worker can be reached"}
    )
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )
