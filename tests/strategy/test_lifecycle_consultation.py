"""Sharing and consultation comments: who sees what, who may comment and respond."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from commissioning import access
from commissioning.models import AuditEvent
from strategy.lifecycle import actions, queries
from strategy.models import Strategy, StrategyComment, StrategyShare, StrategyStatus
from tests.strategy import factories as sf

pytestmark = pytest.mark.django_db
S = StrategyStatus


@pytest.fixture
def consulted(universe):
    """North's strategy in consultation, shared with provider A and the council."""
    strategy = sf.StrategyFactory(icb=universe.north, status=S.CONSULTATION)
    sf.PriorityFactory(strategy=strategy, title="Frailty")
    for organisation in (universe.provider_a, universe.council):
        actions.share(strategy=strategy, organisation=organisation, by=universe.commissioner)
    return strategy


def test_sharing_is_for_commissioners_of_the_icb_with_clear_refusals(universe, consulted):
    assert set(consulted.shares.values_list("organisation__name", flat=True)) == {
        "Provider A Hospitals",
        "North Council",
    }
    with pytest.raises(ValidationError, match="already shared with Provider A"):
        actions.share(
            strategy=consulted, organisation=universe.provider_a, by=universe.commissioner
        )
    with pytest.raises(ValidationError, match="choose a provider or partner"):
        actions.share(strategy=consulted, organisation=universe.north_org, by=universe.commissioner)
    with pytest.raises(ValidationError, match="organisation of your ICB"):
        actions.share(strategy=consulted, organisation=universe.south_org, by=universe.commissioner)
    for user in (universe.analyst, universe.provider_a_rep, universe.partner, universe.outsider):
        with pytest.raises(PermissionDenied):
            actions.share(strategy=consulted, organisation=universe.provider_b, by=user)
    assert AuditEvent.objects.filter(verb="strategy.share").count() == 2


def test_a_provider_sees_a_strategy_only_while_shared_and_in_consultation_or_approved(
    universe, consulted
):
    def sees(user):
        return access.visible_to(user, Strategy).filter(pk=consulted.pk).exists()

    assert sees(universe.provider_a_rep) and sees(universe.partner)
    assert not sees(universe.provider_b_rep) and not sees(universe.outsider)
    actions.unshare(strategy=consulted, organisation=universe.provider_a, by=universe.commissioner)
    assert not sees(universe.provider_a_rep)
    with pytest.raises(ValidationError, match="not shared with Provider A"):
        actions.unshare(
            strategy=consulted, organisation=universe.provider_a, by=universe.commissioner
        )


def test_comments_each_organisation_sees_only_its_own_and_the_icb_sees_all(universe, consulted):
    actions.share(strategy=consulted, organisation=universe.provider_b, by=universe.commissioner)
    priority = consulted.priorities.get()
    mine = actions.add_comment(
        strategy=consulted, text="More community beds, please.", priority=priority,
        by=universe.provider_a_rep,
    )  # fmt: skip
    theirs = actions.add_comment(
        strategy=consulted, text="Our waiting lists are long.", by=universe.provider_b_rep
    )
    council = actions.add_comment(strategy=consulted, text="Housing matters.", by=universe.partner)
    assert mine.organisation == universe.provider_a and mine.version_number == consulted.version

    def seen(user):
        return set(queries.comments_of(user, consulted))

    assert seen(universe.provider_a_rep) == {mine}
    assert seen(universe.provider_b_rep) == {theirs}
    assert seen(universe.partner) == {council}
    assert seen(universe.commissioner) == seen(universe.analyst) == {mine, theirs, council}
    assert seen(universe.outsider) == set()


def test_comments_are_taken_only_in_consultation_from_shared_organisations(universe, consulted):
    with pytest.raises(PermissionDenied, match="shared with can comment"):
        actions.add_comment(strategy=consulted, text="Hello", by=universe.provider_b_rep)
    with pytest.raises(PermissionDenied):
        actions.add_comment(strategy=consulted, text="Hello", by=universe.commissioner)
    with pytest.raises(ValidationError, match="Enter your comment"):
        actions.add_comment(strategy=consulted, text="   ", by=universe.provider_a_rep)
    other = sf.PriorityFactory(strategy=sf.StrategyFactory(icb=universe.north))
    with pytest.raises(ValidationError, match="priority of this strategy"):
        actions.add_comment(
            strategy=consulted, text="Hi", priority=other, by=universe.provider_a_rep
        )
    actions.move_to(strategy=consulted, status=S.APPROVED, by=universe.commissioner)
    with pytest.raises(ValidationError, match="taken while the strategy is in consultation"):
        actions.add_comment(strategy=consulted, text="Late", by=universe.provider_a_rep)
    assert not StrategyComment.objects.exists()


def test_the_icb_responds_and_only_the_icb(universe, consulted):
    comment = actions.add_comment(strategy=consulted, text="Beds?", by=universe.provider_a_rep)
    for user in (universe.provider_a_rep, universe.partner, universe.outsider):
        with pytest.raises(PermissionDenied):
            actions.respond(comment=comment, response="No", by=user)
    with pytest.raises(ValidationError, match="Enter a response"):
        actions.respond(comment=comment, response=" ", by=universe.commissioner)
    actions.respond(comment=comment, response="Ten more in year 2.", by=universe.analyst)
    comment.refresh_from_db()
    assert comment.response == "Ten more in year 2."
    assert AuditEvent.objects.filter(verb="strategy.respond", actor=universe.analyst).exists()


def test_unsharing_keeps_the_organisations_comments_for_the_icb(universe, consulted):
    comment = actions.add_comment(strategy=consulted, text="Beds?", by=universe.provider_a_rep)
    actions.unshare(strategy=consulted, organisation=universe.provider_a, by=universe.commissioner)
    assert not StrategyShare.objects.filter(organisation=universe.provider_a).exists()
    assert list(queries.comments_of(universe.commissioner, consulted)) == [comment]
    assert list(queries.comments_of(universe.provider_a_rep, consulted)) == []
