"""URLs of stage 1: insight."""

urlpatterns: list = []
