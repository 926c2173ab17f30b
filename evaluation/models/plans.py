"""Evaluation plans for strategy interventions, their results, and the ICB's evaluation
approach (every ICB must set one by March 2027)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

__all__ = [
    "EvaluationApproach",
    "EvaluationMethod",
    "EvaluationPlan",
    "EvaluationPlanStatus",
    "EvaluationResult",
    "EvaluationSource",
]


class EvaluationMethod(models.TextChoices):
    ITS = "its", "Interrupted time series"
    DID = "did", "Difference-in-differences"


class EvaluationSource(models.TextChoices):
    SERIES = "series", "Indicator series (monthly or quarterly values)"
    SNAPSHOTS = "snapshots", "Population snapshots (prevalence, before and after)"


class EvaluationPlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"


class EvaluationPlan(models.Model):
    """How one strategy intervention will be evaluated: the question, the logic model,
    the measures, the comparison, the method and the timeline."""

    intervention = models.OneToOneField(
        "strategy.Intervention", on_delete=models.CASCADE, related_name="evaluation_plan"
    )
    question = models.TextField()
    inputs = models.TextField(blank=True, default="")
    activities = models.TextField(blank=True, default="")
    outputs = models.TextField(blank=True, default="")
    outcomes = models.TextField(blank=True, default="")
    indicator = models.ForeignKey(
        "commissioning.Indicator",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The primary measure (usually the outcome's indicator).",
    )
    other_measures = models.TextField(blank=True, default="")
    area = models.ForeignKey(
        "commissioning.Area",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Where the intervention runs: the series evaluated.",
    )
    comparison_areas = models.ManyToManyField("commissioning.Area", blank=True, related_name="+")
    comparison = models.TextField(blank=True, default="", help_text="Areas or cohorts, and why.")
    method = models.CharField(max_length=5, choices=EvaluationMethod.choices)
    source = models.CharField(
        max_length=10, choices=EvaluationSource.choices, default=EvaluationSource.SERIES
    )
    condition = models.CharField(
        max_length=40, blank=True, default="", help_text="Snapshots: the person_record flag."
    )
    seasonality = models.BooleanField(default=False)
    intervention_date = models.DateField()
    start_date = models.DateField()
    end_date = models.DateField()
    report_due = models.DateField()
    owner = models.CharField(max_length=200)
    status = models.CharField(
        max_length=10, choices=EvaluationPlanStatus.choices, default=EvaluationPlanStatus.DRAFT
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["intervention"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__lte=models.F("end_date")), name="evaluation_plan_dates"
            )
        ]

    def __str__(self) -> str:
        return f"Evaluation of {self.intervention}"


class EvaluationResult(models.Model):
    """One run of a plan's evaluation: the effect with its 95% interval, p value and
    minimum detectable effect, and a summary that does not overclaim."""

    plan = models.ForeignKey(EvaluationPlan, on_delete=models.CASCADE, related_name="results")
    run = models.ForeignKey(
        "commissioning.Run", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    method = models.CharField(max_length=15)
    effect = models.FloatField()
    standard_error = models.FloatField()
    lower = models.FloatField()
    upper = models.FloatField()
    p_value = models.FloatField()
    mde = models.FloatField(help_text="Minimum detectable effect (80% power, 5% two-sided).")
    pre_points = models.PositiveIntegerField()
    post_points = models.PositiveIntegerField()
    unit = models.CharField(max_length=80, blank=True, default="")
    summary = models.TextField()
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.plan}: {self.effect:.3g}"


class EvaluationApproach(models.Model):
    """The ICB's statement of how it evaluates its strategy (due by March 2027)."""

    icb = models.OneToOneField(
        "commissioning.Area", on_delete=models.CASCADE, related_name="evaluation_approach"
    )
    statement = models.TextField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Evaluation approach of {self.icb}"
