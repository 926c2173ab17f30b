"""The feedback part: surveys, anonymous responses, themes and codings."""

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
            name="FeedbackSurvey",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=200)),
                ("description", models.TextField(blank=True, default="")),
                (
                    "audience",
                    models.CharField(
                        choices=[
                            ("staff", "Staff"),
                            ("community", "Communities"),
                            ("service_users", "People using services"),
                        ],
                        max_length=20,
                    ),
                ),
                ("questions", models.JSONField(default=list)),
                ("is_open", models.BooleanField(default=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
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
                        limit_choices_to={"level": "icb"},
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="feedback_surveys",
                        to="commissioning.area",
                    ),
                ),
                (
                    "interventions",
                    models.ManyToManyField(
                        blank=True, related_name="feedback_surveys", to="strategy.intervention"
                    ),
                ),
                (
                    "outcomes",
                    models.ManyToManyField(
                        blank=True, related_name="feedback_surveys", to="strategy.outcome"
                    ),
                ),
                (
                    "provider",
                    models.ForeignKey(
                        blank=True,
                        help_text="A provider or partner organisation asked to collect responses.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="feedback_surveys",
                        to="commissioning.organisation",
                    ),
                ),
            ],
            options={
                "ordering": ["icb", "-created_at"],
            },
        ),
        migrations.CreateModel(
            name="FeedbackResponse",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "respondent_kind",
                    models.CharField(
                        choices=[
                            ("staff", "Member of staff"),
                            ("community", "Member of the community"),
                            ("service_user", "Person using services"),
                            ("carer", "Carer or family member"),
                            ("other", "Other or not said"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "age_band",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("0-17", "Under 18"),
                            ("18-34", "18 to 34"),
                            ("35-54", "35 to 54"),
                            ("55-74", "55 to 74"),
                            ("75+", "75 and over"),
                        ],
                        default="",
                        max_length=10,
                    ),
                ),
                ("answers", models.JSONField(default=dict)),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("form", "Online form in the app"),
                            ("paper", "Paper response entered by ICB staff"),
                            ("csv", "Imported from a survey tool (CSV)"),
                        ],
                        max_length=10,
                    ),
                ),
                ("submitted_at", models.DateTimeField()),
                (
                    "area",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="commissioning.area",
                    ),
                ),
                (
                    "submitted_by_organisation",
                    models.ForeignKey(
                        blank=True,
                        help_text="The organisation whose user entered the response (not the respondent).",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="commissioning.organisation",
                    ),
                ),
                (
                    "survey",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="responses",
                        to="evaluation.feedbacksurvey",
                    ),
                ),
            ],
            options={
                "ordering": ["survey", "submitted_at", "pk"],
            },
        ),
        migrations.CreateModel(
            name="Theme",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=120)),
                ("description", models.TextField(blank=True, default="")),
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
                        limit_choices_to={"level": "icb"},
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="feedback_themes",
                        to="commissioning.area",
                    ),
                ),
                (
                    "survey",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="themes",
                        to="evaluation.feedbacksurvey",
                    ),
                ),
            ],
            options={
                "ordering": ["name"],
            },
        ),
        migrations.CreateModel(
            name="Coding",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("question_key", models.CharField(max_length=20)),
                ("coded_at", models.DateTimeField(auto_now_add=True)),
                (
                    "coded_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "response",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="codings",
                        to="evaluation.feedbackresponse",
                    ),
                ),
                (
                    "theme",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="codings",
                        to="evaluation.theme",
                    ),
                ),
            ],
            options={
                "ordering": ["response", "question_key", "theme"],
            },
        ),
        migrations.AddIndex(
            model_name="feedbackresponse",
            index=models.Index(
                fields=["survey", "respondent_kind"], name="evaluation__survey__194dc9_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="theme",
            constraint=models.UniqueConstraint(
                fields=("icb", "survey", "name"), name="feedback_theme_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="coding",
            constraint=models.UniqueConstraint(
                fields=("response", "question_key", "theme"), name="feedback_coding_unique"
            ),
        ),
    ]
