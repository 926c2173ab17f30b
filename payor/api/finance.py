"""Stage 3 finance in the API, mounted at /api/v1/payor/{plans,budgets,contract-terms,
contract-kpis,contract-variations,contract-year-values,payment-statements}/.

Reads are scoped by commissioning.access (plans: the ICB's staff; contract rows: the ICB's
staff and the contract's own provider; partners nothing). Writes are thin doors onto
payor.finance.actions: 403 when the role refuses, 400 with a message naming the field for
bad input, 409 when the version quoted is not the current one (someone else saved first).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from commissioning import access
from commissioning.models import Contract, Indicator
from payor.finance import actions, queries
from payor.finance.actions import EditConflict
from payor.models import (
    ContractKpi,
    ContractTerms,
    ContractVariation,
    ContractYearValue,
    FinancialPlan,
    PaymentStatement,
    ProgrammeBudget,
)
from strategy.models import Outcome

MONEY = {"max_digits": 16, "decimal_places": 2, "coerce_to_string": True}


class BudgetSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProgrammeBudget
        fields = ["id", "plan", "setting", "cohort", "budget", "growth", "version"]


class PlanSerializer(serializers.ModelSerializer):
    budgets = BudgetSerializer(many=True, read_only=True)
    plan_years = serializers.SerializerMethodField()

    class Meta:
        model = FinancialPlan
        fields = ["id", "title", "first_year", "years", "allocation", "allocation_growth"]
        fields += ["version", "updated_at", "budgets", "plan_years"]
        read_only_fields = ["version", "updated_at"]

    def get_plan_years(self, plan) -> list[dict]:
        view = queries.plan_view(plan)
        return [
            {
                "year": y.label,
                "allocation": str(y.allocation),
                "spending": str(y.spending),
                "surplus": str(y.surplus),
                "balances": y.balances,
                "by_setting": {r["setting"]: str(r["values"][i]) for r in view.setting_rows},
            }
            for i, y in enumerate(view.years)
        ]


class TermsSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContractTerms
        fields = ["id", "contract", "terms", "version", "updated_at"]


class KpiSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContractKpi
        fields = ["id", "contract", "indicator", "outcome", "target", "description"]


class YearValueSerializer(serializers.ModelSerializer):
    value = serializers.DecimalField(**MONEY)

    class Meta:
        model = ContractYearValue
        fields = ["id", "contract", "year", "value"]


class VariationSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContractVariation
        fields = ["id", "contract", "number", "description", "effective_from", "before"]
        fields += ["after", "created_at"]


class StatementSerializer(serializers.ModelSerializer):
    class Meta:
        model = PaymentStatement
        fields = ["id", "contract", "period", "payment_model", "terms", "measured", "lines"]
        fields += ["summary", "total", "created_at"]


def run(request, function, **kwargs):
    """Call an action, turning its errors into API responses."""
    try:
        return function(by=request.user, **kwargs)
    except EditConflict as conflict:
        raise Conflict(" ".join(conflict.messages)) from conflict
    except DjangoValidationError as error:
        detail = error.message_dict if hasattr(error, "error_dict") else error.messages
        raise ValidationError(detail) from error
    except DjangoPermissionDenied as refused:
        raise PermissionDenied(str(refused)) from refused


class Conflict(ValidationError):
    status_code = status.HTTP_409_CONFLICT


class Scoped(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Rows the user may see, optionally filtered by ?contract= or ?plan=."""

    filter_field = "contract"

    def get_queryset(self):
        queryset = access.visible_to(self.request.user, self.serializer_class.Meta.model)
        value = self.request.query_params.get(self.filter_field, "")
        if value:
            if not value.isdigit():
                raise ValidationError({self.filter_field: ["Give a whole number id."]})
            queryset = queryset.filter(**{self.filter_field: int(value)})
        return queryset.order_by("pk")

    def _contract(self):
        pk = self.request.data.get("contract")
        found = access.visible_to(self.request.user, Contract).filter(pk=pk).first()
        if found is None or not str(pk).isdigit():
            raise ValidationError({"contract": [f"There is no contract {pk} you can see."]})
        return found

    def _visible(self, model, field: str, required: bool):
        pk = self.request.data.get(field)
        if pk in (None, "") and not required:
            return None
        found = access.visible_to(self.request.user, model).filter(pk=_id(pk)).first()
        if found is None:
            raise ValidationError({field: [f"There is no {field} {pk} you can see."]})
        return found


def _id(value) -> int | None:
    return int(value) if str(value).isdigit() else None


class PlanViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, Scoped):
    """Five-year plans; PATCH/PUT must quote `version`; POST .../budgets/ changes many
    budget lines at once ({"changes": [{"id", "version", "budget", "growth"}]})."""

    serializer_class = PlanSerializer
    filter_field = "icb"

    def create(self, request, *args, **kwargs):
        body = PlanSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        plan = run(
            request, actions.create_plan, title=data["title"], first_year=data["first_year"],
            allocation=data["allocation"], allocation_growth=data.get("allocation_growth", 0),
        )  # fmt: skip
        return Response(PlanSerializer(plan).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        plan = self.get_object()
        if "version" not in request.data:
            raise ValidationError({"version": ["Quote the version you are changing."]})
        plan = run(
            request, actions.update_plan, plan=plan, expected_version=request.data["version"],
            allocation=request.data.get("allocation", plan.allocation),
            allocation_growth=request.data.get("allocation_growth", plan.allocation_growth),
            title=request.data.get("title"),
        )  # fmt: skip
        return Response(PlanSerializer(plan).data)

    @action(detail=True, methods=["post"])
    def budgets(self, request, pk=None):
        plan = self.get_object()
        changes = request.data.get("changes")
        if not isinstance(changes, list) or not all(isinstance(c, dict) for c in changes):
            raise ValidationError({"changes": ["Give a list of {id, version, budget, growth}."]})
        for change in changes:
            missing = {"id", "version", "budget", "growth"} - set(change)
            if missing:
                raise ValidationError({"changes": [f"Missing {', '.join(sorted(missing))}."]})
        run(request, actions.update_budgets, plan=plan, changes=changes)
        plan.refresh_from_db()
        return Response(PlanSerializer(plan).data)


class BudgetViewSet(Scoped):
    serializer_class = BudgetSerializer
    filter_field = "plan"


class TermsViewSet(mixins.CreateModelMixin, Scoped):
    """POST {"contract", "terms", "version"} sets terms (version null for the first)."""

    serializer_class = TermsSerializer

    def create(self, request, *args, **kwargs):
        terms = run(
            request, actions.set_contract_terms, contract=self._contract(),
            terms=request.data.get("terms"), expected_version=request.data.get("version"),
        )  # fmt: skip
        return Response(TermsSerializer(terms).data, status=status.HTTP_201_CREATED)


class KpiViewSet(mixins.CreateModelMixin, Scoped):
    """POST {"contract", "indicator", "outcome" (optional), "target", "description"} adds
    a KPI to a contract."""

    serializer_class = KpiSerializer

    def create(self, request, *args, **kwargs):
        kpi = run(
            request, actions.add_kpi, contract=self._contract(),
            indicator=self._visible(Indicator, "indicator", required=True),
            outcome=self._visible(Outcome, "outcome", required=False),
            target=request.data.get("target"),
            description=str(request.data.get("description") or ""),
        )  # fmt: skip
        return Response(KpiSerializer(kpi).data, status=status.HTTP_201_CREATED)


class VariationViewSet(mixins.CreateModelMixin, Scoped):
    """POST {"contract", "description", "effective_from", "terms", "version"} varies the
    contract's terms (409 if `version` is not the current terms version)."""

    serializer_class = VariationSerializer

    def create(self, request, *args, **kwargs):
        if "version" not in request.data:
            raise ValidationError({"version": ["Quote the terms version you are varying."]})
        variation = run(
            request, actions.record_variation, contract=self._contract(),
            description=str(request.data.get("description") or ""),
            effective_from=request.data.get("effective_from") or None,
            terms=request.data.get("terms"), expected_version=request.data["version"],
        )  # fmt: skip
        return Response(VariationSerializer(variation).data, status=status.HTTP_201_CREATED)


class YearValueViewSet(mixins.CreateModelMixin, Scoped):
    """POST {"contract", "values": {"2026": "1200000.00", ...}} sets the contract's value
    for each financial year given (2026 is 2026/27)."""

    serializer_class = YearValueSerializer

    def create(self, request, *args, **kwargs):
        values = request.data.get("values")
        if not isinstance(values, dict) or not values:
            raise ValidationError({"values": ['Give the values by year, like {"2026": 1000}.']})
        bad = [year for year in values if not str(year).isdigit()]
        if bad:
            raise ValidationError({"values": [f"{bad[0]!r} is not a year such as 2026."]})
        rows = run(
            request, actions.set_year_values, contract=self._contract(),
            values={int(year): value for year, value in values.items()},
        )  # fmt: skip
        return Response(YearValueSerializer(rows, many=True).data, status=status.HTTP_201_CREATED)


class StatementViewSet(mixins.CreateModelMixin, Scoped):
    """POST {"contract", "period", "measured"} works out and stores a statement."""

    serializer_class = StatementSerializer

    def create(self, request, *args, **kwargs):
        statement = run(
            request, actions.compute_statement, contract=self._contract(),
            period=request.data.get("period", ""), measured=request.data.get("measured"),
        )  # fmt: skip
        return Response(StatementSerializer(statement).data, status=status.HTTP_201_CREATED)
