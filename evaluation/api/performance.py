"""Contract performance in the API: GET /api/v1/evaluation/contract-performance/ and
/contract-performance/<contract id>/ (optionally ?period=2025/26). Read only; scoped by
commissioning.access (another provider's or ICB's contract is 404, partners see none)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from commissioning import access
from commissioning.models import Contract
from evaluation.performance import measures, queries


def _number(value) -> str | None:
    return None if value is None else format(value, "f")


def _kpi(row: queries.KpiResult) -> dict:
    return {
        "id": row.kpi.pk,
        "indicator": row.kpi.indicator.code,
        "indicator_name": row.kpi.indicator.name,
        "polarity": row.kpi.indicator.polarity,
        "description": row.kpi.description,
        "target": _number(row.kpi.target),
        "latest_value": row.latest_value,
        "latest_period_end": row.latest_date,
        "points": row.points,
        "status": row.status,
        "met": row.met,
        "variation_icon": row.variation["code"] if row.variation else None,
        "assurance_icon": row.assurance["code"] if row.assurance else None,
        "chart_url": row.chart_url,
    }


def _payment(payment: queries.Payment | None) -> dict | None:
    if payment is None:
        return None
    return {
        "period": payment.period,
        "measured": payment.measured,
        "sources": [
            {
                "term": m.term.code,
                "indicator": m.indicator_code,
                "value": _number(m.value),
                "points": m.points_used,
                "note": m.note,
            }
            for m in payment.measurements
        ],  # fmt: skip
        "error": payment.error,
        "statement": payment.statement.to_dict() if payment.statement else None,
        "value_at_risk": _number(payment.value_at_risk),
        "earned": _number(payment.earned),
    }


def serialise(performance: queries.ContractPerformance, *, detail: bool) -> dict:
    contract = performance.contract
    data = {
        "contract": contract.pk,
        "reference": contract.reference,
        "title": contract.title,
        "provider": contract.provider.name,
        "payment_model": contract.payment_model,
        "kpis_total": len(performance.kpis),
        "kpis_met": performance.met,
        "kpis_not_met": performance.not_met,
        "note": performance.note,
    }
    payment = performance.payment
    data["period"] = payment.period if payment else None
    data["value_at_risk"] = _number(payment.value_at_risk) if payment else None
    data["earned"] = _number(payment.earned) if payment else None
    if detail:
        data["periods"] = performance.periods
        data["kpis"] = [_kpi(row) for row in performance.kpis]
        data["payment"] = _payment(payment)
    return data


class PerformanceSummarySerializer(serializers.Serializer):
    """One contract's performance in brief (money as decimal strings)."""

    contract = serializers.IntegerField()
    reference = serializers.CharField()
    title = serializers.CharField()
    provider = serializers.CharField()
    payment_model = serializers.CharField()
    kpis_total = serializers.IntegerField()
    kpis_met = serializers.IntegerField()
    kpis_not_met = serializers.IntegerField()
    note = serializers.CharField()
    period = serializers.CharField(allow_null=True)
    value_at_risk = serializers.CharField(allow_null=True)
    earned = serializers.CharField(allow_null=True)


class PerformanceDetailSerializer(PerformanceSummarySerializer):
    """With each KPI's result and the payment statement worked out from indicators."""

    periods = serializers.ListField(child=serializers.CharField())
    kpis = serializers.ListField(child=serializers.DictField())
    payment = serializers.DictField(allow_null=True)


@extend_schema_serializer(many=False)  # one {count, results} object, not an array of them
class ContractPerformanceListSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    results = PerformanceSummarySerializer(many=True)


class ContractPerformanceViewSet(viewsets.ViewSet):
    """KPIs met and payment earned for each contract the caller can see."""

    lookup_value_regex = r"\d+"

    @extend_schema(
        operation_id="evaluation_contract_performance_list",
        responses=ContractPerformanceListSerializer,
    )
    def list(self, request):
        rows = queries.icb_performance(request.user)
        return Response({"count": len(rows), "results": [serialise(r, detail=False) for r in rows]})

    @extend_schema(
        operation_id="evaluation_contract_performance_retrieve",
        responses=PerformanceDetailSerializer,
    )
    def retrieve(self, request, pk=None):
        contract = access.get_visible_or_404(
            request.user, Contract.objects.select_related("provider"), pk=pk
        )
        period = request.query_params.get("period") or None
        if period:
            try:
                measures.financial_year(period)
            except ValueError as error:
                raise ValidationError({"period": [f"The {error}."]}) from None
        performance = queries.contract_performance(request.user, contract, period)
        return Response(serialise(performance, detail=True))
