"""The whole strategy as JSON: what a version freezes, what the published page, the
export and the comparison read.

Only JSON types are used (str, int, float, bool, None, list, dict), so content built now
equals the same content read back from a StrategyVersion: `unchanged_since` relies on it.
Ids are kept so that versions can be matched up object by object (a renamed priority is
the same id with a new title). Counts of people are exact here; pages and exports apply
disclosure control when they show them (`controlled_content`).
"""

from __future__ import annotations

import math
from decimal import Decimal

import pandas as pd

from commissioning import disclosure
from strategy.delivery.trajectory import trajectory as trajectory_table
from strategy.models import (
    CarePathway,
    Criterion,
    EngagementActivity,
    Intervention,
    Outcome,
    PanelMember,
    Priority,
    Score,
    Strategy,
)
from strategy.prioritisation.analysis import ranking_table

SCHEMA = 1
# Keys holding counts of people, wherever they appear in the content.
PEOPLE_COUNT_KEYS = frozenset({"cohort_size", "participants"})


def _number(value) -> float | None:
    if value is None:
        return None
    return float(value) if isinstance(value, Decimal | float) else value


def _name(obj) -> str | None:
    return None if obj is None else obj.name


def _date(value) -> str | None:
    return value.isoformat() if value else None


def build(strategy: Strategy) -> dict:
    """Everything the strategy says now, as a JSON-ready dict (see the module docstring)."""
    priorities = list(
        Priority.objects.filter(strategy=strategy)
        .select_related("segment", "area")
        .prefetch_related("findings")
        .order_by("pk")
    )
    criteria = list(Criterion.objects.filter(strategy=strategy).order_by("order", "pk"))
    panel = list(
        PanelMember.objects.filter(strategy=strategy).select_related("organisation").order_by("pk")
    )
    scores = list(
        Score.objects.filter(priority__strategy=strategy)
        .select_related("criterion", "member")
        .order_by("priority_id", "criterion__order", "criterion_id", "member_id")
    )
    content = {
        "schema": SCHEMA,
        "strategy": _strategy(strategy),
        "criteria": [_criterion(c) for c in criteria],
        "panel": [_member(m) for m in panel],
        "priorities": [_priority(p) for p in priorities],
        "scores": [_score(s) for s in scores],
        "outcomes": [_outcome(o, strategy) for o in _outcomes(strategy)],
        "interventions": [_intervention(i) for i in _interventions(strategy)],
        "pathways": [_pathway(p) for p in _pathways(strategy)],
        "engagement": [_engagement(e) for e in _engagement_rows(strategy)],
    }
    content["ranking"] = ranking(content)
    return content


def _strategy(strategy: Strategy) -> dict:
    ina = strategy.needs_assessment
    return {
        "title": strategy.title,
        "vision": strategy.vision,
        "level": strategy.level,
        "level_label": strategy.get_level_display(),
        "icb": {"id": strategy.icb_id, "code": strategy.icb.code, "name": strategy.icb.name},
        "area": {"id": strategy.area_id, "code": strategy.area.code, "name": strategy.area.name},
        "cycle": strategy.cycle.label,
        "first_year": strategy.first_year,
        "horizon_years": strategy.horizon_years,
        "needs_assessment": (
            None
            if ina is None
            else {"id": ina.pk, "title": ina.title, "version": ina.version, "status": ina.status}
        ),
    }


def _criterion(criterion: Criterion) -> dict:
    return {
        "id": criterion.pk,
        "code": criterion.code,
        "name": criterion.name,
        "description": criterion.description,
        "weight": _number(criterion.weight),
        "order": criterion.order,
    }


def _member(member: PanelMember) -> dict:
    return {
        "id": member.pk,
        "name": member.name,
        "kind": member.kind,
        "organisation": _name(member.organisation),
        "user": member.user_id,
    }


def _priority(priority: Priority) -> dict:
    return {
        "id": priority.pk,
        "title": priority.title,
        "description": priority.description,
        "segment": _name(priority.segment),
        "area": _name(priority.area),
        "group": priority.group,
        "cohort_size": priority.cohort_size,
        "findings": [
            {"id": f.pk, "title": f.title, "summary": f.summary}
            for f in sorted(priority.findings.all(), key=lambda f: f.pk)
        ],
    }


def _score(score: Score) -> dict:
    return {
        "priority": score.priority_id,
        "criterion": score.criterion.code,
        "member": score.member_id,
        "member_name": score.member.name,
        "score": score.score,
        "rationale": score.rationale,
    }


def _outcomes(strategy: Strategy):
    return (
        Outcome.objects.filter(priority__strategy=strategy)
        .select_related("indicator", "area")
        .order_by("priority_id", "pk")
    )


