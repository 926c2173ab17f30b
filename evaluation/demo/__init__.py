"""Demo data for stages 2 and 4: a published demo strategy, monthly indicator series with
planted intervention effects, and contract KPIs (see docs/demo-data.md)."""
