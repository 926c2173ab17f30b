from django.urls import path

from . import views

urlpatterns = [
    path("history/<slug:kind>/<int:pk>/", views.object_history, name="object-history"),
    path(
        "api/v1/history/<slug:kind>/<int:pk>/",
        views.ObjectHistoryApi.as_view(),
        name="api-object-history",
    ),
]
