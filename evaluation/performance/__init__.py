"""Stage 4: the performance part."""
