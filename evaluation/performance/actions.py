"""Writes of contract performance: recording the payment statement worked out from
indicator values as the contract's statement for the period.

The write itself is the payor's `compute_statement` action (ICB commissioners only,
atomic, audited, refusing a second statement for the same period); this only supplies the
measured inputs built from the indicators, so nothing is written here directly.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from commissioning.models import Contract
from evaluation.performance import measures
from evaluation.performance.queries import contract_performance
from payor.finance.actions import compute_statement
from payor.models import PaymentStatement


def record_statement(*, by, contract: Contract, period: str) -> PaymentStatement:
    """Store the statement for `period` (a financial year such as 2025/26) from the
    measured indicator values, through payor.finance.actions.compute_statement."""
    period = str(period or "").strip()
    try:
        measures.financial_year(period)
    except ValueError as error:
        raise ValidationError({"period": f"The {error}."}) from None
    performance = contract_performance(by, contract, period)
    payment = performance.payment
    if payment is None:
        raise ValidationError({"period": performance.note or "There is nothing to record."})
    if payment.statement is None:
        raise ValidationError({"measured": payment.error})
    return compute_statement(by=by, contract=contract, period=period, measured=payment.measured)
