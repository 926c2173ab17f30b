"""Segmentation analysis, validation, the editor's rule shapes and the charts (pure: no DB)."""

import numpy as np
import pandas as pd
import pytest
from django.http import QueryDict

from commissioning.models.population import LTC_FLAGS, OTHER_FLAGS
from commissioning.reference_data import BRIDGES_TO_HEALTH, GREATER_MANCHESTER
from needs_assessment.segmentation import analysis, charts, editor
from needs_assessment.segmentation.people import columns_for, people_query, rule_columns
from needs_assessment.segmentation.validation import (
    find_problems,
    matches_everyone,
    matches_no_one,
)
from needs_assessment.segmentation.vocabulary import describe_rule


def segments_of(spec) -> list[dict]:
    return [
        {"code": c, "name": n, "description": d, "rule": r, "colour": colour}
        for c, n, d, r, colour in spec["segments"]
    ]


OLD = [
    {"code": "frail", "name": "Frail", "colour": "#330072", "rule": {"flag": "palliative"}},
    {"code": "ltc", "name": "Long-term condition", "colour": "#005eb8", "rule": {"flag": "copd"}},
    {"code": "well", "name": "Well", "colour": "#009639", "rule": {"all": []}},
]
NEW = [
    {"code": "frail", "name": "Frail", "colour": "#330072", "rule": {"flag": "palliative"}},
    {"code": "well", "name": "Well", "colour": "#009639", "rule": {"all": []}},
]


def people(rows: list[dict]) -> pd.DataFrame:
    base = dict.fromkeys(LTC_FLAGS + OTHER_FLAGS, 0) | {"age": 50, "frailty": 0, "cost": 0.0}
    base["emergency_admissions"] = 0
    return pd.DataFrame([base | row for row in rows])


# --------------------------------------------------------------------------- analysis


def test_segment_flows_exact_crosstab_on_hand_made_people():
    first = pd.Series(["frail", "ltc", "ltc", "well", "well", "well", "ltc"])
    second = pd.Series(["frail", "frail", "well", "well", "well", "well", "well"])
    flows = analysis.segment_flows(first, second, OLD, NEW)
    table = {(r.from_code, r.to_code): r.people for r in flows.itertuples()}
    assert table == {
        ("frail", "frail"): 1,
        ("frail", "well"): 0,
        ("ltc", "frail"): 1,
        ("ltc", "well"): 2,
        ("well", "frail"): 0,
        ("well", "well"): 3,
    }
    assert list(flows.columns) == ["from_code", "from_name", "to_code", "to_name", "people"]
    matrix = analysis.flow_matrix(flows)
    assert matrix.index.tolist() == ["Frail", "Long-term condition", "Well"]
    assert matrix.columns.tolist() == ["Frail", "Well"]
    assert matrix.to_numpy().tolist() == [[1, 0], [1, 2], [0, 3]]
    assert analysis.people_in_same_segment(flows) == 4  # frail->frail 1, well->well 3


def test_segment_flows_match_pandas_crosstab_on_random_people():
    rng = np.random.default_rng(7)
    first = pd.Series(rng.choice(["frail", "ltc", "well"], 5000))
    second = pd.Series(rng.choice(["frail", "well"], 5000))
    flows = analysis.segment_flows(first, second, OLD, NEW)
    expected = pd.crosstab(first, second)
    for row in flows.itertuples():
        assert row.people == expected.loc[row.from_code, row.to_code]
    assert flows["people"].sum() == 5000


def test_segment_flows_show_no_segment_only_when_someone_is_in_it():
    first = pd.Series(["frail", None, "well"])
    second = pd.Series(["frail", "well", "well"])
    flows = analysis.segment_flows(first, second, OLD, NEW)
    assert analysis.NO_SEGMENT in set(flows["from_code"])
    assert analysis.NO_SEGMENT not in set(flows["to_code"])
    assert flows.loc[flows["from_code"] == analysis.NO_SEGMENT, "people"].sum() == 1


def test_segment_flows_refuse_unknown_codes_and_different_lengths():
    with pytest.raises(ValueError, match="not among the segments"):
        analysis.segment_flows(pd.Series(["nope"]), pd.Series(["well"]), OLD, NEW)
    with pytest.raises(ValueError, match="same people"):
        analysis.segment_flows(pd.Series(["well"]), pd.Series(["well", "well"]), OLD, NEW)


