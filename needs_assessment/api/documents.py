"""The Integrated Needs Assessment in the stage 1 API, mounted at
/api/v1/needs-assessment/assessments/ and .../ina-findings/.

Read every version you may see (ICB staff: all; partners: approved ones), and, as ICB
staff, start versions, write key findings, add and remove findings and (commissioners)
approve. Thin doors onto `documents.queries` and `documents.actions`: the same rules as
the pages. Figures in `tables` are disclosure-controlled for providers and partners; the
Excel `export` is controlled for everyone.
"""

from __future__ import annotations

import django_filters as filters
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
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from commissioning import access
from commissioning.api.filters import IdFilter, WholeNumberFilter
from commissioning.models import CommissioningCycle
from commissioning.security.log import log_export
from commissioning.spreadsheets import XLSX_CONTENT_TYPE
from needs_assessment.documents import actions, compare, export, queries
from needs_assessment.documents.serializers import (
    AssessmentSerializer,
    ComparisonSerializer,
    FindingLinkSerializer,
    FindingRequest,
    NewAssessmentRequest,
    NewVersionRequest,
    SectionRequest,
    SectionTablesSerializer,
    SummaryRequest,
)
from needs_assessment.models import (
    INASection,
    INAStatus,
    NeedsAssessment,
    NeedsAssessmentFinding,
    NeedsProfile,
)

TAG = "needs assessment"
NOT_FOUND = OpenApiResponse(description="No such object, or not one you can see.")
REFUSED = OpenApiResponse(description="Your role may not do this (or the version is read-only).")
INVALID = OpenApiResponse(description="Bad input: each message names the field that is wrong.")


class AssessmentFilter(filters.FilterSet):
    # Ids filter plainly (never a model choice, which would tell whether another ICB's
    # cycle exists by answering 400 for it).
    cycle = IdFilter(field_name="cycle", help_text="Id of a commissioning cycle.")
    status = filters.ChoiceFilter(choices=INAStatus.choices)
    version = WholeNumberFilter()

    class Meta:
        model = NeedsAssessment
        fields = ["cycle", "status", "version"]


def as_drf_error(error: DjangoValidationError) -> ValidationError:
    """An action's ValidationError as DRF's: field messages, or under non_field_errors."""
    if hasattr(error, "error_dict"):
        return ValidationError(error.message_dict)
    return ValidationError({"non_field_errors": error.messages})


