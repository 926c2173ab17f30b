from django.urls import path

from evaluation import views

urlpatterns = [
    path("spc/", views.spc_summary, name="spc-summary"),
    path("spc/<str:code>/<str:kind>/<int:owner_id>/", views.spc_chart, name="spc-chart"),
]
