"""Stage 2's section of the provider portal: strategies in consultation shared with the
provider's organisation, and whether it has commented on the current version."""

from __future__ import annotations

from commissioning import access
from commissioning.portal import Section, portal_section
from strategy.lifecycle.actions import can_comment
from strategy.models import Strategy, StrategyComment, StrategyStatus


@portal_section(50)
def consultations(user) -> Section | None:
    strategies = (
        access.visible_to(user, Strategy)
        .filter(status=StrategyStatus.CONSULTATION, shares__organisation=user.organisation_id)
        .distinct()
    )
    rows = []
    for strategy in strategies:
        commented = StrategyComment.objects.filter(
            strategy=strategy, organisation_id=user.organisation_id,
            version_number=strategy.version,
        ).exists()  # fmt: skip
        rows.append(
            {"strategy": strategy, "commented": commented, "open": can_comment(user, strategy)}
        )
    if not rows:
        return None
    to_do = sum(row["open"] and not row["commented"] for row in rows)
    return Section("Consultations", "strategy/portal_consultations.html", rows, to_do)