def test_people_in_same_segment_is_none_for_unrelated_models():
    gm, b2h = segments_of(GREATER_MANCHESTER), segments_of(BRIDGES_TO_HEALTH)
    frame = people([{"palliative": 1}, {}])
    flows = analysis.segment_flows(analysis.assign(gm, frame), analysis.assign(b2h, frame), gm, b2h)
    assert analysis.people_in_same_segment(flows) is None
    assert flows["people"].sum() == 2


def test_assign_and_segment_sizes_with_cost_and_activity():
    frame = people(
        [
            {"palliative": 1, "cost": 1000.0},
            {"copd": 1, "cost": 300.0},
            {"copd": 1, "cost": 100.0},
            {"cost": 50.0},
        ]
    )
    frame["emergency_admissions"] = [2, 1, 0, 0]
    frame["segment"] = analysis.assign(OLD, frame)
    sizes = analysis.segment_sizes(frame, OLD)
    assert sizes["code"].tolist() == ["frail", "ltc", "well"]
    assert sizes["people"].tolist() == [1, 2, 1]
    assert sizes["share"].tolist() == [25.0, 50.0, 25.0]
    assert sizes["cost"].tolist() == [1000.0, 400.0, 50.0]
    assert sizes["cost_per_head"].tolist() == [1000.0, 200.0, 50.0]
    assert sizes["emergency_admissions"].tolist() == [2, 1, 0]
    assert sizes["emergency_admissions_per_1000"].tolist() == [2000.0, 500.0, 0.0]
    assert analysis.NO_SEGMENT not in set(sizes["code"])


def test_assign_agrees_with_the_core_assign_segments():
    from commissioning.segmentation_rules import assign_segments
    from tests.people import make_people

    frame = make_people(3000, lsoa_ids=[1], practice_ids=[1], seed=3)
    for spec in (GREATER_MANCHESTER, BRIDGES_TO_HEALTH):
        segments = segments_of(spec)
        ours = pd.Series(analysis.assign(segments, frame), dtype=object)
        core = assign_segments([(s["code"], s["rule"]) for s in segments], frame)
        assert ours.tolist() == core.tolist()


def test_segment_sizes_keep_empty_segments_and_report_people_in_none():
    frame = people([{"copd": 1}, {"copd": 1}])
    no_catch_all = OLD[:2]
    frame["segment"] = analysis.assign(no_catch_all, people([{"copd": 1}, {}]))
    sizes = analysis.segment_sizes(frame, no_catch_all)
    assert sizes.set_index("code")["people"].to_dict() == {
        "frail": 0,
        "ltc": 1,
        analysis.NO_SEGMENT: 1,
    }
    assert np.isnan(sizes.set_index("code").loc["frail", "cost_per_head"])


# --------------------------------------------------------------------------- validation


def test_find_problems_names_segment_and_rule_path():
    segments = [
        {"code": "a", "name": "Alpha", "rule": {"any": [{"flag": "copd"}, {"flag": "nope"}]}},
        {"code": "a", "name": "alpha", "colour": "blue", "rule": {"all": []}},
    ]
    messages = [str(p) for p in find_problems(segments)]
    assert "Segment 1 (Alpha): rule.any[1].flag: unknown flag 'nope'" in messages
    assert "Segment 2 (alpha): the code 'a' is already used by segment 1" in messages
    assert "Segment 2 (alpha): the name 'alpha' is already used by segment 1" in messages
    assert "Segment 2 (alpha): the colour must be a hex colour such as #005eb8" in messages


def test_find_problems_refuses_a_model_that_misses_people():
    segments = [
        {"code": "old", "name": "Older", "rule": {"field": "age", "op": ">=", "value": 65}},
        {"code": "young", "name": "Younger", "rule": {"field": "age", "op": "<", "value": 65}},
    ]
    [problem] = find_problems(segments)
    assert problem.index == 1 and problem.field == "rule"
    assert str(problem).startswith("Segment 2 (Younger): the last segment must catch everyone")


def test_find_problems_accepts_the_shipped_models():
    assert find_problems(segments_of(GREATER_MANCHESTER)) == []
    assert find_problems(segments_of(BRIDGES_TO_HEALTH)) == []


