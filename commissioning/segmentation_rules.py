"""The rule grammar of segmentation models, and its vectorised evaluation over people.

A rule is JSON:

    {"all": [rule, ...]}                      every sub-rule holds ({"all": []} holds for all)
    {"any": [rule, ...]}                      at least one holds
    {"not": rule}                             the sub-rule does not hold
    {"flag": "palliative"}                    a 0/1 flag is set (LTC and other flags)
    {"field": "age", "op": ">=", "value": 65} compare an attribute (ops: = != < <= > >= in)
    {"count": ["diabetes", "copd", ...], "op": ">=", "value": 2}
                                              how many of the flags are set, compared
    {"count": "ltc", "op": ">=", "value": 2}  "ltc" names all 16 long-term conditions

People are assigned to the first segment, in priority order, whose rule they match.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from commissioning.models.population import ACTIVITY_COUNTS, LTC_FLAGS, OTHER_FLAGS

FLAGS = set(LTC_FLAGS) | set(OTHER_FLAGS)
FIELDS = {"age", "sex", "ethnicity", "frailty", "imd_decile", "cost"} | set(ACTIVITY_COUNTS)
OPS = {"=", "!=", "<", "<=", ">", ">=", "in"}


class RuleError(ValueError):
    """A rule that does not follow the grammar; the message says where."""


def validate_rule(rule: Any, path: str = "rule") -> None:
    """Raise RuleError naming the first place where `rule` breaks the grammar."""
    if not isinstance(rule, dict) or len(rule) == 0:
        raise RuleError(f'{path}: expected an object such as {{"flag": "palliative"}}')
    if "all" in rule or "any" in rule:
        key = "all" if "all" in rule else "any"
        if not isinstance(rule[key], list):
            raise RuleError(f"{path}.{key}: expected a list of rules")
        for i, sub in enumerate(rule[key]):
            validate_rule(sub, f"{path}.{key}[{i}]")
    elif "not" in rule:
        validate_rule(rule["not"], f"{path}.not")
    elif "flag" in rule:
        if rule["flag"] not in FLAGS:
            raise RuleError(f"{path}.flag: unknown flag {rule['flag']!r}")
    elif "field" in rule:
        if rule["field"] not in FIELDS:
            raise RuleError(f"{path}.field: unknown field {rule['field']!r}")
        _validate_comparison(rule, path)
    elif "count" in rule:
        flags = LTC_FLAGS if rule["count"] == "ltc" else rule["count"]
        if not isinstance(flags, list) or not flags or any(f not in FLAGS for f in flags):
            raise RuleError(f'{path}.count: expected "ltc" or a list of known flags')
        _validate_comparison(rule, path)
    else:
        raise RuleError(f"{path}: unknown rule with keys {sorted(rule)}")


def _validate_comparison(rule: dict, path: str) -> None:
    if rule.get("op") not in OPS:
        raise RuleError(f"{path}.op: expected one of {sorted(OPS)}")
    if "value" not in rule:
        raise RuleError(f"{path}.value: missing")
    if rule["op"] == "in" and not isinstance(rule["value"], list):
        raise RuleError(f"{path}.value: 'in' needs a list")


def evaluate_rule(rule: dict, people: pd.DataFrame) -> pd.Series:
    """Boolean Series: which rows of `people` match `rule`.

    Columns used: whichever flags and fields the rule names (flags as 0/1 or bool)."""
    if "all" in rule:
        result = pd.Series(True, index=people.index)
        for sub in rule["all"]:
            result &= evaluate_rule(sub, people)
        return result
    if "any" in rule:
        result = pd.Series(False, index=people.index)
        for sub in rule["any"]:
            result |= evaluate_rule(sub, people)
        return result
    if "not" in rule:
        return ~evaluate_rule(rule["not"], people)
    if "flag" in rule:
        return people[rule["flag"]].astype(bool)
    if "field" in rule:
        return _compare(people[rule["field"]], rule["op"], rule["value"])
    flags = LTC_FLAGS if rule["count"] == "ltc" else rule["count"]
    return _compare(people[flags].astype(np.int8).sum(axis=1), rule["op"], rule["value"])


def _compare(values: pd.Series, op: str, target: Any) -> pd.Series:
    if op == "in":
        return values.isin(target)
    return {
        "=": values.eq,
        "!=": values.ne,
        "<": values.lt,
        "<=": values.le,
        ">": values.gt,
        ">=": values.ge,
    }[op](target)


def assign_segments(segments: list[tuple[str, dict]], people: pd.DataFrame) -> pd.Series:
    """Each person's segment code: the first (code, rule) in priority order they match.

    People matching no rule get None, which a well-formed model (last rule matches all)
    never produces."""
    assigned = pd.Series(None, index=people.index, dtype="object")
    unassigned = pd.Series(True, index=people.index)
    for code, rule in segments:
        hit = unassigned & evaluate_rule(rule, people)
        assigned[hit] = code
        unassigned &= ~hit
    return assigned
