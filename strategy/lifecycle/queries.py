"""Scoped reads behind the strategy pages and the API. Everything goes through
`access.visible_to`; objects out of scope answer 404."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.urls import NoReverseMatch, reverse

from commissioning import access
from commissioning import queries as core_queries
from commissioning.models import Organisation, OrganisationKind
from needs_assessment.models import INAStatus, NeedsAssessment
from strategy.delivery.trajectory import financial_year_label
from strategy.lifecycle import actions, rules
from strategy.lifecycle import content as content_module
from strategy.models import (
    Score,
    Strategy,
    StrategyApproval,
    StrategyComment,
    StrategyShare,
    StrategyStatus,
    StrategyVersion,
)

S = StrategyStatus
FLOW = (S.DRAFT, S.CONSULTATION, S.APPROVED, S.PUBLISHED)


def strategies_for(user, icb=None) -> QuerySet:
    """Strategies `user` may see (of one ICB, if given), newest cycle first."""
    strategies = access.visible_to(user, Strategy).select_related(
        "icb", "area", "cycle", "needs_assessment"
    )
    if icb is not None:
        strategies = strategies.filter(icb=icb)
    return strategies.order_by("-cycle__financial_year", "-first_year", "title", "pk")


def strategy_or_404(user, pk) -> Strategy:
    return access.get_visible_or_404(
        user,
        Strategy.objects.select_related("icb", "area", "cycle", "needs_assessment", "created_by"),
        pk=pk,
    )


def versions_of(user, strategy: Strategy) -> QuerySet:
    return (
        access.visible_to(user, StrategyVersion)
        .filter(strategy=strategy)
        .select_related("created_by")
        .order_by("-number")
    )


def version_or_404(user, strategy: Strategy, number) -> StrategyVersion:
    return access.get_visible_or_404(
        user, StrategyVersion.objects.filter(strategy=strategy), number=number
    )


def approvals_of(user, strategy: Strategy) -> QuerySet:
    return (
        access.visible_to(user, StrategyApproval)
        .filter(strategy=strategy)
        .select_related("by", "version")
        .order_by("at", "pk")
    )


def shares_of(user, strategy: Strategy) -> QuerySet:
    """The organisations a strategy is shared with (ICB staff only: others see none)."""
    if not rules.is_icb_staff_of(user, strategy):
        return StrategyShare.objects.none()
    return (
        access.visible_to(user, StrategyShare)
        .filter(strategy=strategy)
        .select_related("organisation", "shared_by")
        .order_by("organisation__name")
    )


def share_candidates(user, strategy: Strategy) -> QuerySet:
    """Providers and partners of the strategy's ICB not yet shared with."""
    shared = StrategyShare.objects.filter(strategy=strategy).values("organisation_id")
    return (
        access.visible_to(user, Organisation)
        .exclude(kind=OrganisationKind.ICB)
        .exclude(pk__in=shared)
        .order_by("name")
    )


def comments_of(user, strategy: Strategy) -> QuerySet:
    """Consultation comments: all of them for the ICB, an organisation's own otherwise."""
    return (
        access.visible_to(user, StrategyComment)
        .filter(strategy=strategy)
        .select_related("author", "organisation", "priority")
        .order_by("created_at", "pk")
    )


def approved_assessments(user, icb) -> QuerySet:
    """Approved INAs of the ICB, to build a strategy on."""
    return (
        access.visible_to(user, NeedsAssessment)
        .filter(icb=icb, status=INAStatus.APPROVED)
        .select_related("cycle")
        .order_by("-cycle__financial_year", "-version")
    )


