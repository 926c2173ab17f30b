"""Put the demo ICB into the database, once.

`load_demo` is idempotent. When the demo ICB already has current snapshots for both demo
periods it only makes sure the demo users exist with the given password, which takes a
second or two. Otherwise it generates the files, then, in one transaction, loads areas and
organisations from the CSVs, adds contracts, two commissioning cycles and the demo users,
loads each missing period's people with `commissioning.person_load.load_people`, and
queues a population summary of each new snapshot (a worker does it after the commit; the
loader does not wait). Anything already present is kept, so a load that was interrupted
part-way, or an ICB with a missing snapshot, is completed rather than duplicated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
from django.db import transaction

from commissioning.demo import DEMO_ICB_CODE, DEMO_ICB_ODS, PERIOD_ENDS
from commissioning.demo.contracts import contract_rows
from commissioning.demo.person_file import person_frame, read_people
from commissioning.models import (
    Area,
    AreaLevel,
    AuditEvent,
    CommissioningCycle,
    Contract,
    CycleStatus,
    Organisation,
    OrganisationKind,
    PaymentModel,
    PopulationSnapshot,
    ProviderSector,
    Role,
    SnapshotStatus,
    User,
)
from commissioning.person_load import load_people
from commissioning.population_summary import start_population_summary

# username, role, ODS code of their organisation, first name, last name
DEMO_USERS = [
    ("commissioner", Role.COMMISSIONER, DEMO_ICB_ODS, "Casey", "Commissioner"),
    ("analyst", Role.ANALYST, DEMO_ICB_ODS, "Ari", "Analyst"),
    ("provider-a", Role.PROVIDER, "R9A", "Priya", "Acute"),
    ("provider-b", Role.PROVIDER, "R9D", "Ben", "Community"),
    ("partner", Role.PARTNER, "E06000991", "Pat", "Council"),
    ("admin", Role.ADMINISTRATOR, DEMO_ICB_ODS, "Ada", "Administrator"),
]
LEVEL_ORDER = [
    AreaLevel.FOOTPRINT,
    AreaLevel.ICB,
    AreaLevel.PLACE,
    AreaLevel.NEIGHBOURHOOD,
    AreaLevel.LSOA,
]


class DemoLoadError(Exception):
    """The demo cannot be loaded; the message says why."""


@dataclass
class DemoSummary:
    """What the demo ICB holds after a load (`fresh` if this call loaded anything)."""

    fresh: bool
    people: int
    areas: int
    providers: int
    practices: int
    contracts: int
    snapshots: list[int] = field(default_factory=list)
    runs: list[int] = field(default_factory=list)


def load_demo(
    *, seed: int, people: int, password: str, data_dir: Path, summarise: bool = True
) -> DemoSummary:
    """Load the demo ICB unless it is there already; (re)set the demo users' password
    either way. `summarise=False` skips queueing the population summaries."""
    if not password:
        raise DemoLoadError("the demo users need a password (set DEMO_PASSWORD)")
    if loaded_demo_icb() is not None:
        with transaction.atomic():
            ensure_demo_users(password)
        return demo_summary(fresh=False)
    # Imported here so that the quick path above does not pay for numpy and pyarrow.
    from commissioning.demo.generator import build_demo, write_demo

    write_demo(build_demo(seed=seed, people=people), data_dir)
    return load_files(data_dir, seed=seed, password=password, summarise=summarise)


def loaded_demo_icb() -> Area | None:
    """The demo ICB if it has a current snapshot for every demo period, else None."""
    icb = Area.objects.filter(code=DEMO_ICB_CODE, level=AreaLevel.ICB).first()
    if icb is None:
        return None
    current = set(
        PopulationSnapshot.objects.filter(icb=icb, status=SnapshotStatus.CURRENT).values_list(
            "period_end", flat=True
        )
    )
    return icb if all(date.fromisoformat(end) in current for end in PERIOD_ENDS) else None


@transaction.atomic
def load_files(data_dir: Path, *, seed: int, password: str, summarise: bool = True):
    """Load the generated files in `data_dir` (all or nothing) and return the summary."""
    areas = load_areas(read_reference(data_dir / "areas.csv"))
    organisations = load_organisations(read_reference(data_dir / "organisations.csv"), areas)
    icb = areas[DEMO_ICB_CODE]
    users = ensure_demo_users(password)
    admin = users["admin"]
    residents = sum(a.population or 0 for a in areas.values() if a.level == AreaLevel.LSOA)
    load_contracts(organisations, seed=seed, people=residents)
    load_cycles(icb)
    new_snapshots = []
    for period_end in PERIOD_ENDS:
        end = date.fromisoformat(period_end)
        if not PopulationSnapshot.objects.filter(
            icb=icb, period_end=end, status=SnapshotStatus.CURRENT
        ).exists():
            path = data_dir / f"people_{period_end}.csv.gz"
            new_snapshots.append(load_snapshot(icb=icb, path=path, seed=seed, by=admin))
    runs = [start_population_summary(snapshot=s, by=admin) for s in new_snapshots if summarise]
    AuditEvent.objects.create(
        actor=admin,
        verb="demo.load",
        object_type="area",
        object_id=str(icb.pk),
        data={"seed": seed, "snapshots": [s.pk for s in new_snapshots]},
    )
    summary = demo_summary(fresh=True)
    summary.snapshots = [s.pk for s in new_snapshots]
    summary.runs = [run.pk for run in runs]
    return summary


def read_reference(path: Path) -> pd.DataFrame:
    """A reference CSV with every value as text (blank for empty)."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def load_areas(frame: pd.DataFrame) -> dict[str, Area]:
    """Create the areas in areas.csv that do not exist yet, level by level from the top.

    In: code, name, level, parent_code, imd_decile, population.
    Out: every area in the file by code."""
    unknown = set(frame["level"]) - set(LEVEL_ORDER)
    if unknown:
        raise DemoLoadError(f"unknown area levels: {', '.join(sorted(unknown))}")
    areas = {a.code: a for a in Area.objects.filter(code__in=list(frame["code"]))}
    for level in LEVEL_ORDER:
        new = []
        for row in frame[frame["level"] == level].itertuples():
            if row.code in areas:
                continue
            parent = _lookup(areas, row.parent_code, "parent area") if row.parent_code else None
            new.append(
                Area(
                    code=row.code,
                    name=row.name,
                    level=level,
                    parent=parent,
                    icb=_icb_of(parent),
                    imd_decile=int(row.imd_decile) if row.imd_decile else None,
                    population=int(row.population) if row.population else None,
                )
            )
        for area in Area.objects.bulk_create(new):
            areas[area.code] = area
            if level == AreaLevel.ICB:
                area.icb = area
                area.save(update_fields=["icb"])
    return areas


