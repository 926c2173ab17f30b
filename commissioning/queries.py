"""Reads behind the core pages: the ICB home page, contracts, snapshots and runs.

Every query goes through `access.visible_to`, and then narrows to the ICB the page is
about (an administrator sees every ICB, so the narrowing matters for them). Aggregates
about people pass through `commissioning.disclosure` for users who need it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from commissioning import access, disclosure, runs
from commissioning.models import (
    Area,
    AreaLevel,
    CommissioningCycle,
    Contract,
    CycleStatus,
    PopulationSnapshot,
    Run,
    RunStatus,
    SnapshotStatus,
)
from commissioning.population_summary import RUN_KIND as SUMMARY_RUN_KIND
from commissioning.population_summary import latest_summary

UNFINISHED = (RunStatus.QUEUED, RunStatus.RUNNING)


def run_kind_label(kind: str) -> str:
    """A run kind as a person reads it ("population_summary" -> "Population summary")."""
    return runs.kind_label(kind)


def home_icb(user) -> Area | None:
    """The ICB whose home page this user sees: their organisation's ICB, if they may see it."""
    icb_id = access.home_icb_id(user)
    if icb_id is None:
        return None
    return access.visible_to(user, Area).filter(pk=icb_id, level=AreaLevel.ICB).first()


def current_cycle(user) -> CommissioningCycle | None:
    """The user's ICB's open cycle (the latest one), else its most recent cycle of any status."""
    icb = home_icb(user)
    if icb is None:
        return None
    cycles = access.visible_to(user, CommissioningCycle).filter(icb=icb)
    return (
        cycles.filter(status=CycleStatus.OPEN).order_by("-financial_year").first()
        or cycles.order_by("-financial_year").first()
    )


# --------------------------------------------------------------------------- population


@dataclass
class PlaceRow:
    """One row of the population-by-place table. Counts of people are controlled (an int, or
    "*") when the viewer needs disclosure control; `core20_share` is a percentage or "*"."""

    name: str
    code: str
    neighbourhoods: int = 0
    lsoas: int = 0
    resident_population: int | str | None = None
    registered_people: int | str | None = None
    core20_share: float | str | None = None


@dataclass
class PopulationByPlace:
    rows: list[PlaceRow] = field(default_factory=list)
    total: PlaceRow | None = None
    controlled: bool = False


def _share(part: int, whole: int, controlled: bool) -> float | str | None:
    if controlled:
        return disclosure.controlled_rate(part, whole)
    return part / whole * 100 if whole else None


def _table(counts: dict, total: int | None) -> dict:
    """Counts controlled with secondary suppression against `total` where they add up to
    it (a partition); otherwise each on its own (a reader cannot back a cell out)."""
    if total is not None and sum(counts.values()) == total:
        return disclosure.controlled_table(counts, total)[0]
    return {key: disclosure.controlled_count(value) for key, value in counts.items()}


def population_by_place(user, icb: Area, summary: dict | None) -> PopulationByPlace:
    """Places of `icb` with their neighbourhoods, LSOAs, resident population (the sum of
    LSOA populations), registered people (from the population summary, matched by place
    name) and the share of residents living in Core20 LSOAs (IMD deciles 1-2).

    Counts of people, the totals included, go through disclosure control when the user
    needs it; totals are controlled from the exact total, never summed from rounded parts.
    """
    controlled = access.needs_disclosure_control(user)
    count = disclosure.controlled_count if controlled else (lambda value: value)
    areas = access.visible_to(user, Area).filter(icb=icb)
    places = list(areas.filter(level=AreaLevel.PLACE).order_by("name"))
    hoods = {
        row["parent_id"]: row["n"]
        for row in areas.filter(level=AreaLevel.NEIGHBOURHOOD)
        .order_by()
        .values("parent_id")
        .annotate(n=Count("id"))
    }
    lsoa_stats = {
        row["parent__parent_id"]: row
        for row in areas.filter(level=AreaLevel.LSOA)
        .order_by()
        .values("parent__parent_id")
        .annotate(
            n=Count("id"),
            residents=Sum("population"),
            core20=Sum("population", filter=Q(imd_decile__lte=2)),
        )
    }
    registered = {row["place"]: row["people"] for row in (summary or {}).get("by_place", [])}

    total_population = sum((s.get("residents") or 0) for s in lsoa_stats.values())
    total_core20 = sum((s.get("core20") or 0) for s in lsoa_stats.values())
    residents = {place.pk: (lsoa_stats.get(place.pk, {}).get("residents") or 0) for place in places}
    people_of = {p.pk: registered[p.name] for p in places if registered.get(p.name) is not None}
    if controlled:
        # Places against the ICB's total are a table: secondary suppression (a place
        # hidden by it loses its Core20 share too, which is computed from its residents).
        shown_residents = _table(residents, total_population)
        shown_people = _table(people_of, summary["people"]) if summary else {}
    else:
        shown_residents, shown_people = residents, people_of

    rows = []
    for place in places:
        stats = lsoa_stats.get(place.pk, {})
        population = residents[place.pk]
        hidden = controlled and shown_residents[place.pk] != count(population)
        rows.append(
            PlaceRow(
                name=place.name,
                code=place.code,
                neighbourhoods=hoods.get(place.pk, 0),
                lsoas=stats.get("n", 0),
                resident_population=shown_residents[place.pk],
                registered_people=shown_people.get(place.pk, count(people_of.get(place.pk))),
                core20_share=disclosure.SUPPRESSED
                if hidden
                else _share(stats.get("core20") or 0, population, controlled),
            )
        )
    total = PlaceRow(
        name="Total",
        code=icb.code,
        neighbourhoods=sum(hoods.values()),
        lsoas=sum(s.get("n", 0) for s in lsoa_stats.values()),
        resident_population=count(total_population),
        registered_people=count(summary["people"]) if summary else None,
        core20_share=_share(total_core20, total_population, controlled),
    )
    return PopulationByPlace(rows=rows, total=total if rows else None, controlled=controlled)


