"""`Authorization: Token <token>` against hashed, expiring, revocable API tokens.

The token sent is hashed and looked up by its hash, so the raw value is never stored or
compared. Refusals say why (unknown, revoked, expired, inactive account) so that an
analyst's script fails with a message they can act on.
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from commissioning import access
from commissioning.api import tokens
from commissioning.models import ApiToken
from commissioning.models.tokens import hash_token

KEYWORD = "Token"
HOW_TO_GET_ONE = "Ask for a new one with POST /api/v1/auth/token/."


class HashedTokenAuthentication(BaseAuthentication):
    """Authenticate `Authorization: Token <token>`; `request.auth` is the ApiToken row."""

    keyword = KEYWORD

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise AuthenticationFailed(
                "Invalid Authorization header: send `Authorization: Token <token>`."
            )
        try:
            raw = parts[1].decode()
        except UnicodeError as exc:
            raise AuthenticationFailed("Invalid token: it contains invalid characters.") from exc
        return self.authenticate_credentials(raw)

    def authenticate_credentials(self, raw: str):
        token = (
            ApiToken.objects.select_related("user__organisation__icb")
            .filter(key_hash=hash_token(raw))
            .first()
        )
        if token is None:
            raise AuthenticationFailed(f"Invalid token. {HOW_TO_GET_ONE}")
        if token.revoked_at is not None:
            raise AuthenticationFailed(f"This token has been revoked. {HOW_TO_GET_ONE}")
        now = timezone.now()
        if token.expires_at <= now:
            raise AuthenticationFailed(f"This token has expired. {HOW_TO_GET_ONE}")
        user = token.user
        if not user.is_active:
            raise AuthenticationFailed("This user account is inactive.")
        if not access.has_permission(user, access.Permission.USE_API_TOKENS):
            raise AuthenticationFailed("Your role can no longer use API tokens.")
        tokens.record_token_use(token, now=now)
        return user, token

    def authenticate_header(self, request) -> str:
        # A WWW-Authenticate value makes DRF answer unauthenticated requests with 401.
        return self.keyword


class HashedTokenScheme(OpenApiAuthenticationExtension):
    """Describes the token scheme in the OpenAPI schema (and the Swagger UI's Authorize)."""

    target_class = HashedTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "An API token from `POST /api/v1/auth/token/`, sent as "
                "`Authorization: Token <token>` (type the word Token, a space, then the token)."
            ),
        }
