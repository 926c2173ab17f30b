"""Stage 4's sections of the provider portal: the KPI performance of the provider's own
contracts, and the surveys the ICB has asked it to collect responses for."""

from __future__ import annotations

from commissioning import access
from commissioning.models import Contract
from commissioning.portal import Section, portal_section
from evaluation.models import FeedbackSurvey
from evaluation.performance.queries import contract_performance
from payor.models import ContractKpi


@portal_section(25)
def kpi_performance(user) -> Section | None:
    """Each of the provider's contracts that has KPIs: met of total, payment earned."""
    with_kpis = access.visible_to(user, ContractKpi).values_list("contract_id", flat=True)
    contracts = (
        access.visible_to(user, Contract)
        .filter(pk__in=list(with_kpis))
        .select_related("provider")
        .order_by("reference")
    )
    rows = [contract_performance(user, contract) for contract in contracts]
    if not rows:
        return None
    return Section("Your KPI performance", "evaluation/portal_performance.html", rows)


@portal_section(60)
def surveys(user) -> Section | None:
    """Open surveys addressed to the provider's organisation."""
    rows = list(
        access.visible_to(user, FeedbackSurvey)
        .filter(provider_id=user.organisation_id, is_open=True)
        .order_by("title")
    )
    if not rows:
        return None
    return Section("Surveys to collect responses for", "evaluation/portal_surveys.html", rows,
                   to_do=len(rows))  # fmt: skip
