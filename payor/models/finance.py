"""Stage 3 models: finance. Five-year allocations and programme budgets, the contract
register's payment terms, KPIs and variations, and stored payment statements.

Money is Decimal pounds. Plans, budgets and contract terms carry a `version` number that
every edit must quote (optimistic locking: see payor/finance/actions.py); the history of
changes is in AuditEvent rows written by the actions, with the data before and after.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

__all__ = [
    "CareSetting",
    "ContractKpi",
    "ContractTerms",
    "ContractVariation",
    "ContractYearValue",
    "FinancialPlan",
    "PaymentStatement",
    "ProgrammeBudget",
]

MONEY = {"max_digits": 16, "decimal_places": 2}
RATE = {"max_digits": 7, "decimal_places": 4}


def _percent(share) -> str:
    """0.0325 -> '3.25%'."""
    return f"{(share * 100).normalize():f}%"


class CareSetting(models.TextChoices):
    ACUTE = "acute", "Acute"
    COMMUNITY = "community", "Community"
    MENTAL_HEALTH = "mental_health", "Mental health"
    PRIMARY_CARE = "primary_care", "Primary care"
    PREVENTION = "prevention", "Prevention"
    PRESCRIBING = "prescribing", "Prescribing"
    CONTINUING_CARE = "continuing_care", "Continuing care"
    OTHER = "other", "Other"


class FinancialPlan(models.Model):
    """An ICB's medium-term financial plan: the allocation for the first year and its
    yearly growth, over `years` years starting in financial year `first_year`/+1."""

    icb = models.ForeignKey("commissioning.Area", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    first_year = models.PositiveSmallIntegerField(help_text="2026 for 2026/27.")
    years = models.PositiveSmallIntegerField(default=5)
    allocation = models.DecimalField(**MONEY, help_text="First-year allocation in pounds.")
    allocation_growth = models.DecimalField(
        **RATE, default=0, help_text="Yearly growth as a share: 0.03 for 3%."
    )
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-first_year", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(allocation__gte=0), name="plan_allocation_gte_0"),
            models.CheckConstraint(
                condition=Q(years__gte=1) & Q(years__lte=10), name="plan_years_1_to_10"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def growth_percent(self) -> str:
        return _percent(self.allocation_growth)


class ProgrammeBudget(models.Model):
    """A budget line of a plan: a care setting (and optionally a cohort, such as a
    population segment), its first-year budget and its yearly growth."""

    plan = models.ForeignKey(FinancialPlan, on_delete=models.CASCADE, related_name="budgets")
    setting = models.CharField(max_length=20, choices=CareSetting.choices)
    cohort = models.CharField(max_length=100, blank=True, default="")
    budget = models.DecimalField(**MONEY, help_text="First-year budget in pounds.")
    growth = models.DecimalField(**RATE, default=0, help_text="0.03 for 3% a year.")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["plan", "setting", "cohort"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "setting", "cohort"], name="budget_line_unique_per_plan"
            ),
            models.CheckConstraint(condition=Q(budget__gte=0), name="budget_gte_0"),
        ]

    def __str__(self) -> str:
        cohort = f" ({self.cohort})" if self.cohort else ""
        return f"{self.get_setting_display()}{cohort}"

    @property
    def growth_percent(self) -> str:
        return _percent(self.growth)


class ContractTerms(models.Model):
    """The payment terms of a core Contract, as JSON checked by
    payor.payment_models.read_terms for the contract's payment model."""

    contract = models.OneToOneField(
        "commissioning.Contract", on_delete=models.CASCADE, related_name="payment_terms"
    )
    terms = models.JSONField(default=dict)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Terms of {self.contract}"


class ContractYearValue(models.Model):
    """The agreed value of a contract in one financial year (2026 for 2026/27)."""

    contract = models.ForeignKey(
        "commissioning.Contract", on_delete=models.CASCADE, related_name="year_values"
    )
    year = models.PositiveSmallIntegerField()
    value = models.DecimalField(**MONEY)

    class Meta:
        ordering = ["contract", "year"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "year"], name="contract_year_unique"),
            models.CheckConstraint(condition=Q(value__gte=0), name="contract_year_value_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.contract} {self.year}: £{self.value:,.2f}"


class ContractKpi(models.Model):
    """A key performance indicator of a contract, measured by a library indicator and
    optionally contributing to a strategy outcome."""

    contract = models.ForeignKey(
        "commissioning.Contract", on_delete=models.CASCADE, related_name="kpis"
    )
    indicator = models.ForeignKey(
        "commissioning.Indicator", on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.ForeignKey(
        "strategy.Outcome", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    description = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        ordering = ["contract", "pk"]

    def __str__(self) -> str:
        return f"{self.contract} KPI: {self.indicator}"


class ContractVariation(models.Model):
    """A variation to a contract: what changed (terms and value, before and after)."""

    contract = models.ForeignKey(
        "commissioning.Contract", on_delete=models.CASCADE, related_name="variations"
    )
    number = models.PositiveIntegerField()
    description = models.TextField()
    effective_from = models.DateField()
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["contract", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="variation_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.contract} variation {self.number}"


class PaymentStatement(models.Model):
    """A payment statement for a contract and period, computed by
    payor.payment_models.payment_statement from the terms then in force and the measured
    inputs entered; stored with the terms used so it can always be shown as it was."""

    contract = models.ForeignKey(
        "commissioning.Contract", on_delete=models.CASCADE, related_name="payment_statements"
    )
    period = models.CharField(max_length=40, help_text="For example 2026/27 or 2026-05.")
    payment_model = models.CharField(max_length=20)
    terms = models.JSONField()
    measured = models.JSONField()
    lines = models.JSONField()
    summary = models.TextField(blank=True, default="")
    total = models.DecimalField(**MONEY)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["contract", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "period"], name="statement_unique_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.contract.reference} {self.period}"
