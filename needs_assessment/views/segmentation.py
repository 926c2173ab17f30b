"""Segmentation pages: the model library, a model's segments, copying, editing, publishing,
running a model on the ICB's population and comparing two models or versions.

Thin doors: reads through `segmentation.queries` (access-scoped), writes through
`segmentation.actions`. A model out of scope answers 404; a model the user can see but
may not change (a library model, another role) answers 403 with the reason.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from needs_assessment.segmentation import actions, editor, queries
from needs_assessment.segmentation.forms import CompareForm, CopyForm, SnapshotChoiceForm
from needs_assessment.segmentation.results import result_context
from needs_assessment.segmentation.vocabulary import describe_rule

LIST = ("Segmentation models", "needs_assessment:segmentation-list")
STAGE = ("Needs assessment", "needs_assessment:landing")


def _detail_crumbs(model) -> list[tuple[str, str]]:
    url = reverse("needs_assessment:segmentation-detail", args=[model.pk])
    return [STAGE, LIST, (str(model), url)]


@login_required
def model_list(request: HttpRequest) -> HttpResponse:
    """The shared library and the ICB's own models, each with its versions."""
    library, own = queries.families_for(request.user)
    context = {
        "library": library,
        "own": own,
        "can_copy": queries.can_copy(request.user),
        "can_run": queries.can_run(request.user),
        "comparisons": queries.recent_comparisons(request.user, limit=5),
        "breadcrumbs": [STAGE],
    }
    return render(request, "needs_assessment/segmentation_list.html", context)


@login_required
def model_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    model = queries.get_model_or_404(user, pk)
    segments = list(model.segments.all())
    for segment in segments:
        segment.rule_text = describe_rule(segment.rule)
        segment.rule_json = json.dumps(segment.rule, indent=2)
    snapshots = queries.runnable_snapshots(user) if queries.can_run(user) else []
    draft = queries.draft_of(model) if model.is_published else None
    context = {
        "model": model,
        "segments": segments,
        "versions": queries.versions_of(user, model),
        "draft": draft,
        "compare_with": draft or model.based_on,
        "can_edit": queries.can_edit(user, model),
        "can_copy": queries.can_copy(user),
        "can_run": queries.can_run(user),
        "run_form": SnapshotChoiceForm(snapshots=snapshots) if snapshots else None,
        "runs": queries.runs_of_model(user, model),
        "breadcrumbs": [STAGE, LIST],
    }
    return render(request, "needs_assessment/segmentation_detail.html", context)


