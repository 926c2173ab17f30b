"""Pure analysis of feedback: Likert summaries, disclosure control, keyword grouping and
CSV reading. No database."""

import pandas as pd
import pytest

from evaluation.feedback import analysis, importing
from evaluation.feedback.keywords import suggest_groups, tokenise

QUESTIONS = [
    {"key": "q1", "kind": "likert", "text": "I could get an appointment when I needed one"},
    {"key": "q2", "kind": "likert", "text": "Staff listened to me"},
    {"key": "q3", "kind": "text", "text": "What could be better?"},
]
CHOICES = importing.Choices(
    kinds={"person using services": "service_user", "carer": "carer"},
    areas={"riverside": 7},
    age_bands={"18-34": "18-34"},
)


def _answers(agree: int, total: int) -> pd.DataFrame:
    scores = [5] * (agree // 2) + [4] * (agree - agree // 2) + [2] * (total - agree)
    return pd.DataFrame({"question": "q1", "score": scores})


def test_percent_agree_matches_newcombe_altman_worked_example():
    """81 of 263 agreeing: 30.8%, Wilson 95% interval 25.5% to 36.6% (Newcombe RG & Altman
    DG, "Proportions and their differences", in Altman et al., Statistics with Confidence,
    2nd edn, BMJ Books 2000, p 47, method 2 (Wilson score))."""
    row = analysis.likert_summary(_answers(81, 263)).iloc[0]
    assert row["n"] == 263 and row["agree"] == 81
    assert row["pct_agree"] == pytest.approx(30.8, abs=0.05)
    assert row["lower"] == pytest.approx(25.5, abs=0.05)
    assert row["upper"] == pytest.approx(36.6, abs=0.05)


def test_likert_summary_counts_levels_and_mean():
    frame = pd.DataFrame({"question": ["q1"] * 5, "score": [1, 2, 3, 4, 5]})
    row = analysis.likert_summary(frame).iloc[0]
    assert [row[f"count_{k}"] for k in range(1, 6)] == [1, 1, 1, 1, 1]
    assert row["mean"] == 3.0 and row["agree"] == 2


def test_breakdown_suppresses_groups_under_threshold_for_everyone():
    frame = pd.DataFrame(
        {"question": "q1", "group": ["Staff"] * 5 + ["Carers"] * 20, "score": [5] * 25}
    )
    rows = analysis.likert_breakdown(frame).set_index("group")
    assert rows.loc["Staff", "suppressed"] and rows.loc["Staff", "pct_agree"] == "*"
    assert rows.loc["Staff", "n"] == "*"
    assert not rows.loc["Carers", "suppressed"] and rows.loc["Carers", "n"] == 20


def test_disclosure_control_rounds_counts_and_recomputes_percent():
    row = analysis.likert_summary(_answers(12, 23)).iloc[0].to_dict()
    controlled = analysis.control_summary_row(row)
    assert controlled["n"] == 25 and controlled["agree"] == 10
    assert controlled["pct_agree"] == pytest.approx(40.0)
    assert controlled["count_2"] == 10  # 11 rounds to 10
    assert controlled["count_5"] == "*"  # 6 is suppressed


def test_disclosure_control_suppresses_small_survey():
    row = analysis.likert_summary(_answers(3, 5)).iloc[0].to_dict()
    controlled = analysis.control_summary_row(row)
    assert controlled["n"] == "*" and controlled["pct_agree"] == "*"
    assert controlled["mean"] == "*" and controlled["lower"] == "*"


def test_theme_quotes_only_at_or_above_threshold():
    codings = pd.DataFrame(
        {"theme": ["Waiting"] * 8 + ["Parking"] * 3, "response": list(range(11))}
    )
    rows = analysis.theme_counts(codings, controlled=True).set_index("theme")
    assert rows.loc["Waiting", "quotable"] and rows.loc["Waiting", "count"] == 10
    assert not rows.loc["Parking", "quotable"] and rows.loc["Parking", "count"] == "*"


def test_keyword_grouping_groups_hand_made_comments():
    comments = [
        (1, "The waiting times for an appointment are far too long"),
        (2, "Waiting times to see a GP were awful"),
        (3, "Long waiting times on the phone line"),
        (4, "Parking at the hospital is impossible"),
        (5, "No parking spaces near the hospital"),
        (6, "Hospital parking costs too much"),
        (7, "The nurse was lovely"),
    ]
    groups = suggest_groups(comments, min_size=3)
    by_label = {g["label"]: set(g["ids"]) for g in groups}
    assert by_label["waiting time"] == {1, 2, 3}
    assert {4, 5, 6} in by_label.values()
    assert all(7 not in ids for ids in by_label.values())


def test_tokenise_drops_stop_words_and_plurals():
    assert tokenise("The waiting times are really long") == ["waiting", "time", "long"]


def _csv(*rows: str) -> str:
    header = "ID,Name,I could get an appointment when I needed one,q2,What could be better?,Area"
    return "\n".join([header, *rows])


def test_csv_reads_labels_numbers_and_ignores_names():
    rows = importing.read_responses(
        _csv("1,Ann,Strongly agree,2,Shorter waits,Riverside", "2,Bob,agree,,,"), QUESTIONS, CHOICES
    )
    assert rows[0]["answers"] == {"q1": 5, "q2": 2, "q3": "Shorter waits"}
    assert rows[0]["area_id"] == 7 and rows[1]["answers"] == {"q1": 4}
    assert "Ann" not in str(rows)


def test_csv_unknown_label_names_row_and_column():
    with pytest.raises(importing.ImportProblem) as problem:
        importing.read_responses(
            _csv("1,,Agree,3,,", "2,,Sort of agree,3,,", "3,,Agree,9,,"), QUESTIONS, CHOICES
        )
    messages = problem.value.messages
    assert len(messages) == 2
    assert messages[0].startswith("Row 3, column 'I could get an appointment")
    assert "'Sort of agree' is not a Likert answer" in messages[0]
    assert messages[1].startswith("Row 4, column 'q2'")


def test_csv_missing_column_is_named():
    text = "ID,q1,What could be better?\n1,Agree,ok"
    with pytest.raises(importing.ImportProblem) as problem:
        importing.read_responses(text, QUESTIONS, CHOICES)
    assert "No column for question q2 ('Staff listened to me')." in problem.value.messages


def test_csv_bad_row_length_and_unknown_area():
    with pytest.raises(importing.ImportProblem) as problem:
        importing.read_responses(_csv("1,,Agree,3", "2,,Agree,3,,Mars"), QUESTIONS, CHOICES)
    assert problem.value.messages == [
        "Row 2 has 4 values but the header has 6 columns.",
        "Row 3, column 'Area': 'Mars' is not recognised.",
    ]
