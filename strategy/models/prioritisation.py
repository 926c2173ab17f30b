"""Priorities and the transparent, weighted prioritisation method."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Priority(models.Model):
    """A priority for a cohort, raised from INA findings (its evidence)."""

    strategy = models.ForeignKey(
        "strategy.Strategy", on_delete=models.CASCADE, related_name="priorities"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    findings = models.ManyToManyField(
        "commissioning.Finding",
        blank=True,
        related_name="priorities",
        help_text="The needs assessment findings this priority rests on.",
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
    group = models.CharField(
        max_length=100,
        blank=True,
        default="",
        help_text="A population group, e.g. 'Core20' or 'people with a learning disability'.",
    )
    cohort_size = models.PositiveIntegerField(
        null=True, blank=True, help_text="People in the cohort, from the needs profile."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["strategy", "pk"]
        verbose_name_plural = "priorities"

    def __str__(self) -> str:
        return self.title


class Criterion(models.Model):
    """A prioritisation criterion with the weight the ICB gives it."""

    strategy = models.ForeignKey(
        "strategy.Strategy", on_delete=models.CASCADE, related_name="criteria"
    )
    code = models.SlugField(max_length=40)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True, default="")
    weight = models.DecimalField(max_digits=6, decimal_places=3)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["strategy", "order", "pk"]
        verbose_name_plural = "criteria"
        constraints = [
            models.UniqueConstraint(fields=["strategy", "code"], name="criterion_code_unique"),
            models.CheckConstraint(
                condition=Q(weight__gte=0), name="criterion_weight_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.weight})"


class PanelMemberKind(models.TextChoices):
    ICB = "icb", "ICB"
    PROVIDER = "provider", "Provider"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    COMMUNITY = "community", "Community"


class PanelMember(models.Model):
    """A named member of the scoring panel (a user of the app, or recorded by the ICB)."""

    strategy = models.ForeignKey(
        "strategy.Strategy", on_delete=models.CASCADE, related_name="panel"
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=PanelMemberKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="panel_memberships",
    )
    organisation = models.ForeignKey(
        "commissioning.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["strategy", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "user"],
                condition=Q(user__isnull=False),
                name="one_panel_seat_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class Score(models.Model):
    """One member's score (1-5) of one priority on one criterion, with a rationale."""

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    member = models.ForeignKey(PanelMember, on_delete=models.CASCADE, related_name="scores")
    score = models.PositiveSmallIntegerField()
    rationale = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["priority", "criterion", "member"]
        constraints = [
            models.UniqueConstraint(
                fields=["priority", "criterion", "member"], name="one_score_per_member"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="score_between_1_and_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.priority} / {self.criterion} = {self.score}"
