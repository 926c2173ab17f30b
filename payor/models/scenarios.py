"""Stage 3 models: scenarios. Export public names in __all__."""

__all__: list[str] = []
