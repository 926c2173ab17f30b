"""The plans part: evaluation plans of interventions, their results, the ICB's approach."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("commissioning", "0003_reference_data"),
        ("strategy", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="EvaluationApproach",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("statement", models.TextField()),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "icb",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="evaluation_approach",
                        to="commissioning.area",
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
            name="EvaluationPlan",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("question", models.TextField()),
                ("inputs", models.TextField(blank=True, default="")),
                ("activities", models.TextField(blank=True, default="")),
                ("outputs", models.TextField(blank=True, default="")),
                ("outcomes", models.TextField(blank=True, default="")),
                ("other_measures", models.TextField(blank=True, default="")),
                (
                    "comparison",
                    models.TextField(
                        blank=True, default="", help_text="Areas or cohorts, and why."
                    ),
                ),
                (
                    "method",
                    models.CharField(
                        choices=[
                            ("its", "Interrupted time series"),
                            ("did", "Difference-in-differences"),
                        ],
                        max_length=5,
                    ),
                ),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("series", "Indicator series (monthly or quarterly values)"),
                            ("snapshots", "Population snapshots (prevalence, before and after)"),
                        ],
                        default="series",
                        max_length=10,
                    ),
                ),
                (
                    "condition",
                    models.CharField(
                        blank=True,
                        default="",
                        help_text="Snapshots: the person_record flag.",
                        max_length=40,
                    ),
                ),
                ("seasonality", models.BooleanField(default=False)),
                ("intervention_date", models.DateField()),
                ("start_date", models.DateField()),
                ("end_date", models.DateField()),
                ("report_due", models.DateField()),
                ("owner", models.CharField(max_length=200)),
                (
                    "status",
                    models.CharField(
                        choices=[("draft", "Draft"), ("approved", "Approved")],
                        default="draft",
                        max_length=10,
                    ),
                ),
                ("approved_at", models.DateTimeField(blank=True, null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "approved_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "area",
                    models.ForeignKey(
                        help_text="Where the intervention runs: the series evaluated.",
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="commissioning.area",
                    ),
                ),
                (
                    "comparison_areas",
                    models.ManyToManyField(blank=True, related_name="+", to="commissioning.area"),
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
                (
                    "indicator",
                    models.ForeignKey(
                        help_text="The primary measure (usually the outcome's indicator).",
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="commissioning.indicator",
                    ),
                ),
                (
                    "intervention",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="evaluation_plan",
                        to="strategy.intervention",
                    ),
                ),
            ],
            options={
                "ordering": ["intervention"],
            },
        ),
        migrations.CreateModel(
            name="EvaluationResult",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("method", models.CharField(max_length=15)),
                ("effect", models.FloatField()),
                ("standard_error", models.FloatField()),
                ("lower", models.FloatField()),
                ("upper", models.FloatField()),
                ("p_value", models.FloatField()),
                (
                    "mde",
                    models.FloatField(
                        help_text="Minimum detectable effect (80% power, 5% two-sided)."
                    ),
                ),
                ("pre_points", models.PositiveIntegerField()),
                ("post_points", models.PositiveIntegerField()),
                ("unit", models.CharField(blank=True, default="", max_length=80)),
                ("summary", models.TextField()),
                ("details", models.JSONField(blank=True, default=dict)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "plan",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="results",
                        to="evaluation.evaluationplan",
                    ),
                ),
                (
                    "run",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="commissioning.run",
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-pk"],
            },
        ),
        migrations.AddConstraint(
            model_name="evaluationplan",
            constraint=models.CheckConstraint(
                condition=models.Q(("start_date__lte", models.F("end_date"))),
                name="evaluation_plan_dates",
            ),
        ),
    ]
