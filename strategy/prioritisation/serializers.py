"""API shapes of priorities, criteria, the panel, scores and the ranking. Requests are
plain serializers whose values go to the actions, which do the real checking."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from commissioning import access
from commissioning.disclosure import controlled_count
from strategy.models import Criterion, PanelMember, Priority, Score
from strategy.models.prioritisation import PanelMemberKind
from strategy.prioritisation import analysis

METHOD = {
    "scores": "Each panel member scores each priority 1-5 on each criterion, with a rationale.",
    "missing_scores": (
        "The score used for a priority on a criterion is the mean of the scores given; a "
        "member who has not scored it is left out, not counted as zero. A criterion nobody "
        "has scored for a priority is left out of its total and the other criteria's weights "
        "fill its place; completeness = scores given / (members x criteria)."
    ),
    "scale": "Mean scores become points: (mean - 1) / 4 x 100, so 1 -> 0 and 5 -> 100.",
    "total": "Weighted total = sum(weight x points) / sum(weight), 0-100; weights are relative.",
    "ties": (
        "Ranked by total, highest first; totals equal to 9 decimal places share a rank "
        "(1, 2, 2, 4) and keep the order the priorities were raised in `position`."
    ),
    "sensitivity": (
        "In each seeded random draw every weight is multiplied by its own factor uniform "
        "on [1 - variation, 1 + variation]; top_share is the share of draws in which the "
        "priority's rank is top_n or better."
    ),
}


def _ref(obj, *fields) -> dict | None:
    return None if obj is None else {name: getattr(obj, name) for name in ("id", *fields)}


class PrioritySerializer(serializers.ModelSerializer):
    findings = serializers.SerializerMethodField()
    segment = serializers.SerializerMethodField()
    area = serializers.SerializerMethodField()
    cohort_size = serializers.SerializerMethodField(
        help_text="People in the cohort from the needs profile; disclosure-controlled for "
        'providers and partners (1-7 as "*", otherwise rounded to the nearest 5).'
    )

    class Meta:
        model = Priority
        fields = [
            "id",
            "strategy",
            "title",
            "description",
            "findings",
            "segment",
            "area",
            "group",
            "cohort_size",
            "created_at",
        ]

    def get_findings(self, priority) -> list[dict]:
        rows = []
        for finding in priority.findings.all():
            link = getattr(finding, "ina_link", None)
            rows.append(
                {
                    "id": finding.pk,
                    "title": finding.title,
                    "assessment": link.assessment_id if link else None,
                    "section": link.section if link else None,
                }
            )
        return rows

    def get_segment(self, priority) -> dict | None:
        return _ref(priority.segment, "code", "name")

    def get_area(self, priority) -> dict | None:
        return _ref(priority.area, "code", "name", "level")

    @extend_schema_field(
        {"oneOf": [{"type": "integer"}, {"type": "string", "enum": ["*"]}], "nullable": True}
    )
    def get_cohort_size(self, priority):
        user = self.context["request"].user
        if priority.cohort_size is None or not access.needs_disclosure_control(user):
            return priority.cohort_size
        return controlled_count(priority.cohort_size)


class PriorityRequest(serializers.Serializer):
    strategy = serializers.IntegerField(required=False, help_text="Required when raising.")
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    findings = serializers.ListField(
        child=serializers.IntegerField(), help_text="Ids of approved INA findings (core ids)."
    )
    segment = serializers.IntegerField(required=False, allow_null=True, default=None)
    area = serializers.IntegerField(required=False, allow_null=True, default=None)
    group = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)


class PriorityPatch(PriorityRequest):
    title = serializers.CharField(max_length=200, required=False)
    findings = serializers.ListField(child=serializers.IntegerField(), required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    segment = serializers.IntegerField(required=False, allow_null=True)
    area = serializers.IntegerField(required=False, allow_null=True)
    group = serializers.CharField(required=False, allow_blank=True, max_length=100)


class CriterionSerializer(serializers.ModelSerializer):
    weight = serializers.DecimalField(max_digits=6, decimal_places=3, coerce_to_string=True)

    class Meta:
        model = Criterion
        fields = ["id", "strategy", "code", "name", "description", "weight", "order"]


class CriterionRequest(serializers.Serializer):
    strategy = serializers.IntegerField()
    code = serializers.CharField(max_length=40)
    name = serializers.CharField(max_length=100)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    weight = serializers.CharField(help_text="0 to 999.999, at most 3 decimal places.")


class WeightsRequest(serializers.Serializer):
    strategy = serializers.IntegerField()
    weights = serializers.DictField(
        child=serializers.CharField(),
        help_text='Criterion code -> weight, e.g. {"scale_of_need": "2", "feasibility": "0.5"}.',
    )


KIND_HELP = "What the member represents: " + ", ".join(PanelMemberKind.values) + "."


class PanelMemberSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(help_text=KIND_HELP)
    organisation = serializers.SerializerMethodField()
    has_account = serializers.SerializerMethodField()
    is_you = serializers.SerializerMethodField()
    scores_given = serializers.SerializerMethodField()

    class Meta:
        model = PanelMember
        fields = [
            "id",
            "strategy",
            "name",
            "kind",
            "organisation",
            "has_account",
            "is_you",
            "scores_given",
        ]

    def get_organisation(self, member) -> dict | None:
        return _ref(member.organisation, "ods_code", "name")

    def get_has_account(self, member) -> bool:
        return member.user_id is not None

    def get_is_you(self, member) -> bool:
        return member.user_id is not None and member.user_id == self.context["request"].user.pk

    def get_scores_given(self, member) -> int:
        return getattr(member, "scores_given", None) or member.scores.count()


class PanelMemberRequest(serializers.Serializer):
    strategy = serializers.IntegerField()
    name = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    kind = serializers.CharField(help_text=KIND_HELP)
    user = serializers.IntegerField(required=False, allow_null=True, default=None)
    organisation = serializers.IntegerField(required=False, allow_null=True, default=None)


class ScoreSerializer(serializers.ModelSerializer):
    criterion = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Score
        fields = ["id", "member", "priority", "criterion", "score", "rationale", "updated_at"]


class ScoreRequest(serializers.Serializer):
    member = serializers.IntegerField()
    priority = serializers.IntegerField()
    criterion = serializers.CharField(help_text="The criterion's code.")
    score = serializers.IntegerField(
        help_text=f"{analysis.SCORE_MIN} to {analysis.SCORE_MAX}; the range is checked by "
        "the action, which says what is wrong."
    )
    rationale = serializers.CharField(allow_blank=True)


def ranking_data(result) -> dict:
    """The ranking (queries.Ranking) as the API answers it: combined figures only."""
    total_weight = float(result.total_weight) if result.criteria else 0.0
    settings = result.settings
    return {
        "strategy": result.strategy.pk,
        "method": METHOD,
        "settings": {
            "top_n": settings.top_n,
            "variation": settings.variation,
            "draws": settings.draws,
            "seed": settings.seed,
        },
        "problem": result.problem,
        "members": result.members,
        "scores_given": result.scores_given,
        "scores_expected": result.scores_expected,
        "criteria": [
            {
                "code": c.code,
                "name": c.name,
                "weight": str(c.weight),
                "weight_share": float(c.weight) / total_weight if total_weight else None,
            }
            for c in result.criteria
        ],
        "priorities": [
            {
                "id": row.priority.pk,
                "title": row.priority.title,
                "rank": row.rank,
                "position": row.position,
                "tied": row.tied,
                "total": row.total,
                "scores_given": row.scores_given,
                "scores_expected": row.scores_expected,
                "completeness": row.completeness,
                "means": {c.code: value for c, value in row.means},
                "contributions": {c.code: value for c, value in row.contributions},
                "sensitivity": {
                    "top_share": row.top_share,
                    "best_rank": row.best_rank,
                    "worst_rank": row.worst_rank,
                },
            }
            for row in result.rows
        ],
    }
