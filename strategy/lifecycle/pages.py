"""Wording and forms behind the strategy pages (strategy.views.strategies): the form to
start a strategy, and what each change of status does, as its confirmation page says."""

from __future__ import annotations

from commissioning import access
from commissioning import queries as core_queries
from commissioning.models import Area, AreaLevel, CommissioningCycle
from strategy.lifecycle import actions, queries
from strategy.lifecycle.forms import StrategyCreateForm
from strategy.models import Strategy, StrategyStatus

S = StrategyStatus


def create_form(user, icb, data=None) -> StrategyCreateForm:
    """The form to start a strategy: cycles, areas and approved INAs of the ICB."""
    areas = access.visible_to(user, Area).filter(
        pk__in=[icb.pk], level=AreaLevel.ICB
    ) | access.visible_to(user, Area).filter(
        icb=icb, level__in=[AreaLevel.PLACE, AreaLevel.NEIGHBOURHOOD]
    )
    if icb.parent_id:
        areas = areas | Area.objects.filter(pk=icb.parent_id, level=AreaLevel.FOOTPRINT)
    cycle = core_queries.current_cycle(user)
    return StrategyCreateForm(
        data,
        cycles=access.visible_to(user, CommissioningCycle)
        .filter(icb=icb)
        .order_by("-financial_year"),
        areas=areas.order_by("level", "name"),
        assessments=queries.approved_assessments(user, icb),
        initial={
            "title": f"{icb.name} Population Health Improvement Plan",
            "cycle": cycle,
            "area": icb,
            "first_year": cycle.financial_year if cycle else None,
            "needs_assessment": queries.approved_assessments(user, icb).first(),
        },
    )


MOVE_HEADINGS = {
    S.CONSULTATION: "Send the strategy to consultation?",
    S.DRAFT: "Return the strategy to draft?",
    S.APPROVED: "Approve the strategy?",
    S.PUBLISHED: "Publish the strategy?",
}


def version_note(strategy: Strategy, user) -> str:
    """Which version a change of status will apply to."""
    latest = queries.versions_of(user, strategy).first()
    if actions.unchanged_since(strategy, latest):
        return f"It applies to version {latest.number}, as it was frozen."
    number = (latest.number if latest else 0) + 1
    return f"The strategy as it is now is frozen as version {number}, and it applies to that."


def move_consequences(strategy: Strategy, target: str, unanswered: int) -> list[str]:
    """What a change of status to `target` does, as the confirmation page lists it."""
    shared = ", ".join(s.organisation.name for s in strategy.shares.select_related("organisation"))
    if target == S.CONSULTATION:
        return [
            "The strategy as it is now is frozen as a version, the one people comment on.",
            f"Organisations it is shared with can read it and comment: {shared}."
            if shared
            else "It is not shared with any organisation yet: share it from the strategy page "
            "so that providers and partners can read it and comment.",
            "Panel members from shared organisations can score the priorities.",
            "You can still change it during consultation, or return it to draft.",
        ]
    if target == S.DRAFT:
        return [
            "Comments close, and shared organisations no longer see it.",
            "Comments made so far stay, with your responses.",
            "When it goes back to consultation, any changes become the next version.",
        ]
    if target == S.APPROVED:
        items = [
            "The strategy becomes read-only: priorities, scores, outcomes, interventions, "
            "pathways and the engagement record can no longer change.",
            "Your name, the time and the version are recorded as the approval.",
            "To change it afterwards, start a revision: it becomes the next draft version.",
        ]
        if unanswered:
            items.insert(
                0,
                f"{unanswered} consultation comment{'s have' if unanswered > 1 else ' has'} no "
                "response yet.",
            )
        return items
    return [
        "Partners and providers of the ICB can read the published strategy and download it.",
        "The published page shows the approved version, with small counts controlled.",
        "Your name and the time are recorded as the publication.",
    ]


def move_page_list(strategy: Strategy, target: str, user) -> list[str]:
    """Everything the confirmation page of a change of status says it does."""
    unanswered = queries.comments_of(user, strategy).filter(response="").count()
    return [*move_consequences(strategy, target, unanswered), version_note(strategy, user)]
