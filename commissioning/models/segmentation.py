"""Population segmentation models: ordered rules as data, each person in exactly one segment.

A model is versioned: editing a published model makes a new version (`based_on` points
back), so results computed with an earlier version stay explainable. The rule grammar is
in `commissioning.segmentation_rules`.
"""

from django.conf import settings
from django.db import models


class SegmentationModel(models.Model):
    """A named, versioned list of segments. `icb` empty means a shared library model."""

    icb = models.ForeignKey(
        "commissioning.Area",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="segmentation_models",
        limit_choices_to={"level": "icb"},
    )
    name = models.CharField(max_length=200)
    version = models.PositiveIntegerField(default=1)
    description = models.TextField(blank=True, default="")
    source = models.CharField(max_length=300, blank=True, default="")
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="derived"
    )
    is_published = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["icb", "name", "version"],
                name="segmentation_model_version_unique",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class Segment(models.Model):
    """One segment. People are assigned to the first segment (lowest `priority`) whose
    rule they match; the last segment of a model should match everyone left."""

    model = models.ForeignKey(SegmentationModel, on_delete=models.CASCADE, related_name="segments")
    priority = models.PositiveSmallIntegerField(help_text="1 = checked first (most severe).")
    code = models.SlugField(max_length=40)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True, default="")
    rule = models.JSONField(help_text="See commissioning.segmentation_rules for the grammar.")
    colour = models.CharField(max_length=7, default="#005eb8")

    class Meta:
        ordering = ["model", "priority"]
        constraints = [
            models.UniqueConstraint(fields=["model", "priority"], name="segment_priority_unique"),
            models.UniqueConstraint(fields=["model", "code"], name="segment_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.priority}. {self.name}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from commissioning.segmentation_rules import RuleError, validate_rule

        try:
            validate_rule(self.rule)
        except RuleError as exc:
            raise ValidationError({"rule": str(exc)}) from exc