@extend_schema_view(
    list=extend_schema(tags=[TAG], summary="INA versions you can see"),
    retrieve=extend_schema(
        tags=[TAG],
        summary="One INA version with its sections' key findings and its findings",
        responses={200: AssessmentSerializer, 404: NOT_FOUND},
    ),
    create=extend_schema(
        tags=[TAG],
        summary="Start a version (1, or the next, copying the latest) of a cycle's INA",
        request=NewAssessmentRequest,
        responses={201: AssessmentSerializer, 400: INVALID, 403: REFUSED, 404: NOT_FOUND},
    ),
    partial_update=extend_schema(
        tags=[TAG],
        summary="Change a draft's title and summary",
        request=SummaryRequest,
        responses={200: AssessmentSerializer, 400: INVALID, 403: REFUSED, 404: NOT_FOUND},
    ),
)
class AssessmentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Versions of your ICB's Integrated Needs Assessment."""

    queryset = NeedsAssessment.objects.none()
    serializer_class = AssessmentSerializer
    parser_classes = [JSONParser]
    filterset_class = AssessmentFilter
    ordering_fields = ["version", "created_at", "approved_at"]
    ordering = ["-cycle__financial_year", "-version", "-id"]
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return queries.assessments_for(self.request.user).prefetch_related(
            "sections", "finding_links__finding"
        )

    def _answer(self, assessment: NeedsAssessment, code=status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=assessment.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    def create(self, request, *args, **kwargs):
        body = NewAssessmentRequest(data=request.data)
        body.is_valid(raise_exception=True)
        user = request.user
        cycle = access.get_visible_or_404(user, CommissioningCycle, pk=body.validated_data["cycle"])
        profile = access.get_visible_or_404(
            user, NeedsProfile.objects.select_related("snapshot"), pk=body.validated_data["profile"]
        )
        try:
            assessment = actions.create_assessment(
                cycle=cycle,
                profile=profile,
                title=body.validated_data["title"],
                summary=body.validated_data.get("summary", ""),
                by=user,
            )
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return self._answer(assessment, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        assessment = self.get_object()
        body = SummaryRequest(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            actions.update_summary(
                assessment=assessment,
                title=body.validated_data.get("title", assessment.title),
                summary=body.validated_data.get("summary", assessment.summary),
                by=request.user,
            )
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return self._answer(assessment)

    @extend_schema(
        tags=[TAG],
        summary="Replace one section's key findings (a draft only)",
        request=SectionRequest,
        parameters=[
            OpenApiParameter("key", str, OpenApiParameter.PATH, enum=list(INASection.values))
        ],
        responses={200: AssessmentSerializer, 400: INVALID, 403: REFUSED, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["put"], url_path=r"sections/(?P<key>[a-z_]+)")
    def section(self, request, pk=None, key=None):
        assessment = self.get_object()
        if key not in INASection.values:
            raise NotFound(f"There is no section called {key!r}.")
        body = SectionRequest(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            actions.update_section(
                assessment=assessment,
                key=key,
                commentary=body.validated_data["commentary"],
                by=request.user,
            )
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return self._answer(assessment)

    @extend_schema(
        tags=[TAG],
        summary="Add a finding to a section of a draft",
        request=FindingRequest,
        responses={201: FindingLinkSerializer, 400: INVALID, 403: REFUSED, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"], url_path="findings")
    def add_finding(self, request, pk=None):
        assessment = self.get_object()
        body = FindingRequest(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            link = actions.add_finding(
                assessment=assessment, by=request.user, **body.validated_data
            )
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        data = FindingLinkSerializer(link, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=[TAG],
        summary="Remove a finding from a draft",
        request=None,
        parameters=[OpenApiParameter("link", int, OpenApiParameter.PATH)],
        responses={204: None, 400: INVALID, 403: REFUSED, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["delete"], url_path=r"findings/(?P<link>\d+)")
    def remove_finding(self, request, pk=None, link=None):
        assessment = self.get_object()
        found = (
            access.visible_to(request.user, NeedsAssessmentFinding)
            .filter(assessment=assessment, pk=link)
            .first()
        )
        if found is None:
            raise NotFound("No such finding in this version.")
        try:
            actions.remove_finding(link=found, by=request.user)
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        tags=[TAG],
        summary="Approve a draft (commissioners): approves its findings, supersedes the "
        "cycle's earlier approved version",
        request=None,
        responses={200: AssessmentSerializer, 400: INVALID, 403: REFUSED, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        assessment = self.get_object()
        try:
            actions.approve(assessment=assessment, by=request.user)
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return self._answer(assessment)

    @extend_schema(
        tags=[TAG],
        summary="Start the next version of this version's cycle (copying the latest)",
        request=NewVersionRequest,
        responses={201: AssessmentSerializer, 400: INVALID, 403: REFUSED, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"], url_path="new-version")
    def new_version(self, request, pk=None):
        assessment = self.get_object()
        body = NewVersionRequest(data=request.data)
        body.is_valid(raise_exception=True)
        profile_id = body.validated_data.get("profile") or assessment.profile_id
        profile = access.get_visible_or_404(
            request.user, NeedsProfile.objects.select_related("snapshot"), pk=profile_id
        )
        try:
            new = actions.create_assessment(
                cycle=assessment.cycle, profile=profile, title=assessment.title, by=request.user
            )
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return self._answer(new, status.HTTP_201_CREATED)

    @extend_schema(
        tags=[TAG],
        summary="What changed between this version and another",
        parameters=[
            OpenApiParameter(
                "with", int, OpenApiParameter.QUERY, required=True, description="Another version."
            )
        ],
        responses={200: ComparisonSerializer, 400: INVALID, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"])
    def compare(self, request, pk=None):
        assessment = self.get_object()
        other_id = request.query_params.get("with", "")
        if not other_id.isdigit():
            raise ValidationError({"with": ["Give the id of another version: ?with=<id>."]})
        other = self.get_queryset().filter(pk=int(other_id), icb_id=assessment.icb_id).first()
        if other is None:
            raise NotFound("No such version, or not one you can see.")
        comparison = compare.compare(other, assessment)
        return Response(ComparisonSerializer(comparison).data)

    @extend_schema(
        tags=[TAG],
        summary="Every section's tables (controlled for providers and partners)",
        responses={200: SectionTablesSerializer(many=True), 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def tables(self, request, pk=None):
        assessment = self.get_object()
        controlled = access.needs_disclosure_control(request.user)
        sections = queries.document(request.user, assessment, controlled=controlled)
        return Response(SectionTablesSerializer(sections, many=True).data)

    @extend_schema(
        tags=[TAG],
        summary="The INA's tables as an Excel workbook (disclosure-controlled for everyone)",
        responses={
            (200, XLSX_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY),
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["get"], url_path="export")
    def export(self, request, pk=None):
        assessment = self.get_object()
        content = export.workbook(request.user, assessment)
        actions.record_export(assessment=assessment, kind="xlsx", by=request.user)
        log_export(request, f"needs_assessment:{assessment.pk}:xlsx")
        response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
        name = f"ina-{assessment.icb.code}-{assessment.cycle.financial_year}-v{assessment.version}"
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response


@extend_schema_view(
    list=extend_schema(
        tags=[TAG],
        summary="Findings of the INA versions you can see",
        parameters=[
            OpenApiParameter("assessment", int, description="Id of an INA version."),
            OpenApiParameter("cycle", int, description="Id of a commissioning cycle."),
            OpenApiParameter("section", str, enum=list(INASection.values)),
            OpenApiParameter(
                "status", str, enum=["draft", "approved", "withdrawn"], description="Finding's."
            ),
        ],
    ),
    retrieve=extend_schema(
        tags=[TAG],
        summary="One finding of an INA",
        responses={200: FindingLinkSerializer, 404: NOT_FOUND},
    ),
)
class FindingLinkViewSet(viewsets.ReadOnlyModelViewSet):
    """INA findings: the objects strategy priorities link to, with their section and the
    profile figures they rest on. `finding` is the core finding's id (/api/v1/findings/)."""

    queryset = NeedsAssessmentFinding.objects.none()
    serializer_class = FindingLinkSerializer
    filter_backends = []
    INTEGER_FILTERS = {"assessment": "assessment_id", "cycle": "assessment__cycle_id"}

    def get_queryset(self):
        links = (
            access.visible_to(self.request.user, NeedsAssessmentFinding)
            .select_related("finding", "assessment")
            .order_by("-assessment__cycle__financial_year", "-assessment__version", "pk")
        )
        params = self.request.query_params
        for name, field in self.INTEGER_FILTERS.items():
            value = params.get(name)
            if value:
                if not value.isdigit():
                    raise ValidationError({name: ["Give a whole number id."]})
                links = links.filter(**{field: int(value)})
        if params.get("section"):
            links = links.filter(section=params["section"])
        if params.get("status"):
            links = links.filter(finding__status=params["status"])
        return links
