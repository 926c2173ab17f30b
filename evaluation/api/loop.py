"""Evaluation findings and commissioning cycles in the stage 4 API, mounted at
/api/v1/evaluation/{loop-findings,loop-cycles}/.

ICB staff only: anyone else sees empty lists and 404 for objects. Writes are thin doors
onto evaluation.loop.actions: 403 when the role refuses, 400 with a message per field for
bad input (such as an id of another ICB's priority).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from commissioning import access
from commissioning.models import CommissioningCycle, Finding, FindingStatus
from evaluation.loop import actions, queries

TAG = "evaluation loop"


class LinkSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=200, allow_blank=True, required=False)
    url = serializers.CharField(max_length=500)


class LoopFindingSerializer(serializers.ModelSerializer):
    cycle_label = serializers.CharField(source="cycle.label", read_only=True)
    evidence = serializers.SerializerMethodField()
    links = serializers.SerializerMethodField()
    concerns = serializers.SerializerMethodField()
    carried_from = serializers.SerializerMethodField()

    class Meta:
        model = Finding
        fields = [
            "id", "cycle", "cycle_label", "title", "summary", "status", "created_at",
            "approved_at", "evidence", "links", "concerns", "carried_from",
        ]  # fmt: skip
        read_only_fields = fields

    def _detail(self, obj):
        return queries.detail_of(obj)

    def get_evidence(self, obj) -> str:
        detail = self._detail(obj)
        return detail.evidence if detail else ""

    def get_links(self, obj) -> list[dict]:
        detail = self._detail(obj)
        return [{"label": x.label, "url": x.url} for x in detail.links.all()] if detail else []

    def get_concerns(self, obj) -> dict[str, list[int]]:
        detail = self._detail(obj)
        user = self.context["request"].user
        return {
            field: list(
                access.visible_to(user, getattr(detail, field).all()).values_list("pk", flat=True)
            )
            if detail
            else []
            for field in actions.CONCERNS
        }

    def get_carried_from(self, obj) -> int | None:
        detail = self._detail(obj)
        return detail.carried_from_id if detail else None


class FindingWriteSerializer(serializers.Serializer):
    cycle = serializers.IntegerField(required=False, help_text="Default: the current cycle.")
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField()
    evidence = serializers.CharField(required=False, allow_blank=True, default="")
    links = LinkSerializer(many=True, required=False, default=list)
    priorities = serializers.ListField(child=serializers.IntegerField(), required=False)
    outcomes = serializers.ListField(child=serializers.IntegerField(), required=False)
    interventions = serializers.ListField(child=serializers.IntegerField(), required=False)
    contracts = serializers.ListField(child=serializers.IntegerField(), required=False)


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class CycleSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)

    class Meta:
        model = CommissioningCycle
        fields = ["id", "financial_year", "label", "status", "previous"]
        read_only_fields = fields


class CloseSerializer(serializers.Serializer):
    carry = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        default=list,
        help_text="Ids of draft findings to carry into the next cycle; other drafts are withdrawn.",
    )


class CarriedSerializer(serializers.Serializer):
    approved = serializers.ListField(child=serializers.IntegerField())
    carried_drafts = serializers.ListField(child=serializers.IntegerField())
    withdrawn_drafts = serializers.ListField(child=serializers.IntegerField())
    strategies = serializers.ListField(child=serializers.IntegerField())


class ClosureSerializer(serializers.Serializer):
    closed = CycleSerializer()
    next = CycleSerializer()
    next_created = serializers.BooleanField()
    carried = CarriedSerializer(help_text="Ids of the findings and strategies carried forward.")


def _run(function, **kwargs):
    try:
        return function(**kwargs)
    except DjangoValidationError as error:
        if hasattr(error, "error_dict"):
            raise ValidationError(error.message_dict) from error
        raise ValidationError({"non_field_errors": error.messages}) from error
    except DjangoPermissionDenied as error:
        raise PermissionDenied(str(error)) from error


def _staff_only(user, queryset):
    return queryset if access.is_icb_staff(user) else queryset.none()


@extend_schema_view(
    list=extend_schema(
        tags=[TAG],
        parameters=[
            OpenApiParameter("cycle", int, description="Only this cycle's findings."),
            OpenApiParameter("status", str, enum=FindingStatus.values),
        ],
    ),
    retrieve=extend_schema(tags=[TAG]),
    create=extend_schema(tags=[TAG], request=FindingWriteSerializer),
    approve=extend_schema(tags=[TAG], request=None),
    withdraw=extend_schema(tags=[TAG], request=WithdrawSerializer),
)
class LoopFindingViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):  # fmt: skip
    """Evaluation findings of the ICB's cycles; create, approve and withdraw via actions."""

    serializer_class = LoopFindingSerializer
    filter_backends: list = []

    def get_queryset(self):
        user = self.request.user
        findings = _staff_only(user, queries.evaluation_findings(user))
        params = self.request.query_params
        cycle = params.get("cycle", "")
        if cycle:
            if not cycle.isdigit():
                raise ValidationError({"cycle": ["Give a whole number cycle id."]})
            findings = findings.filter(cycle_id=int(cycle))
        state = params.get("status", "")
        if state:
            if state not in FindingStatus.values:
                allowed = ", ".join(FindingStatus.values)
                raise ValidationError({"status": [f"Use one of {allowed}."]})
            findings = findings.filter(status=state)
        return findings.prefetch_related("loop_detail__links").order_by("-created_at", "-pk")

    def _cycle(self, pk):
        user = self.request.user
        if pk is None:
            cycle = queries.current_cycle(user) if access.is_icb_staff(user) else None
            if cycle is None:
                raise ValidationError({"cycle": ["Your ICB has no commissioning cycle."]})
            return cycle
        cycle = _staff_only(user, queries.cycles_for(user)).filter(pk=pk).first()
        if cycle is None:
            raise ValidationError({"cycle": [f"There is no cycle with id {pk} that you can see."]})
        return cycle

    def create(self, request):
        body = FindingWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        cycle = self._cycle(data.pop("cycle", None))
        finding = _run(actions.record_finding, cycle=cycle, by=request.user, **data)
        return Response(self.get_serializer(finding).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        finding = _run(actions.approve_finding, finding=self.get_object(), by=request.user)
        return Response(self.get_serializer(finding).data)

    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        body = WithdrawSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        finding = _run(
            actions.withdraw_finding,
            finding=self.get_object(),
            reason=body.validated_data["reason"],
            by=request.user,
        )
        return Response(self.get_serializer(finding).data)


@extend_schema_view(
    list=extend_schema(tags=[TAG]),
    retrieve=extend_schema(tags=[TAG]),
    close=extend_schema(tags=[TAG], request=CloseSerializer, responses=ClosureSerializer),
)
class LoopCycleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The ICB's commissioning cycles; `close` closes one and opens the next."""

    serializer_class = CycleSerializer
    filter_backends: list = []

    def get_queryset(self):
        user = self.request.user
        return _staff_only(user, queries.cycles_for(user)).order_by("-financial_year")

    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        body = CloseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        closure = _run(
            actions.close_cycle,
            cycle=self.get_object(),
            carry=body.validated_data["carry"],
            by=request.user,
        )
        return Response(
            {
                "closed": CycleSerializer(closure.cycle).data,
                "next": CycleSerializer(closure.next_cycle).data,
                "next_created": closure.next_created,
                "carried": closure.carried,
            }
        )
