"""Reading terms and measurements into checked Decimals, and writing terms back as JSON.

Every number a calculator uses passes through one of these readers, so the rules are the
same everywhere:

- money is pounds as a `Decimal`, a whole number or a string such as `"1234.50"`; never a
  float (a float cannot hold most amounts of pence exactly), never more than two decimal
  places, and negative only where a term says so (a collar);
- other numbers (activity, counts, weights, shares, outcome measures) may also be floats,
  read through their shortest printed form, so `0.2` becomes `Decimal("0.2")`, not the
  binary fraction nearest to it;
- booleans, NaN and infinities are refused.
"""

from collections.abc import Iterable, Mapping
from dataclasses import MISSING, asdict, fields, is_dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, TypeVar

from .errors import MeasurementError, PaymentModelError, TermsError

PENNY = Decimal("0.01")
ZERO = Decimal("0")
ONE = Decimal("1")
# Far beyond any NHS budget (£10 trillion), and well inside Decimal's 28 significant digits.
LIMIT = Decimal("1e13")

T = TypeVar("T")


def round_pounds(amount: Decimal) -> Decimal:
    """Round to the penny, halves away from zero (ROUND_HALF_UP): the one rounding rule,
    applied once to each statement line's amount and nowhere else in a calculation."""
    return amount.quantize(PENNY, rounding=ROUND_HALF_UP)


def _decimal(value: Any, name: str, error: type[PaymentModelError], *, floats: bool) -> Decimal:
    if value is None:
        raise error(name, f"{name} is missing")
    if isinstance(value, bool):
        raise error(name, f"{name} must be a number, not {value!r}")
    if isinstance(value, float):
        if not floats:
            raise error(
                name,
                f"{name} is money: give it as a string or a whole number "
                f"(for example '{value:.2f}'), never a float",
            )
        value = repr(value)
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, Decimal):
        number = value
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise error(name, f"{name} must be a number; got {value!r}") from None
    else:
        raise error(name, f"{name} must be a number; got {type(value).__name__}")
    if not number.is_finite():
        raise error(name, f"{name} must be a finite number; got {value!r}")
    return number


def money(
    value: Any, name: str, *, error: type[PaymentModelError] = TermsError, signed: bool = False
) -> Decimal:
    """Pounds and pence: at most two decimal places, not negative unless `signed`."""
    amount = _decimal(value, name, error, floats=False)
    if abs(amount) >= LIMIT:
        raise error(name, f"{name} is too large to be a sum of money here; got {value}")
    if amount != amount.quantize(PENNY):
        raise error(name, f"{name} must be in pounds and pence (two decimal places); got {value}")
    if amount < 0 and not signed:
        raise error(name, f"{name} must not be negative; got {value}")
    return amount


def share(value: Any, name: str, *, error: type[PaymentModelError] = TermsError) -> Decimal:
    """A share between 0 and 1 inclusive (0.2 means 20%)."""
    number = _decimal(value, name, error, floats=True)
    if not ZERO <= number <= ONE:
        raise error(name, f"{name} must be a share between 0 and 1 (0.2 means 20%); got {value}")
    return number


def number(
    value: Any,
    name: str,
    *,
    error: type[PaymentModelError] = TermsError,
    minimum: Decimal | None = ZERO,
    above_minimum: bool = False,
) -> Decimal:
    """A number (a count, a weight, a threshold), at or above `minimum` unless it is None."""
    result = _decimal(value, name, error, floats=True)
    if abs(result) >= LIMIT:
        raise error(name, f"{name} is too large; got {value}")
    if minimum is not None:
        if above_minimum and result <= minimum:
            raise error(name, f"{name} must be above {minimum}; got {value}")
        if result < minimum:
            raise error(name, f"{name} must not be below {minimum}; got {value}")
    return result


def whole_number(
    value: Any, name: str, *, error: type[PaymentModelError] = TermsError, minimum: int = 0
) -> int:
    """A whole number at or above `minimum` (a float with no fraction, such as 12.0, is not
    accepted: counts of instalments are written as whole numbers)."""
    if isinstance(value, bool) or not isinstance(value, int | str | Decimal):
        raise error(name, f"{name} must be a whole number; got {value!r}")
    result = _decimal(value, name, error, floats=False)
    if result != result.to_integral_value():
        raise error(name, f"{name} must be a whole number; got {value}")
    if result < minimum:
        raise error(name, f"{name} must be at least {minimum}; got {value}")
    return int(result)


def text(value: Any, name: str, *, required: bool = True) -> str:
    """A code or description: a string, not blank when `required`."""
    if not isinstance(value, str):
        raise TermsError(name, f"{name} must be text; got {value!r}")
    if required and not value.strip():
        raise TermsError(name, f"{name} must not be blank")
    return value.strip()


