"""API representations of outcomes (with their trajectory and plan check as computed
data), interventions, care pathways and their stages, and engagement activities, and
the request bodies that the API's writes take. Counts of people and baselines are
disclosure-controlled for providers and partners (`disclosure_control` in the context)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from commissioning.api.fields import ControlledCountField, ControlledFigureField
from strategy.delivery import presenters, queries
from strategy.delivery.codesign import PARTICIPANT_GROUPS
from strategy.delivery.measures import EQUITY_MEASURES
from strategy.delivery.trajectory import financial_year_label
from strategy.models import (
    CarePathway,
    EngagementActivity,
    EvidenceStrength,
    Intervention,
    OutcomeDomain,
    PathwayStage,
    TrajectoryProfile,
)
from strategy.models.interventions import PathwayStageKind

SOURCE_KEYS = ["profile", "needs_assessment", "measure", "breakdown", "category", "unit", "method"]


class BaselineSerializer(serializers.Serializer):
    frozen = serializers.BooleanField()
    value = ControlledFigureField()
    lower95 = ControlledFigureField()
    upper95 = ControlledFigureField()
    period_start = serializers.DateField(allow_null=True)
    period_end = serializers.DateField(allow_null=True)
    frozen_at = serializers.DateTimeField(allow_null=True)
    source = serializers.DictField(
        help_text="The needs profile figure it was frozen from: profile, needs_assessment, "
        "measure, breakdown, category, unit, method."
    )
    population = ControlledCountField(help_text="The people the baseline is about.")


class TrajectoryPointSerializer(serializers.Serializer):
    plan_year = serializers.IntegerField(help_text="0 is the baseline.")
    financial_year = serializers.CharField(
        help_text="e.g. 2026/27; for plan year 0, the baseline's own period (e.g. 2024/25)."
    )
    share = serializers.FloatField(help_text="Cumulative share of the change made.")
    value = serializers.FloatField()


class CheckYearSerializer(serializers.Serializer):
    plan_year = serializers.IntegerField()
    financial_year = serializers.CharField()
    trajectory = serializers.FloatField()
    expected = serializers.FloatField(help_text="Expected value with the interventions.")
    required_change = serializers.FloatField()
    expected_change = serializers.FloatField()
    overlap = serializers.FloatField(
        help_text="Expected change minus the sum of the standalone changes."
    )
    shortfall = serializers.FloatField(
        help_text="In the outcome's unit: positive when short of the trajectory."
    )
    shortfall_share = serializers.FloatField(
        allow_null=True, help_text="The shortfall as a share of the change needed."
    )
    on_track = serializers.BooleanField()


class PlanCheckSerializer(serializers.Serializer):
    adds_up = serializers.BooleanField(allow_null=True)
    summary = serializers.CharField()
    years = CheckYearSerializer(many=True)


def _plan(serializer, outcome) -> queries.OutcomePlan:
    """The outcome's plan, computed once per response for the requesting user."""
    cache = serializer.context.setdefault("plans", {})
    if outcome.pk not in cache:
        cache[outcome.pk] = queries.plan_for(serializer.context["request"].user, outcome)
    return cache[outcome.pk]


def _number(value):
    return None if value is None or value != value else float(value)


class OutcomeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    strategy = serializers.IntegerField(source="priority.strategy_id")
    priority = serializers.IntegerField(source="priority_id")
    indicator = serializers.CharField(source="indicator.code")
    indicator_name = serializers.CharField(source="indicator.name")
    unit = serializers.SerializerMethodField()
    domain = serializers.ChoiceField(choices=OutcomeDomain.choices)
    equity_measure = serializers.CharField()
    area = serializers.IntegerField(source="area_id")
    area_name = serializers.CharField(source="area.name")
    baseline = serializers.SerializerMethodField()
    target_value = serializers.FloatField()
    profile = serializers.ChoiceField(choices=TrajectoryProfile.choices)
    step_year = serializers.IntegerField(allow_null=True)
    owner = serializers.CharField()
    trajectory = serializers.SerializerMethodField()
    plan_check = serializers.SerializerMethodField()

    def get_unit(self, outcome) -> str:
        return _plan(self, outcome).unit

    @extend_schema_field(BaselineSerializer)
    def get_baseline(self, outcome) -> dict:
        plan = _plan(self, outcome)
        b = plan.baseline
        return BaselineSerializer(
            {
                "frozen": b.frozen,
                "value": b.value,
                "lower95": b.lower,
                "upper95": b.upper,
                "period_start": b.period_start,
                "period_end": b.period_end,
                "frozen_at": outcome.baseline_frozen_at,
                "source": {k: b.source[k] for k in SOURCE_KEYS if k in b.source},
                "population": b.source.get("population"),
            },
            context=self.context,
        ).data

    @extend_schema_field(TrajectoryPointSerializer(many=True, allow_null=True))
    def get_trajectory(self, outcome) -> list | None:
        plan = _plan(self, outcome)
        if plan.trajectory is None:
            return None
        return [
            {
                "plan_year": int(row.plan_year),
                "financial_year": presenters.baseline_year(plan)
                if row.plan_year == 0
                else financial_year_label(row.financial_year),
                "share": float(row.share),
                "value": float(row.value),
            }
            for row in plan.trajectory.itertuples(index=False)
        ]

    @extend_schema_field(PlanCheckSerializer(allow_null=True))
    def get_plan_check(self, outcome) -> dict | None:
        plan = _plan(self, outcome)
        if plan.check is None:
            return None
        years = []
        for row in plan.check.to_dict("records"):
            row["financial_year"] = financial_year_label(row["financial_year"])
            for key in ("shortfall_share",):
                row[key] = _number(row[key])
            row["on_track"] = bool(row["on_track"])
            row.pop("standalone_change", None)
            years.append(row)
        return {
            "adds_up": plan.verdict["adds_up"],
            "summary": queries.verdict_text(plan),
            "years": years,
        }


