"""Stage 3 models: resource-shift scenarios (moving money from acute emergency care into
community and prevention over several years) and their computed result, which carries the
provider impact analysis."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

__all__ = [
    "SETTINGS",
    "SETTING_LABELS",
    "ResourceShiftScenario",
    "ScenarioProfile",
    "ScenarioStatus",
]

# Care settings of the spend table, in display order.
SETTINGS = ["acute", "community", "mental_health", "primary_care", "prevention", "other"]
SETTING_LABELS = {
    "acute": "Acute",
    "community": "Community",
    "mental_health": "Mental health",
    "primary_care": "Primary care",
    "prevention": "Prevention",
    "other": "Other",
}


class ScenarioProfile(models.TextChoices):
    LINEAR = "linear", "Linear"
    FRONT_LOADED = "front_loaded", "Front-loaded"
    BACK_LOADED = "back_loaded", "Back-loaded"
    STEP = "step", "Step"


class ScenarioStatus(models.TextChoices):
    DRAFT = "draft", "Not yet computed"
    QUEUED = "queued", "Being computed"
    COMPUTED = "computed", "Computed"
    FAILED = "failed", "Failed"


def _share(**kwargs):
    return models.DecimalField(
        max_digits=6,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        **kwargs,
    )


class ResourceShiftScenario(models.Model):
    """A what-if: move `shift_share` of the ICB's acute emergency spend into community and
    prevention over `years` years with a time profile, paying `double_running_share` of the
    moved money twice in the first `double_running_years` years. The effect (the share of
    the admissions the moved money used to pay for that are avoided) is uncertain: Normal
    with `effect_mean` and `effect_sd`, drawn `draws` times from `seed`.

    Money is pounds (Decimal); `base_spend` holds Decimal strings per setting and
    `allocation` one Decimal string per scenario year (may be empty). `result` is written
    by the "resource_shift" run (payor.scenarios.handlers)."""

    icb = models.ForeignKey(
        "commissioning.Area",
        on_delete=models.PROTECT,
        related_name="resource_shift_scenarios",
        limit_choices_to={"level": "icb"},
    )
    cycle = models.ForeignKey(
        "commissioning.CommissioningCycle",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resource_shift_scenarios",
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    base_spend = models.JSONField(default=dict, help_text="Base-year spend by setting (£).")
    emergency_spend = models.DecimalField(
        max_digits=14, decimal_places=2, help_text="Base-year acute emergency spend (£)."
    )
    emergency_admissions = models.PositiveIntegerField(
        help_text="Base-year emergency admissions paid for by that spend."
    )
    shift_share = _share(help_text="Share of acute emergency spend to move (0.05 = 5%).")
    years = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    profile = models.CharField(
        max_length=20, choices=ScenarioProfile.choices, default=ScenarioProfile.LINEAR
    )
    step_year = models.PositiveSmallIntegerField(null=True, blank=True)
    community_share = _share(
        default=Decimal("1"), help_text="Share of moved money to community; the rest to prevention."
    )
    double_running_share = _share(
        default=Decimal("0"), help_text="Share of moved money paid twice while services overlap."
    )
    double_running_years = models.PositiveSmallIntegerField(default=0)
    effect_mean = models.FloatField(help_text="Mean share of targeted admissions avoided.")
    effect_sd = models.FloatField(default=0.0)
    intervention = models.ForeignKey(
        "strategy.Intervention",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Where the effect was taken from, if from the strategy.",
    )
    draws = models.PositiveIntegerField(default=1000)
    seed = models.PositiveIntegerField(default=1)
    threshold = _share(
        default=Decimal("0.02"), help_text="Flag a provider whose ICB income moves more than this."
    )
    allocation = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=10, choices=ScenarioStatus.choices, default=ScenarioStatus.DRAFT
    )
    shared_with = models.ManyToManyField(
        "commissioning.Organisation", blank=True, related_name="shared_resource_shift_scenarios"
    )
    run = models.ForeignKey(
        "commissioning.Run", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    result = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "name"]

    def __str__(self) -> str:
        return self.name
