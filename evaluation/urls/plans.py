from django.urls import path

from evaluation.plans import pages

urlpatterns = [
    path("plans/", pages.plans, name="plans"),
    path("plans/intervention/<int:intervention_pk>/", pages.plan_form, name="plan-form"),
    path("plans/<int:pk>/", pages.plan_detail, name="plan"),
    path("plans/<int:pk>/run/", pages.plan_run, name="plan-run"),
    path("plans/<int:pk>/approve/", pages.plan_approve, name="plan-approve"),
]
