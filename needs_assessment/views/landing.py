"""The stage 1 home for the ICB: the current cycle, the latest population data and
uploads, the latest needs profile, the INA versions, and the next step to take."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from commissioning.stages import STAGES_BY_APP
from needs_assessment.documents.landing import landing_state


@login_required
def landing(request: HttpRequest) -> HttpResponse:
    context = {
        "stage": STAGES_BY_APP["needs_assessment"],
        "state": landing_state(request.user),
        "breadcrumbs": [("Home", "home")],
    }
    return render(request, "needs_assessment/landing.html", context)
