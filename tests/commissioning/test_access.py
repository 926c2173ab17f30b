"""The access module: scopes for every core model, role permissions, fail-closed lookups."""

import pytest
from django.http import Http404

from commissioning import access
from commissioning.models import (
    Area,
    Contract,
    Finding,
    IndicatorValue,
    Organisation,
    PersonRecord,
    PopulationSnapshot,
    Run,
)
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_contracts_commissioner_sees_own_icb_only(universe):
    seen = set(access.visible_to(universe.commissioner, Contract))
    assert seen == {universe.contract_a, universe.contract_b}


def test_contracts_provider_sees_only_its_own(universe):
    assert list(access.visible_to(universe.provider_a_rep, Contract)) == [universe.contract_a]
    assert list(access.visible_to(universe.provider_b_rep, Contract)) == [universe.contract_b]


def test_contracts_partner_and_outsider_see_none_of_ours(universe):
    assert not access.visible_to(universe.partner, Contract).exists()
    assert list(access.visible_to(universe.outsider, Contract)) == [universe.contract_south]


def test_get_visible_or_404_foreign_contract_is_404(universe):
    with pytest.raises(Http404):
        access.get_visible_or_404(universe.provider_b_rep, Contract, pk=universe.contract_a.pk)


def test_anonymous_user_sees_nothing(universe):
    from django.contrib.auth.models import AnonymousUser

    assert not access.visible_to(AnonymousUser(), Contract).exists()
    assert not access.visible_to(AnonymousUser(), Area).exists()


def test_areas_scoped_to_home_icb(universe):
    assert universe.lsoa in access.visible_to(universe.partner, Area)
    assert universe.lsoa not in access.visible_to(universe.outsider, Area)


def test_organisations_provider_sees_itself_and_its_commissioner(universe):
    seen = set(access.visible_to(universe.provider_a_rep, Organisation))
    assert seen == {universe.provider_a, universe.north_org}


def test_snapshots_only_for_icb_staff(universe):
    snapshot = f.PopulationSnapshotFactory(icb=universe.north)
    assert snapshot in access.visible_to(universe.analyst, PopulationSnapshot)
    for persona in ("provider_a_rep", "partner", "outsider"):
        assert not access.visible_to(getattr(universe, persona), PopulationSnapshot).exists()


def test_indicator_values_provider_sees_own_provider_values(universe):
    own = f.IndicatorValueFactory(area=None, provider=universe.provider_a)
    other = f.IndicatorValueFactory(area=None, provider=universe.provider_b)
    seen = set(access.visible_to(universe.provider_a_rep, IndicatorValue))
    assert own in seen and other not in seen


def test_findings_draft_hidden_from_partners(universe):
    cycle = f.CycleFactory(icb=universe.north)
    draft = f.FindingFactory(cycle=cycle)
    approved = f.FindingFactory(cycle=cycle, status="approved")
    assert set(access.visible_to(universe.partner, Finding)) == {approved}
    assert set(access.visible_to(universe.commissioner, Finding)) == {draft, approved}


def test_runs_provider_sees_only_runs_it_started(universe):
    icb_run = f.RunFactory(icb=universe.north, started_by=universe.analyst)
    own = f.RunFactory(started_by=universe.provider_a_rep)
    assert set(access.visible_to(universe.provider_a_rep, Run)) == {own}
    assert icb_run in access.visible_to(universe.commissioner, Run)


def test_person_records_have_no_scope_so_cannot_be_fetched(universe):
    with pytest.raises(LookupError):
        access.visible_to(universe.commissioner, PersonRecord)


def test_has_permission_by_role(universe):
    P = access.Permission
    assert access.has_permission(universe.analyst, P.LOAD_DATA)
    assert not access.has_permission(universe.partner, P.VIEW_CONTRACTS)
    assert access.has_permission(universe.provider_a_rep, P.VIEW_CONTRACTS, universe.contract_a)
    assert not access.has_permission(universe.provider_a_rep, P.VIEW_CONTRACTS, universe.contract_b)
