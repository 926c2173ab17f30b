"""Disclosure control of profile aggregates for partners (DESIGN.md section 5).

ICB staff see the stored figures. Everyone else sees each row through `control_row`,
which applies commissioning.disclosure's rules by the kind of figure:

- a row about a group of 1-7 people is suppressed whole ("*"), whatever its measure;
- counts of people are `controlled_count` (1-7 "*", 8+ to the nearest 5);
- proportions and crude rates are recomputed from the rounded numerator and
  denominator (`controlled_rate`), and their intervals recomputed from the same
  rounded parts (Wilson, Byar's/exact), so they give nothing more away;
- means (cost per head) only where the group has 8 or more people, without the total
  (which with the mean would give the exact number of people); cost totals are withheld
  for the same reason;
- DSRs are shown only where publishable (10+ events) and then as stored, with the
  event count controlled; ratios of use to need likewise;
- SII, RII and Core20 gaps are indices over whole areas and are released as stored.

A row keeps its comparison only while its value is shown.

Secondary suppression: the counts of the categories of a breakdown (sex, age band,
segment, tier, ...) are a table whose total is the area's whole-population `people`
row. Where that total would pin a suppressed category, `controlled_table` hides another
category too; every row about a category so hidden (its count, share, rates, means) is
suppressed whole, as for a group of 1-7 people (`GroupSizes.hidden`).
"""

from __future__ import annotations

from collections import defaultdict

from commissioning.disclosure import (
    SUPPRESSED,
    THRESHOLD,
    controlled_count,
    controlled_mean,
    controlled_rate,
    controlled_table,
)
from commissioning.stats import crude_rate, wilson_interval

FIGURES = ["numerator", "denominator", "value", "lower95", "upper95", "lower998", "upper998"]
COUNT_MEASURES = {"people", "segment_people", "tier_people"}
PROPORTION_KINDS = {"prevalence", "segment_share", "tier_share"}
RATE_KINDS = {"rate"}
MEAN_MEASURES = {"cost_per_head", "predicted_cost_per_head"}
TOTAL_MEASURES = {"cost"}
STANDARDISED_KINDS = {"dsr", "isr"}
INDEX_KINDS = {"sii", "rii", "core20_gap"}
# Measures whose denominator is a number of people (for rows with no population entry).
PEOPLE_DENOMINATOR_KINDS = PROPORTION_KINDS | RATE_KINDS | {"dsr"} | MEAN_MEASURES


def kind_of(measure: str) -> str:
    return measure.partition(":")[0]


def population_key(row: dict) -> tuple:
    return (row["area_id"], row["breakdown"], row["category"])


WHOLE = ""  # the breakdown (and category) of a whole area's rows


class GroupSizes(dict):
    """People in each (area, breakdown, category) group, and in `hidden` the groups that
    secondary suppression hides."""

    hidden: frozenset = frozenset()


def populations(rows) -> GroupSizes:
    """The number of people in each (area, breakdown, category) group, from the count
    rows (people, segment_people, tier_people) among `rows`; with the groups hidden by
    secondary suppression (include the areas' whole `people` rows, the tables' totals)."""
    rows = [row for row in rows if row["measure"] in COUNT_MEASURES]
    sizes = GroupSizes((population_key(row), row["value"]) for row in rows)
    sizes.hidden = frozenset(secondarily_suppressed(rows))
    return sizes


def _people(value) -> int:
    return int(round(float(value or 0)))


