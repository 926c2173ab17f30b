"""Indicators and their values, by area or by provider, for a period and a breakdown."""

from django.db import models
from django.db.models import Q


class Polarity(models.TextChoices):
    HIGHER_IS_BETTER = "higher", "Higher is better"
    LOWER_IS_BETTER = "lower", "Lower is better"
    NEUTRAL = "neutral", "No preferred direction"


class Indicator(models.Model):
    """A measure in the indicator library (shared by all ICBs)."""

    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    definition = models.TextField()
    unit = models.CharField(max_length=60, help_text="e.g. 'per 100,000', '%', 'count', '£'.")
    polarity = models.CharField(max_length=10, choices=Polarity.choices)
    source = models.CharField(max_length=200)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class IndicatorValue(models.Model):
    """One value of an indicator for an area or a provider (exactly one), a period and a
    breakdown (`breakdown` names a dimension such as 'sex' or 'imd_decile', `category` its
    value; both blank for the whole population)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    area = models.ForeignKey(
        "commissioning.Area",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="indicator_values",
    )
    provider = models.ForeignKey(
        "commissioning.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="indicator_values",
    )
    period_start = models.DateField()
    period_end = models.DateField()
    breakdown = models.CharField(max_length=40, blank=True, default="")
    category = models.CharField(max_length=80, blank=True, default="")
    value = models.FloatField(null=True, blank=True)
    lower_ci = models.FloatField(null=True, blank=True)
    upper_ci = models.FloatField(null=True, blank=True)
    confidence = models.FloatField(default=0.95)
    numerator = models.FloatField(null=True, blank=True)
    denominator = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["indicator", "period_end"]
        indexes = [
            models.Index(fields=["indicator", "area", "period_end"]),
            models.Index(fields=["indicator", "provider", "period_end"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(area__isnull=False) & Q(provider__isnull=True))
                | (Q(area__isnull=True) & Q(provider__isnull=False)),
                name="indicator_value_area_xor_provider",
            ),
            models.UniqueConstraint(
                fields=[
                    "indicator",
                    "area",
                    "provider",
                    "period_start",
                    "period_end",
                    "breakdown",
                    "category",
                ],
                name="indicator_value_unique",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period_end}: {self.value}"
