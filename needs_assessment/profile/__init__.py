"""Stage 1: the needs profile, every aggregate of the Integrated Needs Assessment.

Computed once per run by a worker (handlers.py), read by pages and the API:

- pure analysis, DataFrames in and out, no ORM: measures (codes, labels, polarities),
  cube (group people once), rates (population, prevalence, crude and standardised
  rates, use against need), segments (segments and risk tiers), inequality (SII/RII,
  Core20 gap), benchmark (against the parent area), analysis (all of them), rows;
- the worker side: store (COPY people in, aggregates out), risk_wiring (the risk model
  of needs_assessment.analysis), handlers (the "needs_profile" run);
- the reading side: queries (access-scoped), controlled (disclosure control for
  partners), formatting, tables, charts and pages (what each page shows), forms.
"""
