"""Read endpoints for the shared model, and starting background runs.

Every queryset, for lists and for details alike, is `access.visible_to(user, Model)`: an
object out of the user's scope is missing from lists and answers 404 by id. The class
attribute `queryset = Model.objects.none()` only names the model (for the router and the
schema); it is never served, so a viewset that forgot `get_queryset` would serve nothing.
"""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.settings import spectacular_settings
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularSwaggerView
from rest_framework import status, viewsets
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.reverse import reverse

from commissioning import access
from commissioning.api import filters, serializers
from commissioning.api.permissions import CanRunAnalyses
from commissioning.api.run_kinds import RUN_KINDS
from commissioning.models import (
    Area,
    CommissioningCycle,
    Contract,
    Finding,
    Indicator,
    IndicatorValue,
    Organisation,
    PopulationSnapshot,
    Run,
    Segment,
    SegmentationModel,
)

NOT_FOUND = OpenApiResponse(description="No such object, or not one you can see.")


class ScopedReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """List and retrieve a model's rows that the user may see, and nothing else."""

    related: tuple[str, ...] = ()

    def get_queryset(self):
        queryset = access.visible_to(self.request.user, self.queryset.model)
        return queryset.select_related(*self.related) if self.related else queryset

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["disclosure_control"] = access.needs_disclosure_control(self.request.user)
        return context


def _documented(tag: str, noun: str, serializer):
    """Schema text for a read-only viewset: its tag, summaries and the 404 of a detail."""
    return extend_schema_view(
        list=extend_schema(tags=[tag], summary=f"List {noun} you can see"),
        retrieve=extend_schema(
            tags=[tag],
            summary=f"One of the {noun} you can see",
            responses={200: serializer, 404: NOT_FOUND},
        ),
    )


@_documented("geography", "areas", serializers.AreaSerializer)
class AreaViewSet(ScopedReadOnlyViewSet):
    """The area tree of your ICB: ICB > place > neighbourhood > LSOA."""

    queryset = Area.objects.none()
    serializer_class = serializers.AreaSerializer
    filterset_class = filters.AreaFilter
    ordering_fields = ["code", "name", "level"]
    ordering = ["level", "name", "id"]


@_documented("organisations", "organisations", serializers.OrganisationSerializer)
class OrganisationViewSet(ScopedReadOnlyViewSet):
    """Organisations by ODS code: those based in your ICB or contracted by it (for a
    provider representative: their own organisation and its commissioners)."""

    queryset = Organisation.objects.none()
    serializer_class = serializers.OrganisationSerializer
    filterset_class = filters.OrganisationFilter
    ordering_fields = ["ods_code", "name", "kind"]
    ordering = ["name", "id"]


@_documented("contracts", "contracts", serializers.ContractSerializer)
class ContractViewSet(ScopedReadOnlyViewSet):
    """Contracts: your ICB's (ICB staff) or your own organisation's (providers)."""

    queryset = Contract.objects.none()
    related = ("commissioner", "provider")
    serializer_class = serializers.ContractSerializer
    filterset_class = filters.ContractFilter
    ordering_fields = ["reference", "title", "start_date", "end_date", "annual_value"]
    ordering = ["reference", "id"]


@_documented("population", "population snapshots", serializers.PopulationSnapshotSerializer)
class PopulationSnapshotViewSet(ScopedReadOnlyViewSet):
    """Population snapshots of your ICB (ICB staff only): metadata, never person rows."""

    queryset = PopulationSnapshot.objects.none()
    related = ("loaded_by",)
    serializer_class = serializers.PopulationSnapshotSerializer
    filterset_class = filters.PopulationSnapshotFilter
    ordering_fields = ["period_end", "created_at"]
    ordering = ["-period_end", "-created_at", "-id"]


@_documented("population", "segmentation models", serializers.SegmentationModelSerializer)
class SegmentationModelViewSet(ScopedReadOnlyViewSet):
    """Segmentation models (the shared library and your ICB's), with their segments."""

    queryset = SegmentationModel.objects.none()
    serializer_class = serializers.SegmentationModelSerializer
    filterset_class = filters.SegmentationModelFilter
    ordering_fields = ["name", "version", "created_at"]
    ordering = ["name", "-version", "id"]

    def get_queryset(self):
        segments = access.visible_to(self.request.user, Segment).order_by("priority")
        return super().get_queryset().prefetch_related(Prefetch("segments", queryset=segments))


