"""Qualitative insight from people who use services and from partners."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models


class InsightSource(models.TextChoices):
    SURVEY = "survey", "Survey"
    HEALTHWATCH = "healthwatch", "Healthwatch"
    PARTNER = "partner", "Partner"
    ENGAGEMENT = "engagement", "Engagement event"
    COMPLAINTS = "complaints", "Complaints and compliments"
    OTHER = "other", "Other"


class InsightRecord(models.Model):
    """One piece of qualitative insight: who said it, where and when, and its themes."""

    icb = models.ForeignKey(
        "commissioning.Area",
        on_delete=models.PROTECT,
        related_name="insight_records",
        limit_choices_to={"level": "icb"},
    )
    source = models.CharField(max_length=20, choices=InsightSource.choices)
    date = models.DateField()
    group = models.CharField(
        max_length=200, help_text="Who this is from, e.g. 'carers of people with dementia'."
    )
    themes = ArrayField(models.CharField(max_length=60), default=list, blank=True)
    summary = models.TextField()
    quote = models.TextField(blank=True, default="")
    segments = models.ManyToManyField("commissioning.Segment", blank=True, related_name="+")
    areas = models.ManyToManyField("commissioning.Area", blank=True, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-created_at"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.date}: {self.group}"
