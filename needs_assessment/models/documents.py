"""The Integrated Needs Assessment document: sections with commentary, findings, approval."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class INAStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"
    SUPERSEDED = "superseded", "Superseded"


class INASection(models.TextChoices):
    STARTING_POINT = "starting_point", "Where the last cycle left us"
    POPULATION = "population", "Our population"
    SEGMENTS = "segments", "Population segments"
    RISK = "risk", "Risk and forecast resource"
    PREVALENCE = "prevalence", "Long-term conditions"
    ACTIVITY = "activity", "Use of services and cost"
    INEQUALITIES = "inequalities", "Inequalities"
    UNDERSERVED = "underserved", "Underserved groups"
    QUALITY = "quality", "Service quality and performance"
    INSIGHT = "insight", "What people told us"


class NeedsAssessment(models.Model):
    """One version of an ICB's INA for a cycle, built on one needs profile."""

    icb = models.ForeignKey(
        "commissioning.Area",
        on_delete=models.PROTECT,
        related_name="needs_assessments",
        limit_choices_to={"level": "icb"},
    )
    cycle = models.ForeignKey(
        "commissioning.CommissioningCycle",
        on_delete=models.PROTECT,
        related_name="needs_assessments",
    )
    profile = models.ForeignKey(
        "needs_assessment.NeedsProfile", on_delete=models.PROTECT, related_name="assessments"
    )
    version = models.PositiveIntegerField(default=1)
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="later_versions"
    )
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True, default="")
    status = models.CharField(max_length=12, choices=INAStatus.choices, default=INAStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
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
        ordering = ["-cycle__financial_year", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "version"], name="ina_version_unique"),
            models.UniqueConstraint(
                fields=["cycle"],
                condition=Q(status="approved"),
                name="one_approved_ina_per_cycle",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version} ({self.status})"


class NeedsAssessmentSection(models.Model):
    """The commissioner's written key findings for one section of the INA."""

    assessment = models.ForeignKey(
        NeedsAssessment, on_delete=models.CASCADE, related_name="sections"
    )
    key = models.CharField(max_length=20, choices=INASection.choices)
    commentary = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["assessment", "key"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "key"], name="ina_section_unique")
        ]

    def __str__(self) -> str:
        return self.get_key_display()


class NeedsAssessmentFinding(models.Model):
    """Ties a core Finding (which strategy priorities link to) to an INA section."""

    assessment = models.ForeignKey(
        NeedsAssessment, on_delete=models.CASCADE, related_name="finding_links"
    )
    section = models.CharField(max_length=20, choices=INASection.choices)
    finding = models.OneToOneField(
        "commissioning.Finding", on_delete=models.CASCADE, related_name="ina_link"
    )
    evidence = models.JSONField(
        default=list,
        blank=True,
        help_text="Profile measures the finding rests on: [{area, measure, breakdown, category}].",
    )
    carried_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="carried_to",
        help_text="The same finding in the version this one was based on.",
    )

    class Meta:
        ordering = ["assessment", "section", "pk"]

    def __str__(self) -> str:
        return f"{self.get_section_display()}: {self.finding}"
