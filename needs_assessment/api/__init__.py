"""Stage 1 REST API, mounted at /api/v1/needs-assessment/."""
