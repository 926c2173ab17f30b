"""Stage 4: the feedback part."""
