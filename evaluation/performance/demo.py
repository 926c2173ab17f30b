"""Demo data of contract performance: nothing to write, since performance is computed
from the contract KPIs, terms and indicator series that the payor and demo seeders make.
Returns a one-line summary of what the demo ICB's commissioners will see."""

from __future__ import annotations

from commissioning.models import Contract
from evaluation.performance.queries import contract_performance
from payor.models import ContractKpi


def seed_demo(*, icb, by) -> str:
    """Summarise the demo ICB's contract performance (idempotent: writes nothing)."""
    contracts = Contract.objects.filter(commissioner__icb=icb).select_related("provider")
    kpis = ContractKpi.objects.filter(contract__in=contracts).count()
    earned = []
    for contract in contracts.filter(payment_model="outcome"):
        payment = contract_performance(by, contract).payment
        if payment is not None and payment.earned is not None:
            earned.append(f"{contract.reference} earned £{payment.earned:,.2f} of "
                          f"£{payment.value_at_risk:,.2f} in {payment.period}")  # fmt: skip
    outcome = "; ".join(earned) if earned else "no outcome payment measured yet"
    return f"Contract performance: {contracts.count()} contracts, {kpis} KPIs; {outcome}."
