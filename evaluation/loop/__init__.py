"""Stage 4: the loop part."""
