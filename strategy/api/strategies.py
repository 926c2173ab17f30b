"""Strategies in the stage 2 API, mounted at /api/v1/strategy/: strategies/, versions/,
approvals/, shares/ and comments/.

Thin doors onto `lifecycle.queries` and `lifecycle.actions`: the same rules as the pages.
Everything is scoped: another ICB's strategy, or one not shared with a provider's
organisation, answers 404. Counts of people in a version's content are controlled for
providers and partners; the Excel export is controlled for everyone.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from commissioning import access
from commissioning import queries as core_queries
from commissioning.models import Area, CommissioningCycle, Organisation
from commissioning.security.log import log_export
from commissioning.spreadsheets import XLSX_CONTENT_TYPE
from needs_assessment.models import NeedsAssessment
from strategy.lifecycle import actions, compare, export, queries, rules
from strategy.lifecycle import serializers as s
from strategy.lifecycle.content import controlled_content
from strategy.lifecycle.forms import LEVEL_OF_AREA
from strategy.models import (
    Priority,
    Strategy,
    StrategyApproval,
    StrategyComment,
    StrategyShare,
    StrategyStatus,
    StrategyVersion,
)

TAG = "strategy"
NOT_FOUND = OpenApiResponse(description="No such object, or not one you can see.")
REFUSED = OpenApiResponse(description="Your role may not do this.")
INVALID = OpenApiResponse(description="Bad input: each message names the field that is wrong.")
STRATEGY_FILTER = OpenApiParameter("strategy", int, description="Id of a strategy.")


def as_drf_error(error: DjangoValidationError) -> ValidationError:
    """An action's ValidationError as DRF's: field messages, or under non_field_errors."""
    if hasattr(error, "error_dict"):
        return ValidationError(error.message_dict)
    return ValidationError({"non_field_errors": error.messages})


def whole_number(params, name: str) -> int | None:
    value = params.get(name)
    if value in (None, ""):
        return None
    if not str(value).isdigit():
        raise ValidationError({name: ["Give a whole number."]})
    return int(value)


def visible_strategy(user, pk) -> Strategy:
    strategy = queries.strategies_for(user).filter(pk=pk).first()
    if strategy is None:
        raise NotFound("No such strategy, or not one you can see.")
    return strategy


@extend_schema_view(
    list=extend_schema(
        tags=[TAG],
        summary="Strategies you can see",
        parameters=[
            OpenApiParameter("status", str, enum=list(StrategyStatus.values)),
            OpenApiParameter("cycle", int, description="Id of a commissioning cycle."),
        ],
    ),
    retrieve=extend_schema(
        tags=[TAG], summary="One strategy", responses={200: s.StrategySerializer, 404: NOT_FOUND}
    ),
    create=extend_schema(
        tags=[TAG],
        summary="Start a strategy (a draft with the default criteria, each weighted 1)",
        request=s.StrategyCreateRequest,
        responses={201: s.StrategySerializer, 400: INVALID, 403: REFUSED, 404: NOT_FOUND},
    ),
    partial_update=extend_schema(
        tags=[TAG],
        summary="Change the title and vision (draft or in consultation)",
        request=s.StrategyUpdateRequest,
        responses={200: s.StrategySerializer, 400: INVALID, 403: REFUSED, 404: NOT_FOUND},
    ),
)
class StrategyViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Population Health Improvement Plans, their status flow, versions and export."""

    queryset = Strategy.objects.none()
    serializer_class = s.StrategySerializer
    parser_classes = [JSONParser]
    filter_backends = []
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        strategies = queries.strategies_for(self.request.user)
        params = self.request.query_params
        if params.get("status"):
            strategies = strategies.filter(status=params["status"])
        cycle = whole_number(params, "cycle")
        if cycle is not None:
            strategies = strategies.filter(cycle_id=cycle)
        return strategies

    def _answer(self, strategy: Strategy, code=status.HTTP_200_OK) -> Response:
        fresh = queries.strategies_for(self.request.user).get(pk=strategy.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    def create(self, request, *args, **kwargs):
        body = s.StrategyCreateRequest(data=request.data)
        body.is_valid(raise_exception=True)
        data, user = body.validated_data, request.user
        icb = core_queries.home_icb(user)
        if icb is None or not rules.can_edit(user):
            raise PermissionDenied("Only ICB commissioners can start a strategy.")
        cycle = access.get_visible_or_404(user, CommissioningCycle, pk=data["cycle"])
        area = Area.objects.filter(pk=data.get("area") or icb.pk).first()
        if area is None:
            raise ValidationError({"area": ["No such area."]})
        assessment = None
        if data["needs_assessment"] is not None:
            assessment = access.get_visible_or_404(
                user, NeedsAssessment, pk=data["needs_assessment"]
            )
        try:
            strategy = actions.create_strategy(
                icb=icb,
                cycle=cycle,
                level=LEVEL_OF_AREA.get(area.level, area.level),
                area=area,
                title=data["title"],
                vision=data["vision"],
                first_year=data["first_year"],
                needs_assessment=assessment,
                by=user,
            )
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return self._answer(strategy, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        strategy = self.get_object()
        body = s.StrategyUpdateRequest(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            actions.update_strategy(
                strategy=strategy,
                title=body.validated_data.get("title", strategy.title),
                vision=body.validated_data.get("vision", strategy.vision),
                by=request.user,
            )
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return self._answer(strategy)

    @extend_schema(
        tags=[TAG],
        summary="Change the status (a version is frozen and the change recorded)",
        request=s.StrategyMoveRequest,
        responses={200: s.StrategySerializer, 400: INVALID, 403: REFUSED, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        strategy = self.get_object()
        body = s.StrategyMoveRequest(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            actions.move_to(strategy=strategy, by=request.user, **body.validated_data)
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return self._answer(strategy)

    @extend_schema(
        tags=[TAG],
        summary="Start a revision of an approved or published strategy (the next draft version)",
        request=s.StrategyNoteRequest,
        responses={200: s.StrategySerializer, 400: INVALID, 403: REFUSED, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        strategy = self.get_object()
        body = s.StrategyNoteRequest(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            actions.start_revision(strategy=strategy, by=request.user, **body.validated_data)
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return self._answer(strategy)

    @extend_schema(
        tags=[TAG],
        summary="Freeze the strategy now as its next version",
        request=s.StrategyNoteRequest,
        responses={201: s.StrategyVersionSerializer, 400: INVALID, 403: REFUSED, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"], url_path="take-version")
    def take_version(self, request, pk=None):
        strategy = self.get_object()
        body = s.StrategyNoteRequest(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            version = actions.take_version(
                strategy=strategy, note=body.validated_data["note"], by=request.user
            )
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return Response(s.StrategyVersionSerializer(version).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=[TAG],
        summary="What changed between two versions",
        parameters=[
            OpenApiParameter("from", int, required=True, description="A version number."),
            OpenApiParameter("to", int, required=True, description="A later version number."),
        ],
        responses={200: s.StrategyComparisonSerializer, 400: INVALID, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def compare(self, request, pk=None):
        strategy = self.get_object()
        numbers = [whole_number(request.query_params, name) for name in ("from", "to")]
        if None in numbers:
            raise ValidationError({"from": ["Give two version numbers: ?from=<n>&to=<n>."]})
        versions = queries.versions_of(request.user, strategy)
        older, newer = (versions.filter(number=n).first() for n in numbers)
        if older is None or newer is None:
            raise NotFound("No such version of this strategy.")
        result = compare.compare(older.content, newer.content)
        result.update(from_version=older.number, to_version=newer.number)
        return Response(s.StrategyComparisonSerializer(result).data)

    @extend_schema(
        tags=[TAG],
        summary="The strategy's content as a reader sees it (frozen where approved or "
        "published; counts of people controlled for providers and partners)",
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT), 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def content(self, request, pk=None):
        strategy = self.get_object()
        content, _ = queries.readable_content(request.user, strategy)
        if access.needs_disclosure_control(request.user):
            content = controlled_content(content)
        return Response(content)

    @extend_schema(
        tags=[TAG],
        summary="The strategy as an Excel workbook (disclosure-controlled for everyone)",
        responses={
            (200, XLSX_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY),
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["get"], url_path="export")
    def export(self, request, pk=None):
        strategy = self.get_object()
        content, version = queries.readable_content(request.user, strategy)
        approved = queries.approval_text(request.user, strategy)
        data = export.workbook(strategy, content, version, approved)
        actions.record_export(strategy=strategy, kind="xlsx", by=request.user)
        log_export(request, f"strategy:{strategy.pk}:xlsx")
        response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
        number = version.number if version else strategy.version
        name = f"strategy-{strategy.icb.code}-{strategy.first_year}-v{number}"
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response


def _by_strategy(queryset, params):
    strategy = whole_number(params, "strategy")
    return queryset if strategy is None else queryset.filter(strategy_id=strategy)


@extend_schema_view(
    list=extend_schema(
        tags=[TAG], summary="Versions of the strategies you can see", parameters=[STRATEGY_FILTER]
    ),
    retrieve=extend_schema(
        tags=[TAG],
        summary="One version with its frozen content",
        responses={200: s.StrategyVersionContentSerializer, 404: NOT_FOUND},
    ),
)
class VersionViewSet(viewsets.ReadOnlyModelViewSet):
    """Frozen versions of strategies (newest first)."""

    queryset = StrategyVersion.objects.none()
    serializer_class = s.StrategyVersionSerializer
    filter_backends = []

    def get_queryset(self):
        versions = access.visible_to(self.request.user, StrategyVersion).select_related(
            "created_by"
        )
        return _by_strategy(versions, self.request.query_params).order_by("strategy_id", "-number")

    def retrieve(self, request, *args, **kwargs):
        version = self.get_object()
        data = s.StrategyVersionContentSerializer(version).data
        if access.needs_disclosure_control(request.user):
            data["content"] = controlled_content(version.content)
        return Response(data)


@extend_schema_view(
    list=extend_schema(
        tags=[TAG],
        summary="Changes of status of the strategies you can see (who, when, which version)",
        parameters=[STRATEGY_FILTER],
    ),
    retrieve=extend_schema(tags=[TAG], summary="One change of status"),
)
class ApprovalViewSet(viewsets.ReadOnlyModelViewSet):
    """The record of every change of status."""

    queryset = StrategyApproval.objects.none()
    serializer_class = s.StrategyApprovalSerializer
    filter_backends = []

    def get_queryset(self):
        approvals = access.visible_to(self.request.user, StrategyApproval).select_related(
            "by", "version"
        )
        return _by_strategy(approvals, self.request.query_params).order_by("strategy_id", "at")


@extend_schema_view(
    list=extend_schema(
        tags=[TAG],
        summary="Organisations your ICB's strategies are shared with (ICB staff)",
        parameters=[STRATEGY_FILTER],
    ),
    retrieve=extend_schema(tags=[TAG], summary="One share"),
    create=extend_schema(
        tags=[TAG],
        summary="Share a strategy with a provider or partner organisation",
        request=s.StrategyShareRequest,
        responses={201: s.StrategyShareSerializer, 400: INVALID, 403: REFUSED, 404: NOT_FOUND},
    ),
    destroy=extend_schema(
        tags=[TAG],
        summary="Stop sharing (the organisation's comments stay)",
        responses={204: None, 403: REFUSED, 404: NOT_FOUND},
    ),
)
class ShareViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Sharing is the ICB's business: providers and partners see no shares here."""

    queryset = StrategyShare.objects.none()
    serializer_class = s.StrategyShareSerializer
    parser_classes = [JSONParser]
    filter_backends = []

    def get_queryset(self):
        user = self.request.user
        shares = access.visible_to(user, StrategyShare).select_related("organisation", "shared_by")
        if not access.is_administrator(user):
            if not access.is_icb_staff(user):
                return shares.none()
            shares = shares.filter(strategy__icb_id=user.icb.pk)
        return _by_strategy(shares, self.request.query_params).order_by("strategy_id", "pk")

    def create(self, request, *args, **kwargs):
        body = s.StrategyShareRequest(data=request.data)
        body.is_valid(raise_exception=True)
        strategy = visible_strategy(request.user, body.validated_data["strategy"])
        organisation = access.get_visible_or_404(
            request.user, Organisation, pk=body.validated_data["organisation"]
        )
        try:
            share = actions.share(strategy=strategy, organisation=organisation, by=request.user)
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return Response(self.get_serializer(share).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        share = self.get_object()
        try:
            actions.unshare(
                strategy=share.strategy, organisation=share.organisation, by=request.user
            )
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(
        tags=[TAG],
        summary="Consultation comments (the ICB: all; an organisation: its own)",
        parameters=[STRATEGY_FILTER],
    ),
    retrieve=extend_schema(tags=[TAG], summary="One consultation comment"),
    create=extend_schema(
        tags=[TAG],
        summary="Comment on a strategy in consultation (a shared organisation's user)",
        request=s.StrategyCommentRequest,
        responses={201: s.StrategyCommentSerializer, 400: INVALID, 403: REFUSED, 404: NOT_FOUND},
    ),
)
class CommentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Consultation comments and the ICB's responses."""

    queryset = StrategyComment.objects.none()
    serializer_class = s.StrategyCommentSerializer
    parser_classes = [JSONParser]
    filter_backends = []

    def get_queryset(self):
        comments = access.visible_to(self.request.user, StrategyComment).select_related(
            "author", "organisation"
        )
        return _by_strategy(comments, self.request.query_params).order_by("strategy_id", "pk")

    def create(self, request, *args, **kwargs):
        body = s.StrategyCommentRequest(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        strategy = visible_strategy(request.user, data["strategy"])
        priority = None
        if data["priority"] is not None:
            priority = Priority.objects.filter(strategy=strategy, pk=data["priority"]).first()
            if priority is None:
                raise ValidationError({"priority": ["Choose a priority of this strategy."]})
        try:
            comment = actions.add_comment(
                strategy=strategy, text=data["text"], priority=priority, by=request.user
            )
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return Response(self.get_serializer(comment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=[TAG],
        summary="Respond to a comment (ICB staff; replaces an earlier response)",
        request=s.StrategyResponseRequest,
        responses={200: s.StrategyCommentSerializer, 400: INVALID, 403: REFUSED, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        comment = self.get_object()
        body = s.StrategyResponseRequest(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            comment = actions.respond(
                comment=comment, response=body.validated_data["response"], by=request.user
            )
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return Response(self.get_serializer(comment).data)
