"""URLs of the feedback part, under /evaluation/feedback/."""

from django.urls import path

from evaluation.feedback import coding_views, views

SURVEY = "feedback/<int:pk>/"

urlpatterns = [
    path("feedback/", views.survey_list, name="feedback-list"),
    path("feedback/new/", views.survey_create, name="feedback-create"),
    path(SURVEY, views.survey_detail, name="feedback-detail"),
    path(f"{SURVEY}open/", views.survey_open, name="feedback-open"),
    path(f"{SURVEY}respond/", views.survey_respond, name="feedback-respond"),
    path(f"{SURVEY}import/", views.survey_import, name="feedback-import"),
    path(f"{SURVEY}coding/", coding_views.coding_page, name="feedback-coding"),
    path(f"{SURVEY}coding/change/", coding_views.coding_action, name="feedback-coding-action"),
]
