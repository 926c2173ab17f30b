"""Core pages. (Placeholder until the UI shell lands; every view goes through access.)"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse

from commissioning import access
from commissioning.models import Contract, PopulationSnapshot, Run


@login_required
def home(request):
    return HttpResponse("home")


@login_required
def contract_list(request):
    return HttpResponse(str(access.visible_to(request.user, Contract).count()))


@login_required
def contract_detail(request, pk):
    return HttpResponse(str(access.get_visible_or_404(request.user, Contract, pk=pk)))


@login_required
def snapshot_list(request):
    return HttpResponse(str(access.visible_to(request.user, PopulationSnapshot).count()))


@login_required
def snapshot_detail(request, pk):
    return HttpResponse(str(access.get_visible_or_404(request.user, PopulationSnapshot, pk=pk)))


@login_required
def snapshot_summarise(request, pk):
    return HttpResponse(status=405)


@login_required
def run_detail(request, pk):
    return HttpResponse(str(access.get_visible_or_404(request.user, Run, pk=pk)))


@login_required
def run_progress(request, pk):
    return HttpResponse(str(access.get_visible_or_404(request.user, Run, pk=pk).progress))
