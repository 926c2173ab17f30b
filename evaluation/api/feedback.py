"""The feedback part in the stage 4 API, under /api/v1/evaluation/: feedback-surveys
(with /summary/ and /themes/), feedback-responses, feedback-themes and feedback-codings.

Reads pass through commissioning.access: ICB staff see their ICB's data exactly; a
provider or partner sees the surveys addressed to it, disclosure-controlled summaries,
and only the responses its own organisation submitted; codings are ICB staff's only.
Writes are thin doors onto evaluation.feedback.actions and .coding.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from commissioning import access
from commissioning.models import Area, Organisation
from evaluation.feedback import actions, coding, queries
from evaluation.models import Coding, FeedbackResponse, FeedbackSurvey, Theme
from strategy.models import Intervention, Outcome


def _drf(error: DjangoValidationError) -> ValidationError:
    if hasattr(error, "error_dict"):
        return ValidationError(error.message_dict)
    return ValidationError({"non_field_errors": error.messages})


def _call(function, **kwargs):
    try:
        return function(**kwargs)
    except DjangoValidationError as error:
        raise _drf(error) from error
    except DjangoPermissionDenied as error:
        raise PermissionDenied(str(error)) from error


class QuestionSerializer(serializers.Serializer):
    key = serializers.CharField(read_only=True)
    kind = serializers.ChoiceField(choices=["likert", "text"])
    text = serializers.CharField(max_length=300)


class SurveySerializer(serializers.ModelSerializer):
    questions = QuestionSerializer(many=True)
    provider = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), allow_null=True, required=False
    )
    interventions = serializers.PrimaryKeyRelatedField(
        queryset=Intervention.objects.all(), many=True, required=False
    )
    outcomes = serializers.PrimaryKeyRelatedField(
        queryset=Outcome.objects.all(), many=True, required=False
    )

    class Meta:
        model = FeedbackSurvey
        fields = [
            "id",
            "title",
            "description",
            "audience",
            "questions",
            "provider",
            "interventions",
            "outcomes",
            "is_open",
            "created_at",
        ]
        read_only_fields = ["is_open", "created_at"]


class ResponseSerializer(serializers.ModelSerializer):
    survey = serializers.PrimaryKeyRelatedField(queryset=FeedbackSurvey.objects.all())
    area = serializers.PrimaryKeyRelatedField(
        queryset=Area.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = FeedbackResponse
        fields = [
            "id",
            "survey",
            "respondent_kind",
            "area",
            "age_band",
            "answers",
            "source",
            "submitted_at",
        ]
        read_only_fields = ["source", "submitted_at"]


class ThemeSerializer(serializers.ModelSerializer):
    survey = serializers.PrimaryKeyRelatedField(
        queryset=FeedbackSurvey.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = Theme
        fields = ["id", "survey", "name", "description"]


class CodingSerializer(serializers.ModelSerializer):
    response = serializers.PrimaryKeyRelatedField(queryset=FeedbackResponse.objects.all())
    theme = serializers.PrimaryKeyRelatedField(queryset=Theme.objects.all())

    class Meta:
        model = Coding
        fields = ["id", "response", "question_key", "theme", "coded_at"]
        read_only_fields = ["coded_at"]


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string", "enum": ["*"]}]})
class ReleasedCountField(serializers.Field):
    """A count of responses: exact, or rounded to 5 with 1-7 as "*" when controlled."""


class SurveySummarySerializer(serializers.Serializer):
    controlled = serializers.BooleanField(help_text="Figures are disclosure-controlled.")
    responses = ReleasedCountField()
    summary = serializers.ListField(
        child=serializers.DictField(), help_text="One row per Likert question."
    )
    breakdown = serializers.ListField(
        child=serializers.DictField(), help_text="One row per question and respondent group."
    )
    grouping = serializers.CharField()
    grouping_label = serializers.CharField()
    threshold = serializers.IntegerField()
    suppressed = serializers.CharField(help_text="The marker shown for a suppressed figure.")


class ThemeCountSerializer(serializers.Serializer):
    theme = serializers.CharField()
    count = ReleasedCountField()
    quotable = serializers.BooleanField()
    quotes = serializers.ListField(child=serializers.CharField())


def _visible(user, obj, field):
    """A related object given by id, re-checked against the user's scope (400 if not)."""
    if obj is not None and not access.visible_to(user, type(obj)).filter(pk=obj.pk).exists():
        raise ValidationError({field: [f"There is no {field} with id {obj.pk} that you can see."]})
    return obj


class ScopedViewSet(viewsets.GenericViewSet):
    model = None

    def get_queryset(self):
        return access.visible_to(self.request.user, self.model).order_by("pk")


class SurveyViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet
):
    """Feedback surveys; POST creates one (ICB staff)."""

    model = FeedbackSurvey
    serializer_class = SurveySerializer

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        questions = [dict(q) for q in data["questions"]]
        survey = _call(
            actions.create_survey,
            by=request.user,
            title=data["title"],
            audience=data["audience"],
            description=data.get("description", ""),
            questions=[{"key": f"q{i}", **q} for i, q in enumerate(questions, 1)],
            provider=data.get("provider"),
            interventions=data.get("interventions", []),
            outcomes=data.get("outcomes", []),
        )
        return Response(SurveySerializer(survey).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=SurveySummarySerializer)
    @action(detail=True)
    def summary(self, request, pk=None):
        """Likert summary and a breakdown (?by=respondent_kind|area|age_band)."""
        survey = self.get_object()
        by = request.query_params.get("by", "respondent_kind")
        return Response(queries.survey_summary(request.user, survey, grouping=by))

    @extend_schema(responses=ThemeCountSerializer(many=True))
    @action(detail=True, pagination_class=None)  # the whole list, not a page
    def themes(self, request, pk=None):
        """Comments per theme with example quotes (quotes only for groups of 8 or more)."""
        return Response(queries.theme_summary(request.user, self.get_object()))


class ResponseViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet
):
    """Responses: ICB staff read all of their ICB's; others only their own submissions.
    POST submits one to an open survey addressed to you."""

    model = FeedbackResponse
    serializer_class = ResponseSerializer

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        survey = _visible(request.user, data["survey"], "survey")
        response = _call(
            actions.submit_response,
            by=request.user,
            survey=survey,
            answers=data.get("answers") or {},
            respondent_kind=data["respondent_kind"],
            area=data.get("area"),
            age_band=data.get("age_band", ""),
        )
        return Response(ResponseSerializer(response).data, status=status.HTTP_201_CREATED)


class ThemeViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet
):
    """Themes of surveys and the ICB-wide codebook; POST adds one (ICB staff)."""

    model = Theme
    serializer_class = ThemeSerializer

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        survey = _visible(request.user, data.get("survey"), "survey")
        theme = _call(
            coding.create_theme,
            by=request.user,
            name=data["name"],
            survey=survey,
            description=data.get("description", ""),
        )
        return Response(ThemeSerializer(theme).data, status=status.HTTP_201_CREATED)


class CodingViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    ScopedViewSet,
):
    """A theme on one comment (ICB staff only). POST assigns, DELETE removes."""

    model = Coding
    serializer_class = CodingSerializer

    def create(self, request, *args, **kwargs):
        if not access.is_icb_staff(request.user):
            raise PermissionDenied("Only the ICB's staff code comments.")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        found = _call(
            coding.assign_theme,
            by=request.user,
            response=_visible(request.user, data["response"], "response"),
            question_key=data["question_key"],
            theme=_visible(request.user, data["theme"], "theme"),
        )
        return Response(CodingSerializer(found).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        _call(coding.remove_theme, by=self.request.user, coding=instance)
