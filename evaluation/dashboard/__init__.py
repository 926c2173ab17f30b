"""Stage 4: "is the strategy working?", per priority."""
