"""URLs of stage 2: delivery."""

urlpatterns: list = []
