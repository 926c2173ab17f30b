"""URLs of stage 3: scenarios."""

urlpatterns: list = []
