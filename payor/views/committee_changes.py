"""Pages that change a committee after the fact: a member's role and vote or their
removal, moving a meeting, withdrawing an undecided item (payor.selection.committee_changes)."""

from __future__ import annotations

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from commissioning import access
from payor.models import CommitteeMeeting, CommitteeMember, DecisionItem
from payor.selection import committee_changes as changes
from payor.views.selection import (
    COMMITTEE_LIST,
    SELECT,
    TEXT,
    MeetingForm,
    _apply,
    _can_manage,
    _crumbs,
)


class MemberChangeForm(django_forms.Form):
    role = django_forms.CharField(max_length=60, widget=django_forms.TextInput(TEXT))
    voting = django_forms.TypedChoiceField(
        label="Does this member vote?", coerce=lambda v: v == "yes",
        choices=[("yes", "Yes, a voting member"), ("no", "No, non-voting (advisory)")],
        widget=django_forms.Select(attrs=SELECT),
    )  # fmt: skip


class ConfirmForm(django_forms.Form):
    """Nothing to fill in: the button confirms."""


# what -> (model, form, action, heading, done message, label of the object)
CHANGES = {
    "member": (CommitteeMember, MemberChangeForm, changes.update_member, "Change a member",
               "The member is changed."),
    "remove-member": (CommitteeMember, ConfirmForm, changes.remove_member,
                      "Remove a member", "The member is removed from the committee."),
    "meeting": (CommitteeMeeting, MeetingForm, changes.move_meeting, "Change a meeting",
                "The meeting is changed."),
    "withdraw-item": (DecisionItem, ConfirmForm, changes.withdraw_item,
                      "Withdraw a decision item", "The item is withdrawn from the agenda."),
}  # fmt: skip
KEYWORD = {CommitteeMember: "member", CommitteeMeeting: "meeting", DecisionItem: "item"}


def _committee_of(obj):
    return obj.meeting.committee if isinstance(obj, DecisionItem) else obj.committee


def _initial(obj) -> dict:
    if isinstance(obj, CommitteeMember):
        return {"role": obj.role, "voting": "yes" if obj.voting else "no"}
    if isinstance(obj, CommitteeMeeting):
        return {"title": obj.title, "held_at": obj.held_at, "location": obj.location}
    return {}


@login_required
def committee_change(request: HttpRequest, what: str, pk: int) -> HttpResponse:
    """Change or remove a member, move a meeting, or withdraw an item (ICB staff)."""
    if what not in CHANGES:
        raise Http404("Nothing of that kind can be changed.")
    model, form_class, action, heading, done = CHANGES[what]
    obj = access.get_visible_or_404(request.user, model, pk=pk)
    committee = _committee_of(obj)
    if not _can_manage(request.user):
        raise PermissionDenied("Only ICB commissioners change committees.")
    extra = {"user": request.user, "committee": committee} if form_class is MeetingForm else {}
    data = request.POST if request.method == "POST" else None
    form = form_class(data, initial=_initial(obj), **extra)
    if request.method == "POST" and form.is_valid():
        try:
            action(by=request.user, **{KEYWORD[model]: obj}, **form.cleaned_data)
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, done)
            return redirect("payor:committee-detail", committee.pk)
    context = {
        "committee": committee,
        "form": form,
        "heading": heading,
        "subject": obj,
        "breadcrumbs": _crumbs(
            ("Committees", COMMITTEE_LIST),
            (committee.name, reverse("payor:committee-detail", args=[committee.pk])),
        ),
    }
    return render(request, "payor/committee_add.html", context, status=400 if form.errors else 200)
