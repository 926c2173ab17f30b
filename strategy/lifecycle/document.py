"""The strategy as a reader sees it: the published page's and the workbook's content,
worked out from a version's JSON content (see `content`).

Counts of people are disclosure-controlled here when asked (always for the printable
page and the workbook, which leave the system); figures that are not about people
(weights, scores, targets, costs) are not.
"""

from __future__ import annotations

from datetime import date

from commissioning import disclosure
from strategy.delivery.trajectory import financial_year_label
from strategy.lifecycle.content import controlled_content
from strategy.models import EvidenceStrength, OutcomeDomain, TrajectoryProfile

DASH = "–"


def number(value, places: int = 0) -> str:
    """A figure for the page: thousands separators, `places` decimals, "*" kept, "–" for
    nothing."""
    if value is None or value == "":
        return DASH
    if value == disclosure.SUPPRESSED:
        return value
    return f"{float(value):,.{places}f}"


def interval(value, lower, upper, places: int = 1) -> str:
    """ "12.3 (10.1 to 14.9)", or just the value when there is no interval."""
    text = number(value, places)
    if value is not None and lower is not None and upper is not None:
        text += f" ({number(lower, places)} to {number(upper, places)})"
    return text


def long_date(value: str | None) -> str:
    """ "2026-01-20" -> "20 January 2026" ("" for nothing)."""
    if not value:
        return ""
    day = date.fromisoformat(value[:10])
    return f"{day.day} {day:%B %Y}"


def month_range(start: str | None, end: str | None) -> str:
    """ "2025-04-01", "2026-03-31" -> "April 2025 to March 2026"."""
    if not (start and end):
        return ""
    first, last = date.fromisoformat(start[:10]), date.fromisoformat(end[:10])
    return f"{first:%B %Y} to {last:%B %Y}"


def _label(choices, value) -> str:
    try:
        return choices(value).label
    except ValueError:
        return value or ""


def _cohort(item: dict) -> str:
    return (
        " · ".join(
            part for part in (item.get("segment"), item.get("area"), item.get("group")) if part
        )
        or "Everyone"
    )


def years(strategy: dict) -> list[str]:
    first = strategy["first_year"]
    return [financial_year_label(first + i) for i in range(strategy["horizon_years"])]


def document(content: dict, *, controlled: bool) -> dict:
    """Everything a reader needs, in ranking order, with labels worked out."""
    if controlled:
        content = controlled_content(content)
    strategy = content["strategy"]
    plan_years = years(strategy)
    titles = {p["id"]: p["title"] for p in content["priorities"]}
    outcomes = [_outcome(o, titles, plan_years) for o in content["outcomes"]]
    outcome_names = {o["id"]: o["indicator"] for o in outcomes}
    interventions = [
        _intervention(i, titles, outcome_names, plan_years) for i in content["interventions"]
    ]
    ranking = {r["priority"]: r for r in content.get("ranking", [])}
    order = [r["priority"] for r in content.get("ranking", [])]
    order += [p["id"] for p in content["priorities"] if p["id"] not in order]
    by_id = {p["id"]: p for p in content["priorities"]}
    priorities = []
    for pid in order:
        if pid not in by_id:
            continue
        priority = by_id[pid]
        rank = ranking.get(pid, {})
        priorities.append(
            {
                **priority,
                "cohort": _cohort(priority),
                "people": number(priority.get("cohort_size")),
                "rank": rank.get("rank"),
                "total_value": rank.get("total"),
                "total": number(rank.get("total"), 1) if rank.get("total") is not None else DASH,
                "outcomes": [o for o in outcomes if o["priority"] == pid],
                "interventions": [i for i in interventions if i["priority"] == pid],
            }
        )
    return {
        "strategy": strategy,
        "years": plan_years,
        "criteria": [{**c, "weight_label": number(c["weight"], 2)} for c in content["criteria"]],
        "panel": [
            {
                **m,
                "organisation_label": ""
                if not m.get("organisation") or m["organisation"].startswith(m["name"])
                else m["organisation"],
            }
            for m in content["panel"]
        ],
        "priorities": priorities,
        "ranked": any(p["rank"] for p in priorities),
        "outcomes": outcomes,
        "interventions": interventions,
        "pathways": [
            {**p, "priority_title": titles.get(p["priority"], "")} for p in content["pathways"]
        ],
        "engagement": [_engagement(e, titles) for e in content["engagement"]],
        "controlled": controlled,
    }


def _outcome(outcome: dict, titles: dict, plan_years: list[str]) -> dict:
    baseline = outcome["baseline"]
    trajectory = outcome.get("trajectory") or []
    period = month_range(baseline.get("period_start"), baseline.get("period_end"))
    return {
        **outcome,
        "priority_title": titles.get(outcome["priority"], ""),
        "indicator": outcome["indicator"]["name"],
        "unit": outcome["indicator"]["unit"],
        "domain_label": _label(OutcomeDomain, outcome["domain"]),
        "profile_label": _label(TrajectoryProfile, outcome["profile"])
        + (f" (year {outcome['step_year']})" if outcome.get("step_year") else ""),
        "baseline_label": interval(baseline["value"], baseline["lower"], baseline["upper"]),
        "baseline_period": period,
        "target_label": number(outcome["target_value"], 1),
        "trajectory_labels": [
            {"year": year, "value": number(value, 1)}
            for year, value in zip(plan_years, trajectory, strict=False)
        ],
    }


def _intervention(item: dict, titles: dict, outcomes: dict, plan_years: list[str]) -> dict:
    effect = item.get("expected_effect")
    start = item.get("start_year") or 1
    return {
        **item,
        "priority_title": titles.get(item["priority"], ""),
        "outcome_label": outcomes.get(item.get("outcome"), DASH),
        "cohort": _cohort(item),
        "people": number(item.get("cohort_size")),
        "strength_label": _label(EvidenceStrength, item.get("evidence_strength")).split(" (")[0],
        "effect_label": DASH if effect is None else f"{effect * 100:+.1f}%".replace("-", "−"),
        "cost_label": f"£{number(item.get('cost_per_year'))}",
        "start_label": (
            f"{plan_years[start - 1]} (year {start})"
            if start <= len(plan_years)
            else f"year {start}"
        ),
    }


def _engagement(activity: dict, titles: dict) -> dict:
    return {
        **activity,
        "date_label": long_date(activity.get("date")),
        "groups_label": ", ".join(activity.get("participant_groups") or []) or DASH,
        "people": number(activity.get("participants")),
        "priority_titles": [titles[p] for p in activity.get("priorities", []) if p in titles],
    }
