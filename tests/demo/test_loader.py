"""Loading the demo ICB into the real PostgreSQL: what it makes, that a second run changes
nothing but the demo passwords, and that a failed load leaves nothing behind.

These build a 3,000-person demo (a few seconds each); summaries are queued, not run (the
`db` fixture's transaction never commits, so no task is sent)."""

import pytest
from django.core.management import CommandError, call_command

from commissioning.demo import DEMO_ICB_CODE, DEMO_ICB_ODS
from commissioning.demo.loader import DEMO_USERS
from commissioning.models import (
    Area,
    CommissioningCycle,
    Contract,
    Organisation,
    PersonRecord,
    PopulationSnapshot,
    Role,
    Run,
    User,
)
from commissioning.population_summary import RUN_KIND
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.timeout(180)]
PASSWORD = "demo-password-for-tests"


@pytest.fixture
def load(tmp_path, monkeypatch):
    def run(password=PASSWORD):
        monkeypatch.setenv("DEMO_PASSWORD", password)
        call_command("load_demo", people=3000, seed=7, data_dir=tmp_path)

    return run


def test_load_demo_makes_the_area_tree(load):
    load()
    icb = Area.objects.get(code=DEMO_ICB_CODE)
    assert icb.icb == icb and icb.parent.level == "footprint"
    levels = dict.fromkeys(["place", "neighbourhood"], 0)
    for area in Area.objects.filter(icb=icb).exclude(pk=icb.pk):
        levels[area.level] = levels.get(area.level, 0) + 1
    assert (levels["place"], levels["neighbourhood"]) == (3, 12)
    lsoas = Area.objects.filter(icb=icb, level="lsoa")
    assert lsoas.count() == levels["lsoa"] >= 24
    assert all(a.imd_decile and a.population and a.code.startswith("E01") for a in lsoas)


def test_load_demo_makes_organisations_and_contracts(load):
    load()
    icb_org = Organisation.objects.get(ods_code=DEMO_ICB_ODS)
    assert icb_org.kind == "icb" and icb_org.icb.code == DEMO_ICB_CODE
    practices = Organisation.objects.filter(kind="gp_practice")
    assert practices.exists() and all(p.parent.kind == "pcn" for p in practices)
    assert all(p.area.level == "neighbourhood" for p in practices)
    contracts = Contract.objects.filter(commissioner=icb_org)
    assert 35 <= contracts.count() <= 45
    assert len({c.payment_model for c in contracts}) == 7
    assert all(c.annual_value > 0 and c.annual_value.as_tuple().exponent == -2 for c in contracts)
    assert all(c.provider.is_provider for c in contracts)
    assert Contract.objects.filter(provider__ods_code="R9A").exists()


def test_load_demo_makes_cycles_and_snapshots(load):
    load()
    icb = Area.objects.get(code=DEMO_ICB_CODE)
    cycle = CommissioningCycle.objects.get(icb=icb, financial_year=2026)
    assert cycle.status == "open" and cycle.previous.financial_year == 2025
    assert cycle.previous.status == "closed"
    snapshots = PopulationSnapshot.objects.filter(icb=icb, status="current").order_by("period_end")
    assert [str(s.period_end) for s in snapshots] == ["2025-03-31", "2026-03-31"]
    for snapshot in snapshots:
        assert snapshot.source == "Demo generator (seed 7)"
        assert snapshot.row_count == PersonRecord.objects.filter(snapshot=snapshot).count()
        assert snapshot.checksum
    assert snapshots[0].row_count == 3000
    queued = Run.objects.filter(kind=RUN_KIND)
    assert sorted(r.parameters["snapshot_id"] for r in queued) == [s.pk for s in snapshots]


def test_load_demo_makes_demo_users_for_every_role(load):
    load()
    users = {u.username: u for u in User.objects.filter(is_demo=True)}
    assert set(users) == {username for username, *_ in DEMO_USERS}
    assert users["commissioner"].role == Role.COMMISSIONER
    assert users["analyst"].organisation.ods_code == DEMO_ICB_ODS
    assert users["provider-a"].organisation.sector == "acute"
    assert users["provider-b"].organisation.sector == "community"
    assert users["provider-a"].role == users["provider-b"].role == Role.PROVIDER
    assert users["partner"].organisation.kind == "local_authority"
    assert users["admin"].is_staff and users["admin"].is_superuser
    assert all(u.check_password(PASSWORD) for u in users.values())


def state():
    """Everything the loader makes, by primary key, to compare two runs."""
    return {
        "areas": sorted(Area.objects.values_list("pk", flat=True)),
        "organisations": sorted(Organisation.objects.values_list("pk", flat=True)),
        "contracts": sorted(Contract.objects.values_list("pk", "annual_value")),
        "cycles": sorted(CommissioningCycle.objects.values_list("pk", "status")),
        "snapshots": sorted(PopulationSnapshot.objects.values_list("pk", "status", "checksum")),
        "people": PersonRecord.objects.count(),
        "runs": sorted(Run.objects.values_list("pk", flat=True)),
        "users": sorted(User.objects.values_list("pk", "username", "role", "organisation_id")),
    }


def test_load_demo_twice_changes_only_passwords(load, capsys):
    load()
    before = state()
    load(password="another-demo-password")
    assert state() == before
    assert "already loaded" in capsys.readouterr().out
    for user in User.objects.filter(is_demo=True):
        assert user.check_password("another-demo-password")


def test_load_demo_without_password_refuses(monkeypatch, settings, tmp_path):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    settings.DEMO_PASSWORD = ""
    with pytest.raises(CommandError, match="DEMO_PASSWORD"):
        call_command("load_demo", people=3000, data_dir=tmp_path)
    assert not Area.objects.filter(code=DEMO_ICB_CODE).exists()


def test_load_demo_failing_part_way_leaves_nothing(load):
    f.UserFactory(username="commissioner", is_demo=False)  # a real user with a demo name
    with pytest.raises(CommandError, match="not a demo user"):
        load()
    assert not Area.objects.filter(code=DEMO_ICB_CODE).exists()
    assert not Organisation.objects.filter(ods_code__startswith="R9").exists()
    assert not PopulationSnapshot.objects.exists()
