"""Provider Selection Regime and committee pages. Thin doors: reads through scoped
queries, writes through payor.selection.actions / committees. Out of scope: 404; a
reader whose role may not make the change: 403 (provider and partner get 404 on PSR)."""

from __future__ import annotations

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from commissioning import access
from commissioning.models import Contract, Organisation
from payor.models import Committee, CommitteeMeeting, CommitteeMember, DecisionItem, PsrDecision
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
    mine = list(queries.own_seats(user).filter(committee=committee).values_list("pk", flat=True))
    failed = forms_for or {}
    rows = queries.committee_items(user, committee)
    for row in rows:
        row["voted"] = any(v.member_id in mine for v in row["votes"])
        row["conflicted"] = any(d.member_id in mine for d in row["declarations"])
        row["for"] = sum(v.choice == "for" for v in row["votes"])
        row["against"] = sum(v.choice == "against" for v in row["votes"])
        row["abstain"] = sum(v.choice == "abstain" for v in row["votes"])
        for form_class, __, name, ___ in ITEM_STEPS.values():
            own = failed.get(name) if failed.get("failed_item") == row["item"].pk else None
            row[name] = own or form_class(auto_id=_item_ids(row["item"].pk, name))
    context = {
        "committee": committee,
        "members": seats.select_related("organisation", "user"),
        "meetings": committee.meetings.prefetch_related("papers"),
        "rows": rows,
        "is_member": bool(mine),
        "can_manage": _can_manage(user),
        "breadcrumbs": _crumbs(("Committees", COMMITTEE_LIST)),
    } | failed
    status = 400 if forms_for else 200
    return render(request, "payor/committee_detail.html", context, status=status)


def _item_ids(item_pk: int, form_name: str) -> str:
    """Field ids unique to one item's form (field names stay plain for posting)."""
    return f"item-{item_pk}-{form_name.removesuffix('_form')}-%s"


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
    form = form_class(request.POST, auto_id=_item_ids(item.pk, name))
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


# Commissioners add members, meetings, papers and items (small pages from the detail page).

TEXT, AREA, SELECT = forms.TEXT, forms.AREA, forms.SELECT


class MemberForm(django_forms.Form):
    organisation = django_forms.ModelChoiceField(
        queryset=None, help_text="Your ICB or a provider organisation.",
        widget=django_forms.Select(attrs=SELECT),
    )  # fmt: skip
    user = django_forms.ModelChoiceField(
        label="Named person (optional)", queryset=None, required=False,
        help_text="Leave blank to seat the organisation; any of its representatives may act.",
        widget=django_forms.Select(attrs=SELECT),
    )  # fmt: skip
    role = django_forms.CharField(
        max_length=60, initial="Member", widget=django_forms.TextInput(TEXT)
    )
    voting = django_forms.TypedChoiceField(
        label="Does this member vote?", coerce=lambda v: v == "yes", initial="yes",
        choices=[("yes", "Yes, a voting member"), ("no", "No, non-voting (advisory)")],
        widget=django_forms.Select(attrs=SELECT),
    )  # fmt: skip

    def __init__(self, *args, user, committee, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = access.visible_to(user, Organisation).filter(
            Q(kind="icb", pk=user.organisation_id) | ~Q(sector="")
        )
        self.fields["organisation"].queryset = orgs.order_by("name")
        people = get_user_model().objects.filter(organisation__in=orgs, is_active=True)
        self.fields["user"].queryset = people.order_by("username")


class MeetingForm(django_forms.Form):
    title = django_forms.CharField(max_length=200, widget=django_forms.TextInput(TEXT))
    held_at = django_forms.DateTimeField(
        label="Date and time (UK time)", widget=django_forms.DateTimeInput(forms.WHEN)
    )
    location = django_forms.CharField(
        max_length=200, required=False, widget=django_forms.TextInput(TEXT)
    )

    def __init__(self, *args, user, committee, **kwargs):
        super().__init__(*args, **kwargs)


class _MeetingChoice(django_forms.Form):
    meeting = django_forms.ModelChoiceField(queryset=None, widget=django_forms.Select(attrs=SELECT))

    def __init__(self, *args, user, committee, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = access.visible_to(user, CommitteeMeeting).filter(
            committee=committee
        )


class PaperForm(_MeetingChoice):
    title = django_forms.CharField(max_length=200, widget=django_forms.TextInput(TEXT))
    summary = django_forms.CharField(required=False, widget=django_forms.Textarea(AREA))
    link = django_forms.URLField(
        label="Link (optional)", required=False, assume_scheme="https",
        help_text="Where members can read the paper.",
        widget=django_forms.URLInput(TEXT),
    )  # fmt: skip


class ItemForm(_MeetingChoice):
    title = django_forms.CharField(max_length=200, widget=django_forms.TextInput(TEXT))
    description = django_forms.CharField(required=False, widget=django_forms.Textarea(AREA))
    contract = django_forms.ModelChoiceField(
        label="Contract (optional)", queryset=None, required=False,
        widget=django_forms.Select(attrs=SELECT),
    )  # fmt: skip
    psr_decision = django_forms.ModelChoiceField(
        label="Provider selection decision (optional)", queryset=None, required=False,
        widget=django_forms.Select(attrs=SELECT),
    )  # fmt: skip
    scenario_id = django_forms.IntegerField(
        label="Resource-shift scenario number (optional)", required=False, min_value=1,
        widget=django_forms.NumberInput({"class": "nhsuk-input nhsuk-input--width-5"}),
    )  # fmt: skip

    def __init__(self, *args, user, committee, **kwargs):
        super().__init__(*args, user=user, committee=committee, **kwargs)
        self.fields["contract"].queryset = access.visible_to(user, Contract)
        self.fields["psr_decision"].queryset = queries.psr_decisions(user)


ADDS = {
    "member": (MemberForm, committees.add_member, "Add a member", "Member added."),
    "meeting": (MeetingForm, committees.schedule_meeting, "Schedule a meeting",
                "Meeting scheduled."),
    "paper": (PaperForm, committees.add_paper, "Add a paper", "Paper added."),
    "item": (ItemForm, committees.add_item, "Add a decision item", "Decision item added."),
}  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def committee_add(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    """A commissioner adds a member, meeting, paper or decision item to a committee."""
    committee = access.get_visible_or_404(request.user, Committee, pk=pk)
    if what not in ADDS:
        raise Http404("Nothing of that kind can be added to a committee.")
    if not _can_manage(request.user):
        raise PermissionDenied("Only ICB commissioners change committees.")
    form_class, action, heading, done = ADDS[what]
    form = form_class(request.POST or None, user=request.user, committee=committee)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if what in ("member", "meeting"):
            data["committee"] = committee
        try:
            action(by=request.user, **data)
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, done)
            return redirect("payor:committee-detail", committee.pk)
    context = {
        "committee": committee,
        "form": form,
        "heading": heading,
        "breadcrumbs": _crumbs(
            ("Committees", COMMITTEE_LIST),
            (committee.name, reverse("payor:committee-detail", args=[committee.pk])),
        ),
    }
    return render(request, "payor/committee_add.html", context, status=400 if form.errors else 200)
