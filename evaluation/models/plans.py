"""Models of stage 4's plans part."""

__all__: list[str] = []
