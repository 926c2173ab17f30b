from django.urls import path

from evaluation.tracking import views

urlpatterns: list = [
    path("indicator-data/", views.indicator_data, name="tracking-indicator-data"),
    path("indicator-data/derive/<int:profile_id>/", views.derive, name="tracking-derive"),
    path("outcomes/", views.strategies, name="tracking"),
    path("outcomes/<int:pk>/", views.strategy_outcomes, name="tracking-strategy"),
    path("outcomes/chart/<int:pk>/", views.outcome_chart, name="tracking-outcome-chart"),
]
