"""Users belong to an organisation and hold one role."""

from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    COMMISSIONER = "commissioner", "ICB commissioner"
    ANALYST = "analyst", "ICB analyst"
    PROVIDER = "provider", "Provider representative"
    PARTNER = "partner", "Partner (read-only)"
    ADMINISTRATOR = "administrator", "Administrator"


class User(AbstractUser):
    """A person who signs in. Their organisation and role decide everything they can see
    (see `commissioning.access`)."""

    organisation = models.ForeignKey(
        "commissioning.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    role = models.CharField(max_length=20, choices=Role.choices, blank=True, default="")
    is_demo = models.BooleanField(
        default=False, help_text="Made by the demo loader; never present in real data."
    )

    @property
    def icb(self):
        """The ICB area whose data this user works with (None for users with no organisation)."""
        return self.organisation.icb if self.organisation_id else None
