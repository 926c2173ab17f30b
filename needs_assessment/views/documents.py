"""INA pages: versions, the document, editing a draft (htmx, with full-page fallbacks),
approval with a confirmation step, comparison, the printable page and the workbook.

Thin doors: reads through `documents.queries` (scoped), writes through
`documents.actions`. Out-of-scope objects answer 404; a reader who may see a version but
not change it gets 403 from an editing URL.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from commissioning import access
from commissioning import queries as core_queries
from commissioning.security.log import log_export
from commissioning.spreadsheets import XLSX_CONTENT_TYPE
from evaluation.loop import queries as loop_queries
from needs_assessment.documents import actions, compare, export, queries
from needs_assessment.documents.figures import count_figure, format_number
from needs_assessment.documents.forms import (
    AssessmentCreateForm,
    FindingForm,
    SectionForm,
    SummaryForm,
    evidence_options,
)
from needs_assessment.models import INASection, INAStatus, NeedsAssessment, NeedsAssessmentFinding

LIST = "needs_assessment:ina-list"


def crumbs(assessment: NeedsAssessment | None = None) -> list[tuple[str, str]]:
    trail = [
        ("Home", "home"),
        ("Needs assessment", "needs_assessment:landing"),
        ("Integrated Needs Assessments", LIST),
    ]
    if assessment is not None:
        trail.append(
            (
                f"{assessment.cycle.label} version {assessment.version}",
                reverse("needs_assessment:ina-detail", args=[assessment.pk]),
            )
        )
    return trail


def apply_errors(form, error: ValidationError) -> None:
    """Put an action's ValidationError on the form: on its field if the form has one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _create_form(user, icb, data=None):
    return AssessmentCreateForm(
        data,
        cycles=queries.cycles_for(user, icb),
        profiles=queries.profiles_for(user, icb),
        initial={"title": f"Integrated Needs Assessment of {icb.name}"} if icb else None,
    )


@login_required
def assessment_list(request: HttpRequest, form=None) -> HttpResponse:
    """Every INA version the user may see, by cycle, and (for ICB staff) a form to start
    version 1 of a cycle's INA."""
    user = request.user
    icb = core_queries.home_icb(user)
    versions = queries.assessments_for(user, icb) if icb else NeedsAssessment.objects.none()
    can_create = icb is not None and actions.can_edit(user)
    context = {
        "icb": icb,
        "versions": versions,
        "can_create": can_create,
        "form": form or (_create_form(user, icb) if can_create else None),
        "breadcrumbs": crumbs()[:2],
    }
    return render(request, "needs_assessment/ina_list.html", context)


