"""URLs of stage 1: uploads."""

urlpatterns: list = []
