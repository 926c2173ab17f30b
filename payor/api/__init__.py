"""Stage 3 REST API, mounted at /api/v1/payor/."""
