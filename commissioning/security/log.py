"""The security log: one JSON object a line on the "security" logger.

Events are named `area.what` (`login.failed`, `api_token.created`, `export`...). Each
line carries the event, the time, the user's database id and username when known, the
client address and request path. Never a password, a token (raw or hashed) or a
pseudonymised person id: callers pass only the fields listed in each event's docs, and
`security_event` drops any field whose name suggests a secret."""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import UTC, datetime

logger = logging.getLogger("security")

# Field names that are never written, whatever a caller passes.
FORBIDDEN_FIELDS = {"token", "raw", "key", "key_hash", "prefix", "secret", "authorization"}
FORBIDDEN_WORDS = ("password", "pseudo")


def username_digest(username: str | None) -> str:
    """A short SHA-256 of a username as typed at a failed sign-in. Typed usernames are
    sometimes a password typed into the wrong box, so they are never logged as typed;
    the digest still lets an investigator group attempts on one name."""
    typed = (username or "").strip().lower()
    return hashlib.sha256(typed.encode()).hexdigest()[:16]


def client_address(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR")


def _user_fields(user) -> dict:
    if user is None or not getattr(user, "is_authenticated", False):
        return {}
    return {"user_id": user.pk, "username": user.get_username()}


def security_event(event: str, request=None, user=None, **fields) -> dict:
    """Write one security event and return what was written (for tests and callers)."""
    if user is None and request is not None:
        user = getattr(request, "user", None)
    record = {"event": event, "at": datetime.now(UTC).isoformat(timespec="seconds")}
    record.update(_user_fields(user))
    if request is not None:
        record["address"] = client_address(request)
        record["method"] = request.method
        record["path"] = request.path
    for name, value in fields.items():
        lowered = name.lower()
        if lowered in FORBIDDEN_FIELDS or any(word in lowered for word in FORBIDDEN_WORDS):
            continue
        record[name] = value
    logger.info(json.dumps(record, default=str, sort_keys=True))
    return record


def log_export(request, what: str, rows: int | None = None) -> None:
    """Record a download of `what` (e.g. "strategy:12:xlsx") with its row count if known.
    Called by every export view; the response middleware logs any other attachment."""
    if request is not None:
        request._security_export_logged = True
        # DRF wraps the request: mark the Django request the middleware sees as well.
        inner = getattr(request, "_request", None)
        if inner is not None:
            inner._security_export_logged = True
    security_event("export", request=request, what=what, rows=rows)


class JsonLineFormatter(logging.Formatter):
    """Passes the JSON message through with the level and logger name added."""

    def format(self, record: logging.LogRecord) -> str:
        try:
            data = json.loads(record.getMessage())
        except ValueError:
            data = {"message": record.getMessage()}
        if not isinstance(data, dict):
            data = {"message": data}
        data["level"] = record.levelname
        data["logger"] = record.name
        return json.dumps(data, default=str, sort_keys=True)
