from decimal import Decimal

import django.core.validators
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
            name="ResourceShiftScenario",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=200)),
                ("description", models.TextField(blank=True, default="")),
                (
                    "base_spend",
                    models.JSONField(default=dict, help_text="Base-year spend by setting (£)."),
                ),
                (
                    "emergency_spend",
                    models.DecimalField(
                        decimal_places=2,
                        help_text="Base-year acute emergency spend (£).",
                        max_digits=14,
                    ),
                ),
                (
                    "emergency_admissions",
                    models.PositiveIntegerField(
                        help_text="Base-year emergency admissions paid for by that spend."
                    ),
                ),
                (
                    "shift_share",
                    models.DecimalField(
                        decimal_places=4,
                        help_text="Share of acute emergency spend to move (0.05 = 5%).",
                        max_digits=6,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0")),
                            django.core.validators.MaxValueValidator(Decimal("1")),
                        ],
                    ),
                ),
                (
                    "years",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(10),
                        ]
                    ),
                ),
                (
                    "profile",
                    models.CharField(
                        choices=[
                            ("linear", "Linear"),
                            ("front_loaded", "Front-loaded"),
                            ("back_loaded", "Back-loaded"),
                            ("step", "Step"),
                        ],
                        default="linear",
                        max_length=20,
                    ),
                ),
                ("step_year", models.PositiveSmallIntegerField(blank=True, null=True)),
                (
                    "community_share",
                    models.DecimalField(
                        decimal_places=4,
                        default=Decimal("1"),
                        help_text="Share of moved money to community; the rest to prevention.",
                        max_digits=6,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0")),
                            django.core.validators.MaxValueValidator(Decimal("1")),
                        ],
                    ),
                ),
                (
                    "double_running_share",
                    models.DecimalField(
                        decimal_places=4,
                        default=Decimal("0"),
                        help_text="Share of moved money paid twice while services overlap.",
                        max_digits=6,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0")),
                            django.core.validators.MaxValueValidator(Decimal("1")),
                        ],
                    ),
                ),
                ("double_running_years", models.PositiveSmallIntegerField(default=0)),
                (
                    "effect_mean",
                    models.FloatField(help_text="Mean share of targeted admissions avoided."),
                ),
                ("effect_sd", models.FloatField(default=0.0)),
                ("draws", models.PositiveIntegerField(default=1000)),
                ("seed", models.PositiveIntegerField(default=1)),
                (
                    "threshold",
                    models.DecimalField(
                        decimal_places=4,
                        default=Decimal("0.02"),
                        help_text="Flag a provider whose ICB income moves more than this.",
                        max_digits=6,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0")),
                            django.core.validators.MaxValueValidator(Decimal("1")),
                        ],
                    ),
                ),
                ("allocation", models.JSONField(blank=True, default=list)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("draft", "Not yet computed"),
                            ("queued", "Being computed"),
                            ("computed", "Computed"),
                            ("failed", "Failed"),
                        ],
                        default="draft",
                        max_length=10,
                    ),
                ),
                ("result", models.JSONField(blank=True, default=dict)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
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
                    "cycle",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="resource_shift_scenarios",
                        to="commissioning.commissioningcycle",
                    ),
                ),
                (
                    "icb",
                    models.ForeignKey(
                        limit_choices_to={"level": "icb"},
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="resource_shift_scenarios",
                        to="commissioning.area",
                    ),
                ),
                (
                    "intervention",
                    models.ForeignKey(
                        blank=True,
                        help_text="Where the effect was taken from, if from the strategy.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="strategy.intervention",
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
                (
                    "shared_with",
                    models.ManyToManyField(
                        blank=True,
                        related_name="shared_resource_shift_scenarios",
                        to="commissioning.organisation",
                    ),
                ),
            ],
            options={
                "ordering": ["-updated_at", "name"],
            },
        ),
    ]
