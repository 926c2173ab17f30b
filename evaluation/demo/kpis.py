"""Contract KPIs for the demo contracts, through payor's finance action `add_kpi`.

- The acute trust's (R9A) first active contract: emergency admissions, A&E attendances and
  emergency bed days of its catchment, linked to the emergency admissions outcome.
- The community trust's (R9D) first active contract: emergency admissions and bed days.
- The outcome-based contract seeded by seed_demo_payor: one KPI per outcome of its terms
  (their codes are library indicators, EMADM_DSR and HYP_PREV); the KPI's description
  starts with the term's code in brackets, as evaluation.performance matches it.

Targets are the 2024/25 figure of the series (the ICB's) times the demo strategy's target
ratio. Each KPI is added once (matched by contract and indicator).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from commissioning.models import Area, Contract, ContractStatus, Indicator
from evaluation.demo import actions as demo_actions
from evaluation.demo import phip
from payor.finance import actions as finance
from payor.models import ContractTerms
from strategy.models import Outcome

# Outcome-based contract term codes measured by a library indicator.
TERM_INDICATORS = {"EMADM_DSR": "EMADM_DSR", "HYP_PREV": "HYP_PREV"}
# indicator -> (target ratio of the baseline, description)
PROVIDER_KPIS = {
    "R9A": [
        ("EMADM_DSR", "0.94", "Emergency admissions of the trust's catchment"),
        ("AE_DSR", "1.00", "A&E attendances of the trust's catchment held at 2024/25"),
        ("BEDDAYS_DSR", "0.95", "Emergency bed days of the trust's catchment"),
    ],
    "R9D": [
        ("EMADM_DSR", "0.94", "Emergency admissions avoided by virtual wards"),
        ("BEDDAYS_DSR", "0.95", "Bed days saved by virtual wards and urgent response"),
    ],
}


def _outcomes(icb: Area) -> dict[str, Outcome]:
    strategy = phip.existing(icb)
    if strategy is None:
        return {}
    rows = Outcome.objects.filter(priority__strategy=strategy).select_related("indicator")
    return {o.indicator.code: o for o in rows}


def _target(indicator: Indicator, icb: Area, ratio: str) -> Decimal | None:
    baseline = demo_actions.series_baseline(indicator, icb)
    if baseline is None:
        return None
    return (Decimal(str(baseline["value"])) * Decimal(ratio)).quantize(Decimal("0.01"))


def _add(contract, code, ratio, description, icb, outcomes, by) -> bool:
    indicator = Indicator.objects.get(code=code)
    if contract.kpis.filter(indicator=indicator).exists():
        return False
    finance.add_kpi(
        by=by, contract=contract, indicator=indicator, target=_target(indicator, icb, ratio),
        outcome=outcomes.get(code), description=description,
    )  # fmt: skip
    return True


@transaction.atomic
def seed_kpis(*, icb: Area, icb_org, by) -> str:
    """Add the demo KPIs (see the module docstring); a summary, empty if none was new."""
    outcomes = _outcomes(icb)
    active = Contract.objects.filter(commissioner=icb_org, status=ContractStatus.ACTIVE)
    made = 0
    for ods, kpis in PROVIDER_KPIS.items():
        contract = active.filter(provider__ods_code=ods).order_by("pk").first()
        if contract is None:
            continue
        for code, ratio, description in kpis:
            made += _add(contract, code, ratio, description, icb, outcomes, by)
    for terms in ContractTerms.objects.filter(contract__in=active).select_related("contract"):
        for term in (terms.terms or {}).get("outcomes", []):
            code = TERM_INDICATORS.get(term.get("code"))
            if code is None:
                continue
            description = f"[{term['code']}] {term.get('description', '')}"[:300]
            ratio = "0.94" if code == "EMADM_DSR" else "1.06"
            made += _add(terms.contract, code, ratio, description, icb, outcomes, by)
    return f"{made} contract KPIs" if made else ""
