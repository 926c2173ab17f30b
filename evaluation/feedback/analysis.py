"""Pure analysis of feedback (no Django, no ORM): Likert summaries with Wilson intervals,
breakdowns by respondent group with small groups suppressed, and disclosure control of
the summaries for providers, partners and exports.

Likert answers are scores 1-5: 1 strongly disagree ... 5 strongly agree. "% agree" is the
share answering 4 or 5 (the top two boxes) among those who answered the question.
"""

from __future__ import annotations

import math

import pandas as pd

from commissioning.disclosure import (
    SUPPRESSED,
    THRESHOLD,
    controlled_count,
    controlled_mean,
    controlled_rate,
    controlled_table,
)
from commissioning.stats import wilson_interval

LIKERT_LEVELS = {
    1: "Strongly disagree",
    2: "Disagree",
    3: "Neither agree nor disagree",
    4: "Agree",
    5: "Strongly agree",
}
SUMMARY_COLUMNS = [
    "question",
    "n",
    *[f"count_{level}" for level in LIKERT_LEVELS],
    "agree",
    "pct_agree",
    "lower",
    "upper",
    "mean",
]


def _summarise(scores: pd.Series) -> dict:
    scores = scores.dropna().astype(int)
    n = int(scores.size)
    row: dict = {"n": n}
    for level in LIKERT_LEVELS:
        row[f"count_{level}"] = int((scores == level).sum())
    agree = row["count_4"] + row["count_5"]
    row["agree"] = agree
    if n:
        interval = wilson_interval(agree, n, per=100)
        row.update(pct_agree=interval.value, lower=interval.lower, upper=interval.upper)
        row["mean"] = float(scores.mean())
    else:
        row.update(pct_agree=math.nan, lower=math.nan, upper=math.nan, mean=math.nan)
    return row


def likert_summary(answers: pd.DataFrame) -> pd.DataFrame:
    """Per question: counts per level, % agree (top two) with its Wilson 95% interval, mean.

    In: columns `question` (key), `score` (1-5; missing answers absent or NaN).
    Out: SUMMARY_COLUMNS, one row per question in order of first appearance.
    """
    rows = [
        {"question": question, **_summarise(group["score"])}
        for question, group in answers.groupby("question", sort=False)
    ]
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def likert_breakdown(answers: pd.DataFrame) -> pd.DataFrame:
    """Per question and respondent group, as likert_summary, with a `suppressed` flag.

    In: columns `question`, `group` (label), `score`. Groups with fewer than the
    disclosure threshold of answers are suppressed for every viewer (DESIGN.md section 5:
    a filter defining a population under the threshold is refused): their figures are
    blanked and `suppressed` is True.
    Out: `question`, `group`, `suppressed` and the SUMMARY_COLUMNS figures.
    """
    rows = []
    for (question, group), part in answers.groupby(["question", "group"], sort=False):
        row = {"question": question, "group": group, **_summarise(part["score"])}
        row["suppressed"] = 0 < row["n"] < THRESHOLD
        if row["suppressed"]:
            row.update({k: SUPPRESSED for k in SUMMARY_COLUMNS if k != "question"})
        rows.append(row)
    columns = ["question", "group", "suppressed", *SUMMARY_COLUMNS[1:]]
    return pd.DataFrame(rows, columns=columns)


def control_summary_row(row: dict) -> dict:
    """One summary row as a provider, partner or export may see it: counts through
    controlled_count, % agree from the rounded parts with a Wilson interval on those
    rounded parts, the mean only where n >= 8.

    In/out: a dict with the SUMMARY_COLUMNS keys (already-suppressed rows pass through).
    """
    if row.get("suppressed") or row["n"] == SUPPRESSED:
        return dict(row)
    out = dict(row)
    # The level counts are a table with n as its total: secondary suppression applies.
    levels, out["n"] = controlled_table(
        {f"count_{level}": int(row[f"count_{level}"]) for level in LIKERT_LEVELS}, int(row["n"])
    )
    out.update(levels)
    out["agree"] = controlled_count(row["agree"])
    pct = controlled_rate(row["agree"], row["n"])
    out["pct_agree"] = pct
    if pct in (SUPPRESSED, None):
        out["lower"] = out["upper"] = SUPPRESSED if pct == SUPPRESSED else None
    else:
        interval = wilson_interval(out["agree"], out["n"], per=100)
        out["lower"], out["upper"] = interval.lower, interval.upper
    mean = row["mean"]
    out["mean"] = (
        None if row["n"] == 0 or mean != mean else controlled_mean(mean * row["n"], row["n"])
    )
    return out


def control_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """control_summary_row applied to every row of a summary or breakdown frame."""
    return pd.DataFrame(
        [control_summary_row(r) for r in frame.to_dict("records")], columns=frame.columns
    )


def control_breakdown(breakdown: pd.DataFrame, answers: pd.DataFrame) -> pd.DataFrame:
    """Secondary suppression of a controlled breakdown (control_frame of likert_breakdown):
    per question, the groups' numbers of answers are a table whose total is the question's
    number of answers (shown in the summary). Where that total would pin a suppressed
    group (`controlled_table`), the group it hides too is blanked like a small group, with
    all its figures, and `suppressed` is True.

    In: `breakdown` as control_frame returns it; `answers` with `question`, `group`,
    `score` (the frame the breakdown was computed from). Out: the breakdown, blanked."""
    answered = answers.dropna(subset=["score"])
    if answered.empty or breakdown.empty:
        return breakdown
    sizes = answered.groupby(["question", "group"], sort=False)["score"].size()
    totals = answered.groupby("question", sort=False)["score"].size()
    hidden = set()
    for question, total in totals.items():
        counts = {group: int(n) for (q, group), n in sizes.items() if q == question}
        if sum(counts.values()) != int(total):
            continue  # answers without a group: not a partition, nothing can be backed out
        shown, _ = controlled_table(counts, int(total))
        hidden.update(
            (question, group)
            for group, value in shown.items()
            if value == SUPPRESSED and counts[group] >= THRESHOLD
        )
    if not hidden:
        return breakdown
    out = breakdown.copy().astype(object)
    for index, row in out.iterrows():
        if (row["question"], row["group"]) in hidden:
            for column in SUMMARY_COLUMNS[1:]:
                out.at[index, column] = SUPPRESSED
            out.at[index, "suppressed"] = True
    return out


def theme_counts(codings: pd.DataFrame, *, controlled: bool) -> pd.DataFrame:
    """Comments per theme, with whether quotes may be shown.

    In: columns `theme` (name), `response` (id). Out: `theme`, `count` (exact, or
    controlled when `controlled`), `quotable` (True only where the theme's group is at or
    above the disclosure threshold), sorted by count, largest first.
    """
    counts = codings.groupby("theme")["response"].nunique().sort_values(ascending=False)
    rows = []
    for theme, count in counts.items():
        count = int(count)
        shown = controlled_count(count) if controlled else count
        rows.append({"theme": theme, "count": shown, "quotable": count >= THRESHOLD})
    return pd.DataFrame(rows, columns=["theme", "count", "quotable"])
