"""A strategy (the PHIP), its versions, approvals, sharing and consultation comments."""

from django.conf import settings
from django.db import models


class StrategyLevel(models.TextChoices):
    FOOTPRINT = "footprint", "Multi-ICB"
    ICB = "icb", "ICB"
    PLACE = "place", "Place"
    NEIGHBOURHOOD = "neighbourhood", "Neighbourhood"


class StrategyStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    CONSULTATION = "consultation", "In consultation"
    APPROVED = "approved", "Approved"
    PUBLISHED = "published", "Published"


class Strategy(models.Model):
    """A five-year Population Health Improvement Plan for an ICB's cycle, at a level."""

    icb = models.ForeignKey(
        "commissioning.Area",
        on_delete=models.PROTECT,
        related_name="strategies",
        limit_choices_to={"level": "icb"},
    )
    cycle = models.ForeignKey(
        "commissioning.CommissioningCycle", on_delete=models.PROTECT, related_name="strategies"
    )
    level = models.CharField(max_length=15, choices=StrategyLevel.choices, default="icb")
    area = models.ForeignKey(
        "commissioning.Area",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The area the strategy covers (the ICB itself, a place or neighbourhood).",
    )
    title = models.CharField(max_length=200)
    vision = models.TextField(blank=True, default="")
    first_year = models.PositiveSmallIntegerField(
        help_text="First financial year of the plan: 2026 means 2026/27."
    )
    horizon_years = models.PositiveSmallIntegerField(default=5)
    needs_assessment = models.ForeignKey(
        "needs_assessment.NeedsAssessment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="strategies",
        help_text="The approved INA the strategy builds on.",
    )
    status = models.CharField(
        max_length=15, choices=StrategyStatus.choices, default=StrategyStatus.DRAFT
    )
    version = models.PositiveIntegerField(default=1, help_text="The version being worked on.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-first_year", "title"]
        verbose_name_plural = "strategies"

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.first_year + self.horizon_years))


class StrategyVersion(models.Model):
    """A frozen copy of the whole strategy (priorities, scores, outcomes, interventions…)
    taken when it goes to consultation or approval, so versions can be compared."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    content = models.JSONField()
    note = models.CharField(max_length=300, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["strategy", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "number"], name="strategy_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.strategy.title} v{self.number}"


class StrategyApproval(models.Model):
    """Every change of state, recorded: who, when, which version, from what to what."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="approvals")
    version = models.ForeignKey(StrategyVersion, on_delete=models.PROTECT, related_name="+")
    from_status = models.CharField(max_length=15, choices=StrategyStatus.choices)
    to_status = models.CharField(max_length=15, choices=StrategyStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["strategy", "at"]

    def __str__(self) -> str:
        return f"{self.strategy.title}: {self.from_status} → {self.to_status}"


class StrategyShare(models.Model):
    """An organisation (provider or partner) a strategy in consultation is shared with."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="shares")
    organisation = models.ForeignKey(
        "commissioning.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    shared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "organisation"], name="strategy_share_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.strategy.title} shared with {self.organisation}"


class StrategyComment(models.Model):
    """A consultation comment. The author's organisation and the ICB see it; other
    organisations do not see each other's comments."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="comments")
    version_number = models.PositiveIntegerField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "commissioning.Organisation", null=True, on_delete=models.PROTECT, related_name="+"
    )
    priority = models.ForeignKey(
        "strategy.Priority",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
    )
    text = models.TextField()
    response = models.TextField(blank=True, default="", help_text="The ICB's response.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["strategy", "created_at"]

    def __str__(self) -> str:
        return f"Comment by {self.author} on {self.strategy.title}"
