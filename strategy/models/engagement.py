"""The co-design record: engagement with partners, communities and people with lived
experience, what they said and what changed as a result."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models


class EngagementActivity(models.Model):
    strategy = models.ForeignKey(
        "strategy.Strategy", on_delete=models.CASCADE, related_name="engagement"
    )
    title = models.CharField(max_length=200)
    date = models.DateField()
    method = models.CharField(
        max_length=60, help_text="Workshop, survey, focus group, citizens' panel…"
    )
    participant_groups = ArrayField(
        models.CharField(max_length=40),
        default=list,
        blank=True,
        help_text="e.g. partners, communities, lived experience, providers, staff.",
    )
    participants = models.PositiveIntegerField(default=0)
    what_they_said = models.TextField()
    what_changed = models.TextField(blank=True, default="")
    priorities = models.ManyToManyField("strategy.Priority", blank=True, related_name="engagement")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["strategy", "-date"]
        verbose_name_plural = "engagement activities"

    def __str__(self) -> str:
        return f"{self.title} ({self.date})"
