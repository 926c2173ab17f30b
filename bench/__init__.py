"""Benchmarks that print figures: `make bench` runs `python -m bench`."""