def secondarily_suppressed(rows) -> set[tuple]:
    """The (area, breakdown, category) groups that `controlled_table` hides although they
    have 8 or more people: for each area, breakdown and count measure among `rows`, the
    categories' counts against the area's whole `people` row, where the categories add up
    to it (a partition; with people in no shown category a reader cannot back one out).
    If a table's total itself has to go, the area's whole group (area, "", "") is hidden."""
    totals = {
        row["area_id"]: row["value"]
        for row in rows
        if row["measure"] == "people" and row["breakdown"] == WHOLE
    }
    tables: dict[tuple, dict] = defaultdict(dict)
    for row in rows:
        if row["measure"] in COUNT_MEASURES and row["breakdown"] != WHOLE:
            tables[(row["area_id"], row["breakdown"], row["measure"])][row["category"]] = _people(
                row["value"]
            )
    hidden = set()
    for (area, breakdown, _measure), counts in tables.items():
        total = totals.get(area)
        if total is None or sum(counts.values()) != _people(total):
            continue
        shown, total_shown = controlled_table(counts, _people(total))
        hidden.update(
            (area, breakdown, category)
            for category, value in shown.items()
            if value == SUPPRESSED and controlled_count(counts[category]) != SUPPRESSED
        )
        if total_shown == SUPPRESSED and controlled_count(_people(total)) != SUPPRESSED:
            hidden.add((area, WHOLE, WHOLE))
    return hidden


def group_size(row: dict, sizes: dict[tuple, float]) -> float | None:
    """How many people a row is about, if known."""
    size = sizes.get(population_key(row))
    if size is None and kind_of(row["measure"]) in PEOPLE_DENOMINATOR_KINDS:
        size = row["denominator"]
    return size


def control_row(row: dict, sizes: dict[tuple, float]) -> dict:
    """The releasable version of one aggregate row (a dict with the model's fields and
    area_id), following the rules in this module's docstring. Suppressed figures are
    "*"; `suppressed` says whether the value was withheld."""
    out = dict(row)
    measure, kind = row["measure"], kind_of(row["measure"])
    if kind in INDEX_KINDS:
        return out | {"suppressed": False}
    size = group_size(row, sizes)
    if size is not None and 0 < size < THRESHOLD:
        return _suppress(out)
    if population_key(row) in getattr(sizes, "hidden", ()):
        return _suppress(out)  # hidden by secondary suppression, with all its figures
    if measure in COUNT_MEASURES:
        out.update(
            value=controlled_count(row["value"]),
            numerator=controlled_count(row["numerator"]),
            denominator=controlled_count(row["denominator"]),
        )
    elif kind in PROPORTION_KINDS or kind in RATE_KINDS:
        out.update(_recomputed(row, proportion=kind in PROPORTION_KINDS))
    elif measure in MEAN_MEASURES:
        mean = controlled_mean(row["numerator"] or 0.0, int(row["denominator"] or 0))
        if mean in (SUPPRESSED, None):
            return _suppress(out)
        # The total is withheld: with the mean it would give the exact number of people.
        out.update(value=mean, numerator=None, denominator=controlled_count(row["denominator"]))
    elif measure in TOTAL_MEASURES:
        return _suppress(out)
    elif kind in STANDARDISED_KINDS:
        if not row["publishable"]:
            return _suppress(out)
        out.update(numerator=controlled_count(row["numerator"]))
        if kind == "dsr":
            out.update(denominator=controlled_count(row["denominator"]))
    out["suppressed"] = out["value"] == SUPPRESSED
    if out["suppressed"]:
        out.update(comparison95="not_compared", comparison998="not_compared")
    return out


def _recomputed(row: dict, *, proportion: bool) -> dict:
    numerator, denominator = row["numerator"], row["denominator"]
    scale = 100.0 if proportion else 1000.0
    value = controlled_rate(numerator, denominator, per=scale)
    num, den = controlled_count(numerator), controlled_count(denominator)
    if value == SUPPRESSED:
        return {"value": SUPPRESSED, "numerator": num, "denominator": den} | dict.fromkeys(
            ["lower95", "upper95", "lower998", "upper998"], SUPPRESSED
        )
    if value is None or not den:
        return {"value": value, "numerator": num, "denominator": den}
    limits = {}
    for level, suffix in ((0.95, "95"), (0.998, "998")):
        if proportion:
            interval = wilson_interval(num, den, level, per=scale)
        else:
            interval = crude_rate(num, den, per=scale, confidence=level)
        limits[f"lower{suffix}"] = interval.lower
        limits[f"upper{suffix}"] = interval.upper
    return {"value": value, "numerator": num, "denominator": den} | limits


