"""Evaluation plans (read and write) and their results (read) in the stage 4 API, at
/api/v1/evaluation/{plans,plan-results}/. Only the ICB's own staff see them; anyone
else gets empty lists and 404 for objects. Writes are thin doors onto
evaluation.plans.actions: bad input is 400 with a message per field."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from commissioning.access import visible_to
from commissioning.models import Area, Indicator
from evaluation.models import EvaluationPlan, EvaluationResult
from evaluation.plans import actions
from strategy.models import Intervention

TAG = "evaluation plans"


class EvaluationResultSerializer(serializers.ModelSerializer):
    class Meta:
        model = EvaluationResult
        fields = [
            "id",
            "plan",
            "run",
            "method",
            "effect",
            "standard_error",
            "lower",
            "upper",
            "p_value",
            "mde",
            "pre_points",
            "post_points",
            "unit",
            "summary",
            "details",
            "created_at",
        ]
        read_only_fields = fields


class EvaluationPlanSerializer(serializers.ModelSerializer):
    intervention = serializers.IntegerField(source="intervention_id")
    indicator = serializers.IntegerField(source="indicator_id", allow_null=True, required=False)
    area = serializers.IntegerField(source="area_id")
    comparison_areas = serializers.ListField(
        child=serializers.IntegerField(), required=False, write_only=True
    )
    latest_result = serializers.SerializerMethodField()

    class Meta:
        model = EvaluationPlan
        fields = [
            "id",
            "intervention",
            *actions.PLAN_FIELDS,
            "comparison_areas",
            "status",
            "approved_at",
            "latest_result",
        ]
        read_only_fields = ["id", "status", "approved_at", "latest_result"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["comparison_areas"] = list(instance.comparison_areas.values_list("pk", flat=True))
        return data

    def get_latest_result(self, plan) -> int | None:
        result = plan.results.order_by("-created_at", "-pk").first()
        return result.pk if result else None


def _scoped(user, model, pk, field: str, noun: str):
    if pk is None:
        return None
    found = visible_to(user, model).filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: [f"There is no {noun} with id {pk} that you can see."]})
    return found


class EvaluationPlanViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Evaluation plans of the ICB's interventions. POST creates (one per intervention),
    PUT/PATCH changes (an approved plan returns to draft), POST {id}/evaluate/ starts a
    worker run and answers 202 with its id."""

    serializer_class = EvaluationPlanSerializer
    ordering_fields = ["id", "report_due"]

    def get_queryset(self):
        return visible_to(self.request.user, EvaluationPlan).select_related("intervention")

    def _data(self, validated: dict, instance: EvaluationPlan | None) -> dict:
        user = self.request.user
        data = {key: getattr(instance, key) for key in actions.PLAN_FIELDS} if instance else {}
        if instance:
            data["comparison_areas"] = list(instance.comparison_areas.all())
        for key in actions.PLAN_FIELDS:
            if key in validated:
                data[key] = validated[key]
        if "indicator_id" in validated:
            data["indicator"] = _scoped(
                user, Indicator, validated["indicator_id"], "indicator", "indicator"
            )
        if "area_id" in validated:
            data["area"] = _scoped(user, Area, validated["area_id"], "area", "area")
        if "comparison_areas" in validated:
            data["comparison_areas"] = [
                _scoped(user, Area, pk, "comparison_areas", "area")
                for pk in validated["comparison_areas"]
            ]
        return data

    def _save(self, intervention, data):
        try:
            return actions.save_plan(intervention=intervention, data=data, by=self.request.user)
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from exc

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        validated = serializer.validated_data
        intervention = _scoped(
            request.user,
            Intervention,
            validated["intervention_id"],
            "intervention",
            "intervention",
        )
        if EvaluationPlan.objects.filter(intervention=intervention).exists():
            raise ValidationError({"intervention": ["This intervention already has a plan."]})
        plan = self._save(intervention, self._data(validated, None))
        return Response(self.get_serializer(plan).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        plan = self.get_object()
        serializer = self.get_serializer(plan, data=request.data, partial=kwargs.get("partial"))
        serializer.is_valid(raise_exception=True)
        validated = dict(serializer.validated_data)
        validated.pop("intervention_id", None)
        plan = self._save(plan.intervention, self._data(validated, plan))
        return Response(self.get_serializer(plan).data)

    @extend_schema(request=None, responses={202: dict}, tags=[TAG])
    @action(detail=True, methods=["post"])
    def evaluate(self, request, pk=None):
        plan = self.get_object()
        try:
            run = actions.start_evaluation(plan=plan, by=request.user)
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        return Response({"run": run.pk}, status=status.HTTP_202_ACCEPTED)


class EvaluationResultViewSet(viewsets.ReadOnlyModelViewSet):
    """Results of evaluation runs, newest first. Filter with ?plan=<id>."""

    serializer_class = EvaluationResultSerializer

    def get_queryset(self):
        results = visible_to(self.request.user, EvaluationResult)
        plan = self.request.query_params.get("plan")
        if plan:
            if not plan.isdigit():
                raise ValidationError({"plan": ["Give a whole number id."]})
            results = results.filter(plan_id=int(plan))
        return results.order_by("-created_at", "-pk")
