"""URLs of stage 1: qualitative insight records (under /insight/)."""

from django.urls import path

from needs_assessment.views import insight as views

urlpatterns = [
    path("", views.insight_list, name="insight-list"),
    path("new/", views.insight_create, name="insight-create"),
    path("<int:pk>/", views.insight_detail, name="insight-detail"),
    path("<int:pk>/edit/", views.insight_edit, name="insight-edit"),
]
