"""Contracts between an ICB (commissioner) and a provider. The payor stage extends them."""

from django.db import models
from django.db.models import F, Q


class PaymentModel(models.TextChoices):
    BLOCK = "block", "Block"
    ACTIVITY = "activity", "Activity-based"
    ALIGNED = "aligned", "Aligned payment and incentive"
    CAPITATED = "capitated", "Capitated"
    BUNDLED = "bundled", "Bundled (pathway episode)"
    OUTCOME = "outcome", "Outcome-based"
    GAIN_LOSS = "gain_loss", "Gain/loss share"


class ContractStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    EXPIRED = "expired", "Expired"
    TERMINATED = "terminated", "Terminated"


class Contract(models.Model):
    """A contract: who commissions what from whom, when, for how much and how it is paid.

    `annual_value` is in pounds with two decimal places (never a float).
    """

    commissioner = models.ForeignKey(
        "commissioning.Organisation",
        on_delete=models.PROTECT,
        related_name="commissioned_contracts",
        limit_choices_to={"kind": "icb"},
    )
    provider = models.ForeignKey(
        "commissioning.Organisation", on_delete=models.PROTECT, related_name="provided_contracts"
    )
    reference = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    service = models.CharField(max_length=200, help_text="Service or care pathway.")
    start_date = models.DateField()
    end_date = models.DateField()
    annual_value = models.DecimalField(max_digits=14, decimal_places=2)
    payment_model = models.CharField(max_length=20, choices=PaymentModel.choices)
    status = models.CharField(
        max_length=20, choices=ContractStatus.choices, default=ContractStatus.ACTIVE
    )

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["commissioner", "reference"], name="contract_reference_unique_per_icb"
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="contract_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(annual_value__gte=0), name="contract_value_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"
