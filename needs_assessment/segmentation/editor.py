"""The browser's segment editor: between rules and the structured form, and its commands.

Each segment is edited as a small form: name, code, description, colour and a rule in one
of the common shapes (any of these flags; number of long-term conditions compared with N;
a field compared with a value; everyone else), or as JSON for anything else. Reordering,
adding and removing are form commands that re-show the page without saving, so nothing
typed is lost and the page works without JavaScript. Saving goes through
`actions.update_segments`, whose problems are mapped back onto the fields here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field

from commissioning.models.population import ETHNICITY_GROUPS, LTC_FLAGS, SEX_CODES
from commissioning.segmentation_rules import FIELDS, FLAGS
from needs_assessment.segmentation.validation import (
    CATCH_ALL,
    MAX_SEGMENTS,
    Problem,
    find_problems,
    segment_label,
)
from needs_assessment.segmentation.vocabulary import FIELD_LABELS, TEXT_FIELDS, describe_rule

RULE_KINDS = [
    ("flags", "Any of these flags"),
    ("ltc", "Number of long-term conditions"),
    ("field", "A field compared with a value"),
    ("everyone", "Everyone else"),
    ("advanced", "Advanced: the rule as JSON"),
]
COMPARISONS = [(">=", "at least"), (">", "more than"), ("=", "exactly"), ("<=", "at most"),
               ("<", "fewer than"), ("!=", "not")]  # fmt: skip
FIELD_COMPARISONS = [*COMPARISONS, ("in", "one of (separate with commas)")]
TEXT_VALUES = {"sex": SEX_CODES, "ethnicity": ETHNICITY_GROUPS}
SEGMENT_TEXT = ("name", "code", "description", "colour")


@dataclass
class SegmentForm:
    """One segment as the editor shows it. `key` names its inputs and stays the same while
    the segment moves up and down; `errors` maps an input to its messages."""

    key: str
    name: str = ""
    code: str = ""
    description: str = ""
    colour: str = "#005eb8"
    kind: str = "flags"
    flags: list[str] = dataclass_field(default_factory=list)
    ltc_op: str = ">="
    ltc_value: str = "1"
    field: str = "age"
    field_op: str = ">="
    field_value: str = ""
    json: str = ""
    summary: str = ""
    errors: dict[str, list[str]] = dataclass_field(default_factory=dict)

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def input_id(self, name: str) -> str:
        return f"{self.key}-{name}"


def _number_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def form_from_segment(segment: dict, key: str) -> SegmentForm:
    """The editor's form for a stored segment: its rule in the first shape that fits."""
    rule = segment.get("rule")
    form = SegmentForm(
        key=key,
        name=segment.get("name", ""),
        code=segment.get("code", ""),
        description=segment.get("description", ""),
        colour=segment.get("colour") or "#005eb8",
        json=json.dumps(rule, indent=2),
    )
    flags = _flag_list(rule)
    if rule == CATCH_ALL:
        form.kind = "everyone"
    elif flags:
        form.kind, form.flags = "flags", flags
    elif _is_ltc_count(rule):
        form.kind, form.ltc_op, form.ltc_value = "ltc", rule["op"], str(rule["value"])
    elif _is_field_comparison(rule):
        form.kind, form.field, form.field_op = "field", rule["field"], rule["op"]
        value = rule["value"]
        form.field_value = (
            ", ".join(_number_text(v) for v in value)
            if isinstance(value, list)
            else _number_text(value)
        )
    else:
        form.kind = "advanced"
    return form


def _flag_list(rule) -> list[str]:
    if isinstance(rule, dict) and set(rule) == {"flag"} and rule["flag"] in FLAGS:
        return [rule["flag"]]
    if isinstance(rule, dict) and set(rule) == {"any"} and isinstance(rule["any"], list):
        parts = rule["any"]
        if parts and all(
            isinstance(p, dict) and set(p) == {"flag"} and p["flag"] in FLAGS for p in parts
        ):
            return [p["flag"] for p in parts]
    return []


def _is_ltc_count(rule) -> bool:
    return (
        isinstance(rule, dict)
        and set(rule) == {"count", "op", "value"}
        and rule["count"] == "ltc"
        and rule["op"] in dict(COMPARISONS)
        and isinstance(rule["value"], int)
        and not isinstance(rule["value"], bool)
    )


def _is_field_comparison(rule) -> bool:
    if not (isinstance(rule, dict) and set(rule) == {"field", "op", "value"}):
        return False
    if rule["field"] not in FIELDS or rule["op"] not in dict(FIELD_COMPARISONS):
        return False
    values = rule["value"] if isinstance(rule["value"], list) else [rule["value"]]
    return (rule["op"] == "in") == isinstance(rule["value"], list) and all(
        isinstance(v, str | int | float) and not isinstance(v, bool) for v in values
    )


