"""Reads of resource-shift scenarios: scoped querysets, the ICB's contract income by
provider, and a scenario's result as the user may see it."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum

from commissioning import access
from commissioning.models import Contract, ContractStatus
from payor.models import SETTINGS, ResourceShiftScenario
from payor.scenarios.analysis import SECTOR_SETTING


def scenarios_for(user):
    """The scenarios `user` may see, newest first."""
    return access.visible_to(user, ResourceShiftScenario).select_related("icb", "cycle")


def scenario_for(user, pk: int) -> ResourceShiftScenario:
    """One scenario `user` may see, or 404."""
    return access.get_visible_or_404(user, scenarios_for(user), pk=pk)


def provider_incomes(icb) -> list[dict]:
    """Each provider's income from the ICB's active contracts: organisation_id, name,
    ods_code, sector and income (Decimal pounds)."""
    rows = (
        Contract.objects.filter(commissioner__icb=icb, status=ContractStatus.ACTIVE)
        .values("provider_id", "provider__name", "provider__ods_code", "provider__sector")
        .annotate(income=Sum("annual_value"))
        .order_by("provider__name")
    )
    return [
        {
            "organisation_id": row["provider_id"],
            "name": row["provider__name"],
            "ods_code": row["provider__ods_code"],
            "sector": row["provider__sector"] or "",
            "income": row["income"] or Decimal("0.00"),
        }
        for row in rows
    ]


def default_base_spend(icb) -> dict[str, Decimal]:
    """Base-year spend by setting from the ICB's active contracts grouped by provider
    sector (sectors without a setting of their own count as "other")."""
    spend = {setting: Decimal("0.00") for setting in SETTINGS}
    for provider in provider_incomes(icb):
        spend[SECTOR_SETTING.get(provider["sector"], "other")] += provider["income"]
    return spend


def result_for(user, scenario: ResourceShiftScenario) -> dict:
    """The stored result as `user` may see it: ICB staff everything; a provider
    representative only its own provider line (other providers' lines, the money not yet
    with a provider, the allocation and the headroom are removed before anything is
    rendered or serialised)."""
    result = dict(scenario.result or {})
    if not result or access.is_icb_staff(user) or access.is_administrator(user):
        return result
    own = user.organisation_id if access.is_provider(user) else None
    result["providers"] = [
        line for line in result.get("providers", []) if line["organisation_id"] == own
    ]
    result.pop("unplaced", None)
    # The ICB's allocation and headroom are its own planning figures.
    result["years"] = [
        {**row, "allocation": None, "headroom": None} for row in result.get("years", [])
    ]
    return result
