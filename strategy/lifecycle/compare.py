"""What changed between two versions of a strategy, as structured data for the page and
the API: the strategy's own fields, priorities (added, removed, renamed, changed),
criteria and weights, the ranking, panel scores, outcomes and targets, interventions,
care pathways and engagement.

Objects are matched by id: versions of one strategy share its rows, so a priority whose
title changed between versions is reported as renamed, not as removed and added.
"""

from __future__ import annotations

from strategy.lifecycle.content import ranking as compute_ranking

ADDED, REMOVED, RENAMED, CHANGED = "added", "removed", "renamed", "changed"

STRATEGY_FIELDS = (
    ("title", "Title"),
    ("vision", "Vision"),
    ("level_label", "Level"),
    ("first_year", "First year"),
    ("horizon_years", "Years"),
)
PRIORITY_FIELDS = (
    ("description", "Description"),
    ("segment", "Segment"),
    ("area", "Area"),
    ("group", "Group"),
    ("cohort_size", "People in the cohort"),
)
OUTCOME_FIELDS = (
    ("domain", "Domain"),
    ("area", "Area"),
    ("baseline.value", "Baseline"),
    ("baseline.lower", "Baseline lower limit"),
    ("baseline.upper", "Baseline upper limit"),
    ("baseline.period_end", "Baseline period end"),
    ("target_value", "Year-5 target"),
    ("profile", "Trajectory profile"),
    ("step_year", "Step year"),
    ("equity_measure", "Equity measure"),
    ("owner", "Owner"),
    ("trajectory", "Trajectory"),
)
INTERVENTION_FIELDS = (
    ("description", "Description"),
    ("segment", "Segment"),
    ("area", "Area"),
    ("cohort_size", "People reached"),
    ("evidence_source", "Evidence source"),
    ("evidence_strength", "Evidence strength"),
    ("expected_effect", "Expected effect"),
    ("cost_per_year", "Cost per year (£)"),
    ("start_year", "Start year"),
    ("outcome", "Outcome"),
)
PATHWAY_FIELDS = (("description", "Description"), ("segment", "Segment"), ("stages", "Stages"))
ENGAGEMENT_FIELDS = (
    ("date", "Date"),
    ("method", "Method"),
    ("participants", "Participants"),
    ("what_they_said", "What they said"),
    ("what_changed", "What changed"),
)


def _get(item: dict, path: str):
    value = item
    for key in path.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    return value


def as_text(value, limit: int = 300) -> str:
    """A value as the comparison page shows it: "–" for nothing, numbers with thousands
    separators, lists joined, long text cut short."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".")
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, list):
        return ", ".join(as_text(item, limit) for item in value) or "–"
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _field_changes(old: dict, new: dict, fields) -> list[dict]:
    return [
        {
            "field": path,
            "label": label,
            "from": _get(old, path),
            "to": _get(new, path),
            "from_text": as_text(_get(old, path)),
            "to_text": as_text(_get(new, path)),
        }
        for path, label in fields
        if _get(old, path) != _get(new, path)
    ]


def _by_id(items: list[dict]) -> dict:
    return {item["id"]: item for item in items}


def _diff_objects(old: list[dict], new: list[dict], label, fields, name_key=None) -> list[dict]:
    """Added, removed, renamed and changed objects of one kind, in the newer order."""
    before, after = _by_id(old), _by_id(new)
    items = []
    for key, item in after.items():
        if key not in before:
            items.append({"kind": ADDED, "label": label(item), "details": []})
            continue
        details = _field_changes(before[key], item, fields)
        renamed = name_key and before[key][name_key] != item[name_key]
        if renamed:
            items.append(
                {
                    "kind": RENAMED,
                    "label": label(item),
                    "from": label(before[key]),
                    "details": details,
                }
            )
        elif details:
            items.append({"kind": CHANGED, "label": label(item), "details": details})
    items += [
        {"kind": REMOVED, "label": label(item), "details": []}
        for key, item in before.items()
        if key not in after
    ]
    return items


def _priority_titles(content: dict) -> dict[int, str]:
    return {p["id"]: p["title"] for p in content.get("priorities", [])}


def _priorities(old: dict, new: dict) -> list[dict]:
    items = _diff_objects(
        old["priorities"], new["priorities"], lambda p: p["title"], PRIORITY_FIELDS, "title"
    )
    before = _by_id(old["priorities"])
    for priority in new["priorities"]:
        if priority["id"] not in before:
            continue
        was = {f["title"] for f in before[priority["id"]]["findings"]}
        now = {f["title"] for f in priority["findings"]}
        if was == now:
            continue
        detail = {
            "field": "findings",
            "label": "Evidence (findings)",
            "from": sorted(was - now),
            "to": sorted(now - was),
        }
        match = next((i for i in items if i["label"] == priority["title"]), None)
        if match is None:
            items.append({"kind": CHANGED, "label": priority["title"], "details": [detail]})
        else:
            match["details"].append(detail)
    return items


def _criteria(old: dict, new: dict) -> list[dict]:
    def key(items):
        return {c["code"]: c for c in items}

    before, after = key(old["criteria"]), key(new["criteria"])
    items = []
    for code, criterion in after.items():
        if code not in before:
            items.append(
                {
                    "kind": ADDED,
                    "label": criterion["name"],
                    "details": [],
                    "weight": criterion["weight"],
                }
            )
        elif (
            before[code]["weight"] != criterion["weight"]
            or before[code]["name"] != criterion["name"]
        ):
            items.append(
                {
                    "kind": CHANGED,
                    "label": criterion["name"],
                    "details": _field_changes(
                        before[code], criterion, (("name", "Name"), ("weight", "Weight"))
                    ),
                }
            )
    items += [
        {"kind": REMOVED, "label": c["name"], "details": []}
        for code, c in before.items()
        if code not in after
    ]
    return items


def ranking_changes(old: dict, new: dict) -> list[dict]:
    """Every priority of either version with its rank and weighted total in each (None
    where it was not there or not scored), in the newer ranking's order."""
    before = {r["priority"]: r for r in old.get("ranking") or compute_ranking(old)}
    after = {r["priority"]: r for r in new.get("ranking") or compute_ranking(new)}
    rows = []
    for pid in list(after) + [p for p in before if p not in after]:
        was, now = before.get(pid, {}), after.get(pid, {})
        rows.append(
            {
                "priority": pid,
                "title": now.get("title") or was.get("title"),
                "from_rank": was.get("rank"),
                "to_rank": now.get("rank"),
                "from_total": was.get("total"),
                "to_total": now.get("total"),
                "moved": _movement(was.get("rank"), now.get("rank")),
            }
        )
    return rows


