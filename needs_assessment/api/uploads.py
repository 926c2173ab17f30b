"""Uploads in the stage 1 API, mounted at /api/v1/needs-assessment/uploads/.

POST a file (multipart) with its kind and period: the answer is 202 with the upload and
its background run; poll the run (or the upload) until it finishes. GET lists the ICB's
uploads and shows one with its validation report. Person-level rows are never served:
the report holds only row numbers, column names and a few bad values. Thin doors onto
needs_assessment.ingest (actions and queries).
"""

from __future__ import annotations

import django_filters as filters
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.reverse import reverse

from commissioning import queries as core_queries
from commissioning.api.serializers import RunSerializer
from needs_assessment.ingest.actions import may_upload, receive_upload, retry_upload
from needs_assessment.ingest.queries import uploads_for
from needs_assessment.models import DataUpload, UploadKind, UploadStatus

TAG = "uploads"
NOT_FOUND = OpenApiResponse(description="No such upload, or not one you can see.")


class DataUploadSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(
        source="current_status",
        choices=UploadStatus.choices,
        read_only=True,
        help_text="received, validating, then loaded, rejected (see report) or failed.",
    )
    uploaded_by = serializers.CharField(
        source="uploaded_by.username", allow_null=True, read_only=True
    )
    run = RunSerializer(read_only=True, help_text="The background run that checks the file.")
    report = serializers.JSONField(
        read_only=True,
        help_text=(
            "Validation report: valid, rows, problems (code, title, count, columns, first "
            "rows and columns, example values, guidance) and notes."
        ),
    )

    class Meta:
        model = DataUpload
        fields = [
            "id",
            "icb",
            "kind",
            "original_name",
            "size_bytes",
            "sha256",
            "period_start",
            "period_end",
            "source",
            "status",
            "rows",
            "snapshot",
            "run",
            "report",
            "uploaded_by",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields


class UploadRequest(serializers.Serializer):
    kind = serializers.ChoiceField(choices=UploadKind.choices)
    file = serializers.FileField(
        help_text="CSV (UTF-8), gzip-compressed CSV or Parquet, up to 2 GB.",
        allow_empty_file=False,
    )
    period_start = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="YYYY-MM-DD; needed for person_level.",
    )
    period_end = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="YYYY-MM-DD; needed for person_level, and every row's period_end must match.",
    )
    source = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


class UploadFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=UploadKind.choices)
    status = filters.ChoiceFilter(choices=UploadStatus.choices)

    class Meta:
        model = DataUpload
        fields = ["kind", "status"]


@extend_schema_view(
    list=extend_schema(tags=[TAG], summary="List your ICB's uploads"),
    retrieve=extend_schema(
        tags=[TAG],
        summary="One upload, with its validation report",
        responses={200: DataUploadSerializer, 404: NOT_FOUND},
    ),
    create=extend_schema(
        tags=[TAG],
        summary="Upload a file to check and load",
        request={"multipart/form-data": UploadRequest},
        responses={
            202: DataUploadSerializer,
            400: OpenApiResponse(description="Bad kind, period or file: by field."),
            403: OpenApiResponse(description="Your role cannot upload data for your ICB."),
        },
    ),
    retry=extend_schema(
        tags=[TAG],
        summary="Check and load a failed upload again",
        request=None,
        responses={
            202: DataUploadSerializer,
            400: OpenApiResponse(description="Not failed, or its file is no longer stored."),
            403: OpenApiResponse(description="Your role cannot upload data for your ICB."),
            404: NOT_FOUND,
        },
    ),
)
class DataUploadViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Files sent to be checked and loaded: person-level data, areas, organisations and
    indicator values. ICB staff see their ICB's; analysts and commissioners may upload."""

    queryset = DataUpload.objects.none()
    serializer_class = DataUploadSerializer
    filterset_class = UploadFilter
    parser_classes = [MultiPartParser, FormParser]
    ordering_fields = ["created_at", "finished_at"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        return uploads_for(self.request.user)

    def create(self, request, *args, **kwargs):
        """Store the file and queue its check; answer 202 at once."""
        user = request.user
        icb = core_queries.home_icb(user)
        if not may_upload(user, icb):
            raise PermissionDenied("Only your ICB's analysts and commissioners can upload data.")
        form = UploadRequest(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            upload = receive_upload(icb=icb, by=user, **form.validated_data)
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from None
        upload = self.get_queryset().get(pk=upload.pk)
        location = reverse("na-upload-detail", kwargs={"pk": upload.pk}, request=request)
        return Response(
            self.get_serializer(upload).data,
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": location},
        )

    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        """Start the check again for a failed upload whose file is still stored."""
        upload = self.get_object()
        try:
            upload = retry_upload(upload=upload, by=request.user)
        except PermissionError as error:
            raise PermissionDenied(str(error)) from None
        except ValueError as error:
            raise ValidationError({"detail": [str(error)]}) from None
        upload = self.get_queryset().get(pk=upload.pk)
        return Response(self.get_serializer(upload).data, status=status.HTTP_202_ACCEPTED)
