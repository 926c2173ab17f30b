"""Pages of the loop part, under /evaluation/loop/."""

from django.urls import path

from evaluation.loop import views

urlpatterns = [
    path("loop/", views.cycles, name="loop-cycles"),
    path("loop/cycles/<int:pk>/findings/", views.findings, name="loop-findings"),
    path("loop/cycles/<int:pk>/findings/new/", views.finding_new, name="loop-finding-new"),
    path("loop/cycles/<int:pk>/close/", views.cycle_close, name="loop-cycle-close"),
    path("loop/findings/<int:pk>/", views.finding_detail, name="loop-finding"),
    path("loop/findings/<int:pk>/edit/", views.finding_edit, name="loop-finding-edit"),
    path("loop/findings/<int:pk>/approve/", views.finding_approve, name="loop-finding-approve"),
    path("loop/findings/<int:pk>/withdraw/", views.finding_withdraw, name="loop-finding-withdraw"),
]
