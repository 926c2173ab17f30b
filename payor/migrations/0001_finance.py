"""Stage 3 finance models (operations generated with makemigrations --dry-run)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("commissioning", "0003_reference_data"),
        ("strategy", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ContractKpi",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "target",
                    models.DecimalField(blank=True, decimal_places=4, max_digits=14, null=True),
                ),
                ("description", models.CharField(blank=True, default="", max_length=300)),
                (
                    "contract",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="kpis",
                        to="commissioning.contract",
                    ),
                ),
                (
                    "indicator",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="commissioning.indicator",
                    ),
                ),
                (
                    "outcome",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="strategy.outcome",
                    ),
                ),
            ],
            options={
                "ordering": ["contract", "pk"],
            },
        ),
        migrations.CreateModel(
            name="ContractTerms",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("terms", models.JSONField(default=dict)),
                ("version", models.PositiveIntegerField(default=1)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "contract",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="payment_terms",
                        to="commissioning.contract",
                    ),
                ),
                (
                    "updated_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="FinancialPlan",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=200)),
                ("first_year", models.PositiveSmallIntegerField(help_text="2026 for 2026/27.")),
                ("years", models.PositiveSmallIntegerField(default=5)),
                (
                    "allocation",
                    models.DecimalField(
                        decimal_places=2,
                        help_text="First-year allocation in pounds.",
                        max_digits=16,
                    ),
                ),
                (
                    "allocation_growth",
                    models.DecimalField(
                        decimal_places=4,
                        default=0,
                        help_text="Yearly growth as a share: 0.03 for 3%.",
                        max_digits=7,
                    ),
                ),
                ("version", models.PositiveIntegerField(default=1)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "icb",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="commissioning.area",
                    ),
                ),
            ],
            options={
                "ordering": ["-first_year", "title"],
            },
        ),
        migrations.CreateModel(
            name="PaymentStatement",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "period",
                    models.CharField(help_text="For example 2026/27 or 2026-05.", max_length=40),
                ),
                ("payment_model", models.CharField(max_length=20)),
                ("terms", models.JSONField()),
                ("measured", models.JSONField()),
                ("lines", models.JSONField()),
                ("summary", models.TextField(blank=True, default="")),
                ("total", models.DecimalField(decimal_places=2, max_digits=16)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "contract",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="payment_statements",
                        to="commissioning.contract",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["contract", "-created_at"],
            },
        ),
        migrations.CreateModel(
            name="ProgrammeBudget",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "setting",
                    models.CharField(
                        choices=[
                            ("acute", "Acute"),
                            ("community", "Community"),
                            ("mental_health", "Mental health"),
                            ("primary_care", "Primary care"),
                            ("prevention", "Prevention"),
                            ("prescribing", "Prescribing"),
                            ("continuing_care", "Continuing care"),
                            ("other", "Other"),
                        ],
                        max_length=20,
                    ),
                ),
                ("cohort", models.CharField(blank=True, default="", max_length=100)),
                (
                    "budget",
                    models.DecimalField(
                        decimal_places=2, help_text="First-year budget in pounds.", max_digits=16
                    ),
                ),
                (
                    "growth",
                    models.DecimalField(
                        decimal_places=4, default=0, help_text="0.03 for 3% a year.", max_digits=7
                    ),
                ),
                ("version", models.PositiveIntegerField(default=1)),
                (
                    "plan",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="budgets",
                        to="payor.financialplan",
                    ),
                ),
            ],
            options={
                "ordering": ["plan", "setting", "cohort"],
            },
        ),
        migrations.CreateModel(
            name="ContractVariation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveIntegerField()),
                ("description", models.TextField()),
                ("effective_from", models.DateField()),
                ("before", models.JSONField(default=dict)),
                ("after", models.JSONField(default=dict)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "contract",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="variations",
                        to="commissioning.contract",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["contract", "number"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("contract", "number"), name="variation_number_unique"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="ContractYearValue",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("year", models.PositiveSmallIntegerField()),
                ("value", models.DecimalField(decimal_places=2, max_digits=16)),
                (
                    "contract",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="year_values",
                        to="commissioning.contract",
                    ),
                ),
            ],
            options={
                "ordering": ["contract", "year"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("contract", "year"), name="contract_year_unique"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("value__gte", 0)), name="contract_year_value_gte_0"
                    ),
                ],
            },
        ),
        migrations.AddConstraint(
            model_name="financialplan",
            constraint=models.CheckConstraint(
                condition=models.Q(("allocation__gte", 0)), name="plan_allocation_gte_0"
            ),
        ),
        migrations.AddConstraint(
            model_name="financialplan",
            constraint=models.CheckConstraint(
                condition=models.Q(("years__gte", 1), ("years__lte", 10)), name="plan_years_1_to_10"
            ),
        ),
        migrations.AddConstraint(
            model_name="paymentstatement",
            constraint=models.UniqueConstraint(
                fields=("contract", "period"), name="statement_unique_per_period"
            ),
        ),
        migrations.AddConstraint(
            model_name="programmebudget",
            constraint=models.UniqueConstraint(
                fields=("plan", "setting", "cohort"), name="budget_line_unique_per_plan"
            ),
        ),
        migrations.AddConstraint(
            model_name="programmebudget",
            constraint=models.CheckConstraint(
                condition=models.Q(("budget__gte", 0)), name="budget_gte_0"
            ),
        ),
    ]
