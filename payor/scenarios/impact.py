"""Provider impact of a resource shift. Pure: Decimal, no ORM.

Each provider's ICB income is the sum of its active contracts' annual values with the
ICB. Money leaving acute is taken from acute providers in proportion to their acute
income (and double running paid back the same way); money arriving in community goes to
community providers, and prevention money to VCSE providers, in proportion to their
income in that setting. Money for a setting with no provider is reported as not yet
with a provider. A provider is flagged when its change in any year is more than the
threshold share of its ICB income.
"""

from __future__ import annotations

from decimal import Decimal

from payor.scenarios.analysis import SECTOR_SETTING, pounds


def provider_impact(
    providers: list[dict], years: list[dict], community_share: Decimal, threshold: Decimal
) -> dict:
    """In: providers, dicts with organisation_id, name, ods_code, sector and income
    (Decimal, ICB income); years from analysis.scenario_years (moved, double_running).
    Out: {"providers": [{organisation_id, name, ods_code, sector, setting, income,
    changes [Decimal per year], shares [Decimal per year, change / income], flagged}],
    "unplaced": [Decimal per year, moved money with no provider in its setting]}."""
    income_by_setting: dict[str, Decimal] = {}
    for provider in providers:
        setting = SECTOR_SETTING.get(provider["sector"], "other")
        income_by_setting[setting] = (
            income_by_setting.get(setting, Decimal("0")) + provider["income"]
        )
    flows = []
    for year in years:
        to_community = pounds(year["moved"] * community_share)
        flows.append(
            {
                "acute": year["double_running"] - year["moved"],
                "community": to_community,
                "prevention": year["moved"] - to_community,
            }
        )
    lines = []
    for provider in providers:
        setting = SECTOR_SETTING.get(provider["sector"], "other")
        pool = income_by_setting.get(setting, Decimal("0"))
        weight = provider["income"] / pool if pool else Decimal("0")
        changes = [pounds(flow.get(setting, Decimal("0")) * weight) for flow in flows]
        income = provider["income"]
        shares = [(c / income).quantize(Decimal("0.0001")) if income else None for c in changes]
        flagged = any(share is not None and abs(share) > threshold for share in shares)
        lines.append(
            {
                **provider,
                "setting": setting,
                "changes": changes,
                "shares": shares,
                "flagged": flagged,
            }
        )
    unplaced = [
        sum(
            (flow[s] for s in ("community", "prevention") if not income_by_setting.get(s)),
            Decimal("0.00"),
        )
        for flow in flows
    ]
    lines.sort(key=lambda line: (not line["flagged"], line["name"]))
    return {"providers": lines, "unplaced": unplaced}
