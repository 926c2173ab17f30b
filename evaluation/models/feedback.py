"""Models of stage 4's feedback part."""

__all__: list[str] = []
