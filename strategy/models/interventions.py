"""Interventions with their evidence and expected effect, and care pathways for cohorts."""

from django.db import models
from django.db.models import Q


class EvidenceStrength(models.TextChoices):
    STRONG = "strong", "Strong (systematic reviews, RCTs)"
    MODERATE = "moderate", "Moderate (controlled studies)"
    WEAK = "weak", "Weak (before-and-after, case studies)"
    EMERGING = "emerging", "Emerging (expert opinion, pilots)"


class Intervention(models.Model):
    """Something the plan will do for a cohort, with the effect it is expected to have on
    one outcome (a relative change, e.g. -0.15 for a 15% reduction)."""

    priority = models.ForeignKey(
        "strategy.Priority", on_delete=models.CASCADE, related_name="interventions"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    outcome = models.ForeignKey(
        "strategy.Outcome",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interventions",
    )
    segment = models.ForeignKey(
        "commissioning.Segment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    area = models.ForeignKey(
        "commissioning.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cohort_size = models.PositiveIntegerField(default=0, help_text="People reached.")
    evidence_source = models.CharField(max_length=300, blank=True, default="")
    evidence_strength = models.CharField(max_length=10, choices=EvidenceStrength.choices)
    expected_effect = models.FloatField(
        help_text="Relative change in the outcome among the people reached (-0.15 = 15% less)."
    )
    cost_per_year = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    start_year = models.PositiveSmallIntegerField(help_text="Plan year (1-5) it starts in.")

    class Meta:
        ordering = ["priority", "start_year", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_year__gte=1, start_year__lte=10), name="intervention_start_year"
            ),
            models.CheckConstraint(
                condition=Q(cost_per_year__gte=0), name="intervention_cost_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CarePathway(models.Model):
    strategy = models.ForeignKey(
        "strategy.Strategy", on_delete=models.CASCADE, related_name="pathways"
    )
    priority = models.ForeignKey(
        "strategy.Priority",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pathways",
    )
    name = models.CharField(max_length=200)
    segment = models.ForeignKey(
        "commissioning.Segment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    description = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["strategy", "name"]

    def __str__(self) -> str:
        return self.name


class PathwayStageKind(models.TextChoices):
    PREVENTION = "prevention", "Prevention"
    EARLY_INTERVENTION = "early_intervention", "Early intervention"
    MANAGEMENT = "management", "Management"
    CRISIS = "crisis", "Crisis"
    END_OF_LIFE = "end_of_life", "End of life"


class PathwayStage(models.Model):
    pathway = models.ForeignKey(CarePathway, on_delete=models.CASCADE, related_name="stages")
    stage = models.CharField(max_length=20, choices=PathwayStageKind.choices)
    description = models.TextField(blank=True, default="")
    providers = models.ManyToManyField(
        "commissioning.Organisation", blank=True, related_name="pathway_stages"
    )

    class Meta:
        ordering = ["pathway", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["pathway", "stage"], name="pathway_stage_unique")
        ]

    def __str__(self) -> str:
        return f"{self.pathway.name}: {self.get_stage_display()}"
