"""The needs profile's aggregates as the INA reads them: an in-memory index of the rows
for the ICB, its places and (for underserved groups) its neighbourhoods.

Built once per page by `queries.profile_data` (one scoped query); the section builders
read it without touching the database, so they are cheap to test.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from needs_assessment.documents.figures import (
    Figure,
    category_sort_key,
    control,
    figure_from_row,
)


@dataclass(frozen=True)
class AreaRef:
    id: int
    name: str
    level: str


@dataclass
class ProfileData:
    """Aggregate rows (dicts of ProfileAggregate fields) with the areas they are about.
    `segments` maps segment code to name, in priority order. With `controlled`, the rows
    are disclosure-controlled once, here, and everything read from them is controlled."""

    icb: AreaRef
    places: list[AreaRef] = field(default_factory=list)
    neighbourhoods: list[AreaRef] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    segments: dict[str, str] = field(default_factory=dict)
    risk_metrics: dict = field(default_factory=dict)
    controlled: bool = False
    rows_controlled: bool = False  # the rows given are controlled already (a cached copy)

    def __post_init__(self) -> None:
        if self.controlled and not self.rows_controlled:
            self.rows = control(self.rows)
            self.rows_controlled = True
        self._index: dict[tuple, dict[str, dict]] = defaultdict(dict)
        self._breakdowns: dict[tuple, set[str]] = defaultdict(set)
        self._measures: dict[tuple, set[str]] = defaultdict(set)
        for row in self.rows:
            area, measure, breakdown = row["area_id"], row["measure"], row.get("breakdown") or ""
            self._index[(area, measure, breakdown)][row.get("category") or ""] = row
            self._breakdowns[(area, measure)].add(breakdown)
            self._measures[(area, breakdown)].add(measure)
        self._all_measures = sorted({measure for (_, measure) in self._breakdowns})

    def get(self, area_id: int, measure: str, breakdown: str = "", category: str = ""):
        """One row, or None."""
        return self._index.get((area_id, measure, breakdown), {}).get(category)

    def figure(self, row: dict | None) -> Figure | None:
        return figure_from_row(row, controlled=self.controlled) if row else None

    def measures(self, prefix: str, area_id: int | None = None, breakdown: str = "") -> list:
        """Measure codes starting with `prefix` that the area has rows for, sorted."""
        area_id = self.icb.id if area_id is None else area_id
        return sorted(
            m for m in self._measures.get((area_id, breakdown), ()) if m.startswith(prefix)
        )

    def all_measures(self, prefix: str) -> list[str]:
        """Measure codes starting with `prefix` for any area, sorted."""
        return [m for m in self._all_measures if m.startswith(prefix)]

    def breakdowns(self, measure: str, area_id: int | None = None) -> list[str]:
        """The breakdowns (other than the whole population) of a measure for an area."""
        area_id = self.icb.id if area_id is None else area_id
        found = {b for b in self._breakdowns.get((area_id, measure), ()) if b}
        order = ["age_band", "sex", "imd_decile", "ethnicity", "segment", "tier"]
        return sorted(found, key=lambda b: (order.index(b) if b in order else len(order), b))

    def categories(self, area_id: int, measure: str, breakdown: str) -> list[dict]:
        """The rows of one breakdown, in a reader's order (segments by priority)."""
        rows = list(self._index.get((area_id, measure, breakdown), {}).values())
        if breakdown == "segment" and self.segments:
            order = list(self.segments)
            return sorted(
                rows,
                key=lambda r: order.index(r["category"]) if r["category"] in order else 999,
            )
        return sorted(rows, key=lambda r: (category_sort_key(breakdown, r["category"]),))

    @property
    def areas(self) -> list[AreaRef]:
        """The ICB then its places."""
        return [self.icb, *self.places]

    @property
    def is_empty(self) -> bool:
        return not self.rows
