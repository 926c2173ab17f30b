"""URLs of stage 4: contract performance."""

from django.urls import path

from evaluation.performance import views

urlpatterns = [
    path("contract-performance/", views.performance_list, name="performance-list"),
    path("contract-performance/<int:pk>/", views.performance_detail, name="performance-detail"),
]
