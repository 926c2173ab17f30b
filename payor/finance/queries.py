"""Reads of stage 3 finance for pages and the API: the plan year by year, the contract
register, and the history of changes (from AuditEvent rows). Callers pass objects they
fetched through commissioning.access; lists here are scoped with visible_to."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from commissioning.access import visible_to
from commissioning.models import AuditEvent, Contract, PaymentModel
from payor.finance.plan import BudgetLine, PlanYear, plan_years, totals_by_setting
from payor.models import CareSetting, ContractTerms, FinancialPlan


def safe_url(name: str, *args) -> str | None:
    """The URL of a named page, or None where that page does not exist (yet)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


@dataclass
class PlanView:
    """A plan worked out year by year, with rows per budget line and per care setting."""

    plan: FinancialPlan
    years: list[PlanYear]
    line_rows: list[dict]
    setting_rows: list[dict]

    @property
    def unbalanced(self) -> list[PlanYear]:
        return [year for year in self.years if not year.balances]


def plan_view(plan: FinancialPlan) -> PlanView:
    """The medium-term financial plan: allocation, budgets and surplus per year."""
    budgets = list(plan.budgets.all())
    lines = [BudgetLine(str(b.pk), str(b), b.budget, b.growth) for b in budgets]
    years = plan_years(
        first_year=plan.first_year,
        years=plan.years,
        allocation=plan.allocation,
        allocation_growth=plan.allocation_growth,
        lines=lines,
    )
    line_rows = [
        {"budget": b, "values": [year.by_line[str(b.pk)] for year in years]} for b in budgets
    ]
    totals = totals_by_setting([(r["budget"].setting, r["values"]) for r in line_rows])
    labels = dict(CareSetting.choices)
    setting_rows = [
        {"setting": key, "label": labels[key], "values": totals[key]}
        for key in CareSetting.values
        if key in totals
    ]
    return PlanView(plan, years, line_rows, setting_rows)


VERBS = {
    "finance_plan_created": "Plan created",
    "finance_plan_updated": "Allocation changed",
    "finance_budget_created": "Budget line added",
    "finance_budget_updated": "Budget updated",
    "contract_terms_set": "Payment terms set",
    "contract_year_values_set": "Values by year set",
    "contract_kpi_added": "KPI added",
    "contract_varied": "Contract varied",
    "payment_statement_computed": "Payment statement worked out",
}


def _labelled(events) -> list[AuditEvent]:
    events = list(events)
    for event in events:
        event.label = VERBS.get(event.verb, event.verb.replace("_", " ").capitalize())
    return events


def history(obj, *, extra_types: tuple[tuple[str, list], ...] = ()) -> list[AuditEvent]:
    """Changes to `obj` (and optionally to other rows: (object_type, ids)), newest first."""
    from django.db.models import Q

    condition = Q(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    for object_type, ids in extra_types:
        condition |= Q(object_type=object_type, object_id__in=[str(i) for i in ids])
    return _labelled(
        AuditEvent.objects.filter(condition).select_related("actor").order_by("-at", "-pk")[:100]
    )


def plan_history(plan: FinancialPlan) -> list[AuditEvent]:
    ids = list(plan.budgets.values_list("pk", flat=True))
    return history(plan, extra_types=(("payor.programmebudget", ids),))


def contract_history(contract: Contract) -> list[AuditEvent]:
    """Changes to a contract's terms, values, KPIs, variations and statements."""
    from django.db.models import Q

    return _labelled(
        AuditEvent.objects.filter(
            Q(object_type="commissioning.contract", object_id=str(contract.pk))
            | Q(data__contract=contract.pk)
        )
        .select_related("actor")
        .order_by("-at", "-pk")[:100]
    )


def contract_register(user):
    """The contracts `user` may see, with their terms (if set), for the register."""
    contracts = list(
        visible_to(user, Contract).select_related("provider", "commissioner").order_by("reference")
    )
    terms = {
        t.contract_id: t
        for t in visible_to(user, ContractTerms).filter(contract__in=[c.pk for c in contracts])
    }
    return [{"contract": c, "terms": terms.get(c.pk)} for c in contracts]


def contracts_by_payment_model(user) -> list[dict]:
    """How many contracts (and their annual value) under each payment model."""
    counts: Counter = Counter()
    values: dict = {}
    for contract in visible_to(user, Contract):
        counts[contract.payment_model] += 1
        values[contract.payment_model] = values.get(contract.payment_model, 0) + (
            contract.annual_value
        )
    return [
        {"code": code, "label": label, "count": counts[code], "value": values[code]}
        for code, label in PaymentModel.choices
        if counts[code]
    ]
