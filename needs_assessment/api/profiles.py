"""Needs profiles and their aggregates in the stage 1 API, mounted at
/api/v1/needs-assessment/profiles/ and /api/v1/needs-assessment/profile-aggregates/.

Thin doors onto `profile.queries` (every queryset access-scoped: ICB staff see their
ICB's profiles, partners those behind an approved needs assessment, with disclosure
control; anyone else nothing, and 404 by id) and `actions.start_needs_profile`.
Person-level rows are never served: only the aggregates the worker computed.
"""

from __future__ import annotations

import django_filters as filters
from django.db import transaction
from django.db.models import Q
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.reverse import reverse

from commissioning import access
from commissioning.api.fields import CONTROLLED_NOTE, ControlledCountField, ControlledFigureField
from commissioning.api.permissions import CanRunAnalyses
from commissioning.models import PopulationSnapshot, SegmentationModel
from needs_assessment.actions import start_needs_profile
from needs_assessment.models import NeedsProfile, ProfileAggregate
from needs_assessment.profile import controlled, queries

TAG = "needs profiles"
NOT_FOUND = OpenApiResponse(description="No such profile or figure, or not one you can see.")
WHOLE = "whole"
FIGURES = ["numerator", "denominator", "value", "lower95", "upper95", "lower998", "upper998"]


def _disclosure(context: dict) -> bool:
    return context.get("disclosure_control", True)


class NeedsProfileSerializer(serializers.ModelSerializer):
    people = ControlledCountField(help_text="People in the profiled snapshot.")
    risk_metrics = serializers.SerializerMethodField(
        help_text="The risk model: AUC with its interval, calibration by decile, by sex, IMD "
        "quintile and ethnicity, and the tiers. Counts are controlled for partners."
    )
    summary = serializers.SerializerMethodField(
        help_text="Period, segmentation model, segments (with people), tiers, and timings."
    )
    aggregates = serializers.SerializerMethodField(help_text="Where this profile's figures are.")

    class Meta:
        model = NeedsProfile
        fields = [
            "id",
            "snapshot",
            "earlier_snapshot",
            "segmentation_model",
            "run",
            "status",
            "people",
            "created_at",
            "computed_at",
            "summary",
            "risk_metrics",
            "aggregates",
        ]
        read_only_fields = fields

    def get_risk_metrics(self, profile: NeedsProfile) -> dict:
        metrics = profile.risk_metrics or {}
        return controlled.control_risk_metrics(metrics) if _disclosure(self.context) else metrics

    def get_summary(self, profile: NeedsProfile) -> dict:
        summary = dict(profile.summary or {})
        if _disclosure(self.context):
            summary = controlled.control_summary(summary)
        return summary

    def get_aggregates(self, profile: NeedsProfile) -> str:
        url = reverse("na-profile-aggregate-list", request=self.context.get("request"))
        return f"{url}?profile={profile.pk}"


