"""Stage 3: scenarios."""
