"""The tracking part's API, mounted at /api/v1/evaluation/:

- indicator-values/: GET the values you can see (filter by indicator code, area,
  provider, period); POST a list of rows in the CSV columns of docs/data-format.md,
  checked whole with stage 1's checks and saved all or nothing (400 names row and column).
- outcome-tracking/?strategy=<id>: each outcome of the strategy against its trajectory
  (ICB staff of the strategy's ICB only; anyone else 404).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response

from commissioning.api.filters import IndicatorValueFilter
from commissioning.api.views import IndicatorValueViewSet
from commissioning.queries import home_icb
from evaluation.tracking import actions, queries


class TrackingIndicatorValueFilter(IndicatorValueFilter):
    area_code = filters.CharFilter(field_name="area__code", help_text="Code of the area.")
    ods_code = filters.CharFilter(field_name="provider__ods_code", help_text="ODS code.")
    period = filters.DateFilter(field_name="period_end", help_text="Period ending (YYYY-MM-DD).")

    class Meta(IndicatorValueFilter.Meta):
        fields = [*IndicatorValueFilter.Meta.fields, "area_code", "ods_code", "period"]


class IndicatorValuesViewSet(IndicatorValueViewSet):
    """Indicator values: read what you can see; ICB analysts and commissioners load rows."""

    related = ("indicator", "area", "provider")
    filterset_class = TrackingIndicatorValueFilter
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(
        tags=["evaluation"],
        summary="Load indicator values (all or nothing)",
        request={"application/json": {"type": "array", "items": {"type": "object"}}},
        responses={201: {"type": "object"}, 400: {"type": "object"}, 403: None},
    )
    def create(self, request, *args, **kwargs):
        rows = request.data
        if isinstance(rows, dict) and "rows" in rows:
            rows = rows["rows"]
        try:
            saved = actions.save_indicator_rows(
                icb=home_icb(request.user), rows=rows, by=request.user
            )
        except DjangoPermissionDenied as error:
            raise PermissionDenied(str(error)) from None
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from None
        return Response({"saved": saved}, status=status.HTTP_201_CREATED)


def _number(value):
    return None if value is None else round(float(value), 6)


def track_as_dict(track) -> dict:
    """An OutcomeTrack as JSON."""
    outcome = track.outcome
    latest = track.latest
    return {
        "outcome": outcome.pk,
        "priority": outcome.priority_id,
        "indicator": outcome.indicator.code,
        "area": outcome.area_id,
        "baseline": _number(track.baseline),
        "target": _number(track.target),
        "latest": None
        if latest is None
        else {"value": _number(latest.value), "period_end": latest.period_end.isoformat()},
        "expected": _number(track.expected),
        "status": track.status,
        "status_label": track.status_label,
        "forecast": _number(track.forecast),
        "forecast_lower": _number(track.forecast_lower),
        "forecast_upper": _number(track.forecast_upper),
        "forecast_date": track.forecast_date.isoformat() if track.forecast_date else None,
        "will_meet": track.will_meet,
        "variation_icon": track.variation_icon,
        "assurance_icon": track.assurance_icon,
        "points": len(track.values),
        "chart_url": track.chart_url,
    }


class OutcomeTrackingViewSet(viewsets.ViewSet):
    """Outcomes of a strategy against their trajectory."""

    @extend_schema(
        tags=["evaluation"],
        summary="Outcomes of a strategy against trajectory",
        parameters=[OpenApiParameter("strategy", int, required=True)],
        responses={200: {"type": "array", "items": {"type": "object"}}},
    )
    def list(self, request):
        raw = request.query_params.get("strategy", "")
        if not raw.isdigit():
            raise ValidationError({"strategy": ["Give the strategy's id, a whole number."]})
        try:
            strategy = queries.strategy_for_tracking(request.user, int(raw))
        except Http404:
            raise NotFound("No such strategy, or not one you can see.") from None
        return Response(
            [
                track_as_dict(track)
                for priority in queries.track_strategy(request.user, strategy)
                for track in priority.outcomes
            ]
        )
