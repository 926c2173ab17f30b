"""Stage 3 selection: PSR decision records and committees (operations owned by selection)."""

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
            name="Committee",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=200)),
                ("purpose", models.TextField(blank=True, default="")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
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
                "ordering": ["name"],
            },
        ),
        migrations.CreateModel(
            name="CommitteeMeeting",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=200)),
                ("held_at", models.DateTimeField()),
                ("location", models.CharField(blank=True, default="", max_length=200)),
                (
                    "committee",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="meetings",
                        to="payor.committee",
                    ),
                ),
            ],
            options={
                "ordering": ["-held_at"],
            },
        ),
        migrations.CreateModel(
            name="CommitteeMember",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("role", models.CharField(default="Member", max_length=60)),
                ("voting", models.BooleanField(default=True)),
                (
                    "committee",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="members",
                        to="payor.committee",
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="commissioning.organisation",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="committee_memberships",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["committee", "organisation__name"],
            },
        ),
        migrations.CreateModel(
            name="CommitteePaper",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=200)),
                ("summary", models.TextField(blank=True, default="")),
                ("link", models.URLField(blank=True, default="")),
                (
                    "meeting",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="papers",
                        to="payor.committeemeeting",
                    ),
                ),
            ],
            options={
                "ordering": ["meeting", "title"],
            },
        ),
        migrations.CreateModel(
            name="DecisionItem",
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
                    "scenario_id",
                    models.PositiveIntegerField(
                        blank=True,
                        help_text="Id of a resource-shift scenario (scenarios part).",
                        null=True,
                    ),
                ),
                ("decision", models.TextField(blank=True, default="")),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                (
                    "contract",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="commissioning.contract",
                    ),
                ),
                (
                    "meeting",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="items",
                        to="payor.committeemeeting",
                    ),
                ),
            ],
            options={
                "ordering": ["meeting", "pk"],
            },
        ),
        migrations.CreateModel(
            name="CommitteeVote",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "choice",
                    models.CharField(
                        choices=[("for", "For"), ("against", "Against"), ("abstain", "Abstain")],
                        max_length=10,
                    ),
                ),
                ("recommendation", models.TextField(blank=True, default="")),
                ("cast_at", models.DateTimeField(auto_now_add=True)),
                (
                    "cast_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "member",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="payor.committeemember",
                    ),
                ),
                (
                    "item",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="votes",
                        to="payor.decisionitem",
                    ),
                ),
            ],
            options={
                "ordering": ["item", "cast_at"],
            },
        ),
        migrations.CreateModel(
            name="InterestDeclaration",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("interest", models.TextField()),
                ("how_managed", models.TextField(blank=True, default="")),
                ("declared_at", models.DateTimeField(auto_now_add=True)),
                (
                    "item",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="declarations",
                        to="payor.decisionitem",
                    ),
                ),
                (
                    "member",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="payor.committeemember",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="PsrDecision",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("reference", models.CharField(max_length=40)),
                ("title", models.CharField(max_length=200)),
                ("service", models.CharField(max_length=200)),
                (
                    "route",
                    models.CharField(
                        choices=[
                            ("direct_a", "Direct award process A"),
                            ("direct_b", "Direct award process B"),
                            ("direct_c", "Direct award process C"),
                            ("most_suitable", "Most suitable provider process"),
                            ("competitive", "Competitive process"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "estimated_value",
                    models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True),
                ),
                (
                    "decision_maker",
                    models.CharField(
                        help_text="The committee or job titles of those who decided.",
                        max_length=200,
                    ),
                ),
                ("decided_on", models.DateField()),
                ("conflicts_declared", models.TextField(blank=True, default="")),
                ("conflicts_managed", models.TextField(blank=True, default="")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("draft", "Decision recorded"),
                            ("notice_published", "Notice of intention published (standstill)"),
                            ("awarded", "Awarded"),
                            ("published", "Award published"),
                        ],
                        default="draft",
                        max_length=20,
                    ),
                ),
                ("notice_published_at", models.DateTimeField(blank=True, null=True)),
                ("standstill_ends_at", models.DateTimeField(blank=True, null=True)),
                ("awarded_at", models.DateTimeField(blank=True, null=True)),
                ("award_published_at", models.DateTimeField(blank=True, null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "contract",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="psr_decisions",
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
                (
                    "icb",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="psr_decisions",
                        to="commissioning.area",
                    ),
                ),
                (
                    "provider",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="psr_selections",
                        to="commissioning.organisation",
                    ),
                ),
            ],
            options={
                "ordering": ["-decided_on", "reference"],
            },
        ),
        migrations.CreateModel(
            name="PsrCriterion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "criterion",
                    models.CharField(
                        choices=[
                            ("quality", "Quality and innovation"),
                            ("value", "Value"),
                            (
                                "integration",
                                "Integration, collaboration and service sustainability",
                            ),
                            (
                                "access",
                                "Improving access, reducing health inequalities and facilitating choice",
                            ),
                            ("social_value", "Social value"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "assessment",
                    models.CharField(help_text="The finding, e.g. 'strong'.", max_length=200),
                ),
                ("rationale", models.TextField()),
                (
                    "decision",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="criteria",
                        to="payor.psrdecision",
                    ),
                ),
            ],
            options={
                "ordering": ["decision", "criterion"],
            },
        ),
        migrations.AddField(
            model_name="decisionitem",
            name="psr_decision",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="payor.psrdecision",
            ),
        ),
        migrations.CreateModel(
            name="PsrRepresentation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("made_by", models.CharField(max_length=200)),
                ("received_at", models.DateTimeField()),
                ("summary", models.TextField()),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("open", "Open (being considered)"),
                            ("continue", "Considered: award continues"),
                            ("upheld", "Upheld: decision to be revisited"),
                            ("withdrawn", "Withdrawn"),
                        ],
                        default="open",
                        max_length=20,
                    ),
                ),
                ("outcome", models.TextField(blank=True, default="")),
                ("resolved_at", models.DateTimeField(blank=True, null=True)),
                (
                    "decision",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="representations",
                        to="payor.psrdecision",
                    ),
                ),
            ],
            options={
                "ordering": ["received_at"],
            },
        ),
        migrations.AddConstraint(
            model_name="committee",
            constraint=models.UniqueConstraint(
                fields=("icb", "name"), name="committee_name_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="committeemember",
            constraint=models.UniqueConstraint(
                fields=("committee", "organisation", "user"), name="committee_member_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="committeevote",
            constraint=models.UniqueConstraint(
                fields=("item", "member"), name="vote_once_per_item"
            ),
        ),
        migrations.AddConstraint(
            model_name="interestdeclaration",
            constraint=models.UniqueConstraint(
                fields=("item", "member"), name="declaration_once_per_item"
            ),
        ),
        migrations.AddConstraint(
            model_name="psrdecision",
            constraint=models.UniqueConstraint(
                fields=("icb", "reference"), name="psr_reference_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="psrcriterion",
            constraint=models.UniqueConstraint(
                fields=("decision", "criterion"), name="psr_criterion_once_per_decision"
            ),
        ),
    ]
