"""Organisations by ODS code: ICBs, trusts, practices, PCNs, councils, VCSE, independents."""

from django.db import models


class OrganisationKind(models.TextChoices):
    ICB = "icb", "Integrated care board"
    NHS_TRUST = "nhs_trust", "NHS trust"
    GP_PRACTICE = "gp_practice", "GP practice"
    PCN = "pcn", "Primary care network"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    VCSE = "vcse", "Voluntary, community and social enterprise"
    INDEPENDENT = "independent", "Independent sector"
    HEALTHWATCH = "healthwatch", "Healthwatch"


class ProviderSector(models.TextChoices):
    ACUTE = "acute", "Acute"
    COMMUNITY = "community", "Community"
    MENTAL_HEALTH = "mental_health", "Mental health"
    PRIMARY_CARE = "primary_care", "Primary care"
    AMBULANCE = "ambulance", "Ambulance"
    SOCIAL_CARE = "social_care", "Social care"
    VCSE = "vcse", "VCSE"
    INDEPENDENT = "independent", "Independent sector"


class Organisation(models.Model):
    """An organisation known by its ODS code.

    A provider is an organisation with a sector. `icb` is the ICB the organisation is
    based in (for an ICB, its own area); it decides which ICB's staff see it by default.
    """

    ods_code = models.CharField("ODS code", max_length=12, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices, db_index=True)
    sector = models.CharField(
        max_length=20,
        choices=ProviderSector.choices,
        blank=True,
        default="",
        help_text="Set for providers; blank for commissioners and partners.",
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="For a GP practice, its primary care network.",
    )
    icb = models.ForeignKey(
        "commissioning.Area",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
        limit_choices_to={"level": "icb"},
    )
    area = models.ForeignKey(
        "commissioning.Area",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="located_organisations",
        help_text="Where the organisation sits (a practice's neighbourhood, say).",
    )
    opened = models.DateField(null=True, blank=True)
    closed = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.ods_code})"

    @property
    def is_provider(self) -> bool:
        return bool(self.sector)