class ProfileAggregateSerializer(serializers.ModelSerializer):
    area_code = serializers.CharField(source="area.code", read_only=True)
    area_name = serializers.CharField(source="area.name", read_only=True)
    area_level = serializers.CharField(source="area.level", read_only=True)
    numerator = ControlledFigureField(help_text="Events or people." + CONTROLLED_NOTE)
    denominator = ControlledFigureField(help_text="People, or expected contacts for isr:.")
    value = ControlledFigureField(help_text="The figure, in `unit`.")
    lower95 = ControlledFigureField(help_text="Lower 95% confidence limit.")
    upper95 = ControlledFigureField(help_text="Upper 95% confidence limit.")
    lower998 = ControlledFigureField(help_text="Lower 99.8% confidence limit.")
    upper998 = ControlledFigureField(help_text="Upper 99.8% confidence limit.")
    underserved = serializers.SerializerMethodField(
        help_text="For isr: measures, whether use is significantly below need (the 95% "
        "interval lies below 100); null for other measures."
    )

    class Meta:
        model = ProfileAggregate
        fields = [
            "id",
            "profile",
            "area",
            "area_code",
            "area_name",
            "area_level",
            "measure",
            "breakdown",
            "category",
            *FIGURES,
            "unit",
            "method",
            "comparison95",
            "comparison998",
            "publishable",
            "underserved",
        ]
        read_only_fields = fields

    def to_representation(self, instance: ProfileAggregate) -> dict:
        data = super().to_representation(instance)
        if _disclosure(self.context):
            row = {field: getattr(instance, field) for field in queries.ROW_FIELDS}
            sizes = self.context.get("sizes", {}).get(instance.profile_id, {})
            shown = controlled.control_row(row, sizes)
            data.update({k: shown[k] for k in [*FIGURES, "comparison95", "comparison998"]})
            if shown["suppressed"]:
                data["underserved"] = None
        return data

    def get_underserved(self, row: ProfileAggregate) -> bool | None:
        if not row.measure.startswith("isr:") or not row.publishable:
            return None
        return row.upper95 is not None and row.upper95 < 100


class ProfileAggregateFilter(filters.FilterSet):
    profile = filters.NumberFilter(field_name="profile", help_text="Id of the profile.")
    area = filters.NumberFilter(field_name="area", help_text="Id of the area.")
    area_code = filters.CharFilter(field_name="area__code", lookup_expr="iexact")
    measure = filters.CharFilter(
        help_text="A measure code (prevalence:diabetes), or a family ending in a colon "
        "(prevalence:) for all its measures."
    )
    breakdown = filters.CharFilter(
        method="filter_breakdown",
        help_text="age_band, sex, imd_decile, ethnicity, core20, segment, tier, "
        "segment_tier or age_sex; `whole` for the figures of whole areas.",
    )
    category = filters.CharFilter(help_text="A category of the breakdown, e.g. F or 3.")
    segment = filters.CharFilter(
        method="filter_segment",
        help_text="A segment code: that segment's rows (segment and segment × tier).",
    )

    class Meta:
        model = ProfileAggregate
        fields = ["profile", "area", "area_code", "measure", "breakdown", "category", "segment"]

    def filter_queryset(self, queryset):
        measure = self.form.cleaned_data.pop("measure", None)
        queryset = super().filter_queryset(queryset)
        if measure:
            if measure.endswith(":"):
                return queryset.filter(measure__startswith=measure)
            return queryset.filter(measure=measure)
        return queryset

    def filter_breakdown(self, queryset, name, value):
        return queryset.filter(breakdown="" if value == WHOLE else value)

    def filter_segment(self, queryset, name, value):
        return queryset.filter(
            Q(breakdown="segment", category=value)
            | Q(breakdown="segment_tier", category__startswith=f"{value}|")
        )


class NewProfileRequest(serializers.Serializer):
    snapshot = serializers.IntegerField(help_text="A loaded population snapshot of your ICB.")
    segmentation_model = serializers.IntegerField(
        required=False,
        help_text="A segmentation model you can see; your ICB's default if left out.",
    )


