"""Signal receivers that write the security log (and start the session clock)."""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from commissioning.models import ApiToken
from commissioning.security.log import security_event, username_digest
from commissioning.security.sessions import start_session_clock

User = get_user_model()


@receiver(user_logged_in, dispatch_uid="security.login")
def signed_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        start_session_clock(request.session)
    security_event("login.succeeded", request=request, user=user)


@receiver(user_login_failed, dispatch_uid="security.login_failed")
def sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    # Only a digest of the username as typed; credentials also hold the (masked) password.
    username = credentials.get("username") if isinstance(credentials, dict) else None
    security_event(
        "login.failed", request=request, user=None, username_sha256=username_digest(username)
    )


@receiver(user_locked_out, dispatch_uid="security.locked_out")
def locked_out(sender, request, username=None, ip_address=None, **kwargs) -> None:
    security_event(
        "login.locked_out", request=request, user=None, username_sha256=username_digest(username)
    )


@receiver(user_logged_out, dispatch_uid="security.logout")
def signed_out(sender, request, user, **kwargs) -> None:
    security_event("logout", request=request, user=user)


@receiver(pre_save, sender=User, dispatch_uid="security.role_before")
def note_role_before_save(sender, instance, update_fields=None, **kwargs) -> None:
    if instance.pk is None or (update_fields is not None and "role" not in update_fields):
        instance._security_role_before = None
        return
    instance._security_role_before = (
        User.objects.filter(pk=instance.pk).values_list("role", flat=True).first()
    )


@receiver(post_save, sender=User, dispatch_uid="security.role_after")
def log_role_change(sender, instance, created, **kwargs) -> None:
    before = getattr(instance, "_security_role_before", None)
    if created:
        security_event("user.created", user=None, target_user_id=instance.pk, role=instance.role)
    elif before is not None and before != instance.role:
        security_event(
            "user.role_changed",
            user=None,
            target_user_id=instance.pk,
            role_before=before,
            role_after=instance.role,
        )


@receiver(post_save, sender=ApiToken, dispatch_uid="security.api_token")
def log_token_change(sender, instance, created, update_fields=None, **kwargs) -> None:
    # Only the row id and the owner: never the token, its hash or its prefix.
    if created:
        security_event(
            "api_token.created",
            user=None,
            api_token_id=instance.pk,
            owner_user_id=instance.user_id,
            expires_at=instance.expires_at,
        )
    elif instance.revoked_at is not None and (
        update_fields is None or "revoked_at" in update_fields
    ):
        security_event(
            "api_token.revoked", user=None, api_token_id=instance.pk, owner_user_id=instance.user_id
        )
