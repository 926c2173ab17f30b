"""Writes of the scoring panel's scores (re-exported by actions.py).

A member with an account scores for themselves only; a commissioner records the scores
of a member without an account (rules.lock_for_scoring). Each score is a whole number
from 1 to 5 on one criterion for one priority, with a rationale. Scoring again replaces
the member's earlier score. Refused once the strategy is approved.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from commissioning.models import AuditEvent
from strategy.models import Criterion, PanelMember, Priority, Score
from strategy.prioritisation import analysis, rules

MAX_RATIONALE = 2000


def clean_score(score, *, field: str = "score") -> int:
    """A score as stored: a whole number from 1 to 5."""
    text = "" if score is None or isinstance(score, bool) else str(score).strip()
    if not text.lstrip("-").isdigit():
        raise ValidationError(
            {field: f"Give a whole number score from {analysis.SCORE_MIN} to {analysis.SCORE_MAX}."}
        )
    value = int(text)
    if not analysis.SCORE_MIN <= value <= analysis.SCORE_MAX:
        raise ValidationError(
            {field: f"Give a score from {analysis.SCORE_MIN} to {analysis.SCORE_MAX}, not {value}."}
        )
    return value


def clean_rationale(rationale, *, field: str = "rationale") -> str:
    text = (rationale or "").strip()
    if not text:
        raise ValidationError({field: "Give the reason for this score."})
    if len(text) > MAX_RATIONALE:
        raise ValidationError(
            {field: f"The rationale is {len(text):,} characters; {MAX_RATIONALE:,} at most."}
        )
    return text


def _check_same_strategy(member: PanelMember, priority: Priority, criterion: Criterion):
    if priority.strategy_id != member.strategy_id:
        raise ValidationError({"priority": "This priority is not in the member's strategy."})
    if criterion.strategy_id != member.strategy_id:
        raise ValidationError({"criterion": "This criterion is not in the member's strategy."})


def _save(member, priority, criterion, score: int, rationale: str, by) -> Score:
    existing = Score.objects.filter(member=member, priority=priority, criterion=criterion).first()
    before = existing.score if existing else None
    saved, _ = Score.objects.update_or_create(
        member=member,
        priority=priority,
        criterion=criterion,
        defaults={"score": score, "rationale": rationale},
    )
    AuditEvent.objects.create(
        actor=by,
        verb="strategy.score.record",
        object_type="score",
        object_id=str(saved.pk),
        data={
            "strategy": member.strategy_id,
            "member": member.pk,
            "priority": priority.pk,
            "criterion": criterion.code,
            "score": score,
            "before": before,
            "on_behalf": member.user_id != getattr(by, "pk", None),
        },
    )
    return saved


@transaction.atomic
def record_score(
    *,
    member: PanelMember,
    priority: Priority,
    criterion: Criterion,
    score: int,
    rationale: str,
    by,
) -> Score:
    """Record (or replace) `member`'s score of `priority` on `criterion`: 1-5 with a
    rationale. Only the member's own user may score for a member with an account; a
    commissioner records scores for a member without one."""
    rules.lock_for_scoring(member, by)
    _check_same_strategy(member, priority, criterion)
    return _save(member, priority, criterion, clean_score(score), clean_rationale(rationale), by)


@transaction.atomic
def record_priority_scores(
    *, member: PanelMember, priority: Priority, entries: dict[str, tuple], by
) -> list[Score]:
    """Record a member's scores of one priority on several criteria at once (the scoring
    page saves a priority at a time). `entries` maps criterion code → (score, rationale);
    an entry with neither is skipped. Every entry is checked first: if any is wrong,
    nothing is saved and the ValidationError names each criterion code that is wrong."""
    rules.lock_for_scoring(member, by)
    if priority.strategy_id != member.strategy_id:
        raise ValidationError({"priority": "This priority is not in the member's strategy."})
    criteria = {c.code: c for c in Criterion.objects.filter(strategy_id=member.strategy_id)}
    errors: dict[str, list[str]] = {}
    cleaned = []
    for code, (score, rationale) in entries.items():
        if code not in criteria:
            errors[code] = [f"This strategy has no criterion “{code}”."]
            continue
        if score in (None, "") and not (rationale or "").strip():
            continue
        name = criteria[code].name
        try:
            if score in (None, ""):
                raise ValidationError({code: f"{name}: choose a score from 1 to 5."})
            value = clean_score(score, field=code)
            text = clean_rationale(rationale, field=code)
        except ValidationError as error:
            errors.setdefault(code, []).extend(
                m if m.startswith(name) else f"{name}: {m[0].lower()}{m[1:]}"
                for m in error.message_dict[code]
            )
            continue
        cleaned.append((criteria[code], value, text))
    if errors:
        raise ValidationError(errors)
    return [_save(member, priority, c, value, text, by) for c, value, text in cleaned]
