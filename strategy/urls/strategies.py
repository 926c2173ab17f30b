"""URLs of stage 2: strategies, versions, approval, consultation, publication."""

from django.urls import path

from strategy.views.landing import landing

urlpatterns = [
    path("", landing, name="landing"),
]
