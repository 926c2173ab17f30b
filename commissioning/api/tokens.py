"""Actions on API tokens: issue one (the raw token is returned once), revoke one, note use.

Only the SHA-256 of a token is stored (`ApiToken.key_hash`), so a copy of the database
holds nothing that can be sent as a token. Every issue and revocation writes an audit row
in the same transaction; neither the raw token nor its hash goes into the audit data.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from commissioning import access
from commissioning.models import ApiToken, AuditEvent
from commissioning.models.tokens import hash_token

PREFIX_LENGTH = 8
# Use is recorded at most this often per token, so that reads do not each cost a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class IssuedToken(NamedTuple):
    """A newly issued token: the stored row and the raw value, which is never seen again."""

    token: ApiToken
    raw: str


def _may_manage(by, user) -> bool:
    return by is not None and (by.pk == user.pk or access.is_administrator(by))


@transaction.atomic
def issue_token(*, user, name: str = "API token", by) -> IssuedToken:
    """Issue an API token for `user`, valid for `settings.API_TOKEN_LIFETIME`.

    Refused (django's PermissionDenied) when the user's role may not use API tokens, the
    account is inactive, or `by` is neither the user nor an administrator."""
    if not _may_manage(by, user):
        raise PermissionDenied("Only the user or an administrator can issue their API tokens.")
    if not access.has_permission(user, access.Permission.USE_API_TOKENS):
        raise PermissionDenied(
            "Your role cannot use API tokens; use the website instead, or ask an administrator."
        )
    raw = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=(name or "API token")[:100],
        prefix=raw[:PREFIX_LENGTH],
        key_hash=hash_token(raw),
        expires_at=timezone.now() + settings.API_TOKEN_LIFETIME,
    )
    AuditEvent.objects.create(
        actor=by,
        verb="api_token.issue",
        object_type="api_token",
        object_id=str(token.pk),
        data={
            "user": user.pk,
            "name": token.name,
            "prefix": token.prefix,
            "expires_at": token.expires_at.isoformat(),
        },
    )
    return IssuedToken(token=token, raw=raw)


@transaction.atomic
def revoke_token(*, token: ApiToken, by) -> ApiToken:
    """Revoke `token` from now on. Revoking a revoked token changes nothing (and is not
    audited twice). Only the token's owner or an administrator may revoke it."""
    if not _may_manage(by, token.user):
        raise PermissionDenied("Only the token's owner or an administrator can revoke it.")
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    AuditEvent.objects.create(
        actor=by,
        verb="api_token.revoke",
        object_type="api_token",
        object_id=str(token.pk),
        data={"user": token.user_id, "prefix": token.prefix},
    )
    return token


def record_token_use(token: ApiToken, *, now=None) -> None:
    """Note that `token` was just used, at most once per LAST_USED_RESOLUTION."""
    now = now or timezone.now()
    if token.last_used_at is not None and token.last_used_at > now - LAST_USED_RESOLUTION:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
