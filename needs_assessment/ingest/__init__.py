"""Stage 1: ingest."""
