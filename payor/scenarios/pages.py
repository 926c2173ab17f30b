"""What the scenario pages show: the stored result formatted for people to read."""

from __future__ import annotations

from decimal import Decimal

from payor.models import SETTING_LABELS, SETTINGS
from payor.scenarios import charts


def money(value, places: int = 2) -> str:
    """£1,666,666.67 (or £1,666,667 with places=0); negatives as −£1,234.00; None as
    "not given"."""
    if value is None or value == "":
        return "not given"
    amount = Decimal(str(value))
    sign = "−" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.{places}f}"


def whole(value) -> str:
    """Money to the pound, for wide tables (the API keeps the pence)."""
    return money(value, 0)


def percent(value, places: int = 2) -> str:
    if value is None:
        return "–"
    return f"{Decimal(str(value)) * 100:,.{places}f}%".replace("-", "−")


def band(values, formatter) -> str:
    """P50 (P10 to P90) as "12.3 (10.1 to 14.9)"."""
    p10, p50, p90 = values
    return f"{formatter(p50)} ({formatter(p10)} to {formatter(p90)})"


def _count(value) -> str:
    return f"{float(value):,.0f}"


def result_view(result: dict) -> dict:
    """Rows and charts for the result page; empty when there is no result yet."""
    if not result:
        return {}
    years = result["years"]
    used = [s for s in SETTINGS if any(Decimal(row["spend"][s]) for row in years)]
    rows = [
        {
            "year": row["year"],
            "moved": whole(row["moved"]),
            "double_running": whole(row["double_running"]),
            "spend": [whole(row["spend"][s]) for s in used],
            "total": whole(row["total"]),
            "net_cost": band(row["net_cost_p"], whole),
            "admissions": band(row["admissions_p"], _count),
            "allocation": whole(row["allocation"]),
            "headroom": whole(row["headroom"]) if row["headroom"] is not None else "not given",
            "affordable": row["headroom"] is None or Decimal(row["headroom"]) >= 0,
        }
        for row in years
    ]
    providers = [
        {
            "name": line["name"],
            "ods_code": line["ods_code"],
            "setting": SETTING_LABELS.get(line["setting"], line["setting"]),
            "income": whole(line["income"]),
            "years": [
                {"change": whole(c), "share": percent(s)}
                for c, s in zip(line["changes"], line["shares"], strict=True)
            ],
            "flagged": line["flagged"],
        }
        for line in result.get("providers", [])
    ]
    unplaced = result.get("unplaced")
    return {
        "settings": [SETTING_LABELS[s] for s in used],
        "rows": rows,
        "providers": providers,
        "year_numbers": [row["year"] for row in years],
        "unplaced": [whole(v) for v in unplaced]
        if unplaced and any(Decimal(v) for v in unplaced)
        else None,
        "threshold": percent(result.get("threshold"), 1),
        "spend_chart": charts.spend_by_setting(result),
        "band_chart": charts.net_cost_band(result),
    }


def comparison(scenarios_with_results: list[tuple]) -> list[dict]:
    """One column per scenario: inputs and headline figures of its last year and in total."""
    columns = []
    for scenario, result in scenarios_with_results:
        column = {"scenario": scenario, "computed": bool(result)}
        if result:
            last = result["years"][-1]
            column.update(
                moved=whole(last["moved"]),
                double_running=whole(sum(Decimal(r["double_running"]) for r in result["years"])),
                net_cost=whole(sum(Decimal(r["net_cost_p"][1]) for r in result["years"])),
                admissions=band(last["admissions_p"], _count),
                flagged=sum(1 for line in result.get("providers", []) if line["flagged"]),
                affordable=all(
                    r["headroom"] is None or Decimal(r["headroom"]) >= 0 for r in result["years"]
                ),
            )
        columns.append(column)
    return columns
