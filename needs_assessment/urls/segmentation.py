"""URLs of stage 1: segmentation."""

urlpatterns: list = []
