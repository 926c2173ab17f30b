"""Models of stage 4's loop part: what an evaluation finding concerns and rests on, and the
record of a cycle's closing.

An evaluation finding is a core `commissioning.Finding` with stage "evaluation"; its
`LoopFindingDetail` says which priorities, outcomes, interventions and contracts it
concerns and what evidence it rests on. Closing a cycle writes one `CycleClosure`.
"""

from django.conf import settings
from django.db import models

__all__ = ["CycleClosure", "LoopEvidenceLink", "LoopFindingDetail"]


class LoopFindingDetail(models.Model):
    """What an evaluation finding concerns and the evidence it rests on."""

    finding = models.OneToOneField(
        "commissioning.Finding",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="loop_detail",
    )
    evidence = models.TextField(blank=True, default="")
    priorities = models.ManyToManyField("strategy.Priority", blank=True, related_name="+")
    outcomes = models.ManyToManyField("strategy.Outcome", blank=True, related_name="+")
    interventions = models.ManyToManyField("strategy.Intervention", blank=True, related_name="+")
    contracts = models.ManyToManyField("commissioning.Contract", blank=True, related_name="+")
    carried_from = models.ForeignKey(
        "commissioning.CommissioningCycle",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The cycle this draft was carried forward from when that cycle closed.",
    )
    updated_at = models.DateTimeField(auto_now=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True, default="")

    def __str__(self) -> str:
        return f"Detail of {self.finding}"


class LoopEvidenceLink(models.Model):
    """A link to evidence a finding rests on, such as an SPC chart in this service."""

    detail = models.ForeignKey(LoopFindingDetail, on_delete=models.CASCADE, related_name="links")
    label = models.CharField(max_length=200)
    url = models.CharField(max_length=500)

    class Meta:
        ordering = ["detail", "pk"]

    def __str__(self) -> str:
        return self.label


class CycleClosure(models.Model):
    """The closing of one cycle and the opening (or continuing) of the next."""

    cycle = models.OneToOneField(
        "commissioning.CommissioningCycle", on_delete=models.CASCADE, related_name="closure"
    )
    next_cycle = models.ForeignKey(
        "commissioning.CommissioningCycle", on_delete=models.PROTECT, related_name="+"
    )
    next_created = models.BooleanField(default=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(auto_now_add=True)
    carried = models.JSONField(
        default=dict,
        blank=True,
        help_text="What was carried forward: {approved, carried_drafts, withdrawn_drafts, "
        "strategies} as lists of ids.",
    )

    def __str__(self) -> str:
        return f"Closure of {self.cycle}"
