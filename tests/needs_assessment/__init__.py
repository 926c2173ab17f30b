"""Tests of stage 1, understanding the context."""
