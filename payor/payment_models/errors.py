"""The errors the payment calculators raise: ValueErrors that name the term at fault."""


class PaymentModelError(ValueError):
    """A payment model cannot be calculated as given.

    `field` names the term or measured input at fault (for example
    `outcomes['EA65'].floor`), so that a form can show the message beside it.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class TermsError(PaymentModelError):
    """A contract's payment terms are not valid (a negative price, a share above 1 …)."""


class MeasurementError(PaymentModelError):
    """A measured input for the period is missing or not valid (an activity count, an
    outcome's achievement, actual spend)."""


class UnknownPaymentModelError(PaymentModelError):
    """No calculator is registered for the payment model code."""