def safe_url(name: str, *args) -> str | None:
    """The URL of a named page, or None where that page does not exist (yet)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


@dataclass
class Part:
    key: str
    title: str
    description: str
    count: int
    url: str | None


def parts(strategy: Strategy) -> list[Part]:
    """The parts of the plan, each with how many things it holds and its page (if any)."""
    related = {
        "priorities": "priorities",
        "pathways": "pathways",
        "engagement": "engagement",
        "outcomes": "priorities__outcomes",
        "interventions": "priorities__interventions",
    }
    found = Strategy.objects.filter(pk=strategy.pk).aggregate(
        **{f"n_{key}": Count(path, distinct=True) for key, path in related.items()}
    )
    counts = {key: found[f"n_{key}"] for key in related}
    scored = Score.objects.filter(priority__strategy=strategy).values("priority").distinct().count()
    spec = [
        ("priorities", "Priorities", "Raised from the needs assessment's findings", "priorities"),
        ("ranking", "Scoring and ranking", "Weighted criteria, panel scores, sensitivity", None),
        ("outcomes", "Outcomes", "Baselines, year-5 targets and trajectories", "outcomes"),
        ("interventions", "Interventions", "Does the plan add up to the target?", "interventions"),
        ("pathways", "Care pathways", "Stages and the providers at each", "pathways"),
        ("engagement", "Engagement", "Who took part, what they said, what changed", "engagement"),
    ]
    return [
        Part(
            key=key,
            title=title,
            description=description,
            count=counts[count_key] if count_key else scored,
            url=safe_url(f"strategy:{key}", strategy.pk),
        )
        for key, title, description, count_key in spec
    ]


@dataclass
class NextAction:
    status: str
    label: str
    allowed: bool
    reason: str = ""


def next_actions(user, strategy: Strategy) -> list[NextAction]:
    """The changes of state open from the strategy's status, and whether `user` may make
    each (with why not)."""
    found = []
    for (source, target), (permission, label) in actions.TRANSITIONS.items():
        if source != strategy.status:
            continue
        allowed = rules.is_icb_staff_of(user, strategy) and access.has_permission(user, permission)
        reason = "" if allowed else "Needs an ICB commissioner with approval rights."
        found.append(NextAction(status=target, label=label, allowed=allowed, reason=reason))
    return found


def flow_steps(strategy: Strategy) -> list[dict]:
    """The four states in order, each marked done, current or to come."""
    position = FLOW.index(strategy.status)
    return [
        {
            "status": status,
            "label": S(status).label,
            "state": "done" if index < position else "current" if index == position else "todo",
        }
        for index, status in enumerate(FLOW)
    ]


def next_step(strategy: Strategy) -> str:
    """What to do next with a strategy, in a sentence."""
    if strategy.status == S.DRAFT:
        counts = {part.key: part.count for part in parts(strategy)}
        if not counts["priorities"]:
            return "Raise priorities from the needs assessment's findings."
        if not counts["ranking"]:
            return "Score and rank the priorities with the panel."
        if not counts["outcomes"]:
            return "Set outcomes with baselines and year-5 targets."
        return "Send it to consultation with providers and partners."
    return {
        S.CONSULTATION: "Read and respond to comments, then approve it.",
        S.APPROVED: "Publish it so that partners can read it.",
        S.PUBLISHED: "Published. Outcomes are tracked in stage 4, evaluation.",
    }[strategy.status]


def years_label(strategy: Strategy) -> str:
    """ "2026/27 to 2030/31" """
    years = strategy.years
    return f"{financial_year_label(years[0])} to {financial_year_label(years[-1])}"


def current_strategies(user) -> tuple:
    """The current cycle and the strategies of it that `user` may see."""
    cycle = core_queries.current_cycle(user)
    icb = core_queries.home_icb(user)
    if cycle is None or icb is None:
        return cycle, []
    return cycle, list(strategies_for(user, icb).filter(cycle=cycle))


def shown_version(user, strategy: Strategy) -> StrategyVersion | None:
    """The frozen version a published page shows: the one the strategy's current state
    was recorded with, for an approved or published strategy; None for a draft or a
    strategy in consultation (the page then shows the content as it is now)."""
    if strategy.status not in (S.APPROVED, S.PUBLISHED):
        return None
    approval = (
        approvals_of(user, strategy)
        .filter(to_status=strategy.status)
        .order_by("-at", "-pk")
        .first()
    )
    return approval.version if approval else None


def readable_content(user, strategy: Strategy) -> tuple[dict, StrategyVersion | None]:
    """The strategy's content as a reader sees it (frozen where approved or published),
    with the version it comes from."""
    version = shown_version(user, strategy)
    if version is not None:
        return version.content, version
    return content_module.build(strategy), None


def approval_text(user, strategy: Strategy) -> str:
    """Who approved and published the strategy, and when, in a sentence (for an approved
    or published strategy), or that it is not approved."""
    if strategy.status not in (S.APPROVED, S.PUBLISHED):
        return "Not approved yet: it may change."
    last = {a.to_status: a for a in approvals_of(user, strategy)}
    parts = []
    for status, word in ((S.APPROVED, "Approved"), (S.PUBLISHED, "Published")):
        record = last.get(status)
        if record is not None:
            name = record.by.get_full_name() or record.by.get_username()
            parts.append(f"{word} by {name} on {record.at:%-d %B %Y}")
    return "; ".join(parts) + "."
