"""Priorities, criteria and weights, the scoring panel, scores and the ranking in the
stage 2 API (/api/v1/strategy/priorities/, criteria/, panel-members/, scores/, rankings/).

Thin doors onto `prioritisation.queries` and `prioritisation.actions`, with the same rules
as the pages: a strategy you may not see is 404; a write your role may not make is 403;
bad input is 400 with a message naming the field. Scores with rationales: ICB staff see
every member's, anyone else only their own seat's. The ranking is combined figures only.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
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
from commissioning.models import Area, Finding, Organisation, Segment, User
from strategy.models import Criterion, PanelMember, Priority, Score, Strategy
from strategy.prioritisation import actions, queries
from strategy.prioritisation import serializers as s
from strategy.prioritisation.forms import RankingSettingsForm

TAG = "strategy: prioritisation"
NOT_FOUND = OpenApiResponse(description="No such object, or not one you can see.")
REFUSED = OpenApiResponse(description="Your role may not do this, or the strategy is read-only.")
INVALID = OpenApiResponse(description="Bad input: each message names the field that is wrong.")
STRATEGY_FILTER = OpenApiParameter("strategy", int, description="Id of a strategy.")
ORGANISATION = ("organisation", "organisation")
RANKING_PARAMETERS = [
    OpenApiParameter("top", int, description="N of 'stays in the top N' (1-20, default 3)."),
    OpenApiParameter("variation", int, description="± % the weights vary (0-90, default 20)."),
    OpenApiParameter("draws", int, description="Random draws (100-100,000, default 10,000)."),
    OpenApiParameter("seed", int, description="Seed of the draws."),
]


def as_drf_error(error: DjangoValidationError) -> ValidationError:
    if hasattr(error, "error_dict"):
        return ValidationError(error.message_dict)
    return ValidationError({"non_field_errors": error.messages})


def _strategy(user, pk) -> Strategy:
    if not str(pk).isdigit():  # e.g. /rankings/null/: no such strategy, not a 500
        raise Http404("No such strategy")
    return access.get_visible_or_404(user, Strategy.objects.select_related("icb"), pk=pk)


def _filter_int(queryset, params, name: str, field: str):
    value = params.get(name)
    if not value:
        return queryset
    if not value.isdigit():
        raise ValidationError({name: ["Give a whole number id."]})
    return queryset.filter(**{field: int(value)})


def _one(user, model, pk, field: str, what: str):
    if pk is None:
        return None
    found = access.visible_to(user, model).filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: [f"There is no {what} {pk} that you can use."]})
    return found


def _findings(user, ids: list[int]) -> list[Finding]:
    found = {f.pk: f for f in access.visible_to(user, Finding).filter(pk__in=ids)}
    missing = [str(pk) for pk in ids if pk not in found]
    if missing:
        raise ValidationError({"findings": [f"No such finding: {', '.join(missing)}."]})
    return [found[pk] for pk in dict.fromkeys(ids)]


@extend_schema_view(
    list=extend_schema(tags=[TAG], summary="Priorities you can see", parameters=[STRATEGY_FILTER]),
    retrieve=extend_schema(
        tags=[TAG], summary="One priority", responses={200: s.PrioritySerializer, 404: NOT_FOUND}
    ),
    create=extend_schema(
        tags=[TAG],
        summary="Raise a priority from approved INA findings, for a cohort",
        request=s.PriorityRequest,
        responses={201: s.PrioritySerializer, 400: INVALID, 403: REFUSED, 404: NOT_FOUND},
    ),
    partial_update=extend_schema(
        tags=[TAG],
        summary="Change a priority (fields left out stay as they are)",
        request=s.PriorityPatch,
        responses={200: s.PrioritySerializer, 400: INVALID, 403: REFUSED, 404: NOT_FOUND},
    ),
)
class PriorityViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Priorities of the strategies you can see, with the findings they rest on."""

    queryset = Priority.objects.none()
    serializer_class = s.PrioritySerializer
    parser_classes = [JSONParser]
    filter_backends = []
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        priorities = (
            access.visible_to(self.request.user, Priority)
            .select_related("segment", "area")
            .prefetch_related("findings__ina_link")
            .order_by("strategy_id", "pk")
        )
        return _filter_int(priorities, self.request.query_params, "strategy", "strategy_id")

    def _answer(self, priority, code=status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=priority.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    def _cohort(self, data: dict, current: Priority | None = None) -> dict:
        user = self.request.user
        values = {}
        for name, model, what in (("segment", Segment, "segment"), ("area", Area, "area")):
            if name in data:
                values[name] = _one(user, model, data[name], name, what)
            else:
                values[name] = getattr(current, name)
        return values

    def create(self, request, *args, **kwargs):
        body = s.PriorityRequest(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if data.get("strategy") is None:
            raise ValidationError({"strategy": ["Give the id of the strategy."]})
        strategy = _strategy(request.user, data["strategy"])
        try:
            priority = actions.raise_priority(
                strategy=strategy,
                title=data["title"],
                description=data["description"],
                findings=_findings(request.user, data["findings"]),
                group=data["group"],
                by=request.user,
                **self._cohort(data),
            )
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return self._answer(priority, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        if not kwargs.get("partial"):
            return Response(
                {"detail": "Use PATCH with the fields to change."},
                status=status.HTTP_405_METHOD_NOT_ALLOWED,
            )
        priority = self.get_object()
        body = s.PriorityPatch(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        findings = (
            _findings(request.user, data["findings"])
            if "findings" in data
            else list(priority.findings.all())
        )
        try:
            actions.update_priority(
                priority=priority,
                title=data.get("title", priority.title),
                description=data.get("description", priority.description),
                findings=findings,
                group=data.get("group", priority.group),
                by=request.user,
                **self._cohort(data, priority),
            )
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return self._answer(priority)


@extend_schema_view(
    list=extend_schema(
        tags=[TAG], summary="Criteria and weights you can see", parameters=[STRATEGY_FILTER]
    ),
    retrieve=extend_schema(
        tags=[TAG], summary="One criterion", responses={200: s.CriterionSerializer, 404: NOT_FOUND}
    ),
    create=extend_schema(
        tags=[TAG],
        summary="Add a criterion to a strategy's method",
        request=s.CriterionRequest,
        responses={201: s.CriterionSerializer, 400: INVALID, 403: REFUSED, 404: NOT_FOUND},
    ),
    destroy=extend_schema(
        tags=[TAG],
        summary="Remove a criterion, with every score given on it",
        responses={204: None, 400: INVALID, 403: REFUSED, 404: NOT_FOUND},
    ),
)
class CriterionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The prioritisation criteria of the strategies you can see, with their weights."""

    queryset = Criterion.objects.none()
    serializer_class = s.CriterionSerializer
    parser_classes = [JSONParser]
    filter_backends = []

    def get_queryset(self):
        criteria = access.visible_to(self.request.user, Criterion).order_by(
            "strategy_id", "order", "pk"
        )
        return _filter_int(criteria, self.request.query_params, "strategy", "strategy_id")

    def create(self, request, *args, **kwargs):
        body = s.CriterionRequest(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        strategy = _strategy(request.user, data.pop("strategy"))
        try:
            criterion = actions.add_criterion(strategy=strategy, by=request.user, **data)
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return Response(self.get_serializer(criterion).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        criterion = self.get_object()
        try:
            actions.remove_criterion(criterion=criterion, by=request.user)
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        tags=[TAG],
        summary="Set the weights of some or all of a strategy's criteria",
        request=s.WeightsRequest,
        responses={200: s.CriterionSerializer(many=True), 400: INVALID, 403: REFUSED},
    )
    @action(detail=False, methods=["post"], url_path="weights")
    def weights(self, request):
        body = s.WeightsRequest(data=request.data)
        body.is_valid(raise_exception=True)
        strategy = _strategy(request.user, body.validated_data["strategy"])
        try:
            criteria = actions.set_weights(
                strategy=strategy, weights=body.validated_data["weights"], by=request.user
            )
        except DjangoValidationError as error:
            if hasattr(error, "error_dict"):
                raise ValidationError({"weights": error.message_dict}) from error
            raise as_drf_error(error) from error
        return Response(self.get_serializer(criteria, many=True).data)


@extend_schema_view(
    list=extend_schema(
        tags=[TAG], summary="Scoring panels you can see", parameters=[STRATEGY_FILTER]
    ),
    retrieve=extend_schema(
        tags=[TAG],
        summary="One panel member",
        responses={200: s.PanelMemberSerializer, 404: NOT_FOUND},
    ),
    create=extend_schema(
        tags=[TAG],
        summary="Give a named person a seat on a strategy's scoring panel",
        request=s.PanelMemberRequest,
        responses={201: s.PanelMemberSerializer, 400: INVALID, 403: REFUSED, 404: NOT_FOUND},
    ),
    destroy=extend_schema(
        tags=[TAG],
        summary="Take a member off the panel, with their scores",
        responses={204: None, 400: INVALID, 403: REFUSED, 404: NOT_FOUND},
    ),
)
class PanelMemberViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Members of the scoring panels of the strategies you can see."""

    queryset = PanelMember.objects.none()
    serializer_class = s.PanelMemberSerializer
    parser_classes = [JSONParser]
    filter_backends = []

    def get_queryset(self):
        members = access.visible_to(self.request.user, PanelMember).select_related("organisation")
        members = members.order_by("strategy_id", "name", "pk")
        return _filter_int(members, self.request.query_params, "strategy", "strategy_id")

    def create(self, request, *args, **kwargs):
        body = s.PanelMemberRequest(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        user = request.user
        strategy = _strategy(user, data["strategy"])
        organisations = access.visible_to(user, Organisation)
        member_user = None
        if data["user"] is not None:
            member_user = User.objects.filter(
                pk=data["user"], organisation__in=organisations
            ).first()
            if member_user is None:
                raise ValidationError(
                    {"user": [f"There is no user {data['user']} in your ICB's organisations."]}
                )
        try:
            member = actions.add_panel_member(
                strategy=strategy,
                name=data["name"],
                kind=data["kind"],
                user=member_user,
                organisation=_one(user, Organisation, data["organisation"], *ORGANISATION),
                by=user,
            )
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return Response(self.get_serializer(member).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        member = self.get_object()
        try:
            actions.remove_panel_member(member=member, by=request.user)
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(
        tags=[TAG],
        summary="Scores: ICB staff see every member's; others only their own seat's",
        parameters=[
            STRATEGY_FILTER,
            OpenApiParameter("priority", int, description="Id of a priority."),
            OpenApiParameter("member", int, description="Id of a panel member."),
        ],
    ),
    retrieve=extend_schema(
        tags=[TAG], summary="One score", responses={200: s.ScoreSerializer, 404: NOT_FOUND}
    ),
    create=extend_schema(
        tags=[TAG],
        summary="Record (or replace) a member's score of a priority on a criterion",
        description="A member with an account scores for themselves only; ICB commissioners "
        "record scores for members without an account. 201 when new, 200 when replaced.",
        request=s.ScoreRequest,
        responses={201: s.ScoreSerializer, 200: s.ScoreSerializer, 400: INVALID, 403: REFUSED},
    ),
)
class ScoreViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Panel members' scores with their rationales."""

    queryset = Score.objects.none()
    serializer_class = s.ScoreSerializer
    parser_classes = [JSONParser]
    filter_backends = []

    def get_queryset(self):
        user = self.request.user
        scores = queries.visible_scores(user).select_related("criterion")
        params = self.request.query_params
        scores = _filter_int(scores, params, "strategy", "priority__strategy_id")
        scores = _filter_int(scores, params, "priority", "priority_id")
        scores = _filter_int(scores, params, "member", "member_id")
        return scores.order_by("priority_id", "criterion__order", "member_id")

    def create(self, request, *args, **kwargs):
        body = s.ScoreRequest(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        user = request.user
        member = access.get_visible_or_404(
            user, PanelMember.objects.select_related("strategy"), pk=data["member"]
        )
        priority = Priority.objects.filter(pk=data["priority"], strategy=member.strategy).first()
        if priority is None:
            raise ValidationError({"priority": ["No such priority in the member's strategy."]})
        criterion = Criterion.objects.filter(
            strategy=member.strategy, code=data["criterion"]
        ).first()
        if criterion is None:
            raise ValidationError({"criterion": ["No criterion with this code in the strategy."]})
        existed = member.scores.filter(priority=priority, criterion=criterion).exists()
        try:
            score = actions.record_score(
                member=member,
                priority=priority,
                criterion=criterion,
                score=data["score"],
                rationale=data["rationale"],
                by=user,
            )
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        code = status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        return Response(self.get_serializer(score).data, status=code)


class RankingViewSet(viewsets.GenericViewSet):
    """The ranking of a strategy's priorities, with its sensitivity (combined figures)."""

    queryset = Strategy.objects.none()
    serializer_class = None
    filter_backends = []
    pagination_class = None

    @extend_schema(
        tags=[TAG],
        summary="Weighted totals, ranks, contributions, completeness and sensitivity",
        parameters=RANKING_PARAMETERS,
        responses={200: OpenApiResponse(description="The ranking."), 400: INVALID, 404: NOT_FOUND},
    )
    def retrieve(self, request, pk=None):
        strategy = _strategy(request.user, pk)
        form = RankingSettingsForm(request.query_params if request.query_params else None)
        if form.is_bound and not form.is_valid():
            raise ValidationError(form.errors)
        result = queries.ranking(request.user, strategy, form.settings())
        return Response(s.ranking_data(result))