def forms_from_segments(segments: list[dict]) -> list[SegmentForm]:
    return [form_from_segment(segment, f"s{i}") for i, segment in enumerate(segments)]


# --------------------------------------------------------------------------- reading a post


def forms_from_post(data) -> list[SegmentForm]:
    """The segments as the person left them on the page (a QueryDict), in page order."""
    forms = []
    for key in data.getlist("order"):
        if not re.fullmatch(r"[sn]\d{1,4}", key):
            continue
        form = SegmentForm(key=key)
        for name in (*SEGMENT_TEXT, "kind", "ltc_op", "ltc_value", "field", "field_op"):
            setattr(form, name, data.get(f"{key}-{name}", getattr(form, name)).strip())
        form.field_value = data.get(f"{key}-field_value", "").strip()
        form.json = data.get(f"{key}-json", "")
        form.flags = [flag for flag in data.getlist(f"{key}-flags") if flag in FLAGS]
        forms.append(form)
    return forms[:MAX_SEGMENTS]


def apply_command(forms: list[SegmentForm], command: str) -> tuple[list[SegmentForm], str]:
    """Move, add or remove a segment on the page (nothing is saved); returns the forms
    and a sentence saying what changed."""
    forms = list(forms)
    verb, _, key = command.partition(":")
    positions = {form.key: i for i, form in enumerate(forms)}
    if verb == "add":
        if len(forms) >= MAX_SEGMENTS:
            return forms, f"A model can have at most {MAX_SEGMENTS} segments."
        taken = [int(f.key[1:]) for f in forms if f.key.startswith("n")]
        new = SegmentForm(key=f"n{max(taken, default=0) + 1}", name="New segment")
        # New segments go above a final "everyone else" segment, which must stay last.
        at = len(forms) - 1 if forms and forms[-1].kind == "everyone" else len(forms)
        forms.insert(at, new)
        return forms, f"Segment {at + 1} added: give it a name and a rule."
    if key not in positions:
        return forms, ""
    i = positions[key]
    name = forms[i].name or f"Segment {i + 1}"
    if verb == "up" and i > 0:
        forms[i - 1], forms[i] = forms[i], forms[i - 1]
        return forms, f"{name} moved up to position {i}."
    if verb == "down" and i < len(forms) - 1:
        forms[i + 1], forms[i] = forms[i], forms[i + 1]
        return forms, f"{name} moved down to position {i + 2}."
    if verb == "remove":
        del forms[i]
        return forms, f"{name} removed."
    return forms, ""


# --------------------------------------------------------------------------- form -> rule


def segments_from_forms(forms: list[SegmentForm]) -> tuple[list[dict], bool]:
    """The segments the forms describe, and whether every rule could be read. A rule that
    cannot be read is None, and its form's `errors` say why. Blank codes are made from the
    name."""
    segments, ok = [], True
    used = {form.code for form in forms if form.code}
    for form in forms:
        if not form.code and form.name:
            form.code = _unique_code(form.name, used)
            used.add(form.code)
        rule = _rule(form)
        ok = ok and rule is not None
        segments.append(
            {
                "code": form.code,
                "name": form.name,
                "description": form.description,
                "colour": form.colour,
                "rule": rule,
            }
        )
    return segments, ok


def check(forms: list[SegmentForm]) -> tuple[list[dict] | None, list[str]]:
    """Read and check every form at once, so that all problems are shown together: the
    segments ready to save (None if anything is wrong) and problems about the whole list.
    Problems about one segment are put on its form's inputs."""
    segments, readable = segments_from_forms(forms)
    unreadable = {i for i, segment in enumerate(segments) if segment["rule"] is None}
    # Check the readable parts now; an unreadable rule already has its own message.
    probe = [dict(s, rule=CATCH_ALL) if s["rule"] is None else s for s in segments]
    problems = [
        p for p in find_problems(probe) if not (p.index in unreadable and p.field == "rule")
    ]
    general = attach_problems(forms, problems)
    return (segments if readable and not problems else None), general


def _unique_code(name: str, used: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:36] or "segment"
    code, n = base, 2
    while code in used:
        code, n = f"{base}_{n}", n + 1
    return code


