"""What a segmentation result page shows: the run's progress, then charts and tables.

Shared by the full page and the htmx partial that polls it. Counts are exact for ICB staff
and disclosure-controlled for anyone else (`queries.sizes_display`, `queries.flows_display`).
"""

from __future__ import annotations

from decimal import Decimal

from commissioning import access
from commissioning.models import Run, RunStatus
from commissioning.queries import money_from_float, period_label
from needs_assessment.segmentation import charts, queries
from needs_assessment.segmentation.actions import COMPARE_KIND


def count_text(value) -> str:
    """A count as a page shows it: "12,345", or "*" where suppressed."""
    if value is None:
        return "Not known"
    return f"{value:,}" if isinstance(value, int | float) else str(value)


def number_text(value, places: int = 1, prefix: str = "") -> str:
    """A rate, share or mean as a page shows it: "12.3", "£1,234.56", "*" or a dash."""
    if value is None:
        return "–"
    if isinstance(value, Decimal):
        value = float(value)
    if not isinstance(value, int | float):
        return str(value)
    return f"{prefix}{value:,.{places}f}"


def _sizes_text(sizes: dict) -> None:
    for row in sizes["rows"]:
        row["people_text"] = count_text(row["people"])
        row["share_text"] = number_text(row["share"])
        row["cost_text"] = number_text(row["cost"], 0, "£")
        row["cost_per_head_text"] = number_text(row["cost_per_head"], 2, "£")
        for item in row["activity"]:
            item["total_text"] = count_text(item["total"])
            item["per_1000_text"] = number_text(item["per_1000"])
    sizes["people_text"] = count_text(sizes["people"])
    sizes["unassigned_text"] = count_text(sizes["unassigned"])


def _flows_text(flows: dict) -> None:
    for row in flows["matrix"]:
        row["cells_text"] = [count_text(cell) for cell in row["cells"]]
        row["total_text"] = count_text(row["total"])
    for side in (flows["side_a"], flows["side_b"]):
        for segment in side:
            segment["people_text"] = count_text(segment["people"])
    for flow in flows["flows"]:
        flow["people_text"] = count_text(flow["people"])
        flow["share_text"] = number_text(flow["share"])
    flows["people_text"] = count_text(flows["people"])
    flows["moved_text"] = count_text(flows["moved"])
    flows["same_text"] = count_text(flows["same_segment"])
    flows["moved_share_text"] = number_text(flows["moved_share"])


def _duration(run: Run) -> str:
    if not (run.started_at and run.finished_at):
        return ""
    seconds = max(0.0, (run.finished_at - run.started_at).total_seconds())
    return f"{seconds:.1f} seconds" if seconds < 60 else f"{seconds / 60:.1f} minutes"


def _model_link(user, frozen: dict | None) -> dict | None:
    """The label of a model a run used, and its id if the user can still see it."""
    if not frozen:
        return None
    visible = queries.models_for(user).filter(pk=frozen.get("id")).exists()
    return {"label": frozen.get("label", "a model"), "pk": frozen.get("id") if visible else None}


def result_context(user, run: Run) -> dict:
    """Everything the result page and its polling partial need."""
    parameters = run.parameters if isinstance(run.parameters, dict) else {}
    snapshot = queries.run_snapshot(user, run)
    controlled = access.needs_disclosure_control(user)
    is_compare = run.kind == COMPARE_KIND
    context = {
        "run": run,
        "is_compare": is_compare,
        "controlled": controlled,
        "snapshot": snapshot,
        "period": period_label(snapshot) if snapshot else "",
        "duration": _duration(run),
        "model": _model_link(user, parameters.get("model")),
        "model_a": _model_link(user, parameters.get("model_a")),
        "model_b": _model_link(user, parameters.get("model_b")),
    }
    result = run.result if isinstance(run.result, dict) else {}
    if run.status != RunStatus.SUCCEEDED or not result:
        return context
    if is_compare:
        flows = queries.flows_display(result, controlled)
        _flows_text(flows)
        context["flows"] = flows
        context["sankey"] = charts.segment_flow_sankey(
            flows["side_a"],
            flows["side_b"],
            flows["flows"],
            context["model_a"]["label"],
            context["model_b"]["label"],
        )
    else:
        sizes = queries.sizes_display(result, controlled)
        _sizes_text(sizes)
        context["sizes"] = sizes
        context["total_cost_text"] = number_text(money_from_float(result.get("cost")), 0, "£")
        context["sizes_chart"] = charts.segment_sizes_chart(sizes["rows"])
    return context
