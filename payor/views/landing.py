"""The stage 3 home: whether the five-year plan balances, contracts by payment model, and
links to the parts of the stage whose pages exist (NoReverseMatch-safe)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from commissioning import access
from commissioning import queries as core_queries
from commissioning.stages import STAGES_BY_APP
from payor.finance import queries
from payor.models import FinancialPlan

# (title, description, candidate URL names: the first that resolves is used)
PARTS = (
    ("Financial plans", "Five-year allocation, programme budgets by care setting and "
     "whether each year balances.", ("payor:finance-plans",)),
    ("Contract register", "Payment terms, value by year, KPIs, variations and payment "
     "statements.", ("payor:finance-contracts",)),
    ("Resource-shift scenarios", "Model moving money between settings and its effect on "
     "providers.", ("payor:scenarios", "payor:scenario-list")),
    ("Provider selection", "Provider Selection Regime decisions: which process, "
     "evaluation and award.", ("payor:psr-list",)),
    ("Committees", "Decision-making committees, their members, conflicts of interest "
     "and votes.", ("payor:committee-list",)),
)  # fmt: skip


def _parts() -> list[dict]:
    links = []
    for title, text, names in PARTS:
        url = next((u for u in (queries.safe_url(n) for n in names) if u), None)
        if url:
            links.append({"title": title, "text": text, "url": url})
    return links


@login_required
def landing(request: HttpRequest) -> HttpResponse:
    user = request.user
    plan = access.visible_to(user, FinancialPlan).first()
    context = {
        "stage": STAGES_BY_APP["payor"],
        "icb": core_queries.home_icb(user),
        "cycle": core_queries.current_cycle(user),
        "plan": plan,
        "plan_view": queries.plan_view(plan) if plan else None,
        "by_model": queries.contracts_by_payment_model(user),
        "parts": _parts(),
        "breadcrumbs": [("Home", "home")],
    }
    return render(request, "payor/landing.html", context)