def choice(value: Any, name: str, options: Iterable[str]) -> str:
    options = tuple(options)
    if value not in options:
        wanted = ", ".join(repr(option) for option in options)
        raise TermsError(name, f"{name} must be one of {wanted}; got {value!r}")
    return value


def settle(instance: object, name: str, value: Any) -> None:
    """Store a checked value on a frozen dataclass from its `__post_init__`."""
    object.__setattr__(instance, name, value)


def build(cls: type[T], data: Any, where: str) -> T:
    """Make a terms dataclass from a mapping, refusing unknown or missing names.

    A key whose value is None counts as absent, so an optional term may be stored as null.
    """
    if isinstance(data, cls):
        return data
    if not isinstance(data, Mapping):
        raise TermsError(where, f"{where} must be a mapping of term names to values")
    given = {key: value for key, value in data.items() if value is not None}
    known = {field.name for field in fields(cls) if field.init}
    unknown = sorted(str(key) for key in set(given) - known)
    if unknown:
        raise TermsError(
            f"{where}.{unknown[0]}",
            f"{where}: unknown term {unknown[0]!r} (expected {', '.join(sorted(known))})",
        )
    required = [
        field.name
        for field in fields(cls)
        if field.init and field.default is MISSING and field.default_factory is MISSING
    ]
    for name in required:
        if name not in given:
            raise TermsError(f"{where}.{name}", f"{where}: missing term {name!r}")
    return cls(**given)


def build_items(cls: type[T], items: Any, name: str) -> tuple[T, ...]:
    """A non-empty list of item dataclasses (prices, pathways, outcomes …) with unique codes."""
    if isinstance(items, Mapping | str) or not isinstance(items, Iterable):
        raise TermsError(name, f"{name} must be a list")
    built = tuple(build(cls, item, f"{name}[{index}]") for index, item in enumerate(items))
    if not built:
        raise TermsError(name, f"{name} must list at least one item")
    seen: set[str] = set()
    for item in built:
        code = item.code  # type: ignore[attr-defined]
        if code in seen:
            raise TermsError(name, f"{name}: code {code!r} appears more than once")
        seen.add(code)
    return built


def measured_inputs(
    measured: Any, *, required: Iterable[str] = (), optional: Iterable[str] = ()
) -> Mapping[str, Any]:
    """Check the measured inputs mapping has the named keys and no others."""
    if not isinstance(measured, Mapping):
        raise MeasurementError("measured", "measured inputs must be a mapping")
    required, optional = tuple(required), tuple(optional)
    unknown = sorted(str(key) for key in set(measured) - set(required) - set(optional))
    if unknown:
        expected = ", ".join(sorted(required + optional)) or "nothing"
        raise MeasurementError(
            unknown[0], f"unknown measured input {unknown[0]!r} (expected {expected})"
        )
    for key in required:
        if measured.get(key) is None:
            raise MeasurementError(key, f"measured input {key!r} is missing")
    return measured


def per_code(
    values: Any, codes: Iterable[str], name: str, what: str, *, integer: bool = False
) -> dict[str, Decimal]:
    """Read `{code: number}` for exactly the given codes: each one measured, no strangers."""
    codes = tuple(codes)
    if not isinstance(values, Mapping):
        raise MeasurementError(name, f"{name} must be a mapping of code to {what}")
    unknown = sorted(str(code) for code in set(values) - set(codes))
    if unknown:
        raise MeasurementError(
            f"{name}[{unknown[0]!r}]",
            f"{name} has {unknown[0]!r}, which the terms do not list "
            f"(expected {', '.join(repr(code) for code in codes)})",
        )
    result = {}
    for code in codes:
        field = f"{name}[{code!r}]"
        if values.get(code) is None:
            raise MeasurementError(field, f"no {what} measured for {code!r}")
        if integer:
            result[code] = Decimal(whole_number(values[code], field, error=MeasurementError))
        else:
            result[code] = number(values[code], field, error=MeasurementError)
    return result


def terms_as_json(terms: Any) -> dict[str, Any]:
    """A terms dataclass as JSON-safe data (Decimals as strings, None left out), which the
    model's `from_dict` reads back to equal terms."""
    if not is_dataclass(terms) or isinstance(terms, type):
        raise TypeError("terms_as_json takes a terms dataclass")
    return _json(asdict(terms))


def _json(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _json(item) for key, item in value.items() if item is not None}
    if isinstance(value, list | tuple):
        return [_json(item) for item in value]
    if isinstance(value, Decimal):
        return str(value)
    return value
