"""Strategy pages: the list, starting one, the hub, the status flow with a confirmation
step, versions and their comparison, sharing, consultation comments, the published
(printable) page and the workbook.

Thin doors: reads through `lifecycle.queries` (scoped), writes through
`lifecycle.actions`. Out-of-scope strategies answer 404; a reader who may see a strategy
but not change it gets 403 from a changing URL.
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
from commissioning.models import Organisation
from commissioning.security.log import log_export
from commissioning.spreadsheets import XLSX_CONTENT_TYPE
from strategy.lifecycle import actions, compare, export, pages, queries, rules
from strategy.lifecycle.document import document
from strategy.lifecycle.forms import (
    CommentForm,
    NoteForm,
    ResponseForm,
    ShareForm,
    StrategyEditForm,
)
from strategy.models import Priority, Strategy, StrategyStatus

S = StrategyStatus
LIST = "strategy:strategy-list"


def crumbs(strategy: Strategy | None = None) -> list[tuple[str, str]]:
    trail = [("Home", "home"), ("Strategy", "strategy:landing"), ("Strategies", LIST)]
    if strategy is not None:
        trail.append((strategy.title, reverse("strategy:strategy-detail", args=[strategy.pk])))
    return trail


def apply_errors(form, error: ValidationError) -> None:
    """Put an action's ValidationError on the form: on its field if the form has one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# --------------------------------------------------------------------------- list, create


