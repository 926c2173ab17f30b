"""Stage 3 models: selection. Export public names in __all__."""

__all__: list[str] = []
