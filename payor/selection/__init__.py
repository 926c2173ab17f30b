"""Stage 3: selection."""
