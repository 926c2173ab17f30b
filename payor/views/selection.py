"""Provider Selection Regime and committee pages. Thin doors: reads through scoped
queries, writes through payor.selection.actions / committees. Out of scope: 404; a
reader whose role may not make the change: 403 (provider and partner get 404 on PSR)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from commissioning import access
from commissioning.models import Organisation
from payor.models import Committee, CommitteeMember, DecisionItem, PsrDecision
from payor.selection import actions, committees, forms, queries

PSR_LIST, COMMITTEE_LIST = "payor:psr-list", "payor:committee-list"


def _crumbs(*extra) -> list[tuple[str, str]]:
    return [("Home", "home"), ("Resource allocation", "payor:landing"), *extra]


def _can_manage(user) -> bool:
    return access.has_permission(user, access.Permission.MANAGE_CONTRACTS) and (
        access.is_icb_staff(user) or access.is_administrator(user)
    )


def _apply(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
def psr_list(request: HttpRequest) -> HttpResponse:
    """The ICB's PSR decision records (ICB staff only; others see an empty list)."""
    return render(
        request,
        "payor/psr_list.html",
        {
            "decisions": queries.psr_decisions(request.user),
            "can_manage": _can_manage(request.user),
            "breadcrumbs": _crumbs(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def psr_create(request: HttpRequest) -> HttpResponse:
    """Record a PSR decision: route, the five key criteria, decision maker, conflicts."""
    if not _can_manage(request.user):
        raise PermissionDenied("Only ICB commissioners record provider selection decisions.")
    providers = access.visible_to(request.user, Organisation).exclude(sector="")
    form = forms.PsrDecisionForm(request.POST or None, providers=providers)
    if request.method == "POST" and form.is_valid():
        criteria = form.criteria()
        try:
            decision = actions.record_psr_decision(
                by=request.user, criteria=criteria, **form.cleaned_data
            )
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, f"Decision {decision.reference} recorded.")
            return redirect("payor:psr-detail", decision.pk)
    crumbs = _crumbs(("Provider selection decisions", PSR_LIST))
    return render(request, "payor/psr_form.html", {"form": form, "breadcrumbs": crumbs})


def _psr_context(request, decision, **overrides) -> dict:
    context = {
        "decision": decision,
        "criteria": decision.criteria.all(),
        "representations": decision.representations.all(),
        "can_manage": _can_manage(request.user),
        "when_form": forms.WhenForm(),
        "representation_form": forms.RepresentationForm(),
        "resolve_form": forms.ResolveForm(),
        "breadcrumbs": _crumbs(("Provider selection decisions", PSR_LIST)),
    }
    return context | overrides


@login_required
def psr_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One decision: criteria, standstill, representations, award and publication."""
    decision = access.get_visible_or_404(request.user, queries.psr_decisions(request.user), pk=pk)
    return render(request, "payor/psr_detail.html", _psr_context(request, decision))


STEPS = {
    "notice": (forms.WhenForm, "Notice of intention published."),
    "representation": (forms.RepresentationForm, "Representation recorded."),
    "resolve": (forms.ResolveForm, "Outcome of the representation recorded."),
    "award": (forms.WhenForm, "Contract awarded."),
    "publish": (forms.WhenForm, "Publication of the award recorded."),
}


def _run_step(request, decision, step: str, data: dict):
    by = request.user
    if step == "notice":
        return actions.publish_notice_of_intention(
            by=by, decision=decision, published_at=data["at"]
        )
    if step == "representation":
        return actions.record_representation(by=by, decision=decision, **data)
    if step == "resolve":
        rep = decision.representations.filter(pk=data.pop("representation")).first()
        if rep is None:
            raise ValidationError("No such representation on this decision.")
        return actions.resolve_representation(by=by, representation=rep, **data)
    if step == "award":
        return actions.award(by=by, decision=decision, at=data["at"])
    return actions.publish_award(by=by, decision=decision, at=data["at"])


@login_required
@require_POST
def psr_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """One step of the PSR flow (notice, representation, resolve, award, publish)."""
    decision = access.get_visible_or_404(request.user, PsrDecision, pk=pk)
    if step not in STEPS:
        raise PermissionDenied("Unknown step.")
    form_class, done = STEPS[step]
    form = form_class(request.POST)
    if form.is_valid():
        try:
            _run_step(request, decision, step, dict(form.cleaned_data))
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, done)
            return redirect("payor:psr-detail", decision.pk)
    name = {"representation": "representation_form", "resolve": "resolve_form"}.get(step)
    context = _psr_context(request, decision, **{name or "when_form": form, "failed_step": step})
    return render(request, "payor/psr_detail.html", context, status=400)


# --------------------------------------------------------------------------- committees


@login_required
@require_http_methods(["GET", "POST"])
def committee_list(request: HttpRequest) -> HttpResponse:
    """Committees the user can see; commissioners create one here."""
    form = forms.CommitteeForm(request.POST or None)
    if request.method == "POST":
        if not _can_manage(request.user):
            raise PermissionDenied("Only ICB commissioners create committees.")
        if form.is_valid():
            try:
                committee = committees.create_committee(by=request.user, **form.cleaned_data)
            except ValidationError as error:
                _apply(form, error)
            else:
                messages.success(request, f"Committee {committee.name} created.")
                return redirect("payor:committee-detail", committee.pk)
    context = {
        "committees": queries.committees(request.user),
        "form": form,
        "can_manage": _can_manage(request.user),
        "breadcrumbs": _crumbs(),
    }
    return render(request, "payor/committee_list.html", context, status=400 if form.errors else 200)


@login_required
def committee_detail(request: HttpRequest, pk: int, forms_for: dict | None = None) -> HttpResponse:
    """A committee's members, meetings, papers and decision items with votes."""
    user = request.user
    committee = access.get_visible_or_404(user, Committee, pk=pk)
    seats = CommitteeMember.objects.filter(committee=committee)
    mine = [s.pk for s in seats if s.user_id == user.pk]
    rows = queries.committee_items(user, committee)
    for row in rows:
        row["voted"] = any(v.member_id in mine for v in row["votes"])
        row["conflicted"] = any(d.member_id in mine for d in row["declarations"])
        row["for"] = sum(v.choice == "for" for v in row["votes"])
        row["against"] = sum(v.choice == "against" for v in row["votes"])
        row["abstain"] = sum(v.choice == "abstain" for v in row["votes"])
    context = {
        "committee": committee,
        "members": seats.select_related("organisation", "user"),
        "meetings": committee.meetings.prefetch_related("papers"),
        "rows": rows,
        "is_member": bool(mine),
        "can_manage": _can_manage(user),
        "vote_form": forms.VoteForm(),
        "declare_form": forms.DeclareForm(),
        "decision_form": forms.DecisionForm(),
        "breadcrumbs": _crumbs(("Committees", COMMITTEE_LIST)),
    } | (forms_for or {})
    status = 400 if forms_for else 200
    return render(request, "payor/committee_detail.html", context, status=status)


ITEM_STEPS = {
    "vote": (forms.VoteForm, committees.cast_vote, "vote_form", "Your vote is recorded."),
    "declare": (forms.DeclareForm, committees.declare_interest, "declare_form",
                "Your declaration of interest is recorded."),
    "decide": (forms.DecisionForm, committees.record_decision, "decision_form",
               "The committee's decision is recorded."),
}  # fmt: skip


@login_required
@require_POST
def committee_item_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """Vote, declare an interest or record the decision on one item."""
    item = access.get_visible_or_404(
        request.user, DecisionItem.objects.select_related("meeting"), pk=pk
    )
    if step not in ITEM_STEPS:
        raise PermissionDenied("Unknown step.")
    form_class, action, name, done = ITEM_STEPS[step]
    form = form_class(request.POST)
    if form.is_valid():
        try:
            action(by=request.user, item=item, **form.cleaned_data)
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, done)
            url = reverse("payor:committee-detail", args=[item.meeting.committee_id])
            return redirect(f"{url}#item-{item.pk}")
    return committee_detail(
        request, item.meeting.committee_id, forms_for={name: form, "failed_item": item.pk}
    )
