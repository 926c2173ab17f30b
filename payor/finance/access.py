"""Who sees what of stage 3 finance (scope functions registered with commissioning.access).

Plans and programme budgets: the ICB's staff only. Contract terms, year values, KPIs,
variations and statements: the ICB's staff for the ICB's contracts; a provider
representative for its own organisation's contracts only; partners none (commercial).
"""

from django.db.models import QuerySet

from commissioning.access import is_icb_staff, is_provider, scope
from payor.models import (
    ContractKpi,
    ContractTerms,
    ContractVariation,
    ContractYearValue,
    FinancialPlan,
    PaymentStatement,
    ProgrammeBudget,
)


@scope(FinancialPlan)
def _plans(user, qs: QuerySet) -> QuerySet:
    return qs.filter(icb_id=user.icb.pk) if is_icb_staff(user) else qs.none()


@scope(ProgrammeBudget)
def _budgets(user, qs: QuerySet) -> QuerySet:
    return qs.filter(plan__icb_id=user.icb.pk) if is_icb_staff(user) else qs.none()


def _by_contract(user, qs: QuerySet) -> QuerySet:
    if is_icb_staff(user):
        return qs.filter(contract__commissioner__icb_id=user.icb.pk)
    if is_provider(user):
        return qs.filter(contract__provider_id=user.organisation_id)
    return qs.none()


for _model in (ContractTerms, ContractYearValue, ContractKpi, ContractVariation, PaymentStatement):
    scope(_model)(_by_contract)
