"""Stage 1: profile."""
