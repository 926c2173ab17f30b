"""Measurable outcomes with a frozen baseline and a yearly trajectory to a year-5 target."""

from django.conf import settings
from django.db import models


class OutcomeDomain(models.TextChoices):
    CLINICAL = "clinical", "Clinical"
    QUALITY_OF_LIFE = "quality_of_life", "Quality of life"
    SYSTEM = "system", "System"
    EQUITY = "equity", "Equity"


class TrajectoryProfile(models.TextChoices):
    LINEAR = "linear", "Linear"
    FRONT_LOADED = "front_loaded", "Front-loaded"
    BACK_LOADED = "back_loaded", "Back-loaded"
    STEP = "step", "Step"


class Outcome(models.Model):
    """An outcome of a priority, measured by a library indicator.

    The baseline is frozen when set: copied from an INA profile aggregate (value, interval,
    period and where it came from), so later profiles never move it."""

    priority = models.ForeignKey(
        "strategy.Priority", on_delete=models.CASCADE, related_name="outcomes"
    )
    indicator = models.ForeignKey(
        "commissioning.Indicator", on_delete=models.PROTECT, related_name="outcomes"
    )
    domain = models.CharField(max_length=20, choices=OutcomeDomain.choices)
    area = models.ForeignKey(
        "commissioning.Area",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The area the outcome is measured for.",
    )
    baseline_value = models.FloatField(null=True, blank=True)
    baseline_lower = models.FloatField(null=True, blank=True)
    baseline_upper = models.FloatField(null=True, blank=True)
    baseline_period_start = models.DateField(null=True, blank=True)
    baseline_period_end = models.DateField(null=True, blank=True)
    baseline_source = models.JSONField(
        default=dict,
        blank=True,
        help_text="Where the baseline came from: profile id, measure, breakdown, category.",
    )
    baseline_frozen_at = models.DateTimeField(null=True, blank=True)
    target_value = models.FloatField(help_text="The year-5 target.")
    profile = models.CharField(
        max_length=15, choices=TrajectoryProfile.choices, default=TrajectoryProfile.LINEAR
    )
    step_year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="For a step profile: the plan year (1-5) of the step."
    )
    equity_measure = models.CharField(
        max_length=20,
        blank=True,
        default="",
        help_text="For equity outcomes: 'gap' (Core20 v rest) or 'sii'.",
    )
    owner = models.CharField(max_length=200, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["priority", "pk"]

    def __str__(self) -> str:
        return f"{self.indicator.name} ({self.area.name})"