@extend_schema_view(
    list=extend_schema(tags=[TAG], summary="Needs profiles you can see"),
    retrieve=extend_schema(
        tags=[TAG],
        summary="One needs profile, with its risk model metrics",
        responses={200: NeedsProfileSerializer, 404: NOT_FOUND},
    ),
    create=extend_schema(
        tags=[TAG],
        summary="Compute a new needs profile",
        request=NewProfileRequest,
        responses={
            202: NeedsProfileSerializer,
            400: OpenApiResponse(description="A snapshot that is not loaded, or bad input."),
            403: OpenApiResponse(description="Your role cannot run analyses."),
            404: OpenApiResponse(description="A snapshot or model you cannot see."),
        },
    ),
)
class NeedsProfileViewSet(viewsets.ModelViewSet):
    """Needs profiles: ICB staff see their ICB's; partners those published with an
    approved needs assessment (figures disclosure-controlled). POST starts a new profile
    in the background and answers 202; poll the profile (or its run) until `status` is
    ready, then read its figures from `aggregates`."""

    queryset = NeedsProfile.objects.none()
    serializer_class = NeedsProfileSerializer
    http_method_names = ["get", "post", "head", "options"]
    parser_classes = [JSONParser]
    ordering_fields = ["created_at", "computed_at"]
    ordering = ["-created_at", "-id"]
    filterset_fields = ["status", "snapshot"]

    def get_queryset(self):
        return queries.profiles_for(self.request.user)

    def get_permissions(self):
        if self.action == "create":
            return [IsAuthenticated(), CanRunAnalyses()]
        return super().get_permissions()

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["disclosure_control"] = access.needs_disclosure_control(self.request.user)
        return context

    def create(self, request, *args, **kwargs):
        """Start computing a profile (or return the one already being computed) — 202."""
        user = request.user
        if access.is_partner(user):
            raise PermissionDenied("Partners cannot start analyses.")
        asked = NewProfileRequest(data=request.data)
        asked.is_valid(raise_exception=True)
        snapshot = access.get_visible_or_404(
            user, PopulationSnapshot, pk=asked.validated_data["snapshot"]
        )
        if snapshot.status not in queries.PROFILABLE:
            raise serializers.ValidationError(
                {
                    "snapshot": [
                        f"Snapshot {snapshot.pk} is {snapshot.get_status_display().lower()}; "
                        "only loaded (current or superseded) population data can be profiled."
                    ]
                }
            )
        model = None
        if "segmentation_model" in asked.validated_data:
            model = access.get_visible_or_404(
                user,
                queries.segmentation_models_for(user),
                pk=asked.validated_data["segmentation_model"],
            )
        with transaction.atomic():
            PopulationSnapshot.objects.select_for_update().filter(pk=snapshot.pk).first()
            profile = model and queries.unfinished_profile(snapshot, model)
            if not profile:
                profile = _start(snapshot, user, model)
        profile = self.get_queryset().get(pk=profile.pk)
        location = reverse("na-profile-detail", kwargs={"pk": profile.pk}, request=request)
        return Response(
            self.get_serializer(profile).data,
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": location},
        )


def _start(snapshot, user, model):
    try:
        return start_needs_profile(snapshot=snapshot, by=user, segmentation_model=model)
    except SegmentationModel.DoesNotExist as exc:
        raise serializers.ValidationError(
            {"segmentation_model": ["Your ICB has no default segmentation model: choose one."]}
        ) from exc


@extend_schema_view(
    list=extend_schema(tags=[TAG], summary="Figures of the needs profiles you can see"),
    retrieve=extend_schema(
        tags=[TAG],
        summary="One figure of a needs profile",
        responses={200: ProfileAggregateSerializer, 404: NOT_FOUND},
    ),
)
class ProfileAggregateViewSet(viewsets.ReadOnlyModelViewSet):
    """Every figure of a profile: area × measure × breakdown × category, with 95% and
    99.8% intervals and the comparison with the parent area. Filter by profile, area,
    measure (or family, e.g. `measure=dsr:`), breakdown, category or segment. Partners
    get disclosure-controlled figures (DESIGN.md section 5)."""

    queryset = ProfileAggregate.objects.none()
    serializer_class = ProfileAggregateSerializer
    filterset_class = ProfileAggregateFilter
    ordering_fields = ["measure", "area", "breakdown", "category", "value"]
    ordering = ["profile", "area", "measure", "breakdown", "category", "id"]

    def get_queryset(self):
        return access.visible_to(self.request.user, ProfileAggregate).select_related("area")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["disclosure_control"] = access.needs_disclosure_control(self.request.user)
        return context

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        if serializer.context["disclosure_control"] and args:
            rows = args[0] if isinstance(args[0], list) else [args[0]]
            serializer.context["sizes"] = queries.sizes_by_profile(rows)
        return serializer
