"""Commissioning cycles and their findings: the loop that ties the four stages together."""

from django.conf import settings
from django.db import models

from commissioning import financial_years


class CycleStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class CommissioningCycle(models.Model):
    """One turn of the cycle for an ICB, covering a financial year (April to March)."""

    icb = models.ForeignKey(
        "commissioning.Area",
        on_delete=models.PROTECT,
        related_name="cycles",
        limit_choices_to={"level": "icb"},
    )
    financial_year = models.PositiveSmallIntegerField(
        help_text="The year the financial year starts in: 2026 means 2026/27."
    )
    status = models.CharField(max_length=10, choices=CycleStatus.choices, default=CycleStatus.OPEN)
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="next_cycle"
    )

    class Meta:
        ordering = ["icb", "-financial_year"]
        constraints = [
            models.UniqueConstraint(fields=["icb", "financial_year"], name="one_cycle_per_icb_year")
        ]

    def __str__(self) -> str:
        return f"{self.icb.name} {self.label}"

    @property
    def label(self) -> str:
        return financial_years.label(self.financial_year)


class FindingStage(models.TextChoices):
    NEEDS_ASSESSMENT = "needs_assessment", "Needs assessment"
    STRATEGY = "strategy", "Strategy"
    PAYOR = "payor", "Resource allocation"
    EVALUATION = "evaluation", "Evaluation"


class FindingStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Finding(models.Model):
    """Something a stage learned. Evaluation findings attached to a cycle are the next
    cycle's starting point; needs-assessment findings justify strategy priorities."""

    cycle = models.ForeignKey(CommissioningCycle, on_delete=models.CASCADE, related_name="findings")
    stage = models.CharField(max_length=20, choices=FindingStage.choices)
    title = models.CharField(max_length=200)
    summary = models.TextField()
    status = models.CharField(
        max_length=10, choices=FindingStatus.choices, default=FindingStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title
