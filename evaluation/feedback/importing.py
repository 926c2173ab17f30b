"""Reading a survey tool's CSV export (Microsoft Forms, SmartSurvey and the like) into
responses, checked whole before anything is saved (pure; no ORM).

One row per response, one column per question. A question's column is found by its key
("q1") or its wording (case and spacing ignored), or named in an explicit mapping. Likert
answers may be labels ("Strongly agree" ... ) or numbers 1-5; blank means not answered.
Optional columns "Respondent type", "Area" (a place name) and "Age band" give the
breakdown groups. Other columns (IDs, times, names, emails) are ignored and never stored.
Rows are numbered as a spreadsheet shows them: the header is row 1.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from evaluation.feedback.analysis import LIKERT_LEVELS

MAX_ROWS = 20_000
LIKERT_WORDS = {label.lower(): score for score, label in LIKERT_LEVELS.items()}
LIKERT_WORDS |= {"neither agree or disagree": 3, "neutral": 3, "strongly disagree.": 1}
KIND_HEADERS = ("respondent type", "respondent kind", "respondent_kind", "i am a")
AREA_HEADERS = ("area", "place")
AGE_HEADERS = ("age band", "age_band", "age")


class ImportProblem(ValueError):
    """The file cannot be imported; `messages` name each row and column at fault."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages[:5]))
        self.messages = messages


@dataclass(frozen=True)
class Choices:
    """What the group columns may hold: {lower-case value or label: stored value}."""

    kinds: dict[str, str]
    areas: dict[str, int]
    age_bands: dict[str, str]


def _norm(text: str) -> str:
    return " ".join(str(text).strip().lower().split())


def likert_score(value: str) -> int | None:
    """A Likert answer as 1-5, None when blank; ValueError for anything else."""
    text = _norm(value)
    if not text:
        return None
    if text in LIKERT_WORDS:
        return LIKERT_WORDS[text]
    if text.replace(".0", "").isdigit() and 1 <= int(float(text)) <= 5:
        return int(float(text))
    raise ValueError(
        f"{value.strip()!r} is not a Likert answer: use Strongly disagree, Disagree, "
        "Neither agree nor disagree, Agree, Strongly agree, or a number from 1 to 5"
    )


def _columns(header: list[str], questions: list[dict], mapping: dict[str, str]) -> dict:
    """{question key or group name: column index}; ImportProblem naming missing columns."""
    where = {_norm(name): i for i, name in enumerate(header)}
    found, missing = {}, []
    for q in questions:
        wanted = [_norm(mapping[q["key"]])] if mapping.get(q["key"]) else []
        wanted += [_norm(q["key"]), _norm(q["text"])]
        index = next((where[w] for w in wanted if w in where), None)
        if index is None:
            missing.append(f"No column for question {q['key']} ({q['text']!r}).")
        found[q["key"]] = index
    if missing:
        raise ImportProblem(missing + ["Name each question's column by its wording or key."])
    for group, names in (("kind", KIND_HEADERS), ("area", AREA_HEADERS), ("age", AGE_HEADERS)):
        found[group] = next((where[n] for n in names if n in where), None)
    return found


def _group(row, index, choices: dict, column: str, rowno: int, errors: list, default=None):
    if index is None or not row[index].strip():
        return default
    value = choices.get(_norm(row[index]))
    if value is None:
        errors.append(f"Row {rowno}, column {column!r}: {row[index].strip()!r} is not recognised.")
    return value


def _read_row(row, rowno, header, cols, questions, choices: Choices, errors) -> dict:
    answers = {}
    for q in questions:
        raw = row[cols[q["key"]]]
        column = header[cols[q["key"]]]
        if q["kind"] == "likert":
            try:
                score = likert_score(raw)
            except ValueError as exc:
                errors.append(f"Row {rowno}, column {column!r}: {exc}.")
                continue
            if score is not None:
                answers[q["key"]] = score
        elif raw.strip():
            answers[q["key"]] = raw.strip()[:4000]
    kind = _group(row, cols["kind"], choices.kinds, "Respondent type", rowno, errors, "other")
    area = _group(row, cols["area"], choices.areas, "Area", rowno, errors)
    age = _group(row, cols["age"], choices.age_bands, "Age band", rowno, errors, "")
    return {"respondent_kind": kind, "area_id": area, "age_band": age, "answers": answers}


def read_responses(
    text: str, questions: list[dict], choices: Choices, mapping: dict[str, str] | None = None
) -> list[dict]:
    """Every row of the CSV `text` as {respondent_kind, area_id, age_band, answers}, or
    ImportProblem listing every fault (row and column named) so nothing is half-imported."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise ImportProblem(["The file is empty: the first row must name the columns."])
    header, body = rows[0], [r for r in rows[1:] if any(cell.strip() for cell in r)]
    if not body:
        raise ImportProblem(["The file has a header row but no responses."])
    if len(body) > MAX_ROWS:
        raise ImportProblem([f"The file has {len(body):,} responses; the most is {MAX_ROWS:,}."])
    cols = _columns(header, questions, mapping or {})
    errors: list[str] = []
    out = []
    for offset, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            errors.append(
                f"Row {offset} has {len(row)} values but the header has {len(header)} columns."
            )
            continue
        out.append(_read_row(row, offset, header, cols, questions, choices, errors))
    if errors:
        raise ImportProblem(errors)
    return out
