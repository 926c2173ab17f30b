"""Resource-shift scenarios in the stage 3 API, at /api/v1/payor/scenarios/.

Reads are scoped by commissioning.access: ICB staff see their ICB's scenarios; a provider
representative sees a scenario shared with its organisation and only its own provider
line of the result (other lines are removed before serialising); partners see none.
Writes are thin doors onto payor.scenarios.actions: create, partial update, run (queues
the worker computation) and share. 403 when the role refuses, 400 with a message per
field for bad input.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from commissioning import access
from commissioning.models import CommissioningCycle, Organisation
from payor.models import SETTINGS, ResourceShiftScenario
from payor.scenarios import actions, queries
from strategy.models import Intervention

TAG = "payor scenarios"


class ScenarioSerializer(serializers.ModelSerializer):
    result = serializers.SerializerMethodField()
    shared_with = serializers.SerializerMethodField()

    class Meta:
        model = ResourceShiftScenario
        fields = [
            "id", "icb", "cycle", "name", "description", "base_spend", "emergency_spend",
            "emergency_admissions", "shift_share", "years", "profile", "step_year",
            "community_share", "double_running_share", "double_running_years", "effect_mean",
            "effect_sd", "intervention", "draws", "seed", "threshold", "allocation", "status",
            "run", "shared_with", "result", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def _user(self):
        return self.context["request"].user

    def get_result(self, scenario) -> dict:
        return queries.result_for(self._user(), scenario)

    def get_shared_with(self, scenario) -> list[int]:
        if not access.is_icb_staff(self._user()):
            return []
        return sorted(scenario.shared_with.values_list("pk", flat=True))


class ScenarioInputSerializer(serializers.Serializer):
    """Shares are 0-1 (0.05 = 5%); money is pounds."""

    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    cycle = serializers.IntegerField(required=False, allow_null=True)
    base_spend = serializers.DictField(
        child=serializers.DecimalField(max_digits=14, decimal_places=2), required=False
    )
    emergency_spend = serializers.DecimalField(max_digits=14, decimal_places=2)
    emergency_admissions = serializers.IntegerField(min_value=1)
    shift_share = serializers.DecimalField(max_digits=6, decimal_places=4)
    years = serializers.IntegerField(min_value=1, max_value=10)
    profile = serializers.CharField(required=False, default="linear")
    step_year = serializers.IntegerField(required=False, allow_null=True)
    community_share = serializers.DecimalField(max_digits=6, decimal_places=4, required=False)
    double_running_share = serializers.DecimalField(max_digits=6, decimal_places=4, required=False)
    double_running_years = serializers.IntegerField(min_value=0, required=False)
    effect_mean = serializers.FloatField(required=False, allow_null=True)
    effect_sd = serializers.FloatField(required=False)
    intervention = serializers.IntegerField(required=False, allow_null=True)
    draws = serializers.IntegerField(required=False)
    seed = serializers.IntegerField(min_value=0, required=False)
    threshold = serializers.DecimalField(max_digits=6, decimal_places=4, required=False)
    allocation = serializers.ListField(
        child=serializers.DecimalField(max_digits=16, decimal_places=2), required=False
    )

    def validate_base_spend(self, value):
        unknown = sorted(set(value) - set(SETTINGS))
        if unknown:
            raise ValidationError(f"Unknown settings {unknown}: use {', '.join(SETTINGS)}.")
        return value


class ShareSerializer(serializers.Serializer):
    organisations = serializers.ListField(child=serializers.IntegerField())


def _scoped(user, model, pk, field, noun):
    if pk is None:
        return None
    found = access.visible_to(user, model).filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: [f"There is no {noun} with id {pk} that you can see."]})
    return found


@extend_schema(tags=[TAG])
class ScenarioViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):  # fmt: skip
    serializer_class = ScenarioSerializer
    filter_backends: list = []

    def get_queryset(self):
        return queries.scenarios_for(self.request.user).order_by("pk")

    def _call(self, function, **kwargs):
        try:
            return function(by=self.request.user, **kwargs)
        except DjangoValidationError as error:
            detail = error.message_dict if hasattr(error, "error_dict") else error.messages
            raise ValidationError(detail) from error
        except DjangoPermissionDenied as error:
            raise PermissionDenied(str(error)) from error

    def _inputs(self, partial: bool) -> dict:
        body = ScenarioInputSerializer(data=self.request.data, partial=partial)
        body.is_valid(raise_exception=True)
        data = {k: v for k, v in body.validated_data.items() if k in self.request.data}
        if not partial:
            data = dict(body.validated_data)
        user = self.request.user
        if "cycle" in data:
            data["cycle"] = _scoped(user, CommissioningCycle, data["cycle"], "cycle", "cycle")
        if "intervention" in data:
            data["intervention"] = _scoped(
                user, Intervention, data["intervention"], "intervention", "intervention"
            )
        return data

    @extend_schema(request=ScenarioInputSerializer, responses={201: ScenarioSerializer})
    def create(self, request):
        scenario = self._call(actions.create_scenario, **self._inputs(partial=False))
        return Response(self.get_serializer(scenario).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ScenarioInputSerializer, responses={200: ScenarioSerializer})
    def partial_update(self, request, pk=None):
        scenario = self.get_object()
        updated = self._call(
            actions.update_scenario, scenario=scenario, **self._inputs(partial=True)
        )
        return Response(self.get_serializer(updated).data)

    @extend_schema(request=None, responses={202: None})
    @action(detail=True, methods=["post"])
    def run(self, request, pk=None):
        """Queue the computation on a worker; poll the scenario (or /api/v1/runs/) for it."""
        run = self._call(actions.run_scenario, scenario=self.get_object())
        return Response({"run": run.pk, "status": run.status}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=ShareSerializer, responses={200: ScenarioSerializer})
    @action(detail=True, methods=["post"])
    def share(self, request, pk=None):
        """Share with these provider organisations (replaces the list)."""
        body = ShareSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        organisations = list(
            Organisation.objects.filter(pk__in=body.validated_data["organisations"])
        )
        scenario = self._call(
            actions.share_scenario, scenario=self.get_object(), organisations=organisations
        )
        return Response(self.get_serializer(scenario).data)
