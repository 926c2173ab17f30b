"""The stage 3 landing page."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from commissioning.stages import render_stage_landing


@login_required
def landing(request: HttpRequest) -> HttpResponse:
    return render_stage_landing(request, "payor")
