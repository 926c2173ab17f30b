"""Stage 1: segmentation."""
