"""Idle and absolute session timeouts.

A signed-in session ends after SESSION_IDLE_TIMEOUT without a request (30 minutes) and
SESSION_ABSOLUTE_TIMEOUT after sign-in however busy it is (10 hours). The times are kept
in the session as epoch seconds; the last-activity stamp is rewritten at most once a
minute so that every request does not cost a session write."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse

from commissioning.security.log import security_event

SIGNED_IN_AT = "security_signed_in_at"
LAST_ACTIVITY = "security_last_activity"
ACTIVITY_RESOLUTION = 60


def start_session_clock(session, now: float | None = None) -> None:
    """Stamp a new sign-in (called from the user_logged_in receiver)."""
    now = time.time() if now is None else now
    session[SIGNED_IN_AT] = now
    session[LAST_ACTIVITY] = now


def expiry_reason(session, now: float) -> str | None:
    """ "idle" or "absolute" when the session has run out, else None."""
    signed_in_at = session.get(SIGNED_IN_AT)
    last = session.get(LAST_ACTIVITY)
    if last is not None and now - last > settings.SESSION_IDLE_TIMEOUT.total_seconds():
        return "idle"
    if (
        signed_in_at is not None
        and now - signed_in_at > settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds()
    ):
        return "absolute"
    return None


class SessionTimeoutMiddleware:
    """After AuthenticationMiddleware: sign out a session that has run out, then send a
    browser to the sign-in page (an API call gets the view's own 401/403)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            session = request.session
            reason = expiry_reason(session, now)
            if reason:
                security_event("session.expired", request=request, reason=reason)
                logout(request)
                if request.headers.get("HX-Request"):
                    # htmx would swap the sign-in page into a fragment; reload the page.
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = redirect_to_login(request.get_full_path()).url
                    return response
                if not request.path.startswith("/api/"):
                    return redirect_to_login(request.get_full_path())
            else:
                if SIGNED_IN_AT not in session:
                    session[SIGNED_IN_AT] = now
                if now - session.get(LAST_ACTIVITY, 0) >= ACTIVITY_RESOLUTION:
                    session[LAST_ACTIVITY] = now
        return self.get_response(request)