def _icb_of(parent: Area | None) -> Area | None:
    """The ICB an area with this parent belongs to (an ICB's own is set once it exists)."""
    if parent is None:
        return None
    return parent if parent.level == AreaLevel.ICB else parent.icb


def load_organisations(frame: pd.DataFrame, areas: dict[str, Area]) -> dict[str, Organisation]:
    """Create the organisations in organisations.csv that do not exist yet (parents first).

    In: ods_code, name, kind, sector, parent_code, icb_code, area_code, opened, closed.
    Out: every organisation in the file by ODS code."""
    orgs = {
        o.ods_code: o for o in Organisation.objects.filter(ods_code__in=list(frame["ods_code"]))
    }
    for has_parent in (False, True):
        rows = frame[(frame["parent_code"] != "") == has_parent]
        new = [
            _organisation(row, orgs, areas) for row in rows.itertuples() if row.ods_code not in orgs
        ]
        for organisation in Organisation.objects.bulk_create(new):
            orgs[organisation.ods_code] = organisation
    return orgs


def _organisation(row, orgs: dict[str, Organisation], areas: dict[str, Area]) -> Organisation:
    try:
        kind, sector = OrganisationKind(row.kind), ProviderSector(row.sector) if row.sector else ""
    except ValueError as exc:
        raise DemoLoadError(f"organisation {row.ods_code}: {exc}") from exc
    return Organisation(
        ods_code=row.ods_code,
        name=row.name,
        kind=kind,
        sector=sector,
        parent=_lookup(orgs, row.parent_code, "parent organisation") if row.parent_code else None,
        icb=_lookup(areas, row.icb_code, "ICB"),
        area=_lookup(areas, row.area_code, "area") if row.area_code else None,
        opened=date.fromisoformat(row.opened) if row.opened else None,
        closed=date.fromisoformat(row.closed) if row.closed else None,
    )


