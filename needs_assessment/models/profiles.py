"""The needs profile: every aggregate of the INA, computed once per run by a worker.

A profile belongs to a population snapshot and a segmentation model. Its aggregates are
narrow rows (area × measure × breakdown × category) with intervals and the comparison
with the parent area, so pages and the API read them without touching person rows.
"""

from django.conf import settings
from django.db import models


class ProfileStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    COMPUTING = "computing", "Computing"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class Comparison(models.TextChoices):
    """An area against its parent, at a confidence level, aware of the measure's polarity."""

    BETTER = "better", "Better"
    WORSE = "worse", "Worse"
    SIMILAR = "similar", "Similar"
    HIGHER = "higher", "Higher"
    LOWER = "lower", "Lower"
    NOT_COMPARED = "not_compared", "Not compared"


class NeedsProfile(models.Model):
    snapshot = models.ForeignKey(
        "commissioning.PopulationSnapshot", on_delete=models.CASCADE, related_name="profiles"
    )
    earlier_snapshot = models.ForeignKey(
        "commissioning.PopulationSnapshot",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The previous period, used to train the risk model.",
    )
    segmentation_model = models.ForeignKey(
        "commissioning.SegmentationModel", on_delete=models.PROTECT, related_name="profiles"
    )
    run = models.ForeignKey(
        "commissioning.Run", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=ProfileStatus.choices, default=ProfileStatus.QUEUED
    )
    people = models.PositiveIntegerField(default=0)
    risk_metrics = models.JSONField(
        default=dict,
        blank=True,
        help_text="Risk model: AUC, calibration by decile, by sex, IMD quintile, ethnicity.",
    )
    summary = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Profile of {self.snapshot} with {self.segmentation_model} ({self.status})"


class ProfileAggregate(models.Model):
    """One figure of a profile. `breakdown` blank means the whole area's population;
    otherwise it names a dimension (age_band, sex, imd_decile, ethnicity, segment, tier)
    and `category` its value. `measure` is a stable code such as `people`,
    `prevalence:diabetes`, `dsr:emergency_admissions` or `isr:gp_contacts`."""

    profile = models.ForeignKey(NeedsProfile, on_delete=models.CASCADE, related_name="aggregates")
    area = models.ForeignKey("commissioning.Area", on_delete=models.CASCADE, related_name="+")
    measure = models.CharField(max_length=60)
    breakdown = models.CharField(max_length=30, blank=True, default="")
    category = models.CharField(max_length=80, blank=True, default="")
    numerator = models.FloatField(null=True, blank=True)
    denominator = models.FloatField(null=True, blank=True)
    value = models.FloatField(null=True, blank=True)
    lower95 = models.FloatField(null=True, blank=True)
    upper95 = models.FloatField(null=True, blank=True)
    lower998 = models.FloatField(null=True, blank=True)
    upper998 = models.FloatField(null=True, blank=True)
    unit = models.CharField(max_length=30, blank=True, default="")
    method = models.CharField(max_length=40, blank=True, default="")
    comparison95 = models.CharField(
        max_length=12, choices=Comparison.choices, default=Comparison.NOT_COMPARED
    )
    comparison998 = models.CharField(
        max_length=12, choices=Comparison.choices, default=Comparison.NOT_COMPARED
    )
    publishable = models.BooleanField(default=True)

    class Meta:
        ordering = ["profile", "area", "measure", "breakdown", "category"]
        indexes = [models.Index(fields=["profile", "area", "measure", "breakdown"])]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "area", "measure", "breakdown", "category"],
                name="profile_aggregate_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.breakdown}={self.category}: {self.value}"