def _movement(was: int | None, now: int | None) -> str:
    if was is None and now is None:
        return "unscored"
    if was is None:
        return "new"
    if now is None:
        return "dropped"
    if now < was:
        return "up"
    return "down" if now > was else "same"


def _scores_changed(old: dict, new: dict) -> int:
    def key(content):
        return {
            (s["priority"], s["criterion"], s["member"]): s["score"]
            for s in content.get("scores", [])
        }

    before, after = key(old), key(new)
    return sum(1 for k in before.keys() | after.keys() if before.get(k) != after.get(k))


def compare(old_content: dict, new_content: dict) -> dict:
    """What changed from `old_content` to `new_content` (two versions' content).

    Returns {"sections": [{"key", "title", "items": [{"kind", "label", "from"?, "details":
    [{"field", "label", "from", "to"}]}]}], "ranking": ranking_changes(...),
    "ranking_changed": bool, "scores_changed": int, "has_changes": bool}."""
    old, new = old_content, new_content
    titles_new, titles_old = _priority_titles(new), _priority_titles(old)

    def of_priority(item: dict) -> str:
        return titles_new.get(item.get("priority")) or titles_old.get(item.get("priority"), "")

    def outcome_label(o: dict) -> str:
        return f"{o['indicator']['name']} ({o['area']}), for {of_priority(o)}"

    strategy_items = [
        {"kind": CHANGED, "label": "The strategy", "details": details}
        for details in [_field_changes(old["strategy"], new["strategy"], STRATEGY_FIELDS)]
        if details
    ]
    sections = [
        ("strategy", "The strategy", strategy_items),
        ("priorities", "Priorities", _priorities(old, new)),
        ("criteria", "Criteria and weights", _criteria(old, new)),
        (
            "panel",
            "Scoring panel",
            _diff_objects(old["panel"], new["panel"], lambda m: m["name"], (("kind", "Kind"),)),
        ),
        (
            "outcomes",
            "Outcomes and targets",
            _diff_objects(old["outcomes"], new["outcomes"], outcome_label, OUTCOME_FIELDS),
        ),
        (
            "interventions",
            "Interventions",
            _diff_objects(
                old["interventions"],
                new["interventions"],
                lambda i: i["name"],
                INTERVENTION_FIELDS,
                "name",
            ),
        ),
        (
            "pathways",
            "Care pathways",
            _diff_objects(
                old["pathways"], new["pathways"], lambda p: p["name"], PATHWAY_FIELDS, "name"
            ),
        ),
        (
            "engagement",
            "Engagement",
            _diff_objects(
                old["engagement"],
                new["engagement"],
                lambda e: e["title"],
                ENGAGEMENT_FIELDS,
                "title",
            ),
        ),
    ]
    ranking = ranking_changes(old, new)
    ranking_changed = any(r["moved"] not in ("same", "unscored") for r in ranking) or any(
        r["from_total"] != r["to_total"] for r in ranking
    )
    scores_changed = _scores_changed(old, new)
    result = {
        "sections": [
            {"key": key, "title": title, "items": items} for key, title, items in sections
        ],
        "ranking": ranking,
        "ranking_changed": ranking_changed,
        "scores_changed": scores_changed,
    }
    result["has_changes"] = (
        any(s["items"] for s in result["sections"]) or ranking_changed or scores_changed > 0
    )
    return result
