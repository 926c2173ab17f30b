"""Throttling of token requests, against password guessing.

Keyed by the client address and the username asked for, so one person mistyping does
not lock out everyone behind the same NHS network address, and guessing one account's
password is slowed wherever it comes from. The rate is settings.API_TOKEN_REQUEST_RATE
(default 10/minute).
"""

import hashlib

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

DEFAULT_RATE = "10/minute"


class TokenRequestThrottle(SimpleRateThrottle):
    scope = "api_token_request"

    def get_rate(self) -> str:
        return getattr(settings, "API_TOKEN_REQUEST_RATE", DEFAULT_RATE)

    def get_cache_key(self, request, view) -> str:
        data = request.data
        username = str(data.get("username", "") if hasattr(data, "get") else "").strip().lower()
        account = hashlib.sha256(username.encode()).hexdigest()[:32]
        ident = f"{self.get_ident(request)}:{account}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
