"""The indicator series that SPC pages chart, always fetched through `access.visible_to`.

A series is one indicator for one area or one provider, the whole population (empty
breakdown), in order of period end. Users see only the values their scope gives them, so
a series out of scope is simply empty, and its page answers 404.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.http import Http404

from commissioning.access import visible_to
from commissioning.models import Indicator, IndicatorValue
from evaluation.periods import same_length

AREA, PROVIDER = "area", "provider"
KINDS = (AREA, PROVIDER)


@dataclass
class Series:
    """One indicator's values for one area or provider, oldest first."""

    indicator: Indicator
    kind: str  # "area" or "provider"
    owner: object  # the Area or the Organisation
    values: list[IndicatorValue] = field(default_factory=list)

    @property
    def owner_id(self) -> int:
        return self.owner.pk

    @property
    def owner_name(self) -> str:
        return self.owner.name

    @property
    def numbers(self) -> list[float]:
        return [value.value for value in self.values]

    @property
    def dates(self) -> list:
        return [value.period_end for value in self.values]


def _whole_population(user) -> QuerySet:
    return (
        visible_to(user, IndicatorValue)
        .filter(breakdown="", value__isnull=False)
        .select_related("indicator", "area", "provider")
    )


def series(user, indicator_code: str, kind: str, owner_id: int) -> Series:
    """The visible series of one indicator for one area or provider, or 404."""
    if kind not in KINDS:
        raise Http404("Not found")
    rows = same_length(
        _whole_population(user)
        .filter(indicator__code=indicator_code, **{f"{kind}_id": owner_id})
        .order_by("period_end", "pk")
    )
    if not rows:
        raise Http404("Not found")
    first = rows[0]
    return Series(first.indicator, kind, getattr(first, kind), rows)


def all_series(user) -> list[Series]:
    """Every visible series, by indicator code then area or provider name."""
    found: dict[tuple, Series] = {}
    for row in _whole_population(user).order_by("indicator__code", "period_end"):
        kind = AREA if row.area_id else PROVIDER
        owner = row.area if row.area_id else row.provider
        key = (row.indicator_id, kind, owner.pk)
        if key not in found:
            found[key] = Series(row.indicator, kind, owner)
        found[key].values.append(row)
    for one in found.values():
        one.values = same_length(one.values)
    return sorted(found.values(), key=lambda s: (s.indicator.code, s.kind, s.owner_name))
