"""Stage 3: finance."""
