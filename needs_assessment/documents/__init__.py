"""The Integrated Needs Assessment document, qualitative insight and the stage 1 home.

- `actions`: every write of an INA (create a version, edit a section or the summary,
  add or remove a finding, approve), keyword-only, by=user, atomic and audited;
  `insight`: the insight record writes and search.
- `queries`: scoped reads behind the pages and the API; `findings`: findings with their
  evidence; `landing`: where the ICB stands in stage 1 and its next step.
- `profile_data`, `profile_sections`, `inequality_sections`, `sections`: the tables and
  charts of each section, built from the needs profile and the other sources (no ORM).
- `figures`: how a profile figure is labelled and written (control is the profile's).
- `tables`, `charts`: the shapes the page, the printable page and the workbook share.
- `compare`: what changed between two versions.
- `export`: the printable page's content and the Excel workbook (always controlled).
- `forms`, `serializers`: what the pages and the API accept and answer.
"""
