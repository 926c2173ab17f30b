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
            name="CycleClosure",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("next_created", models.BooleanField(default=False)),
                ("closed_at", models.DateTimeField(auto_now_add=True)),
                (
                    "carried",
                    models.JSONField(
                        blank=True,
                        default=dict,
                        help_text="What was carried forward: {approved, carried_drafts, withdrawn_drafts, strategies} as lists of ids.",
                    ),
                ),
                (
                    "closed_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "cycle",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="closure",
                        to="commissioning.commissioningcycle",
                    ),
                ),
                (
                    "next_cycle",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="commissioning.commissioningcycle",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="LoopFindingDetail",
            fields=[
                (
                    "finding",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="loop_detail",
                        serialize=False,
                        to="commissioning.finding",
                    ),
                ),
                ("evidence", models.TextField(blank=True, default="")),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("withdrawn_at", models.DateTimeField(blank=True, null=True)),
                ("withdrawn_reason", models.TextField(blank=True, default="")),
                (
                    "carried_from",
                    models.ForeignKey(
                        blank=True,
                        help_text="The cycle this draft was carried forward from when that cycle closed.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="commissioning.commissioningcycle",
                    ),
                ),
                (
                    "contracts",
                    models.ManyToManyField(
                        blank=True, related_name="+", to="commissioning.contract"
                    ),
                ),
                (
                    "interventions",
                    models.ManyToManyField(
                        blank=True, related_name="+", to="strategy.intervention"
                    ),
                ),
                (
                    "outcomes",
                    models.ManyToManyField(blank=True, related_name="+", to="strategy.outcome"),
                ),
                (
                    "priorities",
                    models.ManyToManyField(blank=True, related_name="+", to="strategy.priority"),
                ),
                (
                    "withdrawn_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="LoopEvidenceLink",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("label", models.CharField(max_length=200)),
                ("url", models.CharField(max_length=500)),
                (
                    "detail",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="links",
                        to="evaluation.loopfindingdetail",
                    ),
                ),
            ],
            options={
                "ordering": ["detail", "pk"],
            },
        ),
    ]
