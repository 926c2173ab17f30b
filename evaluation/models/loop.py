"""Models of stage 4's loop part."""

__all__: list[str] = []
