"""Stage 3 models: finance. Export public names in __all__."""

__all__: list[str] = []