@login_required
def strategy_list(request: HttpRequest) -> HttpResponse:
    """Every strategy the user may see, newest cycle first."""
    user = request.user
    icb = core_queries.home_icb(user)
    context = {
        "strategies": queries.strategies_for(user),
        "can_create": icb is not None and rules.can_edit(user),
        "breadcrumbs": crumbs()[:2],
    }
    return render(request, "strategy/strategy_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def strategy_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    icb = core_queries.home_icb(user)
    if icb is None or not rules.can_edit(user):
        raise PermissionDenied("Only ICB commissioners can start a strategy.")
    form = pages.create_form(user, icb, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            strategy = actions.create_strategy(
                icb=icb,
                cycle=data["cycle"],
                level=form.level(),
                area=data["area"],
                title=data["title"],
                vision=data["vision"],
                first_year=data["first_year"],
                needs_assessment=data["needs_assessment"],
                by=user,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Strategy started as a draft, with the default criteria.")
            return redirect("strategy:strategy-detail", pk=strategy.pk)
    context = {"form": form, "icb": icb, "breadcrumbs": crumbs()}
    status = 400 if form.errors else 200
    return render(request, "strategy/strategy_create.html", context, status=status)


# --------------------------------------------------------------------------- the hub


def _detail_context(request, strategy: Strategy, **forms) -> dict:
    user = request.user
    icb_staff = rules.is_icb_staff_of(user, strategy)
    versions = list(queries.versions_of(user, strategy))
    latest = versions[0] if versions else None
    can_comment = actions.can_comment(user, strategy)
    priorities = Priority.objects.filter(strategy=strategy).order_by("pk")
    return {
        "strategy": strategy,
        "years": queries.years_label(strategy),
        "icb_staff": icb_staff,
        "flow": queries.flow_steps(strategy),
        "next_actions": queries.next_actions(user, strategy) if icb_staff else [],
        "next_step": queries.next_step(strategy),
        "parts": queries.parts(strategy),
        "ina_url": queries.safe_url(
            "needs_assessment:ina-detail", strategy.needs_assessment_id or 0
        ),
        "versions": versions,
        "latest": latest,
        # only a strategy that can still change can have changes not yet in a version
        "unfrozen_changes": rules.is_editable(strategy)
        and icb_staff
        and not actions.unchanged_since(strategy, latest),
        "approvals": list(queries.approvals_of(user, strategy)),
        "editable": rules.can_edit(user, strategy),
        "can_revise": rules.can_edit(user)
        and icb_staff
        and strategy.status in (S.APPROVED, S.PUBLISHED),
        "shares": queries.shares_of(user, strategy),
        "share_form": forms.get("share_form")
        or (
            ShareForm(organisations=queries.share_candidates(user, strategy))
            if rules.can_edit(user) and icb_staff
            else None
        ),
        "comments": queries.comments_of(user, strategy),
        "can_comment": can_comment,
        "comment_form": forms.get("comment_form")
        or (CommentForm(priorities=priorities) if can_comment else None),
        "version_form": NoteForm(),
        "breadcrumbs": crumbs()[:3],
    }


@login_required
def strategy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    strategy = queries.strategy_or_404(request.user, pk)
    return render(request, "strategy/strategy_detail.html", _detail_context(request, strategy))


@login_required
@require_http_methods(["GET", "POST"])
def strategy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    strategy = queries.strategy_or_404(user, pk)
    if not rules.can_edit(user, strategy):
        raise PermissionDenied(
            rules.read_only_message(strategy)
            if rules.can_edit(user)
            else "Only ICB commissioners can change a strategy."
        )
    initial = {"title": strategy.title, "vision": strategy.vision}
    form = StrategyEditForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_strategy(strategy=strategy, by=user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Title and vision saved.")
            return redirect("strategy:strategy-detail", pk=pk)
    context = {"strategy": strategy, "form": form, "breadcrumbs": crumbs(strategy)}
    status = 400 if form.errors else 200
    return render(request, "strategy/strategy_edit.html", context, status=status)


# --------------------------------------------------------------------------- status flow


@login_required
@require_http_methods(["GET", "POST"])
def strategy_move(request: HttpRequest, pk: int, status: str) -> HttpResponse:
    """A confirmation page that says what the change does; the change needs its box ticked."""
    user = request.user
    strategy = queries.strategy_or_404(user, pk)
    if not rules.is_icb_staff_of(user, strategy):
        raise PermissionDenied("Only ICB staff can change a strategy's status.")
    if status not in S.values:
        raise Http404("No such status.")
    transition = actions.TRANSITIONS.get((strategy.status, status))
    if transition is not None and not access.has_permission(user, transition[0]):
        raise PermissionDenied(f"{transition[1]}: your role may not do this.")
    error = ""
    if transition is None:
        error = actions.transition_refusal(strategy.status, status) or ""
    elif request.method == "POST":
        form = NoteForm(request.POST)
        if request.POST.get("confirm") != "yes":
            error = "Tick the box to confirm."
        elif not form.is_valid():
            error = " ".join(e for errors in form.errors.values() for e in errors)
        else:
            try:
                approval = actions.move_to(
                    strategy=strategy, status=status, by=user, note=form.cleaned_data["note"]
                )
            except (ValidationError, PermissionDenied) as exc:
                error = _error_text(exc) if isinstance(exc, ValidationError) else str(exc)
            else:
                messages.success(
                    request,
                    f"{transition[1]}: done. Version {approval.version.number} is recorded "
                    f"as {S(status).label.lower()}.",
                )
                return redirect("strategy:strategy-detail", pk=pk)
    context = {
        "strategy": strategy,
        "target": status,
        "target_label": S(status).label,
        "verb": transition[1] if transition else "",
        "allowed": transition is not None,
        "heading": pages.MOVE_HEADINGS[status],
        "consequences": pages.move_page_list(strategy, status, user) if transition else [],
        "error": error,
        "breadcrumbs": crumbs(strategy),
    }
    return render(request, "strategy/strategy_move.html", context, status=400 if error else 200)


@login_required
@require_http_methods(["GET", "POST"])
def strategy_revise(request: HttpRequest, pk: int) -> HttpResponse:
    """Start a revision of an approved or published strategy, after confirmation."""
    user = request.user
    strategy = queries.strategy_or_404(user, pk)
    if not (rules.can_edit(user) and rules.is_icb_staff_of(user, strategy)):
        raise PermissionDenied("Only ICB commissioners can revise a strategy.")
    error = ""
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            error = "Tick the box to confirm."
        else:
            try:
                actions.start_revision(
                    strategy=strategy, by=user, note=request.POST.get("note", "")
                )
            except ValidationError as exc:
                error = _error_text(exc)
            else:
                strategy.refresh_from_db()
                messages.success(request, f"Version {strategy.version} started as a draft.")
                return redirect("strategy:strategy-detail", pk=pk)
    context = {"strategy": strategy, "error": error, "breadcrumbs": crumbs(strategy)}
    return render(request, "strategy/strategy_revise.html", context, status=400 if error else 200)


# --------------------------------------------------------------------------- versions


@login_required
@require_POST
def version_take(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    strategy = queries.strategy_or_404(user, pk)
    if not (rules.can_edit(user) and rules.is_icb_staff_of(user, strategy)):
        raise PermissionDenied("Only ICB commissioners can save a version.")
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    version = actions.take_version(strategy=strategy, note=note, by=user)
    messages.success(request, f"Version {version.number} saved.")
    return redirect(reverse("strategy:strategy-detail", args=[pk]) + "#versions")


@login_required
def version_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """One frozen version, read-only, as it was when it was taken."""
    user = request.user
    strategy = queries.strategy_or_404(user, pk)
    version = queries.version_or_404(user, strategy, number)
    controlled = access.needs_disclosure_control(user)
    context = {
        "strategy": strategy,
        "version": version,
        "doc": document(version.content, controlled=controlled),
        "versions": queries.versions_of(user, strategy),
        "breadcrumbs": crumbs(strategy),
    }
    return render(request, "strategy/strategy_version.html", context)


def _number_param(request, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


@login_required
def strategy_compare(request: HttpRequest, pk: int) -> HttpResponse:
    """What changed between two versions (?from=<number>&to=<number>; by default the
    latest version and the one before it)."""
    user = request.user
    strategy = queries.strategy_or_404(user, pk)
    versions = list(queries.versions_of(user, strategy))
    if len(versions) < 2:
        raise Http404("There is only one version, so there is nothing to compare yet.")
    newer_number = _number_param(request, "to") or versions[0].number
    older_number = _number_param(request, "from") or next(
        (v.number for v in versions if v.number < newer_number), versions[-1].number
    )
    older = queries.version_or_404(user, strategy, older_number)
    newer = queries.version_or_404(user, strategy, newer_number)
    context = {
        "strategy": strategy,
        "older": older,
        "newer": newer,
        "versions": versions,
        "comparison": compare.compare(older.content, newer.content),
        "breadcrumbs": crumbs(strategy),
    }
    return render(request, "strategy/strategy_compare.html", context)


# --------------------------------------------------------------------------- consultation


@login_required
@require_POST
def share_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    strategy = queries.strategy_or_404(user, pk)
    if not (rules.can_edit(user) and rules.is_icb_staff_of(user, strategy)):
        raise PermissionDenied("Only ICB commissioners can share a strategy.")
    form = ShareForm(request.POST, organisations=queries.share_candidates(user, strategy))
    if form.is_valid():
        organisation = form.cleaned_data["organisation"]
        try:
            actions.share(strategy=strategy, organisation=organisation, by=user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Shared with {organisation.name}.")
            return redirect(reverse("strategy:strategy-detail", args=[pk]) + "#sharing")
    context = _detail_context(request, strategy, share_form=form)
    return render(request, "strategy/strategy_detail.html", context, status=400)


@login_required
@require_POST
def share_remove(request: HttpRequest, pk: int, organisation_pk: int) -> HttpResponse:
    user = request.user
    strategy = queries.strategy_or_404(user, pk)
    if not (rules.can_edit(user) and rules.is_icb_staff_of(user, strategy)):
        raise PermissionDenied("Only ICB commissioners can stop sharing a strategy.")
    organisation = access.get_visible_or_404(user, Organisation, pk=organisation_pk)
    try:
        actions.unshare(strategy=strategy, organisation=organisation, by=user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, f"No longer shared with {organisation.name}.")
    return redirect(reverse("strategy:strategy-detail", args=[pk]) + "#sharing")


@login_required
@require_POST
def comment_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    strategy = queries.strategy_or_404(user, pk)
    if not actions.can_comment(user, strategy):
        raise PermissionDenied(
            "Comments are taken from organisations the strategy is shared with, while it is "
            "in consultation."
        )
    priorities = Priority.objects.filter(strategy=strategy).order_by("pk")
    form = CommentForm(request.POST, priorities=priorities)
    if form.is_valid():
        try:
            actions.add_comment(strategy=strategy, by=user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Your comment has been sent to the ICB.")
            return redirect(reverse("strategy:strategy-detail", args=[pk]) + "#comments")
    context = _detail_context(request, strategy, comment_form=form)
    return render(request, "strategy/strategy_detail.html", context, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def comment_respond(request: HttpRequest, pk: int, comment_pk: int) -> HttpResponse:
    user = request.user
    strategy = queries.strategy_or_404(user, pk)
    comment = access.get_visible_or_404(user, queries.comments_of(user, strategy), pk=comment_pk)
    if not rules.is_icb_staff_of(user, strategy):
        raise PermissionDenied("Only ICB staff can respond to comments.")
    form = ResponseForm(
        request.POST if request.method == "POST" else None,
        initial={"response": comment.response},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.respond(comment=comment, response=form.cleaned_data["response"], by=user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Response to {comment.organisation} saved.")
            return redirect(reverse("strategy:strategy-detail", args=[pk]) + "#comments")
    context = {
        "strategy": strategy,
        "comment": comment,
        "form": form,
        "breadcrumbs": crumbs(strategy),
    }
    status = 400 if form.errors else 200
    return render(request, "strategy/strategy_respond.html", context, status=status)


# --------------------------------------------------------------------------- publication


@login_required
def strategy_published(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable page a partner reads: no navigation or edit controls, counts of
    people always controlled. Approved and published strategies show their frozen version."""
    user = request.user
    strategy = queries.strategy_or_404(user, pk)
    content, version = queries.readable_content(user, strategy)
    context = {
        "strategy": strategy,
        "version": version,
        "doc": document(content, controlled=True),
        "approval_text": queries.approval_text(user, strategy),
    }
    return render(request, "strategy/strategy_published.html", context)


@login_required
def strategy_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The strategy as an Excel workbook, disclosure-controlled whoever downloads it."""
    user = request.user
    strategy = queries.strategy_or_404(user, pk)
    content, version = queries.readable_content(user, strategy)
    data = export.workbook(strategy, content, version, queries.approval_text(user, strategy))
    actions.record_export(strategy=strategy, kind="xlsx", by=user)
    log_export(request, f"strategy:{strategy.pk}:xlsx")
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    number = version.number if version else strategy.version
    name = f"strategy-{strategy.icb.code}-{strategy.first_year}-v{number}"
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
