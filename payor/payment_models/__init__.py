"""Payment models as pure calculators: terms and measured inputs in, a statement out.

No Django ORM and no database: the payor stage reads a contract's terms and the period's
measurements and calls `payment_statement(code, terms, measured)`. Money is Decimal in
pounds; each statement line is rounded to the penny (ROUND_HALF_UP) and nothing else is.
docs/payment-models.md explains each model for a contract lead, with worked examples.
"""

from .activity import ActivityTerms, UnitPrice, activity_statement
from .aligned import AlignedTerms, PlannedCurrency, aligned_statement
from .block import BlockTerms, block_statement
from .bundled import BundledTerms, Pathway, bundled_statement
from .capitated import CapitatedTerms, PopulationSegment, average_weight, capitated_statement
from .errors import MeasurementError, PaymentModelError, TermsError, UnknownPaymentModelError
from .gain_loss import GainLossTerms, gain_loss_statement
from .outcome import Outcome, OutcomeTerms, earned_fraction, outcome_maxima, outcome_statement
from .registry import (
    CALCULATORS,
    PaymentModelCalculator,
    calculator_for,
    payment_statement,
    read_terms,
    terms_to_json,
)
from .statement import Statement, StatementLine
from .values import round_pounds

__all__ = [
    "CALCULATORS",
    "ActivityTerms",
    "AlignedTerms",
    "BlockTerms",
    "BundledTerms",
    "CapitatedTerms",
    "GainLossTerms",
    "MeasurementError",
    "Outcome",
    "OutcomeTerms",
    "Pathway",
    "PaymentModelCalculator",
    "PaymentModelError",
    "PlannedCurrency",
    "PopulationSegment",
    "Statement",
    "StatementLine",
    "TermsError",
    "UnitPrice",
    "UnknownPaymentModelError",
    "activity_statement",
    "aligned_statement",
    "average_weight",
    "block_statement",
    "bundled_statement",
    "calculator_for",
    "capitated_statement",
    "earned_fraction",
    "gain_loss_statement",
    "outcome_maxima",
    "outcome_statement",
    "payment_statement",
    "read_terms",
    "round_pounds",
    "terms_to_json",
]