@_documented("indicators", "indicators", serializers.IndicatorSerializer)
class IndicatorViewSet(ScopedReadOnlyViewSet):
    """The indicator library (shared reference data)."""

    queryset = Indicator.objects.none()
    serializer_class = serializers.IndicatorSerializer
    filterset_class = filters.IndicatorFilter
    ordering_fields = ["code", "name"]
    ordering = ["code", "id"]


@_documented("indicators", "indicator values", serializers.IndicatorValueSerializer)
class IndicatorValueViewSet(ScopedReadOnlyViewSet):
    """Indicator values by area or provider, period and breakdown. Counts are
    disclosure-controlled for provider representatives and partners."""

    queryset = IndicatorValue.objects.none()
    related = ("indicator",)
    serializer_class = serializers.IndicatorValueSerializer
    filterset_class = filters.IndicatorValueFilter
    ordering_fields = ["period_end", "period_start"]
    ordering = ["indicator__code", "period_end", "id"]


@_documented("cycles", "commissioning cycles", serializers.CommissioningCycleSerializer)
class CommissioningCycleViewSet(ScopedReadOnlyViewSet):
    """Your ICB's commissioning cycles, one per financial year."""

    queryset = CommissioningCycle.objects.none()
    serializer_class = serializers.CommissioningCycleSerializer
    filterset_class = filters.CommissioningCycleFilter
    ordering_fields = ["financial_year"]
    ordering = ["-financial_year", "id"]


@_documented("cycles", "findings", serializers.FindingSerializer)
class FindingViewSet(ScopedReadOnlyViewSet):
    """Findings of your ICB's cycles (approved ones only, unless you are ICB staff)."""

    queryset = Finding.objects.none()
    serializer_class = serializers.FindingSerializer
    filterset_class = filters.FindingFilter
    ordering_fields = ["created_at", "title"]
    ordering = ["-created_at", "-id"]


@_documented("runs", "background runs", serializers.RunSerializer)
@extend_schema_view(
    create=extend_schema(
        tags=["runs"],
        summary="Start a background run",
        request=serializers.RunStartSerializer,
        responses={
            202: serializers.RunSerializer,
            400: OpenApiResponse(description="Unknown kind or bad parameters."),
            403: OpenApiResponse(description="Your role cannot start analyses."),
            404: OpenApiResponse(description="A parameter names an object you cannot see."),
        },
    )
)
class RunViewSet(ScopedReadOnlyViewSet):
    """Background runs: your ICB's (ICB staff) or the ones you started. Poll a run's
    detail for its status and progress; `result` is there once it has succeeded."""

    queryset = Run.objects.none()
    related = ("started_by",)
    serializer_class = serializers.RunSerializer
    filterset_class = filters.RunFilter
    ordering_fields = ["created_at", "finished_at"]
    ordering = ["-created_at", "-id"]
    parser_classes = [JSONParser]  # parameters are a JSON object

    def get_permissions(self):
        if self.action == "create":
            return [IsAuthenticated(), CanRunAnalyses()]
        return super().get_permissions()

    def create(self, request, *args, **kwargs):
        """Record the run and queue it once the transaction commits; answer 202 at once."""
        start = serializers.RunStartSerializer(data=request.data)
        start.is_valid(raise_exception=True)
        kind = RUN_KINDS[start.validated_data["kind"]]
        run = kind.start(user=request.user, parameters=start.validated_data["parameters"])
        run = self.get_queryset().get(pk=run.pk)
        location = reverse("api:run-detail", kwargs={"pk": run.pk}, request=request)
        return Response(
            self.get_serializer(run).data,
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": location},
        )


class LocalSwaggerView(SpectacularSwaggerView):
    """Swagger UI from the locally served sidecar assets, with the online validator badge
    turned off (it would fetch an image from an outside host, which NHS networks block and
    which would tell that host where our schema lives)."""

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        ui_settings = spectacular_settings.SWAGGER_UI_SETTINGS
        if isinstance(ui_settings, dict):
            response.data["settings"] = self._dump({**ui_settings, "validatorUrl": None})
        return response
