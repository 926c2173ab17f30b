"""URLs of stage 2: prioritisation."""

urlpatterns: list = []