def test_find_problems_on_empty_and_bad_shapes():
    assert [p.message for p in find_problems([])] == ["A model needs at least one segment."]
    problems = find_problems([{"code": "Bad Code", "name": "", "rule": "x"}])
    fields = {p.field for p in problems}
    assert fields == {"code", "name", "rule"}


@pytest.mark.parametrize(
    ("rule", "everyone", "no_one"),
    [
        ({"all": []}, True, False),
        ({"any": []}, False, True),
        ({"not": {"any": []}}, True, False),
        ({"any": [{"flag": "copd"}, {"all": []}]}, True, False),
        ({"all": [{"all": []}, {"not": {"any": []}}]}, True, False),
        ({"field": "age", "op": ">=", "value": 0}, False, False),
        ({"not": {"all": []}}, False, True),
    ],
)
def test_matches_everyone_and_no_one_judge_shapes(rule, everyone, no_one):
    assert matches_everyone(rule) is everyone
    assert matches_no_one(rule) is no_one


# --------------------------------------------------------------------------- editor


@pytest.mark.parametrize(
    ("rule", "kind"),
    [
        ({"flag": "palliative"}, "flags"),
        ({"any": [{"flag": "smi"}, {"flag": "mental_health_contact"}]}, "flags"),
        ({"count": "ltc", "op": ">=", "value": 2}, "ltc"),
        ({"field": "frailty", "op": ">=", "value": 2}, "field"),
        ({"field": "sex", "op": "in", "value": ["F", "M"]}, "field"),
        ({"all": []}, "everyone"),
        ({"any": [{"field": "frailty", "op": ">=", "value": 2}, {"flag": "dementia"}]}, "advanced"),
    ],
)
def test_editor_round_trips_each_rule_shape(rule, kind):
    form = editor.form_from_segment({"code": "x", "name": "X", "rule": rule}, "s0")
    assert form.kind == kind
    [segment], readable = editor.segments_from_forms([form])
    assert readable and segment["rule"] == rule


def _post(**fields) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in fields.items():
        data.setlist(key.replace("__", "-"), value if isinstance(value, list) else [value])
    return data


def test_editor_reads_a_post_and_reports_field_errors_by_segment():
    data = _post(
        order=["s0", "s1", "s2"],
        s0__name="Frail",
        s0__code="frail",
        s0__kind="flags",
        s1__name="Older",
        s1__code="",
        s1__kind="field",
        s1__field="age",
        s1__field_op=">=",
        s1__field_value="sixty",
        s2__name="Everyone else",
        s2__code="rest",
        s2__kind="advanced",
        s2__json='{"all": [}',
    )
    data.setlist("s2-colour", ["red"])
    forms = editor.forms_from_post(data)
    assert editor.check(forms) == (None, [])
    summary = dict(editor.error_summary(forms))
    assert summary == {
        "Segment 1 (Frail): choose at least one flag": "s0-flags-hypertension",
        "Segment 2 (Older): enter a number for age (years), not 'sixty'": "s1-field_value",
        "Segment 3 (Everyone else): the rule is not valid JSON: Expecting value (line 1)": (
            "s2-json"
        ),
        "Segment 3 (Everyone else): the colour must be a hex colour such as #005eb8": ("s2-colour"),
    }
    assert forms[1].code == "older"  # made from the name


def test_editor_field_values_check_sex_codes_and_parse_lists():
    form = editor.SegmentForm(
        key="s0", name="Women", code="w", kind="field", field="sex", field_op="in"
    )
    form.field_value = "f, m"
    [segment], _ = editor.segments_from_forms([form])
    assert segment["rule"] == {"field": "sex", "op": "in", "value": ["F", "M"]}
    form.field_value, form.field_op = "woman", "="
    assert editor.segments_from_forms([form])[1] is False
    assert form.errors["field_value"] == ["'woman' is not a sex: use F, M, I, U"]


