"""The segmentation rule grammar and assignment (pure: no database)."""

import pandas as pd
import pytest

from commissioning.models.population import LTC_FLAGS, OTHER_FLAGS
from commissioning.reference_data import BRIDGES_TO_HEALTH, GREATER_MANCHESTER
from commissioning.segmentation_rules import (
    RuleError,
    assign_segments,
    evaluate_rule,
    validate_rule,
)


def people(**columns):
    base = {flag: [0] for flag in LTC_FLAGS + OTHER_FLAGS}
    base.update(age=[50], frailty=[0], emergency_admissions=[0])
    base.update({k: [v] for k, v in columns.items()})
    return pd.DataFrame(base)


def gm_segment(**columns) -> str:
    segments = [(code, rule) for code, _, _, rule, _ in GREATER_MANCHESTER["segments"]]
    return assign_segments(segments, people(**columns)).iloc[0]


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        ({}, "good_health"),
        ({"asthma": 1}, "single_ltc"),
        ({"asthma": 1, "diabetes": 1}, "multiple_ltc"),
        ({"smi": 1, "asthma": 1, "diabetes": 1}, "mental_illness"),
        ({"homeless": 1, "smi": 1}, "homeless_substance"),
        ({"cancer": 1, "homeless": 1}, "cancer"),
        ({"frailty": 2, "cancer": 1}, "frailty"),
        ({"frailty": 1, "cancer": 1}, "cancer"),
        ({"palliative": 1, "frailty": 3}, "palliative"),
    ],
)
def test_greater_manchester_priority_order(columns, expected):
    assert gm_segment(**columns) == expected


def test_every_person_in_exactly_one_segment_for_shipped_models():
    frame = pd.concat(
        [
            people(),
            people(asthma=1),
            people(palliative=1),
            people(copd=1, frailty=3),
            people(learning_disability=1),
            people(emergency_admissions=2),
        ],
        ignore_index=True,
    )
    for spec in (GREATER_MANCHESTER, BRIDGES_TO_HEALTH):
        for _, _, _, rule, _ in spec["segments"]:
            validate_rule(rule)
        assigned = assign_segments([(s[0], s[3]) for s in spec["segments"]], frame)
        assert assigned.notna().all()


def test_count_rule_counts_listed_flags():
    rule = {"count": ["asthma", "copd"], "op": ">=", "value": 2}
    assert evaluate_rule(rule, people(asthma=1, copd=1)).iloc[0]
    assert not evaluate_rule(rule, people(asthma=1, diabetes=1)).iloc[0]


@pytest.mark.parametrize(
    ("rule", "where"),
    [
        ({"flag": "unicorn"}, "rule.flag"),
        ({"all": [{"field": "age", "op": "~", "value": 3}]}, "rule.all[0].op"),
        ({"any": {"flag": "smi"}}, "rule.any"),
        ({"field": "age", "op": ">="}, "rule.value"),
        ({"count": [], "op": ">=", "value": 1}, "rule.count"),
        ([], "rule"),
    ],
)
def test_validate_rule_names_where_it_is_wrong(rule, where):
    with pytest.raises(RuleError) as raised:
        validate_rule(rule)
    assert str(raised.value).startswith(where + ":")
