"""Shared fixtures: the test universe of two ICBs and the personas who use them.

ICB "North" (ours) has a place, a neighbourhood and an LSOA, and two providers, A and B,
each with a contract. ICB "South" is another ICB. Personas: commissioner, analyst,
provider A's representative, provider B's, partner (North's council) and outsider (a
commissioner of South). Tests run against the real PostgreSQL and Redis that
`make test` starts (commissioning.devservices).
"""

from types import SimpleNamespace

import pytest
from django.test import Client

from commissioning.models import OrganisationKind, ProviderSector, Role
from tests import factories as f


@pytest.fixture
def universe(db):
    north = f.IcbAreaFactory(code="E54000001", name="North ICB")
    south = f.IcbAreaFactory(code="E54000002", name="South ICB")
    place = f.PlaceFactory(parent=north, name="Riverside")
    hood = f.NeighbourhoodFactory(parent=place, name="Riverside East")
    lsoa = f.LsoaFactory(parent=hood, imd_decile=1, population=1600)
    north_org = f.IcbOrganisationFactory(ods_code="QAA", name="North ICB", icb=north)
    south_org = f.IcbOrganisationFactory(ods_code="QBB", name="South ICB", icb=south)
    provider_a = f.OrganisationFactory(
        ods_code="RAA", name="Provider A Hospitals", icb=north, sector=ProviderSector.ACUTE
    )
    provider_b = f.OrganisationFactory(
        ods_code="RBB",
        name="Provider B Community",
        icb=north,
        sector=ProviderSector.COMMUNITY,
    )
    council = f.OrganisationFactory(
        ods_code="E06000001",
        name="North Council",
        icb=north,
        kind=OrganisationKind.LOCAL_AUTHORITY,
        sector="",
    )
    contract_a = f.ContractFactory(commissioner=north_org, provider=provider_a, reference="N-A-1")
    contract_b = f.ContractFactory(commissioner=north_org, provider=provider_b, reference="N-B-1")
    contract_south = f.ContractFactory(
        commissioner=south_org, provider=f.OrganisationFactory(icb=south), reference="S-1"
    )
    return SimpleNamespace(
        north=north,
        south=south,
        place=place,
        neighbourhood=hood,
        lsoa=lsoa,
        north_org=north_org,
        south_org=south_org,
        provider_a=provider_a,
        provider_b=provider_b,
        council=council,
        contract_a=contract_a,
        contract_b=contract_b,
        contract_south=contract_south,
        commissioner=f.UserFactory(
            username="commissioner", organisation=north_org, role=Role.COMMISSIONER
        ),
        analyst=f.UserFactory(username="analyst", organisation=north_org, role=Role.ANALYST),
        provider_a_rep=f.UserFactory(
            username="provider-a", organisation=provider_a, role=Role.PROVIDER
        ),
        provider_b_rep=f.UserFactory(
            username="provider-b", organisation=provider_b, role=Role.PROVIDER
        ),
        partner=f.UserFactory(username="partner", organisation=council, role=Role.PARTNER),
        outsider=f.UserFactory(username="outsider", organisation=south_org, role=Role.COMMISSIONER),
    )


PERSONAS = ["commissioner", "analyst", "provider_a_rep", "provider_b_rep", "partner", "outsider"]


@pytest.fixture
def client_for():
    """A browser client signed in as the given user."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make
