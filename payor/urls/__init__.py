"""Stage 3 pages. Each part has its own URL module."""

from django.urls import include, path

from payor.views.landing import landing

app_name = "payor"
urlpatterns = [
    path("", landing, name="landing"),
    path("", include("payor.urls.finance")),
    path("", include("payor.urls.scenarios")),
    path("", include("payor.urls.selection")),
]
