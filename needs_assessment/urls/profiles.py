"""URLs of stage 1: profiles."""

urlpatterns: list = []
