"""API serializers of strategies, versions, approvals, shares and comments
(strategy.api.strategies).

Reads are explicit and read-only; requests are plain serializers whose data goes to the
actions, which validate again (the same rules as the pages).
"""

from __future__ import annotations

from rest_framework import serializers

from strategy.lifecycle import queries, rules
from strategy.models import Strategy, StrategyLevel, StrategyStatus

STATUS_HELP = f"One of {', '.join(StrategyStatus.values)}."


class StrategyAreaRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class StrategySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    vision = serializers.CharField(read_only=True)
    icb = StrategyAreaRefSerializer(read_only=True)
    level = serializers.CharField(
        read_only=True, help_text=f"One of {', '.join(StrategyLevel.values)}."
    )
    area = StrategyAreaRefSerializer(read_only=True)
    cycle = serializers.IntegerField(source="cycle_id", read_only=True)
    cycle_label = serializers.CharField(source="cycle.label", read_only=True)
    first_year = serializers.IntegerField(
        read_only=True, help_text="First financial year: 2026 means 2026/27."
    )
    horizon_years = serializers.IntegerField(read_only=True)
    years = serializers.SerializerMethodField(help_text='e.g. "2026/27 to 2030/31".')
    needs_assessment = serializers.IntegerField(
        source="needs_assessment_id", read_only=True, allow_null=True,
        help_text="The approved INA it builds on (/api/v1/needs-assessment/assessments/).",
    )  # fmt: skip
    status = serializers.CharField(read_only=True, help_text=STATUS_HELP)
    version = serializers.IntegerField(
        read_only=True,
        help_text="The version number of the current content (the next number for a draft "
        "changed since its last version).",
    )
    editable = serializers.SerializerMethodField(help_text="Whether you may change it now.")
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    def get_years(self, strategy: Strategy) -> str:
        return queries.years_label(strategy)

    def get_editable(self, strategy: Strategy) -> bool:
        return rules.can_edit(self.context["request"].user, strategy)


class StrategyCreateRequest(serializers.Serializer):
    cycle = serializers.IntegerField(help_text="Id of a commissioning cycle of your ICB.")
    area = serializers.IntegerField(
        required=False,
        help_text="Id of the area covered: the ICB (the default), a place, a neighbourhood, "
        "or the multi-ICB footprint. The level follows from it.",
    )
    title = serializers.CharField(max_length=200)
    vision = serializers.CharField(required=False, allow_blank=True, default="")
    first_year = serializers.IntegerField(help_text="2026 means 2026/27.")
    needs_assessment = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="Id of an approved INA."
    )


class StrategyUpdateRequest(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    vision = serializers.CharField(required=False, allow_blank=True)


class StrategyMoveRequest(serializers.Serializer):
    status = serializers.CharField(
        help_text="draft → consultation → approved → published; consultation → draft."
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)


class StrategyNoteRequest(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class StrategyVersionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    strategy = serializers.IntegerField(source="strategy_id", read_only=True)
    number = serializers.IntegerField(read_only=True)
    note = serializers.CharField(read_only=True)
    created_by = serializers.CharField(
        source="created_by.username", read_only=True, allow_null=True
    )
    created_at = serializers.DateTimeField(read_only=True)


class StrategyVersionContentSerializer(StrategyVersionSerializer):
    content = serializers.JSONField(
        read_only=True,
        help_text="The whole strategy frozen: strategy, criteria, panel, priorities (with "
        "findings), scores, ranking, outcomes (baselines, trajectories), interventions, "
        "pathways, engagement. Counts of people are controlled for providers and partners.",
    )


class StrategyApprovalSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    strategy = serializers.IntegerField(source="strategy_id", read_only=True)
    version = serializers.IntegerField(source="version.number", read_only=True)
    from_status = serializers.CharField(read_only=True, help_text=STATUS_HELP)
    to_status = serializers.CharField(read_only=True, help_text=STATUS_HELP)
    by = serializers.CharField(source="by.username", read_only=True)
    at = serializers.DateTimeField(read_only=True)
    note = serializers.CharField(read_only=True)


class StrategyShareSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    strategy = serializers.IntegerField(source="strategy_id", read_only=True)
    organisation = serializers.IntegerField(source="organisation_id", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    shared_by = serializers.CharField(source="shared_by.username", read_only=True, allow_null=True)
    shared_at = serializers.DateTimeField(read_only=True)


class StrategyShareRequest(serializers.Serializer):
    strategy = serializers.IntegerField()
    organisation = serializers.IntegerField(help_text="Id of a provider or partner organisation.")


class StrategyCommentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    strategy = serializers.IntegerField(source="strategy_id", read_only=True)
    version_number = serializers.IntegerField(read_only=True)
    organisation = serializers.IntegerField(
        source="organisation_id", read_only=True, allow_null=True
    )
    organisation_name = serializers.CharField(
        source="organisation.name", read_only=True, allow_null=True
    )
    author = serializers.CharField(source="author.username", read_only=True)
    priority = serializers.IntegerField(source="priority_id", read_only=True, allow_null=True)
    text = serializers.CharField(read_only=True)
    response = serializers.CharField(read_only=True, help_text="The ICB's response.")
    created_at = serializers.DateTimeField(read_only=True)


class StrategyCommentRequest(serializers.Serializer):
    strategy = serializers.IntegerField()
    text = serializers.CharField(max_length=5000)
    priority = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="Id of one of its priorities."
    )


class StrategyResponseRequest(serializers.Serializer):
    response = serializers.CharField(max_length=5000)


class StrategyChangeDetailSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()
    from_value = serializers.JSONField(source="from", allow_null=True)
    to_value = serializers.JSONField(source="to", allow_null=True)


class StrategyChangeSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="added, removed, renamed or changed.")
    label = serializers.CharField()
    renamed_from = serializers.CharField(source="from", required=False)
    details = StrategyChangeDetailSerializer(many=True)


class StrategyChangeSectionSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    items = StrategyChangeSerializer(many=True)


class StrategyRankingChangeSerializer(serializers.Serializer):
    priority = serializers.IntegerField()
    title = serializers.CharField()
    from_rank = serializers.IntegerField(allow_null=True)
    to_rank = serializers.IntegerField(allow_null=True)
    from_total = serializers.FloatField(allow_null=True)
    to_total = serializers.FloatField(allow_null=True)
    moved = serializers.CharField(help_text="up, down, same, new, dropped or unscored.")


class StrategyComparisonSerializer(serializers.Serializer):
    from_version = serializers.IntegerField()
    to_version = serializers.IntegerField()
    has_changes = serializers.BooleanField()
    sections = StrategyChangeSectionSerializer(many=True)
    ranking = StrategyRankingChangeSerializer(many=True)
    ranking_changed = serializers.BooleanField()
    scores_changed = serializers.IntegerField()