def _suppress(row: dict) -> dict:
    row.update(dict.fromkeys(FIGURES, SUPPRESSED))
    row.update(comparison95="not_compared", comparison998="not_compared", suppressed=True)
    return row


def control_rows(rows: list[dict]) -> list[dict]:
    """`control_row` for each of `rows`, with group sizes taken from the count rows among
    them (pass an area's whole set of rows, or add the count rows the others need)."""
    sizes = populations(rows)
    return [control_row(row, sizes) for row in rows]


def control_risk_metrics(metrics: dict) -> dict:
    """Risk model metrics as a partner may see them: the people and admission counts in
    each calibration decile and fairness group controlled, observed rates and their
    Wilson limits recomputed from the rounded counts, and every figure of a group of
    1-7 people suppressed. Model settings, AUCs of the whole held-out set and tier cuts
    are not about identifiable people and are kept."""
    if not metrics.get("available"):
        return dict(metrics)
    out = {**metrics}
    emergency = dict(metrics.get("emergency", {}))
    emergency["calibration_by_decile"] = [
        _control_calibration(r) for r in emergency.get("calibration_by_decile", [])
    ]
    emergency["observed_admitted"] = controlled_count(emergency.get("observed_admitted"))
    emergency["people"] = controlled_count(emergency.get("people"))
    out["emergency"] = emergency
    cost = dict(metrics.get("cost", {}))
    cost["calibration_by_decile"] = [
        _control_people(r) for r in cost.get("calibration_by_decile", [])
    ]
    cost["people"] = controlled_count(cost.get("people"))
    out["cost"] = cost
    out["fairness"] = {
        name: [_control_calibration(r) for r in table]
        for name, table in metrics.get("fairness", {}).items()
    }
    tiers = dict(metrics.get("tiers", {}))
    tiers["people"] = {k: controlled_count(v) for k, v in tiers.get("people", {}).items()}
    out["tiers"] = tiers
    for key in ("training_people", "training_people_used", "held_out_people"):
        if key in out:
            out[key] = controlled_count(out[key])
    if "linkage" in out:
        out["linkage"] = {k: controlled_count(v) for k, v in out["linkage"].items()}
    return out


def _control_people(row: dict) -> dict:
    people = row.get("people") or 0
    if 0 < people < THRESHOLD:
        return {k: (v if k in ("decile", "group") else SUPPRESSED) for k, v in row.items()}
    return row | {"people": controlled_count(people)}


def _control_calibration(row: dict) -> dict:
    controlled_row = _control_people(row)
    if controlled_row.get("people") == SUPPRESSED:
        return controlled_row
    admitted = controlled_count(row.get("observed_admitted"))
    people = controlled_row["people"]
    rate = controlled_rate(row.get("observed_admitted"), row.get("people"), per=1.0)
    controlled_row.update(observed_admitted=admitted, observed_rate=rate)
    predicted = row.get("predicted_admitted")
    if "observed_to_predicted" in row:
        # From the rounded count: the exact ratio with the predicted total would give the
        # exact count back.
        ratio = admitted / predicted if isinstance(admitted, int) and predicted else None
        controlled_row["observed_to_predicted"] = ratio
    if rate == SUPPRESSED or not people:
        controlled_row.update(observed_lower=SUPPRESSED, observed_upper=SUPPRESSED)
    else:
        interval = wilson_interval(admitted, people, 0.95)
        controlled_row.update(observed_lower=interval.lower, observed_upper=interval.upper)
    return controlled_row


def control_summary(summary: dict) -> dict:
    """A profile's summary as a partner may see it: people counts controlled, the total
    cost withheld (with the controlled count it would give the exact number away)."""
    out = dict(summary)
    out["people"] = controlled_count(summary.get("people"))
    out.pop("cost", None)
    out["segments"] = [
        segment | {"people": controlled_count(segment.get("people"))}
        for segment in summary.get("segments", [])
    ]
    return out
