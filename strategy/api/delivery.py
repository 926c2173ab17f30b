"""Outcomes (with their trajectory and plan check as computed data), interventions, care
pathways and their stages, and engagement records in the stage 2 API, mounted at
/api/v1/strategy/{outcomes,interventions,pathways,pathway-stages,engagement}/.

Everyone reads what `commissioning.access` lets them see (a strategy's ICB staff; a
provider or partner the strategies shared with their organisation or published), with
disclosure control for providers and partners. Writes are the ICB commissioners', on
strategies in draft or consultation; they are thin doors onto strategy.delivery.actions,
so the rules are the pages' rules: 403 when the role refuses, 400 with a message per
field for bad input or when the strategy is approved or published (read-only).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from commissioning import access
from commissioning.models import Area, Indicator, Organisation, Segment
from needs_assessment.models import ProfileAggregate
from strategy.delivery import actions
from strategy.delivery import serializers as s
from strategy.models import (
    CarePathway,
    EngagementActivity,
    Intervention,
    Outcome,
    PathwayStage,
    Priority,
    Strategy,
)

TAG = "strategy delivery"
NOT_FOUND = OpenApiResponse(description="No such object, or not one you can see.")
REFUSED = OpenApiResponse(description="Your role may not change this strategy.")
INVALID = OpenApiResponse(
    description="Bad input (each message names the field that is wrong), or the strategy "
    "is approved or published and so read-only."
)
STRATEGY_FILTER = OpenApiParameter("strategy", int, description="Only this strategy's rows.")
WRITE_RESPONSES = {400: INVALID, 403: REFUSED, 404: NOT_FOUND}


def as_drf_error(error: DjangoValidationError) -> ValidationError:
    if hasattr(error, "error_dict"):
        return ValidationError(error.message_dict)
    return ValidationError({"non_field_errors": error.messages})


def scoped(user, model, pk, field: str, noun: str):
    """The object with id `pk` that `user` may see, or a 400 naming the field."""
    if pk is None:
        return None
    found = access.visible_to(user, model).filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: [f"There is no {noun} with id {pk} that you can see."]})
    return found


def _whole(value: str, name: str) -> int | None:
    if not value:
        return None
    if not value.isdigit():
        raise ValidationError({name: ["Give a whole number id."]})
    return int(value)


class DeliveryViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):  # fmt: skip
    """Scoped reads, filtered by ?strategy=; writes go through the actions."""

    strategy_path = "strategy"
    parser_classes = [JSONParser]
    filter_backends: list = []
    related: tuple[str, ...] = ()

    def get_queryset(self):
        queryset = access.visible_to(self.request.user, self.queryset.model)
        if self.related:
            queryset = queryset.select_related(*self.related)
        strategy = _whole(self.request.query_params.get("strategy", ""), "strategy")
        if strategy is not None:
            queryset = queryset.filter(**{self.strategy_path: strategy})
        return queryset.order_by("pk")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["disclosure_control"] = access.needs_disclosure_control(self.request.user)
        return context

    def run(self, function, **kwargs):
        try:
            return function(by=self.request.user, **kwargs)
        except DjangoValidationError as error:
            raise as_drf_error(error) from error

    def body(self, request_class, partial=False, current: dict | None = None) -> dict:
        """The validated body; for a partial update, merged over `current`."""
        body = request_class(data=self.request.data, partial=partial)
        body.is_valid(raise_exception=True)
        sent = {k: v for k, v in body.validated_data.items() if k in self.request.data}
        return (current or {}) | (sent if partial else body.validated_data)

    def respond(self, obj, created=False):
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(self.get_serializer(obj).data, status=code)


def documented(noun: str, request=None, extra=None, **more):
    """Schema text for a delivery viewset: list (with the strategy filter), retrieve,
    destroy and create, plus any `more` actions."""
    docs = {
        "list": extend_schema(
            tags=[TAG], summary=f"{noun} you can see", parameters=[STRATEGY_FILTER, *(extra or [])]
        ),
        "retrieve": extend_schema(
            tags=[TAG], summary=f"One of the {noun.lower()}", responses={404: NOT_FOUND}
        ),
        "destroy": extend_schema(
            tags=[TAG], summary="Remove it", responses={204: None, **WRITE_RESPONSES}
        ),
    }
    if request is not None:
        docs["create"] = extend_schema(
            tags=[TAG], summary="Add one", request=request, responses=WRITE_RESPONSES
        )
    return extend_schema_view(**(docs | more))


@documented(
    "Outcomes",
    s.OutcomeRequest,
    extra=[OpenApiParameter("priority", int, description="Only this priority's outcomes.")],
    partial_update=extend_schema(
        tags=[TAG], summary="Change the target, time profile or owner",
        request=s.OutcomeUpdateRequest, responses={200: s.OutcomeSerializer, **WRITE_RESPONSES},
    ),
    baseline=extend_schema(
        tags=[TAG], summary="Freeze the baseline from a needs profile figure (once)",
        request=s.BaselineRequest, responses={200: s.OutcomeSerializer, **WRITE_RESPONSES},
    ),
)  # fmt: skip
class OutcomeViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, DeliveryViewSet):
    """Outcomes of priorities: the frozen baseline, the year-5 target, the yearly
    trajectory and whether the interventions add up to the target (computed)."""

    queryset = Outcome.objects.none()
    serializer_class = s.OutcomeSerializer
    strategy_path = "priority__strategy"
    related = ("priority", "indicator", "area")
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        queryset = super().get_queryset()
        priority = _whole(self.request.query_params.get("priority", ""), "priority")
        return queryset.filter(priority_id=priority) if priority is not None else queryset

    def create(self, request, *args, **kwargs):
        data = self.body(s.OutcomeRequest)
        user = request.user
        data["priority"] = scoped(user, Priority, data["priority"], "priority", "priority")
        data["area"] = scoped(user, Area, data["area"], "area", "area")
        indicator = Indicator.objects.filter(code=data["indicator"]).first()
        if indicator is None:
            raise ValidationError({"indicator": [f"No indicator {data['indicator']!r}."]})
        data["indicator"] = indicator
        return self.respond(self.run(actions.set_outcome, **data), created=True)

    def partial_update(self, request, *args, **kwargs):
        outcome = self.get_object()
        names = ("target_value", "profile", "step_year", "owner")
        current = {f: getattr(outcome, f) for f in names}
        data = self.body(s.OutcomeUpdateRequest, partial=True, current=current)
        return self.respond(self.run(actions.update_outcome, outcome=outcome, **data))

    def perform_destroy(self, instance):
        self.run(actions.delete_outcome, outcome=instance)

    @action(detail=True, methods=["post"])
    def baseline(self, request, pk=None):
        outcome = self.get_object()
        data = self.body(s.BaselineRequest)
        aggregate = scoped(
            request.user, ProfileAggregate, data["aggregate"], "aggregate", "needs profile figure"
        )
        outcome = self.run(actions.freeze_baseline, outcome=outcome, aggregate=aggregate)
        return self.respond(outcome)


def _intervention_objects(user, data: dict) -> dict:
    data["outcome"] = scoped(user, Outcome, data.get("outcome"), "outcome", "outcome")
    data["segment"] = scoped(user, Segment, data.get("segment"), "segment", "segment")
    data["area"] = scoped(user, Area, data.get("area"), "area", "area")
    return data


@documented(
    "Interventions",
    s.InterventionRequest,
    update=extend_schema(tags=[TAG], summary="Replace it", request=s.InterventionRequest,
                         responses={200: s.InterventionSerializer, **WRITE_RESPONSES}),
    partial_update=extend_schema(tags=[TAG], summary="Change some fields",
                                 request=s.InterventionRequest(partial=True),
                                 responses={200: s.InterventionSerializer, **WRITE_RESPONSES}),
)  # fmt: skip
class InterventionViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, DeliveryViewSet):
    """Interventions of priorities: cohort, evidence, expected effect, cost, start year."""

    queryset = Intervention.objects.none()
    serializer_class = s.InterventionSerializer
    strategy_path = "priority__strategy"
    related = ("priority",)

    def create(self, request, *args, **kwargs):
        data = _intervention_objects(request.user, self.body(s.InterventionRequest))
        priority = scoped(request.user, Priority, data.pop("priority"), "priority", "priority")
        item = self.run(actions.add_intervention, priority=priority, **data)
        return self.respond(item, created=True)

    def update(self, request, *args, **kwargs):
        item = self.get_object()
        ids = ("outcome", "segment", "area")
        current = {
            f: getattr(item, f"{f}_id" if f in ids else f) for f in actions.INTERVENTION_FIELDS
        }
        current["priority"] = item.priority_id
        data = self.body(s.InterventionRequest, kwargs.pop("partial", False), current)
        if data.pop("priority") != item.priority_id:
            raise ValidationError({"priority": ["An intervention stays with its priority."]})
        data = _intervention_objects(request.user, data)
        return self.respond(self.run(actions.update_intervention, intervention=item, **data))

    def perform_destroy(self, instance):
        self.run(actions.delete_intervention, intervention=instance)


def _pathway_objects(user, data: dict) -> dict:
    data["priority"] = scoped(user, Priority, data.get("priority"), "priority", "priority")
    data["segment"] = scoped(user, Segment, data.get("segment"), "segment", "segment")
    data.pop("strategy", None)
    return data


@documented(
    "Care pathways",
    s.PathwayRequest,
    partial_update=extend_schema(tags=[TAG], summary="Change some fields",
                                 request=s.PathwayRequest(partial=True),
                                 responses={200: s.PathwaySerializer, **WRITE_RESPONSES}),
)  # fmt: skip
class PathwayViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, DeliveryViewSet):
    """Care pathways for cohorts, with their stages and the providers at each."""

    queryset = CarePathway.objects.none()
    serializer_class = s.PathwaySerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("stages__providers")

    def create(self, request, *args, **kwargs):
        data = self.body(s.PathwayRequest)
        strategy = scoped(request.user, Strategy, data.get("strategy"), "strategy", "strategy")
        if strategy is None:
            raise ValidationError({"strategy": ["Give the id of the strategy."]})
        data = _pathway_objects(request.user, data)
        return self.respond(self.run(actions.add_pathway, strategy=strategy, **data), True)

    def partial_update(self, request, *args, **kwargs):
        pathway = self.get_object()
        current = {"name": pathway.name, "priority": pathway.priority_id,
                   "segment": pathway.segment_id, "description": pathway.description}  # fmt: skip
        data = _pathway_objects(request.user, self.body(s.PathwayRequest, True, current))
        return self.respond(self.run(actions.update_pathway, pathway=pathway, **data))

    def perform_destroy(self, instance):
        self.run(actions.delete_pathway, pathway=instance)


@documented(
    "Pathway stages",
    s.PathwayStageRequest,
    create=extend_schema(tags=[TAG], summary="Add a stage or replace the one of that kind",
                         request=s.PathwayStageRequest,
                         responses={201: s.PathwayStageSerializer, **WRITE_RESPONSES}),
)  # fmt: skip
class PathwayStageViewSet(mixins.CreateModelMixin, DeliveryViewSet):
    """The stages of care pathways (prevention to end of life) and the providers at each."""

    queryset = PathwayStage.objects.none()
    serializer_class = s.PathwayStageSerializer
    strategy_path = "pathway__strategy"

    def get_queryset(self):
        return super().get_queryset().prefetch_related("providers")

    def create(self, request, *args, **kwargs):
        data = self.body(s.PathwayStageRequest)
        pathway = scoped(request.user, CarePathway, data.pop("pathway"), "pathway", "pathway")
        for pk in data["providers"]:
            scoped(request.user, Organisation, pk, "providers", "organisation")
        stage = self.run(actions.set_pathway_stage, pathway=pathway, **data)
        return self.respond(stage, created=True)

    def perform_destroy(self, instance):
        self.run(actions.remove_pathway_stage, stage=instance)


def _activity_objects(user, data: dict) -> dict:
    data["priorities"] = [
        scoped(user, Priority, pk, "priorities", "priority") for pk in data.get("priorities", [])
    ]
    data.pop("strategy", None)
    return data


@documented(
    "Engagement activities",
    s.EngagementRequest,
    partial_update=extend_schema(tags=[TAG], summary="Change some fields",
                                 request=s.EngagementRequest(partial=True),
                                 responses={200: s.EngagementSerializer, **WRITE_RESPONSES}),
)  # fmt: skip
class EngagementViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, DeliveryViewSet):
    """The co-design record: who took part, what they said, what changed."""

    queryset = EngagementActivity.objects.none()
    serializer_class = s.EngagementSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("priorities")

    def create(self, request, *args, **kwargs):
        data = self.body(s.EngagementRequest)
        strategy = scoped(request.user, Strategy, data.get("strategy"), "strategy", "strategy")
        if strategy is None:
            raise ValidationError({"strategy": ["Give the id of the strategy."]})
        data = _activity_objects(request.user, data)
        return self.respond(self.run(actions.add_engagement, strategy=strategy, **data), True)

    def partial_update(self, request, *args, **kwargs):
        activity = self.get_object()
        names = ["title", "date", "method", "participant_groups", "participants",
                 "what_they_said", "what_changed"]  # fmt: skip
        current = {f: getattr(activity, f) for f in names}
        current["priorities"] = list(activity.priorities.values_list("pk", flat=True))
        data = _activity_objects(request.user, self.body(s.EngagementRequest, True, current))
        return self.respond(self.run(actions.update_engagement, activity=activity, **data))

    def perform_destroy(self, instance):
        self.run(actions.delete_engagement, activity=instance)
