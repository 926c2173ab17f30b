"""Stage 2 pages. Each part of the stage has its own URL module."""

from django.urls import include, path

app_name = "strategy"
urlpatterns = [
    path("", include("strategy.urls.strategies")),
    path("", include("strategy.urls.prioritisation")),
    path("", include("strategy.urls.delivery")),
]
