"""The stage 2 home: the current cycle's strategies with their status and next step,
what to do next, and (for partners and providers) the strategies they can read."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from commissioning import queries as core_queries
from commissioning.stages import STAGES_BY_APP
from strategy.lifecycle import queries, rules


def _next_step(user, icb, rows, can_create: bool) -> dict | None:
    """The one thing to do next, as a card: start a strategy, or carry on with one."""
    if rows:
        first = next((r for r in rows if r["strategy"].status != "published"), rows[0])
        strategy = first["strategy"]
        return {
            "title": strategy.title,
            "text": first["next_step"],
            "action": "Open the strategy",
            "url": reverse("strategy:strategy-detail", args=[strategy.pk]),
        }
    if not can_create:
        return None
    if not queries.approved_assessments(user, icb).exists():
        return {
            "title": "Approve the needs assessment first",
            "text": "A strategy builds on an approved Integrated Needs Assessment: its "
            "findings become the priorities' evidence.",
            "action": "Go to the needs assessments",
            "url": queries.safe_url("needs_assessment:ina-list"),
        }
    return {
        "title": "Start this cycle's strategy",
        "text": "Start a five-year Population Health Improvement Plan on the approved "
        "needs assessment; the default prioritisation criteria come with it.",
        "action": "Start a strategy",
        "url": reverse("strategy:strategy-create"),
    }


@login_required
def landing(request: HttpRequest) -> HttpResponse:
    user = request.user
    icb = core_queries.home_icb(user)
    cycle, current = queries.current_strategies(user)
    rows = [
        {"strategy": s, "next_step": queries.next_step(s), "years": queries.years_label(s)}
        for s in current
    ]
    can_create = icb is not None and rules.can_edit(user)
    others = queries.strategies_for(user).exclude(pk__in=[s.pk for s in current])[:10]
    context = {
        "stage": STAGES_BY_APP["strategy"],
        "icb": icb,
        "cycle": cycle,
        "rows": rows,
        "others": others,
        "can_create": can_create,
        "next": _next_step(user, icb, rows, can_create) if icb else None,
        "breadcrumbs": [("Home", "home")],
    }
    return render(request, "strategy/landing.html", context)
