from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from commissioning import health, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("contracts/", views.contract_list, name="contract-list"),
    path("contracts/<int:pk>/", views.contract_detail, name="contract-detail"),
    path("snapshots/", views.snapshot_list, name="snapshot-list"),
    path("snapshots/<int:pk>/", views.snapshot_detail, name="snapshot-detail"),
    path("snapshots/<int:pk>/summarise/", views.snapshot_summarise, name="snapshot-summarise"),
    path("runs/<int:pk>/", views.run_detail, name="run-detail"),
    path("runs/<int:pk>/progress/", views.run_progress, name="run-progress"),
    path("needs-assessment/", include("needs_assessment.urls")),
    path("strategy/", include("strategy.urls")),
    path("resource-allocation/", include("payor.urls")),
    path("evaluation/", include("evaluation.urls")),
    path("api/v1/needs-assessment/", include("needs_assessment.api.urls")),
    path("api/v1/strategy/", include("strategy.api.urls")),
    path("api/v1/payor/", include("payor.api.urls")),
    path("api/v1/evaluation/", include("evaluation.api.urls")),
    path("api/v1/", include("commissioning.api.urls")),
    path("", include("commissioning.history.urls")),
    path("admin/", admin.site.urls),
]
