"""Stage 1 pages. Each part of the stage has its own URL module."""

from django.urls import include, path

from needs_assessment.views.landing import landing

app_name = "needs_assessment"
urlpatterns = [
    path("", landing, name="landing"),
    path("uploads/", include("needs_assessment.urls.uploads")),
    path("profile/", include("needs_assessment.urls.profiles")),
    path("segmentation/", include("needs_assessment.urls.segmentation")),
    path("assessments/", include("needs_assessment.urls.documents")),
    path("insight/", include("needs_assessment.urls.insight")),
]