@login_required
@require_POST
def assessment_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    icb = core_queries.home_icb(user)
    if icb is None or not actions.can_edit(user):
        raise PermissionDenied("Only ICB staff can start a needs assessment.")
    form = _create_form(user, icb, request.POST)
    if form.is_valid():
        try:
            assessment = actions.create_assessment(
                cycle=form.cleaned_data["cycle"],
                profile=form.cleaned_data["profile"],
                title=form.cleaned_data["title"],
                by=user,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Version {assessment.version} started as a draft.")
            return redirect("needs_assessment:ina-detail", pk=assessment.pk)
    response = assessment_list(request, form=form)
    response.status_code = 400
    return response


@login_required
@require_POST
def assessment_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    """Start the next version of this assessment's cycle, on the chosen profile."""
    user = request.user
    assessment = queries.assessment_or_404(user, pk)
    if not actions.can_edit(user):
        raise PermissionDenied("Only ICB staff can start a new version.")
    profiles = queries.profiles_for(user, assessment.icb)
    profile = profiles.filter(pk=request.POST.get("profile") or assessment.profile_id).first()
    if profile is None:
        raise Http404("No such needs profile.")
    try:
        new = actions.create_assessment(
            cycle=assessment.cycle, profile=profile, title=assessment.title, by=user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("needs_assessment:ina-detail", pk=assessment.pk)
    messages.success(
        request, f"Version {new.version} started as a draft from version {assessment.version}."
    )
    return redirect("needs_assessment:ina-detail", pk=new.pk)


def _detail_context(request, assessment: NeedsAssessment) -> dict:
    user = request.user
    controlled = access.needs_disclosure_control(user)
    versions = list(queries.cycle_versions(user, assessment))
    editable = actions.can_edit(user, assessment)
    sections = queries.document(user, assessment, controlled=controlled)
    people = count_figure(assessment.profile.people, controlled=controlled)
    return {
        "assessment": assessment,
        "sections": sections,
        "has_charts": any(section.content.charts for section in sections),
        "people_label": format_number(people, 0),
        "next_version": max(v.version for v in versions) + 1,
        "can_compare_previous": any(v.pk == assessment.based_on_id for v in versions),
        "controlled": controlled,
        "versions": versions,
        "other_versions": [v for v in versions if v.pk != assessment.pk],
        "editable": editable,
        "can_approve": actions.can_approve(user, assessment),
        "can_start_version": actions.can_edit(user) and assessment.status != INAStatus.SUPERSEDED,
        "profiles": queries.profiles_for(user, assessment.icb) if actions.can_edit(user) else [],
        "breadcrumbs": crumbs()[:3],
        "loop_start": loop_queries.starting_point(user, assessment.cycle),
    }


@login_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = queries.assessment_or_404(request.user, pk)
    context = _detail_context(request, assessment)
    return render(request, "needs_assessment/ina_detail.html", context)


def _section_or_404(key: str) -> str:
    if key not in INASection.values:
        raise Http404("No such section.")
    return key


def _editable_or_403(user, assessment: NeedsAssessment) -> None:
    if not actions.can_edit(user, assessment):
        raise PermissionDenied(
            "This version is read-only."
            if assessment.status != INAStatus.DRAFT
            else "Only ICB staff can change a needs assessment."
        )


@login_required
@require_http_methods(["GET", "POST"])
def section_edit(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """The key findings of one section: a form (htmx swaps it into the page, or a page of
    its own without JavaScript), saved through `actions.update_section`."""
    user = request.user
    assessment = queries.assessment_or_404(user, pk)
    key = _section_or_404(key)
    _editable_or_403(user, assessment)
    section = assessment.sections.filter(key=key).first()
    form = SectionForm(
        request.POST or None, initial={"commentary": section.commentary if section else ""}
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.update_section(
                assessment=assessment, key=key, commentary=form.cleaned_data["commentary"], by=user
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if request.htmx:
                return render(
                    request,
                    "needs_assessment/ina_commentary.html",
                    {
                        "assessment": assessment,
                        "key": key,
                        "commentary": saved.commentary,
                        "editable": True,
                    },
                )
            return redirect(reverse("needs_assessment:ina-detail", args=[pk]) + f"#{key}")
    context = {
        "assessment": assessment,
        "key": key,
        "title": INASection(key).label,
        "form": form,
        "breadcrumbs": crumbs(assessment),
    }
    if request.htmx:  # htmx swaps only 2xx answers, errors included
        return render(request, "needs_assessment/ina_commentary_form.html", context)
    status = 400 if form.errors else 200
    return render(request, "needs_assessment/ina_section_edit.html", context, status=status)


@login_required
def section_view(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """The commentary block alone (htmx: 'Cancel' on the edit form)."""
    assessment = queries.assessment_or_404(request.user, pk)
    key = _section_or_404(key)
    section = assessment.sections.filter(key=key).first()
    return render(
        request,
        "needs_assessment/ina_commentary.html",
        {
            "assessment": assessment,
            "key": key,
            "commentary": section.commentary if section else "",
            "editable": actions.can_edit(request.user, assessment),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def summary_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    assessment = queries.assessment_or_404(user, pk)
    _editable_or_403(user, assessment)
    form = SummaryForm(
        request.POST or None, initial={"title": assessment.title, "summary": assessment.summary}
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_summary(assessment=assessment, by=user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("needs_assessment:ina-detail", pk=pk)
    context = {"assessment": assessment, "form": form, "breadcrumbs": crumbs(assessment)}
    return render(
        request,
        "needs_assessment/ina_summary_edit.html",
        context,
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def assessment_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """A confirmation page that says what approval does; approving needs its box ticked."""
    user = request.user
    assessment = queries.assessment_or_404(user, pk)
    if not actions.can_approve(user, assessment):
        raise PermissionDenied("Only a draft can be approved, and only by an ICB commissioner.")
    error = ""
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            error = "Tick the box to confirm that you approve this version."
        else:
            try:
                actions.approve(assessment=assessment, by=user)
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                messages.success(
                    request, f"Version {assessment.version} is approved and published to partners."
                )
                return redirect("needs_assessment:ina-detail", pk=pk)
    current = queries.cycle_versions(user, assessment).filter(status=INAStatus.APPROVED).first()
    context = {
        "assessment": assessment,
        "current": current,
        "findings": assessment.finding_links.count(),
        "error": error,
        "breadcrumbs": crumbs(assessment),
    }
    return render(
        request, "needs_assessment/ina_approve.html", context, status=400 if error else 200
    )


@login_required
def assessment_compare(request: HttpRequest, pk: int) -> HttpResponse:
    """What changed between this version and another (?with=<id>) of the same ICB."""
    user = request.user
    assessment = queries.assessment_or_404(user, pk)
    versions = list(queries.cycle_versions(user, assessment))
    other_id = request.GET.get("with") or ""
    if not other_id.isdigit():
        older = [v for v in versions if v.version < assessment.version]
        if not older:
            raise Http404("There is no earlier version to compare with.")
        other = older[0]
    else:
        other = queries.assessment_or_404(user, int(other_id))
        if other.icb_id != assessment.icb_id:
            raise Http404("Not found")
    context = {
        "assessment": assessment,
        "comparison": compare.compare(other, assessment),
        "versions": versions,
        "breadcrumbs": crumbs(assessment),
    }
    return render(request, "needs_assessment/ina_compare.html", context)


@login_required
def assessment_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable page: no navigation, print styles, figures always controlled."""
    user = request.user
    assessment = queries.assessment_or_404(user, pk)
    context = {
        "assessment": assessment,
        "sections": export.export_document(user, assessment),
        "controlled": True,
    }
    return render(request, "needs_assessment/ina_print.html", context)


@login_required
def assessment_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """The INA's tables as an Excel workbook, disclosure-controlled whoever downloads it."""
    user = request.user
    assessment = queries.assessment_or_404(user, pk)
    content = export.workbook(user, assessment)
    actions.record_export(assessment=assessment, kind="xlsx", by=user)
    log_export(request, f"needs_assessment:{assessment.pk}:xlsx")
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    name = f"ina-{assessment.icb.code}-{assessment.cycle.financial_year}-v{assessment.version}"
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


# --------------------------------------------------------------------------- findings


def _findings_context(request, assessment: NeedsAssessment, key: str) -> dict:
    views = queries.finding_views(
        request.user, assessment, controlled=access.needs_disclosure_control(request.user)
    )
    return {
        "assessment": assessment,
        "key": key,
        "findings": [v for v in views if v.link.section == key],
        "editable": actions.can_edit(request.user, assessment),
    }


@login_required
@require_http_methods(["GET", "POST"])
def finding_add(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """A finding of one section, with evidence chosen from the section's profile figures."""
    user = request.user
    assessment = queries.assessment_or_404(user, pk)
    key = _section_or_404(key)
    _editable_or_403(user, assessment)
    data = queries.profile_data(user, assessment, controlled=False)
    form = FindingForm(
        request.POST or None,
        options=evidence_options(data, key),
        areas=data.areas,
        initial={"area": data.icb.id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_finding(
                assessment=assessment,
                section=key,
                title=form.cleaned_data["title"],
                summary=form.cleaned_data["summary"],
                evidence=form.evidence_list(),
                by=user,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if request.htmx:
                context = _findings_context(request, assessment, key)
                return render(request, "needs_assessment/ina_findings.html", context)
            return redirect(reverse("needs_assessment:ina-detail", args=[pk]) + f"#{key}")
    context = {
        "assessment": assessment,
        "key": key,
        "title": INASection(key).label,
        "form": form,
        "breadcrumbs": crumbs(assessment),
    }
    if request.htmx:
        # htmx swaps only 2xx answers: show the errors in place of the form.
        response = render(request, "needs_assessment/ina_finding_form.html", context)
        if form.errors:
            response["HX-Retarget"] = f"#finding-form-{key}"
            response["HX-Reswap"] = "innerHTML"
        return response
    return render(
        request,
        "needs_assessment/ina_finding_add.html",
        context,
        status=400 if form.errors else 200,
    )


@login_required
def findings_view(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """The findings of one section alone (htmx: 'Cancel' on the finding form)."""
    assessment = queries.assessment_or_404(request.user, pk)
    key = _section_or_404(key)
    return render(
        request, "needs_assessment/ina_findings.html", _findings_context(request, assessment, key)
    )


@login_required
@require_POST
def finding_remove(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    user = request.user
    assessment = queries.assessment_or_404(user, pk)
    link = access.get_visible_or_404(
        user, NeedsAssessmentFinding.objects.filter(assessment=assessment), pk=link_pk
    )
    _editable_or_403(user, assessment)
    actions.remove_finding(link=link, by=user)
    if request.htmx:
        context = _findings_context(request, assessment, link.section)
        return render(request, "needs_assessment/ina_findings.html", context)
    return redirect(reverse("needs_assessment:ina-detail", args=[pk]) + f"#{link.section}")
