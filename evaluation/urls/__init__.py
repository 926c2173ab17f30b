"""Stage 4 pages. Each part has its own URL module."""

from django.urls import include, path

from evaluation import views

app_name = "evaluation"
urlpatterns = [
    path("", views.landing, name="landing"),
    path("", include("evaluation.urls.spc")),
    path("", include("evaluation.urls.tracking")),
    path("", include("evaluation.urls.plans")),
    path("", include("evaluation.urls.performance")),
    path("", include("evaluation.urls.feedback")),
    path("", include("evaluation.urls.loop")),
    path("", include("evaluation.urls.dashboard")),
]
