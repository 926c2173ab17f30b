"""Delivering the plan: outcomes with frozen baselines and yearly trajectories,
interventions and whether they add up to the target, care pathways and the co-design
record.

- `trajectory` and `impact` are pure arithmetic (DataFrames in and out, no ORM);
- `measures` maps library indicators to needs profile measures and reads the profile;
- `actions` writes (keyword-only, `by=user`, atomic, audited); `queries` reads, scoped;
- `charts` turns the arithmetic into plotly figure dicts; `forms` parses the pages' posts.
"""