def test_editor_commands_move_add_and_remove_without_losing_input():
    forms = editor.forms_from_segments(OLD)
    forms[1].name = "Typed but not saved"
    forms, message = editor.apply_command(forms, "up:s1")
    assert [f.key for f in forms] == ["s1", "s0", "s2"] and "moved up" in message
    assert forms[0].name == "Typed but not saved"
    forms, _ = editor.apply_command(forms, "add")
    assert [f.key for f in forms] == ["s1", "s0", "n1", "s2"]  # above "everyone else"
    forms, _ = editor.apply_command(forms, "remove:s0")
    assert [f.key for f in forms] == ["s1", "n1", "s2"]
    forms, _ = editor.apply_command(forms, "down:s2")  # already last: nothing happens
    assert [f.key for f in forms] == ["s1", "n1", "s2"]


def test_editor_maps_saving_problems_to_inputs():
    forms = editor.forms_from_segments(OLD)
    problems = find_problems([dict(s, code="same") for s in OLD])
    assert editor.attach_problems(forms, problems) == []
    assert forms[1].errors["code"] == ["the code 'same' is already used by segment 1"]


# --------------------------------------------------------------------------- words, columns


@pytest.mark.parametrize(
    ("rule", "text"),
    [
        ({"flag": "palliative"}, "Palliative care register"),
        ({"count": "ltc", "op": ">=", "value": 2}, "2 or more long-term conditions"),
        ({"count": "ltc", "op": "=", "value": 1}, "Exactly 1 long-term condition"),
        ({"all": []}, "Everyone else"),
        (
            {"any": [{"flag": "homeless"}, {"flag": "substance_misuse"}]},
            "Any of: Homeless or Substance misuse",
        ),  # fmt: skip
        (
            {"field": "frailty", "op": ">=", "value": 2},
            "Frailty at least moderate (2)",
        ),  # fmt: skip
    ],
)
def test_describe_rule_in_plain_english(rule, text):
    assert describe_rule(rule) == text


def test_columns_read_are_only_those_the_rules_name():
    gm = segments_of(GREATER_MANCHESTER)
    assert rule_columns(
        {"any": [{"flag": "copd"}, {"field": "imd_decile", "op": "<", "value": 3}]}
    ) == {
        "copd",
        "imd_decile",
    }
    columns = columns_for([gm], with_measures=False)
    assert set(LTC_FLAGS) <= set(columns) and "cost" not in columns
    assert "cost" in columns_for([gm], with_measures=True)
    with pytest.raises(ValueError, match="unknown person attributes"):
        columns_for([[{"rule": {"flag": "x; DROP TABLE"}}]], with_measures=False)


# --------------------------------------------------------------------------- charts


def test_sankey_figure_links_nodes_and_leaves_out_suppressed_flows():
    side_a = [dict(s, people=10) for s in OLD]
    side_b = [dict(s, people=15) for s in NEW]
    flows = [
        {"from_code": "frail", "to_code": "frail", "people": 10},
        {"from_code": "ltc", "to_code": "well", "people": "*"},
        {"from_code": "well", "to_code": "well", "people": 0},
        {"from_code": "well", "to_code": "frail", "people": 5},
    ]
    fig = charts.segment_flow_sankey(side_a, side_b, flows, "Old v1", "New v2")
    [trace] = fig["data"]
    assert trace["type"] == "sankey"
    assert trace["node"]["label"] == ["Frail", "Long-term condition", "Well", "Frail", "Well"]
    assert trace["link"]["source"] == [0, 2] and trace["link"]["target"] == [3, 3]
    assert trace["link"]["value"] == [10, 5]
    titles = [a["text"] for a in fig["layout"]["annotations"]]
    assert titles == ["<b>From: Old v1</b>", "<b>To: New v2</b>"]


def test_segment_sizes_chart_has_axis_titles_and_gaps_for_suppressed():
    rows = [
        {"name": "Frail", "colour": "#330072", "people": "*"},
        {"name": "Well", "colour": "#009639", "people": 1234},
    ]
    fig = charts.segment_sizes_chart(rows)
    assert fig["data"][0]["x"] == [None, 1234]
    assert fig["layout"]["xaxis"]["title"]["text"] == "People"
    assert fig["layout"]["yaxis"]["autorange"] == "reversed"


def test_people_query_casts_flags_and_joins_imd_only_when_needed():
    plain = people_query(["age", "copd"]).as_string(None)
    assert '"copd"::int AS "copd"' in plain and "commissioning_area" not in plain
    with_imd = people_query(["imd_decile"]).as_string(None)
    assert "lsoa.imd_decile" in with_imd and "LEFT JOIN commissioning_area" in with_imd