@login_required
def model_copy(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    model = queries.get_model_or_404(user, pk)
    if not queries.can_copy(user):
        raise PermissionDenied("Only ICB commissioners and analysts can copy models.")
    form = CopyForm(request.POST or None, initial={"name": f"{user.icb.name} {model.name}"})
    if request.method == "POST" and form.is_valid():
        try:
            copy = actions.copy_model(
                model=model,
                icb=user.icb,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"] or None,
                by=user,
            )
        except actions.SegmentationError as error:
            form.add_error("name", str(error))
        else:
            messages.success(request, f"{copy} is your ICB's draft copy of {model}: edit it below.")
            return redirect("needs_assessment:segmentation-edit", pk=copy.pk)
    context = {"model": model, "form": form, "breadcrumbs": _detail_crumbs(model)}
    return render(request, "needs_assessment/segmentation_copy.html", context)


@login_required
def model_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit the segments: structured forms per segment, reorder, add and remove; saving a
    published model makes a new draft version."""
    user = request.user
    model = queries.get_model_or_404(user, pk)
    if not queries.can_edit(user, model):
        raise PermissionDenied(
            "Library models are shared by every ICB: copy one to edit it."
            if model.icb_id is None
            else "Only commissioners and analysts of the ICB that owns this model can edit it."
        )
    draft = queries.draft_of(model) if model.is_published else None
    if draft is not None:
        messages.info(request, f"Version {draft.version} is the draft of this model: edit it.")
        return redirect("needs_assessment:segmentation-edit", pk=draft.pk)
    notice, general = "", []
    if request.method == "POST":
        forms = editor.forms_from_post(request.POST)
        command = request.POST.get("action", "save")
        if command != "save":
            forms, notice = editor.apply_command(forms, command)
        else:
            saved, general = _save(request, model, forms)
            if saved is not None:
                return redirect("needs_assessment:segmentation-detail", pk=saved.pk)
    else:
        forms = editor.forms_from_segments(actions.segments_of(model))
    editor.refresh_json(forms)
    context = {
        "model": model,
        "forms": forms,
        "errors": [(message, "") for message in general] + editor.error_summary(forms),
        "notice": notice,
        "kinds": editor.RULE_KINDS,
        "comparisons": editor.COMPARISONS,
        "field_comparisons": editor.FIELD_COMPARISONS,
        "breadcrumbs": _detail_crumbs(model),
    }
    context.update(editor.choices())
    return render(request, "needs_assessment/segmentation_edit.html", context)


def _save(request, model, forms):
    """Save the edited segments; (the saved model, []) or (None, general problems)."""
    segments, general = editor.check(forms)
    if segments is None:
        return None, general
    try:
        saved = actions.update_segments(model=model, segments=segments, by=request.user)
    except actions.SegmentsInvalid as error:
        return None, editor.attach_problems(forms, error.problems)
    except actions.SegmentationError as error:
        return None, [str(error)]
    if saved.pk != model.pk:
        messages.success(
            request,
            f"Saved as version {saved.version}, a draft. Version {model.version} stays "
            "published and unchanged; publish the draft when it is ready.",
        )
    else:
        messages.success(request, f"Segments of {saved} saved.")
    return saved, []


@login_required
@require_POST
def model_publish(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    model = queries.get_model_or_404(user, pk)
    if not queries.can_edit(user, model):
        raise PermissionDenied("Only staff of the ICB that owns this model can publish it.")
    try:
        actions.publish_model(model=model, by=user)
    except actions.SegmentationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{model} is published: from now on edits make a new version.")
    return redirect("needs_assessment:segmentation-detail", pk=model.pk)


@login_required
@require_POST
def model_run(request: HttpRequest, pk: int) -> HttpResponse:
    """Start a worker run of the model on one of the ICB's snapshots; show its result page."""
    user = request.user
    model = queries.get_model_or_404(user, pk)
    if not queries.can_run(user):
        raise PermissionDenied("Only ICB commissioners and analysts can run models.")
    form = SnapshotChoiceForm(request.POST, snapshots=queries.runnable_snapshots(user))
    if not form.is_valid():
        messages.error(request, "Choose population data your ICB has loaded to run the model on.")
        return redirect("needs_assessment:segmentation-detail", pk=model.pk)
    try:
        run = actions.start_segmentation_run(model=model, snapshot=form.chosen_snapshot(), by=user)
    except actions.SegmentationError as error:
        messages.error(request, str(error))
        return redirect("needs_assessment:segmentation-detail", pk=model.pk)
    return redirect("needs_assessment:segmentation-result", pk=run.pk)


@login_required
def compare(request: HttpRequest) -> HttpResponse:
    """Choose two models (or versions) and the population data, and start the comparison."""
    user = request.user
    if not queries.can_run(user):
        raise PermissionDenied("Only ICB commissioners and analysts can compare models.")
    models = list(queries.models_for(user).order_by("icb_id", "name", "-version"))
    snapshots = queries.runnable_snapshots(user)
    initial = {key: request.GET.get(key[-1]) for key in ("model_a", "model_b")}
    form = CompareForm(request.POST or None, models=models, snapshots=snapshots, initial=initial)
    general = []
    if request.method == "POST" and form.is_valid():
        try:
            run = actions.start_segmentation_compare(
                model_a=form.models[form.cleaned_data["model_a"]],
                model_b=form.models[form.cleaned_data["model_b"]],
                snapshot=form.chosen_snapshot(),
                by=user,
            )
        except actions.SegmentationError as error:
            general.append(str(error))
        else:
            return redirect("needs_assessment:segmentation-result", pk=run.pk)
    context = {
        "form": form,
        "general_errors": general,
        "has_snapshots": bool(snapshots),
        "breadcrumbs": [STAGE, LIST],
    }
    return render(request, "needs_assessment/segmentation_compare.html", context)


@login_required
def result(request: HttpRequest, pk: int) -> HttpResponse:
    """A segmentation run or comparison: progress while it runs, then charts and tables."""
    run = queries.get_run_or_404(request.user, pk)
    context = result_context(request.user, run)
    context["breadcrumbs"] = [STAGE, LIST]
    return render(request, "needs_assessment/segmentation_result.html", context)


@login_required
def result_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The result block alone, for htmx to poll; it stops polling once the run finishes."""
    run = queries.get_run_or_404(request.user, pk)
    return render(
        request,
        "needs_assessment/segmentation_result_status.html",
        result_context(request.user, run),
    )
