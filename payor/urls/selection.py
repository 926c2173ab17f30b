"""URLs of stage 3: selection."""

urlpatterns: list = []