def _rule(form: SegmentForm) -> dict | None:
    if form.kind == "everyone":
        return dict(CATCH_ALL)
    if form.kind == "flags":
        if not form.flags:
            form.error("flags", "choose at least one flag")
            return None
        flags = list(dict.fromkeys(form.flags))
        return {"flag": flags[0]} if len(flags) == 1 else {"any": [{"flag": f} for f in flags]}
    if form.kind == "ltc":
        return _ltc_rule(form)
    if form.kind == "field":
        return _field_rule(form)
    if form.kind == "advanced":
        try:
            return json.loads(form.json)
        except json.JSONDecodeError as error:
            form.error("json", f"the rule is not valid JSON: {error.msg} (line {error.lineno})")
            return None
    form.error("kind", "choose what the rule looks at")
    return None


def _ltc_rule(form: SegmentForm) -> dict | None:
    if form.ltc_op not in dict(COMPARISONS):
        form.error("ltc_op", "choose a comparison")
        return None
    if not re.fullmatch(r"\d{1,2}", form.ltc_value) or int(form.ltc_value) > len(LTC_FLAGS):
        form.error("ltc_value", f"enter a whole number of conditions from 0 to {len(LTC_FLAGS)}")
        return None
    return {"count": "ltc", "op": form.ltc_op, "value": int(form.ltc_value)}


def _field_rule(form: SegmentForm) -> dict | None:
    if form.field not in FIELDS:
        form.error("field", "choose a field")
        return None
    if form.field_op not in dict(FIELD_COMPARISONS):
        form.error("field_op", "choose a comparison")
        return None
    texts = (
        [t.strip() for t in form.field_value.split(",")]
        if form.field_op == "in"
        else [form.field_value]
    )
    if not all(texts):
        form.error("field_value", f"enter a value for {FIELD_LABELS[form.field].lower()}")
        return None
    values = []
    for text in texts:
        value = _field_value(form, text)
        if value is None:
            return None
        values.append(value)
    return {"field": form.field, "op": form.field_op, "value": values if form.field_op == "in"
            else values[0]}  # fmt: skip


def _field_value(form: SegmentForm, text: str):
    label = FIELD_LABELS[form.field].lower()
    if form.field in TEXT_FIELDS:
        allowed = TEXT_VALUES[form.field]
        match = next((a for a in allowed if a.lower() == text.lower()), None)
        if match is None:
            form.error("field_value", f"{text!r} is not a {form.field}: use {', '.join(allowed)}")
        return match
    try:
        number = float(text.replace(",", "")) if "." in text else int(text.replace(",", ""))
    except ValueError:
        form.error("field_value", f"enter a number for {label}, not {text!r}")
        return None
    return number


def attach_problems(forms: list[SegmentForm], problems: list[Problem]) -> list[str]:
    """Put each saving problem on its segment's input; return problems about the whole
    list (not about one segment)."""
    general = []
    for problem in problems:
        if problem.index is None or problem.index >= len(forms):
            general.append(problem.message)
            continue
        form = forms[problem.index]
        target = problem.field
        if problem.field == "rule":
            target = "json" if form.kind == "advanced" else "rule"
        elif problem.field not in SEGMENT_TEXT:
            target = "rule"
        form.error(target, problem.message)
    return general


def error_summary(forms: list[SegmentForm]) -> list[tuple[str, str]]:
    """(message, input id) for the error summary at the top of the page, in page order:
    each message names the segment, e.g. "Segment 3 (Cancer): choose at least one flag"."""
    anchors = {"rule": "kind", "flags": f"flags-{LTC_FLAGS[0]}"}
    items = []
    for index, form in enumerate(forms):
        label = segment_label(index, {"name": form.name, "code": form.code})
        for name, messages in form.errors.items():
            target = anchors.get(name, name)
            for message in messages:
                items.append((f"{label}: {message}", form.input_id(target)))
    return items


def choices() -> dict:
    """The flags and fields the editor offers, with the words people read."""
    from needs_assessment.segmentation.vocabulary import LTC_LABELS, OTHER_FLAG_LABELS

    conditions = list(LTC_LABELS.items())
    half = (len(conditions) + 1) // 2
    return {
        "flag_columns": [
            {"title": "Long-term conditions", "flags": conditions[:half]},
            {"title": "More long-term conditions", "flags": conditions[half:]},
            {"title": "Other flags", "flags": list(OTHER_FLAG_LABELS.items())},
        ],
        "field_choices": list(FIELD_LABELS.items()),
    }


def refresh_json(forms: list[SegmentForm]) -> None:
    """Write each structured rule into its JSON box too, so that a person who switches
    to "Advanced" starts from the rule they see rather than an older one; and set each
    form's `summary`, its rule in words (empty while the rule cannot be read)."""
    for form in forms:
        rule = _rule(replace(form, errors={}))
        if rule is not None and form.kind != "advanced":
            form.json = json.dumps(rule, indent=2)
        form.summary = describe_rule(rule) if rule is not None else ""
