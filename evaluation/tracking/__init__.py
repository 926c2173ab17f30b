"""Stage 4: the tracking part."""
