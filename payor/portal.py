"""Stage 3's sections of the provider portal: payment statements, the resource-shift
impact lines shared with the provider, and committee items awaiting its vote."""

from __future__ import annotations

from commissioning import access
from commissioning.portal import Section, portal_section
from payor.models import DecisionItem, PaymentStatement
from payor.scenarios import queries as scenario_queries
from payor.scenarios.pages import percent, whole
from payor.selection import queries as selection_queries


@portal_section(20)
def statements(user) -> Section | None:
    rows = list(
        access.visible_to(user, PaymentStatement)
        .select_related("contract")
        .order_by("-created_at")[:10]
    )
    return Section("Your payment statements", "payor/portal_statements.html", rows)


def _own_line(user, scenario) -> dict | None:
    result = scenario_queries.result_for(user, scenario)
    lines = result.get("providers", [])
    return lines[0] if lines else None


@portal_section(30)
def scenario_lines(user) -> Section | None:
    """Each scenario shared with the provider and its own income change by year."""
    rows = []
    for scenario in scenario_queries.scenarios_for(user):
        line = _own_line(user, scenario)
        if line is not None:
            years = [
                {"year": year, "change": whole(change), "share": percent(share)}
                for year, change, share in zip(
                    range(1, len(line["changes"]) + 1), line["changes"], line["shares"],
                    strict=True,
                )
            ]  # fmt: skip
            rows.append({"scenario": scenario, "flagged": line["flagged"], "years": years})
    if not rows:
        return None
    return Section("Resource-shift scenarios shared with you", "payor/portal_scenarios.html", rows)


@portal_section(40)
def items_to_vote(user) -> Section | None:
    """Undecided items of the provider's committees, and whether the user's seat voted."""
    seat_ids = set(selection_queries.own_seats(user).values_list("pk", flat=True))
    if not seat_ids:
        return None
    items = (
        access.visible_to(user, DecisionItem)
        .filter(meeting__committee__members__pk__in=seat_ids, decided_at__isnull=True)
        .select_related("meeting__committee")
        .prefetch_related("votes", "declarations")
        .distinct()
        .order_by("meeting__held_at", "pk")
    )
    rows = []
    for item in items:
        voted = any(vote.member_id in seat_ids for vote in item.votes.all())
        conflicted = any(d.member_id in seat_ids for d in item.declarations.all())
        rows.append({"item": item, "voted": voted, "conflicted": conflicted})
    to_do = sum(not row["voted"] and not row["conflicted"] for row in rows)
    return Section("Committee items", "payor/portal_items.html", rows, to_do=to_do)
