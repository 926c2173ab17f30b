"""Checks on a whole list of segments before it is saved or published (pure: no database).

Every rule must follow the grammar (`commissioning.segmentation_rules.validate_rule`, whose
messages give the path inside the rule), codes and names must be unique, and the last
segment must catch everyone left, so that each person is in exactly one segment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from commissioning.segmentation_rules import RuleError, validate_rule

MAX_SEGMENTS = 30
CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
COLOUR_PATTERN = re.compile(r"^#[0-9a-fA-F]{6}$")
CATCH_ALL = {"all": []}
SEGMENT_FIELDS = ("code", "name", "description", "colour", "rule")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a list of segments. `index` is the segment's position from 0
    (None for a problem with the list as a whole); `field` is one of SEGMENT_FIELDS."""

    index: int | None
    field: str
    message: str
    segment_label: str = ""

    def __str__(self) -> str:
        if self.index is None:
            return self.message
        return f"{self.segment_label}: {self.message}"


class SegmentationError(ValueError):
    """A write to a segmentation model that is refused; the message says why."""


class SegmentsInvalid(SegmentationError):
    """A list of segments that cannot be saved; `problems` lists every fault found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(problem) for problem in problems))


def segment_label(index: int, segment: Any) -> str:
    """How messages name a segment: "Segment 3 (Cancer)"."""
    name = segment.get("name") if isinstance(segment, dict) else None
    name = name or (segment.get("code") if isinstance(segment, dict) else None)
    return f"Segment {index + 1} ({name})" if name else f"Segment {index + 1}"


def matches_everyone(rule: Any) -> bool:
    """Whether `rule` holds for every person whatever their attributes, judged from its
    shape ({"all": []}, an "any" with such a rule in it, "not" of a rule nobody matches)."""
    if not isinstance(rule, dict):
        return False
    if "all" in rule:
        return isinstance(rule["all"], list) and all(matches_everyone(r) for r in rule["all"])
    if "any" in rule:
        return isinstance(rule["any"], list) and any(matches_everyone(r) for r in rule["any"])
    if "not" in rule:
        return matches_no_one(rule["not"])
    return False


def matches_no_one(rule: Any) -> bool:
    """Whether `rule` can hold for nobody, judged from its shape ({"any": []} and so on)."""
    if not isinstance(rule, dict):
        return False
    if "all" in rule:
        return isinstance(rule["all"], list) and any(matches_no_one(r) for r in rule["all"])
    if "any" in rule:
        return isinstance(rule["any"], list) and all(matches_no_one(r) for r in rule["any"])
    if "not" in rule:
        return matches_everyone(rule["not"])
    return False


def find_problems(segments: Any) -> list[Problem]:
    """Every problem with `segments` (a list of dicts with code, name, description, colour
    and rule, in priority order); an empty list means they can be saved."""
    if not isinstance(segments, list) or not segments:
        return [Problem(None, "segments", "A model needs at least one segment.")]
    if len(segments) > MAX_SEGMENTS:
        return [Problem(None, "segments", f"A model can have at most {MAX_SEGMENTS} segments.")]
    problems: list[Problem] = []
    seen_codes: dict[str, int] = {}
    seen_names: dict[str, int] = {}
    for index, segment in enumerate(segments):
        label = segment_label(index, segment)

        def problem(field: str, message: str, index=index, label=label) -> None:
            problems.append(Problem(index, field, message, label))

        if not isinstance(segment, dict):
            problem("segment", "expected an object with code, name, colour and rule")
            continue
        _check_text(segment, problem)
        code = segment.get("code")
        if isinstance(code, str) and code in seen_codes:
            problem("code", f"the code {code!r} is already used by segment {seen_codes[code] + 1}")
        elif isinstance(code, str):
            seen_codes[code] = index
        name = segment.get("name")
        if isinstance(name, str) and name.strip().lower() in seen_names:
            other = seen_names[name.strip().lower()] + 1
            problem("name", f"the name {name.strip()!r} is already used by segment {other}")
        elif isinstance(name, str):
            seen_names[name.strip().lower()] = index
        try:
            validate_rule(segment.get("rule"))
        except RuleError as error:
            problem("rule", str(error))
    last_index, last = len(segments) - 1, segments[-1]
    rule_broken = any(p.index == last_index and p.field == "rule" for p in problems)
    if isinstance(last, dict) and not rule_broken and not matches_everyone(last.get("rule")):
        problems.append(
            Problem(
                last_index,
                "rule",
                "the last segment must catch everyone left, or some people would be in "
                'no segment: give it the rule "Everyone else" ({"all": []}).',
                segment_label(last_index, last),
            )
        )
    return problems


def _check_text(segment: dict, problem) -> None:
    code, name = segment.get("code"), segment.get("name")
    if not isinstance(code, str) or not CODE_PATTERN.match(code):
        problem(
            "code",
            "the code must be 1 to 40 lower-case letters, digits, _ or -, starting with a "
            "letter or digit (for example multiple_ltc)",
        )
    if not isinstance(name, str) or not name.strip():
        problem("name", "enter a name")
    elif len(name.strip()) > 100:
        problem("name", "the name must be 100 characters or fewer")
    description = segment.get("description", "")
    if not isinstance(description, str):
        problem("description", "the description must be text")
    elif len(description) > 2000:
        problem("description", "the description must be 2,000 characters or fewer")
    colour = segment.get("colour", "#005eb8")
    if not isinstance(colour, str) or not COLOUR_PATTERN.match(colour):
        problem("colour", "the colour must be a hex colour such as #005eb8")


def raise_if_invalid(segments: Any) -> None:
    """Raise SegmentsInvalid listing every problem, if there are any."""
    problems = find_problems(segments)
    if problems:
        raise SegmentsInvalid(problems)