def _outcome(outcome: Outcome, strategy: Strategy) -> dict:
    return {
        "id": outcome.pk,
        "priority": outcome.priority_id,
        "indicator": {
            "code": outcome.indicator.code,
            "name": outcome.indicator.name,
            "unit": outcome.indicator.unit,
            "polarity": outcome.indicator.polarity,
        },
        "domain": outcome.domain,
        "area": outcome.area.name,
        "baseline": {
            "value": outcome.baseline_value,
            "lower": outcome.baseline_lower,
            "upper": outcome.baseline_upper,
            "period_start": _date(outcome.baseline_period_start),
            "period_end": _date(outcome.baseline_period_end),
            "source": outcome.baseline_source or {},
            "frozen_at": _date(outcome.baseline_frozen_at),
        },
        "target_value": outcome.target_value,
        "profile": outcome.profile,
        "step_year": outcome.step_year,
        "equity_measure": outcome.equity_measure,
        "owner": outcome.owner,
        "trajectory": trajectory(outcome, strategy),
    }


def trajectory(outcome: Outcome, strategy: Strategy) -> list[float] | None:
    """Expected values at the end of plan years 1..horizon (strategy.delivery.trajectory),
    or None where the outcome has no baseline or its profile is incomplete."""
    if outcome.baseline_value is None:
        return None
    try:
        frame = trajectory_table(
            outcome.baseline_value,
            outcome.target_value,
            outcome.profile,
            horizon=strategy.horizon_years,
            step_year=outcome.step_year,
        )
    except ValueError:
        return None
    return [float(v) for v in frame.loc[frame["plan_year"] > 0, "value"]]


def _interventions(strategy: Strategy):
    return (
        Intervention.objects.filter(priority__strategy=strategy)
        .select_related("segment", "area")
        .order_by("priority_id", "start_year", "pk")
    )


def _intervention(intervention: Intervention) -> dict:
    return {
        "id": intervention.pk,
        "priority": intervention.priority_id,
        "name": intervention.name,
        "description": intervention.description,
        "outcome": intervention.outcome_id,
        "segment": _name(intervention.segment),
        "area": _name(intervention.area),
        "cohort_size": intervention.cohort_size,
        "evidence_source": intervention.evidence_source,
        "evidence_strength": intervention.evidence_strength,
        "expected_effect": intervention.expected_effect,
        "cost_per_year": _number(intervention.cost_per_year),
        "start_year": intervention.start_year,
    }


def _pathways(strategy: Strategy):
    return (
        CarePathway.objects.filter(strategy=strategy)
        .select_related("segment")
        .prefetch_related("stages__providers")
        .order_by("pk")
    )


def _pathway(pathway: CarePathway) -> dict:
    return {
        "id": pathway.pk,
        "name": pathway.name,
        "priority": pathway.priority_id,
        "segment": _name(pathway.segment),
        "description": pathway.description,
        "stages": [
            {
                "stage": stage.stage,
                "label": stage.get_stage_display(),
                "description": stage.description,
                "providers": sorted(p.name for p in stage.providers.all()),
            }
            for stage in sorted(pathway.stages.all(), key=lambda s: s.pk)
        ],
    }


def _engagement_rows(strategy: Strategy):
    return (
        EngagementActivity.objects.filter(strategy=strategy)
        .prefetch_related("priorities")
        .order_by("date", "pk")
    )


def _engagement(activity: EngagementActivity) -> dict:
    return {
        "id": activity.pk,
        "title": activity.title,
        "date": _date(activity.date),
        "method": activity.method,
        "participant_groups": list(activity.participant_groups),
        "participants": activity.participants,
        "what_they_said": activity.what_they_said,
        "what_changed": activity.what_changed,
        "priorities": sorted(p.pk for p in activity.priorities.all()),
    }


def ranking(content: dict) -> list[dict]:
    """Priorities ranked by weighted total (0-100), by the stage 2 prioritisation
    arithmetic (strategy.prioritisation.analysis.ranking_table) on the content's criteria,
    weights and scores: [{"priority", "title", "total", "rank"}] in ranking order, ties
    sharing a rank, unscored priorities last with total and rank None."""
    titles = {p["id"]: p["title"] for p in content["priorities"]}
    weights = pd.Series(
        {c["code"]: float(c["weight"] or 0) for c in content["criteria"]}, dtype=float
    )
    scores = pd.DataFrame(content["scores"], columns=["priority", "criterion", "member", "score"])[
        ["priority", "criterion", "member", "score"]
    ]
    try:
        table = ranking_table(scores, list(titles), weights, len(content["panel"]))
    except ValueError:  # no criteria, or every weight zero: nothing can be ranked
        return [{"priority": p, "title": t, "total": None, "rank": None} for p, t in titles.items()]
    rows = []
    for pid, row in table.iterrows():
        scored = not math.isnan(row["total"])
        rows.append(
            {
                "priority": int(pid),
                "title": titles[pid],
                "total": round(float(row["total"]), 6) if scored else None,
                "rank": int(row["rank"]) if scored else None,
            }
        )
    return rows


def controlled_content(content: dict) -> dict:
    """A copy of `content` with every count of people passed through disclosure control
    (1-7 shown as "*", 8 or more rounded to the nearest 5)."""

    def walk(value):
        if isinstance(value, dict):
            return {
                key: disclosure.controlled_count(item)
                if key in PEOPLE_COUNT_KEYS and isinstance(item, int)
                else walk(item)
                for key, item in value.items()
            }
        if isinstance(value, list):
            return [walk(item) for item in value]
        return value

    return walk(content)