def controlled_pyramid(user, summary: dict | None) -> list[dict]:
    """The summary's age/sex pyramid rows, with counts controlled for users who need it."""
    if not summary:
        return []
    if not access.needs_disclosure_control(user):
        return list(summary.get("pyramid", []))
    rows = list(summary.get("pyramid", []))
    # The bands of the pyramid against the summary's total people are a table: secondary
    # suppression hides a second band where the total would pin a suppressed one.
    shown = _table(
        {i: int(row["people"] or 0) for i, row in enumerate(rows)}, summary.get("people")
    )
    return [{**row, "people": shown[i]} for i, row in enumerate(rows)]


@dataclass
class SummaryState:
    """Where the ICB's population summary stands: the current snapshot (if the user may see
    snapshots), the summary (if computed) and a run computing one (if any is under way)."""

    snapshot: PopulationSnapshot | None
    summary: dict | None
    pending_run: Run | None

    @property
    def period_end(self) -> date | None:
        """The last day of the 12 months the summary describes."""
        value = (self.summary or {}).get("period_end")
        return date.fromisoformat(value) if value else None


def summary_state(user, icb: Area) -> SummaryState:
    snapshot = (
        access.visible_to(user, PopulationSnapshot)
        .filter(icb=icb, status=SnapshotStatus.CURRENT)
        .order_by("-period_end")
        .first()
    )
    summary = latest_summary(icb)
    pending = None
    if snapshot is not None:
        pending = (
            summary_runs(user, snapshot).filter(status__in=UNFINISHED).order_by("-created_at")
        ).first()
    return SummaryState(snapshot=snapshot, summary=summary, pending_run=pending)


# --------------------------------------------------------------------------- contracts


def contracts_for(user, icb: Area | None = None) -> QuerySet:
    """The contracts the user may see (for ICB staff, narrowed to `icb`), newest first by
    reference, with the organisations the pages show."""
    contracts = access.visible_to(user, Contract).select_related("provider", "commissioner")
    if icb is not None and not access.is_provider(user):
        contracts = contracts.filter(commissioner__icb=icb)
    return contracts.order_by("reference")


@dataclass
class ContractTotals:
    count: int
    annual_value: Decimal


def contract_totals(contracts: QuerySet) -> ContractTotals:
    """How many contracts and their total annual value (Decimal pounds; not about people,
    so never disclosure-controlled)."""
    totals = contracts.aggregate(n=Count("id"), value=Sum("annual_value"))
    return ContractTotals(count=totals["n"], annual_value=totals["value"] or Decimal("0.00"))


# --------------------------------------------------------------------------- snapshots and runs


def snapshots_for(user, icb: Area | None = None) -> QuerySet:
    snapshots = access.visible_to(user, PopulationSnapshot).select_related("icb", "loaded_by")
    if icb is not None:
        snapshots = snapshots.filter(icb=icb)
    return snapshots.order_by("-period_end", "-created_at")


def summary_runs(user, snapshot: PopulationSnapshot) -> QuerySet:
    """Population summary runs of a snapshot that the user may see, newest first."""
    return (
        access.visible_to(user, Run)
        .filter(kind=SUMMARY_RUN_KIND, parameters__snapshot_id=snapshot.pk)
        .select_related("started_by")
        .order_by("-created_at")
    )


def snapshot_summary_run(user, snapshot: PopulationSnapshot) -> Run | None:
    """The run that made the newest successful population summary of this snapshot."""
    return (
        summary_runs(user, snapshot)
        .filter(status=RunStatus.SUCCEEDED)
        .order_by("-finished_at")
        .first()
    )


def labelled(runs: Iterable[Run]) -> list[Run]:
    """The runs, each with `kind_label` set for the page."""
    runs = list(runs)
    for run in runs:
        run.kind_label = run_kind_label(run.kind)
    return runs


def latest_runs(user, icb: Area | None, limit: int = 5) -> list[Run]:
    """The newest runs about the ICB (and the user's own), for the home page."""
    runs = access.visible_to(user, Run).select_related("started_by")
    if icb is not None:
        runs = runs.filter(Q(icb=icb) | Q(started_by=user))
    return labelled(runs.order_by("-created_at")[:limit])


def run_snapshot(user, run: Run) -> PopulationSnapshot | None:
    """The snapshot a run was about, if it names one the user may see."""
    snapshot_id = run.parameters.get("snapshot_id") if isinstance(run.parameters, dict) else None
    if snapshot_id is None:
        return None
    return access.visible_to(user, PopulationSnapshot).filter(pk=snapshot_id).first()


def period_label(snapshot: PopulationSnapshot) -> str:
    """A snapshot's 12-month period as a person reads it: "April 2025 to March 2026"."""
    return f"{snapshot.period_start:%B %Y} to {snapshot.period_end:%B %Y}"


def money_short(value: Decimal | None) -> str:
    """Pounds for a headline figure: "£50.3m", "£420k", "£950" (pages give the exact sum too)."""
    if value is None:
        return ""
    for size, suffix in ((Decimal(1_000_000_000), "bn"), (Decimal(1_000_000), "m")):
        if abs(value) >= size:
            return f"£{value / size:,.1f}{suffix}"
    if abs(value) >= 1000:
        return f"£{value / 1000:,.0f}k"
    return f"£{value:,.0f}"


def money_from_float(value: float | int | None) -> Decimal | None:
    """A sum of money carried through JSON (a float) back as Decimal pounds, two places."""
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.01"))
