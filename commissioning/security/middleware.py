"""Response-side security: log denials, bad tokens and downloads; refuse oversized bodies;
give the Swagger UI page the hash of its inline script instead of 'unsafe-inline'."""

from __future__ import annotations

import base64
import hashlib
import re

from django.conf import settings
from django.http import HttpResponse

from commissioning.security.log import security_event

INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)
SWAGGER_VIEW = "api:docs"


class RequestSizeLimitMiddleware:
    """Refuse (413) a request whose declared body is larger than REQUEST_MAX_BYTES before
    Django reads it, so a huge upload cannot fill the disk holding temporary files. The
    data-file form's own check (needs_assessment.ingest.actions.MAX_UPLOAD_BYTES) gives
    the friendly message for files under this limit."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.REQUEST_MAX_BYTES:
            security_event("request.too_large", request=request, user=None, bytes=length)
            limit_mb = settings.REQUEST_MAX_BYTES // 1024**2
            return HttpResponse(
                f"The request is larger than the {limit_mb} MB this service accepts.",
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


class SecurityLogMiddleware:
    """After AuthenticationMiddleware. Logs 403s, 404s seen by signed-in users (usually a
    scoped object they may not see), API calls refused for a bad token, and any attachment
    that an export view did not already log with log_export()."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        status = response.status_code
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if status == 403:
            security_event("access.denied", request=request, status=status)
        elif status == 404 and signed_in:
            security_event("access.not_found", request=request, status=status)
        elif status == 401 and _sent_token(request):
            security_event("api_token.rejected", request=request, user=None, status=status)
        if (
            200 <= status < 300
            and "attachment" in response.get("Content-Disposition", "")
            and not getattr(request, "_security_export_logged", False)
        ):
            security_event("export", request=request, what=request.path, rows=None)
        return response


def _sent_token(request) -> bool:
    return request.META.get("HTTP_AUTHORIZATION", "").lower().startswith("token")


class SwaggerCspMiddleware:
    """drf-spectacular's Swagger UI page carries one inline <script> (its settings).
    Rather than 'unsafe-inline', that one page's script-src lists the SHA-256 of exactly
    that block. (Its inline <style> is covered by the site-wide style-src.) Must sit after
    csp.middleware.CSPMiddleware in MIDDLEWARE, so that it runs first on the way out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is None or match.view_name != SWAGGER_VIEW or response.streaming:
            return response
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        hashes = [
            f"'sha256-{base64.b64encode(hashlib.sha256(body).digest()).decode()}'"
            for body in INLINE_SCRIPT.findall(response.content)
        ]
        if hashes:
            response._csp_update = {"script-src": hashes}
        return response
