"""Stage 4: the plans part."""
