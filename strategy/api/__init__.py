"""Stage 2 REST API, mounted at /api/v1/strategy/."""