def _lookup(objects: dict, code: str, what: str):
    try:
        return objects[code]
    except KeyError:
        raise DemoLoadError(f"unknown {what} code {code!r}") from None


def load_contracts(organisations: dict[str, Organisation], *, seed: int, people: int) -> int:
    """Create the demo contracts (commissioning.demo.contracts) that do not exist yet, between
    the ICB and its providers; returns how many were made."""
    commissioner = organisations[DEMO_ICB_ODS]
    existing = set(
        Contract.objects.filter(commissioner=commissioner).values_list("reference", flat=True)
    )
    new = []
    for row in contract_rows(seed=seed, people=people):
        if row["reference"] in existing:
            continue
        provider = _lookup(organisations, row.pop("provider_code"), "provider")
        row["payment_model"] = PaymentModel(row["payment_model"])
        new.append(Contract(commissioner=commissioner, provider=provider, **row))
    Contract.objects.bulk_create(new)
    return len(new)


def load_cycles(icb: Area) -> None:
    """Financial year 2025/26 (closed) and 2026/27 (open, following it)."""
    previous, _ = CommissioningCycle.objects.get_or_create(
        icb=icb, financial_year=2025, defaults={"status": CycleStatus.CLOSED}
    )
    CommissioningCycle.objects.get_or_create(
        icb=icb, financial_year=2026, defaults={"status": CycleStatus.OPEN, "previous": previous}
    )


def ensure_demo_users(password: str) -> dict[str, User]:
    """Create or update the demo users (is_demo) and set their password. Refuses to touch
    a real user who happens to have a demo user's name."""
    codes = [ods for _, _, ods, _, _ in DEMO_USERS]
    organisations = {o.ods_code: o for o in Organisation.objects.filter(ods_code__in=codes)}
    users = {}
    for username, role, ods, first_name, last_name in DEMO_USERS:
        user = User.objects.filter(username=username).first() or User(username=username)
        if user.pk and not user.is_demo:
            raise DemoLoadError(f"a user called {username!r} exists and is not a demo user")
        user.is_demo = True
        user.organisation = _lookup(organisations, ods, "organisation")
        user.role = role
        user.first_name, user.last_name = first_name, last_name
        user.is_staff = user.is_superuser = role == Role.ADMINISTRATOR
        user.is_active = True
        user.set_password(password)
        user.save()
        users[username] = user
    return users


def load_snapshot(*, icb: Area, path: Path, seed: int, by: User) -> PopulationSnapshot:
    """Read one period's people file, map its codes to ids and load it as a new current
    snapshot. The period end is taken from the file name (people_<period_end>.csv.gz)."""
    period_end = path.name.removeprefix("people_").split(".")[0]
    end = date.fromisoformat(period_end)
    lsoas = Area.objects.filter(icb=icb, level=AreaLevel.LSOA).values_list("code", "id")
    practices = Organisation.objects.filter(icb=icb, kind=OrganisationKind.GP_PRACTICE)
    frame = person_frame(
        read_people(path),
        period_end=period_end,
        lsoa_ids=dict(lsoas),
        practice_ids=dict(practices.values_list("ods_code", "id")),
    )
    snapshot = PopulationSnapshot.objects.create(
        icb=icb,
        period_start=date(end.year - 1, end.month, end.day) + timedelta(days=1),
        period_end=end,
        source=f"Demo generator (seed {seed})",
        loaded_by=by,
    )
    return load_people(snapshot=snapshot, people=frame, by=by)


def demo_summary(*, fresh: bool) -> DemoSummary:
    """Counts of what the demo ICB holds now."""
    icb = Area.objects.get(code=DEMO_ICB_CODE)
    latest = (
        PopulationSnapshot.objects.filter(icb=icb, status=SnapshotStatus.CURRENT)
        .order_by("-period_end")
        .first()
    )
    organisations = Organisation.objects.filter(icb=icb)
    return DemoSummary(
        fresh=fresh,
        people=latest.row_count if latest else 0,
        areas=Area.objects.filter(icb=icb).count(),
        providers=organisations.exclude(sector="")
        .exclude(kind=OrganisationKind.GP_PRACTICE)
        .count(),
        practices=organisations.filter(kind=OrganisationKind.GP_PRACTICE).count(),
        contracts=Contract.objects.filter(commissioner__ods_code=DEMO_ICB_ODS).count(),
    )
