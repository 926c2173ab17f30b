"""URLs of stage 3: finance."""

urlpatterns: list = []
