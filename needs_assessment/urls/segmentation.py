"""URLs of stage 1: segmentation models, their editing, runs and comparisons."""

from django.urls import path

from needs_assessment.views import segmentation as views

urlpatterns = [
    path("", views.model_list, name="segmentation-list"),
    path("compare/", views.compare, name="segmentation-compare"),
    path("results/<int:pk>/", views.result, name="segmentation-result"),
    path("results/<int:pk>/status/", views.result_status, name="segmentation-result-status"),
    path("<int:pk>/", views.model_detail, name="segmentation-detail"),
    path("<int:pk>/copy/", views.model_copy, name="segmentation-copy"),
    path("<int:pk>/edit/", views.model_edit, name="segmentation-edit"),
    path("<int:pk>/publish/", views.model_publish, name="segmentation-publish"),
    path("<int:pk>/run/", views.model_run, name="segmentation-run"),
]
