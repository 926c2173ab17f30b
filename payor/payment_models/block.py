"""Block: a fixed annual sum, whatever the activity, paid in equal instalments."""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .errors import MeasurementError
from .statement import Statement, StatementLine, pounds, pounds_exact
from .values import build, measured_inputs, money, round_pounds, settle, whole_number

CODE = "block"


@dataclass(frozen=True)
class BlockTerms:
    """`annual_value` in pounds, paid in `instalments` parts (12 for monthly, 1 for once)."""

    annual_value: Decimal
    instalments: int = 12

    def __post_init__(self) -> None:
        settle(self, "annual_value", money(self.annual_value, "annual_value"))
        settle(self, "instalments", whole_number(self.instalments, "instalments", minimum=1))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "BlockTerms":
        return build(cls, data, "terms")


def paid_to_date(terms: BlockTerms, instalment: int) -> Decimal:
    """What the provider has been paid once `instalment` instalments are paid: that share of
    the annual value, rounded to the penny. Instalment k pays the difference between the
    amounts paid to date after k and after k - 1, so no instalment is ever more than a
    penny from the others and the year adds up to the annual value exactly."""
    return round_pounds(terms.annual_value * instalment / terms.instalments)


def block_statement(terms: BlockTerms, measured: Mapping[str, Any]) -> Statement:
    """The block payment due for one instalment (`measured["instalment"]`, counting from 1),
    or for the whole year (all instalments, one line each) when no instalment is given."""
    measured_inputs(measured, optional=["instalment"])
    if measured.get("instalment") is None:
        numbers = range(1, terms.instalments + 1)
    else:
        number = whole_number(measured["instalment"], "instalment", error=MeasurementError)
        if not 1 <= number <= terms.instalments:
            raise MeasurementError(
                "instalment",
                f"instalment must be between 1 and {terms.instalments}; got {number}",
            )
        numbers = range(number, number + 1)
    lines = tuple(_instalment_line(terms, number) for number in numbers)
    summary = (
        f"Block contract: {pounds(terms.annual_value)} a year in {terms.instalments} "
        f"instalment{'s' if terms.instalments > 1 else ''}, whatever the activity."
    )
    return Statement(CODE, lines, summary)


def _instalment_line(terms: BlockTerms, number: int) -> StatementLine:
    to_date = paid_to_date(terms, number)
    before = paid_to_date(terms, number - 1)
    due = to_date - before
    if terms.instalments == 1:
        explanation = f"The annual value, {pounds(terms.annual_value)}, paid at once."
    else:
        exact = terms.annual_value * number / terms.instalments
        explanation = (
            f"Paid to date after instalment {number}: {pounds(terms.annual_value)} × {number} "
            f"÷ {terms.instalments} = {pounds_exact(exact)}"
            f", rounded to {pounds(to_date)}; less {pounds(before)} paid before = "
            f"{pounds(due)}."
        )
    return StatementLine(
        f"Block payment, instalment {number} of {terms.instalments}",
        Decimal(1),
        due,
        explanation,
    )
