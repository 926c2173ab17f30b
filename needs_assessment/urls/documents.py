"""URLs of stage 1: the Integrated Needs Assessment document (under /assessments/)."""

from django.urls import path

from needs_assessment.views import documents as views

urlpatterns = [
    path("", views.assessment_list, name="ina-list"),
    path("new/", views.assessment_create, name="ina-create"),
    path("<int:pk>/", views.assessment_detail, name="ina-detail"),
    path("<int:pk>/new-version/", views.assessment_new_version, name="ina-new-version"),
    path("<int:pk>/summary/", views.summary_edit, name="ina-summary-edit"),
    path("<int:pk>/sections/<slug:key>/", views.section_view, name="ina-section"),
    path("<int:pk>/sections/<slug:key>/edit/", views.section_edit, name="ina-section-edit"),
    path("<int:pk>/sections/<slug:key>/findings/", views.findings_view, name="ina-findings"),
    path("<int:pk>/sections/<slug:key>/findings/add/", views.finding_add, name="ina-finding-add"),
    path(
        "<int:pk>/findings/<int:link_pk>/remove/",
        views.finding_remove,
        name="ina-finding-remove",
    ),
    path("<int:pk>/approve/", views.assessment_approve, name="ina-approve"),
    path("<int:pk>/compare/", views.assessment_compare, name="ina-compare"),
    path("<int:pk>/print/", views.assessment_print, name="ina-print"),
    path("<int:pk>/export.xlsx", views.assessment_xlsx, name="ina-xlsx"),
]
