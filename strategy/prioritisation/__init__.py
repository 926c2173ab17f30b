"""Priorities raised from needs assessment findings, and the transparent, weighted method
that ranks them: criteria and weights, a scoring panel, weighted totals and sensitivity.

- analysis.py: the arithmetic (pure numpy/pandas, no ORM), tested by hand-worked examples;
- actions.py: every write (keyword-only, by=user, atomic, audited);
- queries.py: scoped reads, and the ranking built from the database for a page or the API;
- charts.py: plotly figures as dicts.
"""
