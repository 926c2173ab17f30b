from django.urls import path

from evaluation.dashboard import views

urlpatterns = [
    path("is-it-working/", views.dashboard, name="dashboard"),
    path("is-it-working/<int:pk>/", views.dashboard, name="dashboard-strategy"),
]