class OutcomeRequest(serializers.Serializer):
    priority = serializers.IntegerField(help_text="Id of one of the strategy's priorities.")
    indicator = serializers.CharField(help_text="Indicator library code, e.g. EMADM_DSR.")
    domain = serializers.ChoiceField(choices=OutcomeDomain.choices)
    equity_measure = serializers.ChoiceField(
        choices=[("", "None"), *EQUITY_MEASURES.items()], required=False, default=""
    )
    area = serializers.IntegerField(help_text="Id of the ICB, a place or a neighbourhood.")
    target_value = serializers.FloatField(help_text="The year-5 target.")
    profile = serializers.ChoiceField(choices=TrajectoryProfile.choices)
    step_year = serializers.IntegerField(required=False, allow_null=True, default=None)
    owner = serializers.CharField(max_length=200)


class OutcomeUpdateRequest(serializers.Serializer):
    target_value = serializers.FloatField()
    profile = serializers.ChoiceField(choices=TrajectoryProfile.choices)
    step_year = serializers.IntegerField(required=False, allow_null=True)
    owner = serializers.CharField(max_length=200)


class BaselineRequest(serializers.Serializer):
    aggregate = serializers.IntegerField(
        help_text="Id of the needs profile figure to freeze (see the needs assessment API)."
    )


class InterventionSerializer(serializers.ModelSerializer):
    strategy = serializers.IntegerField(source="priority.strategy_id", read_only=True)
    cohort_size = ControlledCountField(help_text="People reached.")
    cost_per_year = serializers.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        model = Intervention
        fields = [
            "id", "strategy", "priority", "name", "description", "outcome", "segment", "area",
            "cohort_size", "evidence_source", "evidence_strength", "expected_effect",
            "cost_per_year", "start_year",
        ]  # fmt: skip
        read_only_fields = fields


class InterventionRequest(serializers.Serializer):
    priority = serializers.IntegerField()
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    outcome = serializers.IntegerField(required=False, allow_null=True, default=None)
    segment = serializers.IntegerField(required=False, allow_null=True, default=None)
    area = serializers.IntegerField(required=False, allow_null=True, default=None)
    cohort_size = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="People reached; null takes it from the needs profile (segment or area).",
    )
    evidence_source = serializers.CharField(required=False, allow_blank=True, default="")
    evidence_strength = serializers.ChoiceField(choices=EvidenceStrength.choices)
    expected_effect = serializers.FloatField(
        help_text="Relative change, -1 to 1: -0.15 = 15% less."
    )
    cost_per_year = serializers.DecimalField(max_digits=14, decimal_places=2)
    start_year = serializers.IntegerField(help_text="Plan year it starts in (1 = first).")


@extend_schema_field(
    {
        "type": "string",
        "pattern": f"^({'|'.join(PathwayStageKind.values)})$",
        "description": "One of prevention, early_intervention, management, crisis, end_of_life.",
    }
)
class StageField(serializers.ChoiceField):
    """A pathway stage. Described by a pattern rather than an enum: an enum named `stage`
    would collide in the schema with the core Finding's `stage`."""

    def __init__(self, **kwargs):
        super().__init__(choices=PathwayStageKind.choices, **kwargs)


class PathwayStageSerializer(serializers.ModelSerializer):
    strategy = serializers.IntegerField(source="pathway.strategy_id", read_only=True)
    stage = StageField(read_only=True)

    class Meta:
        model = PathwayStage
        fields = ["id", "strategy", "pathway", "stage", "description", "providers"]
        read_only_fields = fields


class PathwaySerializer(serializers.ModelSerializer):
    stages = PathwayStageSerializer(many=True, read_only=True)

    class Meta:
        model = CarePathway
        fields = ["id", "strategy", "priority", "name", "segment", "description", "stages"]
        read_only_fields = fields


class PathwayRequest(serializers.Serializer):
    strategy = serializers.IntegerField(required=False, help_text="Needed to add a pathway.")
    name = serializers.CharField(max_length=200)
    priority = serializers.IntegerField(required=False, allow_null=True, default=None)
    segment = serializers.IntegerField(required=False, allow_null=True, default=None)
    description = serializers.CharField(required=False, allow_blank=True, default="")


class PathwayStageRequest(serializers.Serializer):
    pathway = serializers.IntegerField()
    stage = StageField()
    description = serializers.CharField(required=False, allow_blank=True, default="")
    providers = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list,
        help_text="Organisation ids.",
    )  # fmt: skip


class EngagementSerializer(serializers.ModelSerializer):
    participants = ControlledCountField(help_text="How many people took part.")
    participant_groups = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = EngagementActivity
        fields = [
            "id", "strategy", "title", "date", "method", "participant_groups", "participants",
            "what_they_said", "what_changed", "priorities",
        ]  # fmt: skip
        read_only_fields = fields


class EngagementRequest(serializers.Serializer):
    strategy = serializers.IntegerField(required=False, help_text="Needed to add an activity.")
    title = serializers.CharField(max_length=200)
    date = serializers.DateField()
    method = serializers.CharField(max_length=60)
    participant_groups = serializers.ListField(
        child=serializers.ChoiceField(choices=PARTICIPANT_GROUPS)
    )
    participants = serializers.IntegerField(required=False, default=0, min_value=0)
    what_they_said = serializers.CharField()
    what_changed = serializers.CharField(required=False, allow_blank=True, default="")
    priorities = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list
    )
