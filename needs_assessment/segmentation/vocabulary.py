"""The words people read for the parts of a segmentation rule, and rules in plain English.

The rule grammar itself is `commissioning.segmentation_rules`; this module only names its
flags, fields and comparisons the way a commissioner says them, so that pages can show
"Two or more long-term conditions" rather than `{"count": "ltc", "op": ">=", "value": 2}`.
"""

from __future__ import annotations

from typing import Any

from commissioning.models.population import (
    ACTIVITY_COUNTS,
    ACTIVITY_LABELS,
    LTC_FLAGS,
    LTC_LABELS,
    OTHER_FLAG_LABELS,
    OTHER_FLAGS,
)

FLAG_LABELS = LTC_LABELS | OTHER_FLAG_LABELS
assert set(FLAG_LABELS) == set(LTC_FLAGS) | set(OTHER_FLAGS)

assert set(ACTIVITY_LABELS) == set(ACTIVITY_COUNTS)

FIELD_LABELS = {
    "age": "Age (years)",
    "sex": "Sex (F, M, I or U)",
    "ethnicity": "Ethnicity group",
    "frailty": "Frailty (0 fit, 1 mild, 2 moderate, 3 severe)",
    "imd_decile": "IMD decile of home area (1 = most deprived)",
    "cost": "Cost of care in the year (£)",
} | {name: f"{label} in the year" for name, label in ACTIVITY_LABELS.items()}
TEXT_FIELDS = {"sex", "ethnicity"}  # compared as text; every other field is a number

OP_LABELS = {
    "=": "equal to",
    "!=": "not equal to",
    "<": "less than",
    "<=": "at most",
    ">": "more than",
    ">=": "at least",
    "in": "one of",
}


def _list(words: list[str], joiner: str = "or") -> str:
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {joiner} {words[-1]}"


def _value(value: Any) -> str:
    if isinstance(value, list):
        return _list([_value(v) for v in value])
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):,}"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def describe_rule(rule: Any) -> str:
    """A rule in plain English, e.g. "Severe mental illness or in contact with mental
    health services". Rules that break the grammar are described as such, not raised."""
    if not isinstance(rule, dict) or not rule:
        return "Not a valid rule"
    if "all" in rule:
        parts = rule["all"] if isinstance(rule["all"], list) else []
        if not parts:
            return "Everyone else"
        return "All of: " + "; ".join(describe_rule(part) for part in parts)
    if "any" in rule:
        parts = rule["any"] if isinstance(rule["any"], list) else []
        if parts and all(isinstance(p, dict) and set(p) == {"flag"} for p in parts):
            return "Any of: " + _list([FLAG_LABELS.get(p["flag"], p["flag"]) for p in parts])
        return "At least one of: " + "; ".join(describe_rule(part) for part in parts)
    if "not" in rule:
        return f"Not ({describe_rule(rule['not'])})"
    if "flag" in rule:
        return FLAG_LABELS.get(rule["flag"], str(rule["flag"]))
    if "field" in rule:
        return _describe_field(rule)
    if "count" in rule:
        return _describe_count(rule)
    return "Not a valid rule"


FIELD_SHORT = {"imd_decile": "IMD decile", "cost": "Cost (£)", "frailty": "Frailty"}
FRAILTY_WORDS = {0: "fit", 1: "mild", 2: "moderate", 3: "severe"}


def _describe_field(rule: dict) -> str:
    name = rule["field"]
    field = FIELD_SHORT.get(name) or FIELD_LABELS.get(name, str(name))
    op, value = OP_LABELS.get(rule.get("op"), rule.get("op")), rule.get("value")
    if name == "frailty" and value in FRAILTY_WORDS and not isinstance(value, bool):
        return f"{field} {op} {FRAILTY_WORDS[value]} ({value})"
    return f"{field} {op} {_value(value)}"


def _describe_count(rule: dict) -> str:
    what = (
        "long-term conditions"
        if rule["count"] == "ltc"
        else "of " + _list([FLAG_LABELS.get(f, str(f)) for f in rule["count"]], "and")
    )
    op, value = rule.get("op"), rule.get("value")
    if rule["count"] == "ltc" and isinstance(value, int):
        noun = "long-term condition" if value == 1 else "long-term conditions"
        phrases = {
            ">=": f"{value} or more {noun}",
            ">": f"More than {value} {noun}",
            "=": f"Exactly {value} {noun}",
            "<=": f"At most {value} {noun}",
            "<": f"Fewer than {value} {noun}",
            "!=": f"Not exactly {value} {noun}",
        }
        if op in phrases:
            return phrases[op]
    return f"Number {what} {OP_LABELS.get(op, op)} {_value(value)}"
