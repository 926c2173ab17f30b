"""Qualitative insight records in the stage 1 API, mounted at
/api/v1/needs-assessment/insight/: search and filter them, add and change them (ICB staff
only; insight records are not shared outside the ICB). Thin doors onto
`documents.insight`."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from commissioning import access
from needs_assessment.api.documents import as_drf_error
from needs_assessment.documents import insight
from needs_assessment.models import InsightRecord, InsightSource

TAG = "insight"
NOT_FOUND = OpenApiResponse(description="No such record, or not one you can see.")
REFUSED = OpenApiResponse(description="Only ICB staff can add or change insight records.")
INVALID = OpenApiResponse(description="Bad input: each message names the field that is wrong.")


class InsightSerializer(serializers.ModelSerializer):
    source_label = serializers.CharField(source="get_source_display", read_only=True)
    themes = serializers.ListField(child=serializers.CharField(), read_only=True)
    segments = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    areas = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = InsightRecord
        fields = [
            "id",
            "icb",
            "source",
            "source_label",
            "date",
            "group",
            "themes",
            "summary",
            "quote",
            "segments",
            "areas",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class InsightRequest(serializers.Serializer):
    source = serializers.ChoiceField(choices=InsightSource.choices)
    date = serializers.DateField(help_text="YYYY-MM-DD; today or earlier.")
    group = serializers.CharField(max_length=200, help_text="Who this is from.")
    themes = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False, default=list
    )
    summary = serializers.CharField()
    quote = serializers.CharField(required=False, allow_blank=True, default="")
    segments = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list, help_text="Segment ids."
    )
    areas = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        default=list,
        help_text="Ids of your ICB, its places or neighbourhoods.",
    )


def _date(value: str, name: str):
    from datetime import date

    try:
        return date.fromisoformat(value) if value else None
    except ValueError as exc:
        raise ValidationError({name: [f"{value!r} is not a date: use YYYY-MM-DD."]}) from exc


def _whole(value: str, name: str) -> int | None:
    if not value:
        return None
    if not value.isdigit():
        raise ValidationError({name: ["Give a whole number id."]})
    return int(value)


FILTERS = [
    OpenApiParameter("q", str, description="Text in the summary, quote, group or themes."),
    OpenApiParameter("source", str, enum=list(InsightSource.values)),
    OpenApiParameter("theme", str, description="One theme (ignoring case)."),
    OpenApiParameter("segment", int, description="Id of a linked segment."),
    OpenApiParameter("area", int, description="Id of a linked area (or an area inside it)."),
    OpenApiParameter("date_after", str, description="YYYY-MM-DD, inclusive."),
    OpenApiParameter("date_before", str, description="YYYY-MM-DD, inclusive."),
]


@extend_schema_view(
    list=extend_schema(tags=[TAG], summary="Search insight records", parameters=FILTERS),
    retrieve=extend_schema(
        tags=[TAG], summary="One insight record", responses={200: InsightSerializer, 404: NOT_FOUND}
    ),
    create=extend_schema(
        tags=[TAG],
        summary="Add an insight record",
        request=InsightRequest,
        responses={201: InsightSerializer, 400: INVALID, 403: REFUSED},
    ),
    update=extend_schema(
        tags=[TAG],
        summary="Replace an insight record",
        request=InsightRequest,
        responses={200: InsightSerializer, 400: INVALID, 403: REFUSED, 404: NOT_FOUND},
    ),
    partial_update=extend_schema(
        tags=[TAG],
        summary="Change some fields of an insight record",
        request=InsightRequest(partial=True),
        responses={200: InsightSerializer, 400: INVALID, 403: REFUSED, 404: NOT_FOUND},
    ),
)
class InsightViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Insight from people who use services and partners, linked to segments and areas."""

    queryset = InsightRecord.objects.none()
    serializer_class = InsightSerializer
    parser_classes = [JSONParser]
    filter_backends = []

    def get_queryset(self):
        user = self.request.user
        if self.action != "list":
            return access.visible_to(user, InsightRecord).prefetch_related("segments", "areas")
        params = self.request.query_params
        return insight.search_insight(
            user,
            text=params.get("q", ""),
            source=params.get("source", ""),
            theme=params.get("theme", ""),
            segment=_whole(params.get("segment", ""), "segment"),
            area=_whole(params.get("area", ""), "area"),
            date_from=_date(params.get("date_after", ""), "date_after"),
            date_to=_date(params.get("date_before", ""), "date_before"),
        ).prefetch_related("segments", "areas")

    def create(self, request, *args, **kwargs):
        body = InsightRequest(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            record = insight.create_insight(by=request.user, **body.validated_data)
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return Response(self.get_serializer(record).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        record = self.get_object()
        partial = kwargs.pop("partial", False)
        body = InsightRequest(data=request.data, partial=partial)
        body.is_valid(raise_exception=True)
        current = {
            "source": record.source,
            "date": record.date,
            "group": record.group,
            "themes": list(record.themes),
            "summary": record.summary,
            "quote": record.quote,
            "segments": [s.pk for s in record.segments.all()],
            "areas": [a.pk for a in record.areas.all()],
        }
        sent = {key: value for key, value in body.validated_data.items() if key in request.data}
        try:
            record = insight.update_insight(record=record, by=request.user, **(current | sent))
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return Response(self.get_serializer(record).data)
