"""Reads of the feedback part: scoped surveys, the Likert summaries and breakdowns of a
survey (disclosure-controlled for providers, partners and exports), theme counts with
example quotes, and the comments for the coding page."""

from __future__ import annotations

import math

import pandas as pd

from commissioning import access
from commissioning.disclosure import SUPPRESSED, THRESHOLD
from evaluation.feedback import analysis
from evaluation.models import AgeBand, Coding, FeedbackResponse, FeedbackSurvey, RespondentKind

GROUPINGS = {
    "respondent_kind": "Respondent type",
    "area": "Place",
    "age_band": "Age band",
}
QUOTES_PER_THEME = 3


def answers_frame(survey: FeedbackSurvey) -> pd.DataFrame:
    """Likert answers of a survey, one row per answer.

    Out: columns response, question, score, respondent_kind, area, age_band (labels).
    Built only after the caller has checked the survey is in scope.
    """
    keys = {q["key"] for q in survey.likert_questions()}
    kinds, ages = dict(RespondentKind.choices), dict(AgeBand.choices)
    rows = []
    for pk, kind, area, age, answers in survey.responses.values_list(
        "pk", "respondent_kind", "area__name", "age_band", "answers"
    ):
        for key, score in answers.items():
            if key in keys:
                rows.append(
                    (
                        pk,
                        key,
                        score,
                        kinds.get(kind, kind),
                        area or "Not said",
                        ages.get(age, "Not said"),
                    )
                )
    columns = ["response", "question", "score", "respondent_kind", "area", "age_band"]
    return pd.DataFrame(rows, columns=columns)


def _clean(value):
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _figure(value, places: int = 1) -> str:
    if value is None:
        return "–"
    if value == SUPPRESSED:
        return SUPPRESSED
    return f"{value:,.{places}f}"


def _records(frame: pd.DataFrame, texts: dict) -> list[dict]:
    """Rows for templates and the API, with `pct_text` ("72.4 (65.1 to 78.8)") and
    `mean_text` formatted, NaN as None."""
    out = []
    for row in frame.to_dict("records"):
        row = {k: _clean(v) for k, v in row.items()}
        row["text"] = texts.get(row["question"], row["question"])
        pct = row["pct_agree"]
        row["pct_text"] = _figure(pct)
        if pct not in (None, SUPPRESSED) and row["lower"] not in (None, SUPPRESSED):
            row["pct_text"] += f" ({_figure(row['lower'])} to {_figure(row['upper'])})"
        row["mean_text"] = _figure(row["mean"], 2)
        row["levels"] = [row[f"count_{level}"] for level in (5, 4, 3, 2, 1)]
        out.append(row)
    return out


def survey_summary(
    user, survey: FeedbackSurvey, *, grouping: str = "respondent_kind", export: bool = False
) -> dict:
    """The Likert summary and one breakdown of `survey` as `user` may see them.

    Exact for ICB staff on screen; disclosure-controlled for providers, partners and every
    export. Breakdown groups under the threshold are suppressed for everyone.
    """
    controlled = export or access.needs_disclosure_control(user)
    texts = {q["key"]: q["text"] for q in survey.likert_questions()}
    frame = answers_frame(survey)
    if frame.empty:
        summary = analysis.likert_summary(pd.DataFrame(columns=["question", "score"]))
        grouped = pd.DataFrame(columns=["question", "group", "score"])
    else:
        summary = analysis.likert_summary(frame)
        grouping = grouping if grouping in GROUPINGS else "respondent_kind"
        grouped = frame.assign(group=frame[grouping])
    breakdown = analysis.likert_breakdown(grouped)
    order = {key: i for i, key in enumerate(texts)}
    summary = summary.sort_values("question", key=lambda k: k.map(order), kind="stable")
    breakdown = breakdown.sort_values(
        ["question", "group"],
        key=lambda k: k.map(order) if k.name == "question" else k,
        kind="stable",
    )
    if controlled:
        summary = analysis.control_frame(summary)
        breakdown = analysis.control_breakdown(analysis.control_frame(breakdown), grouped)
    total = survey.responses.count()
    return {
        "controlled": controlled,
        "responses": total if not controlled else analysis.controlled_count(total),
        "summary": _records(summary, texts),
        "breakdown": _records(breakdown, texts),
        "grouping": grouping,
        "grouping_label": GROUPINGS.get(grouping, GROUPINGS["respondent_kind"]),
        "threshold": THRESHOLD,
        "suppressed": SUPPRESSED,
    }


def theme_summary(user, survey: FeedbackSurvey) -> list[dict]:
    """Each theme used on the survey's comments: count and up to three example quotes,
    quotes only when the theme's group is at or above the disclosure threshold."""
    codings = Coding.objects.filter(response__survey=survey).select_related("theme", "response")
    rows = [
        (c.theme.name, c.response_id, c.response.answers.get(c.question_key, "")) for c in codings
    ]
    frame = pd.DataFrame(rows, columns=["theme", "response", "text"])
    if frame.empty:
        return []
    counts = analysis.theme_counts(frame, controlled=access.needs_disclosure_control(user))
    out = []
    for row in counts.to_dict("records"):
        texts = frame[frame["theme"] == row["theme"]]["text"].drop_duplicates()
        quotes = texts.head(QUOTES_PER_THEME).tolist()
        out.append({**row, "quotes": quotes if row["quotable"] else []})
    return out


def comments(survey: FeedbackSurvey, question_key: str | None = None) -> list[dict]:
    """Free-text comments of a survey (ICB staff only) with their codings.

    Out: dicts with response, question_key, question, text, codings (Coding objects).
    """
    texts = {q["key"]: q["text"] for q in survey.text_questions()}
    codings: dict = {}
    for coding in Coding.objects.filter(response__survey=survey).select_related("theme"):
        codings.setdefault((coding.response_id, coding.question_key), []).append(coding)
    out = []
    for response in survey.responses.all():
        for key, text in response.answers.items():
            if key in texts and (question_key is None or key == question_key) and text:
                out.append(
                    {
                        "response": response,
                        "question_key": key,
                        "question": texts[key],
                        "text": text,
                        "codings": codings.get((response.pk, key), []),
                    }
                )
    return out


def visible_surveys(user):
    """The surveys `user` may see, newest first, with response counts."""
    from django.db.models import Count

    return access.visible_to(user, FeedbackSurvey).annotate(n_responses=Count("responses"))


__all__ = ["FeedbackResponse", "answers_frame", "comments", "survey_summary", "theme_summary"]
