"""URLs of stage 1: documents."""

urlpatterns: list = []
