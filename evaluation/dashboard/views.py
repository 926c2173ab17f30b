"""The "is the strategy working?" page: thin, over evaluation.dashboard.queries."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from commissioning import financial_years
from commissioning.access import is_administrator, is_icb_staff, visible_to
from evaluation.dashboard import queries
from evaluation.tracking.queries import strategy_for_tracking
from evaluation.tracking.views import for_display
from strategy.models import Strategy

BREADCRUMBS = [("Home", "home"), ("Evaluation", "evaluation:landing")]


def _strategies(user):
    if not (is_icb_staff(user) or is_administrator(user)):
        raise Http404("Not found")
    return visible_to(user, Strategy).order_by("-first_year", "title")


def _money_rows(money) -> list:
    """First, current and last plan years, each once (with a note saying which)."""
    if money is None:
        return []
    rows, seen = [], set()
    for share, note in ((money.first, "first year"), (money.now, "this year"),
                        (money.last, "last year")):  # fmt: skip
        if share.label in seen:
            rows[-1].note += f", {note}"
            continue
        seen.add(share.label)
        share.note = note
        rows.append(share)
    return rows


@login_required
def dashboard(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Per priority: outcome icons, evaluation results, contract performance and a
    verdict; for the strategy, the money planned to move out of hospital."""
    strategies = _strategies(request.user)
    if pk is None:
        strategy = strategies.first()
        if strategy is None:
            return render(request, "evaluation/dashboard.html", {"breadcrumbs": BREADCRUMBS})
    else:
        strategy = strategy_for_tracking(request.user, pk)
    answers = queries.answer(request.user, strategy)
    for item in answers:
        for track in item.outcomes:
            for_display(track)
    money = queries.money_shift(
        request.user, strategy, financial_years.financial_year(timezone.localdate())
    )
    context = {
        "money_rows": _money_rows(money),
        "strategy": strategy,
        "strategies": strategies,
        "answers": answers,
        "money": money,
        "breadcrumbs": BREADCRUMBS,
    }
    return render(request, "evaluation/dashboard.html", context)
