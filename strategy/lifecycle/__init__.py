"""The strategy's life: creation, versions, the approval flow, sharing and consultation.

- `rules`: who may do what to a strategy, and whether its content can still change
  (`require_editable` is what every stage 2 action that changes content calls first).
- `actions`: the writes (create, versions, move between states, share, comment, respond).
- `content`: the whole strategy as JSON (what a version freezes).
- `compare`: what changed between two versions.
- `queries`: scoped reads behind the pages and the API.
- `export`: the printable published page and the Excel workbook.
"""
