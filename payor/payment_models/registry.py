"""The payment models by code (the codes of `commissioning.models.PaymentModel`).

The payor stage stores a contract's terms as JSON and calls `payment_statement` with the
contract's payment model code, its terms and the period's measured inputs.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from .activity import ActivityTerms, activity_statement
from .aligned import AlignedTerms, aligned_statement
from .block import BlockTerms, block_statement
from .bundled import BundledTerms, bundled_statement
from .capitated import CapitatedTerms, capitated_statement
from .errors import TermsError, UnknownPaymentModelError
from .gain_loss import GainLossTerms, gain_loss_statement
from .outcome import OutcomeTerms, outcome_statement
from .statement import Statement
from .values import terms_as_json


@dataclass(frozen=True)
class PaymentModelCalculator:
    """A payment model: its code, the terms it takes and the function that prices them."""

    code: str
    terms_type: type
    calculate: Callable[[Any, Mapping[str, Any]], Statement]
    measured_inputs: tuple[str, ...]


CALCULATORS: Mapping[str, PaymentModelCalculator] = MappingProxyType(
    {
        calculator.code: calculator
        for calculator in (
            PaymentModelCalculator("block", BlockTerms, block_statement, ("instalment",)),
            PaymentModelCalculator("activity", ActivityTerms, activity_statement, ("activity",)),
            PaymentModelCalculator("aligned", AlignedTerms, aligned_statement, ("activity",)),
            PaymentModelCalculator(
                "capitated", CapitatedTerms, capitated_statement, ("population",)
            ),
            PaymentModelCalculator(
                "bundled", BundledTerms, bundled_statement, ("episodes", "excess_days")
            ),
            PaymentModelCalculator("outcome", OutcomeTerms, outcome_statement, ("achievement",)),
            PaymentModelCalculator(
                "gain_loss", GainLossTerms, gain_loss_statement, ("actual_spend",)
            ),
        )
    }
)


def calculator_for(code: str) -> PaymentModelCalculator:
    """The calculator for a payment model code, or UnknownPaymentModelError."""
    try:
        return CALCULATORS[code]
    except (KeyError, TypeError):
        known = ", ".join(repr(known) for known in CALCULATORS)
        raise UnknownPaymentModelError(
            "payment_model", f"no payment model {code!r} (expected one of {known})"
        ) from None


def read_terms(code: str, terms: Mapping[str, Any]) -> Any:
    """Check stored terms for a payment model and return them as its terms dataclass
    (raises TermsError naming the term at fault): use it to validate terms on save."""
    if not isinstance(terms, Mapping):
        raise TermsError("terms", "terms must be a mapping of term names to values")
    return calculator_for(code).terms_type.from_dict(terms)


def payment_statement(
    code: str, terms: Mapping[str, Any], measured: Mapping[str, Any]
) -> Statement:
    """The payment statement for one contract and period: the payment model `code`, the
    contract's `terms` as stored (JSON) and the period's `measured` inputs."""
    calculator = calculator_for(code)
    return calculator.calculate(read_terms(code, terms), measured)


def terms_to_json(terms: Any) -> dict[str, Any]:
    """Terms as JSON-safe data for storage; `read_terms` reads them back unchanged."""
    return terms_as_json(terms)
