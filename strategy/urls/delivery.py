"""URLs of stage 2: delivery (outcomes, interventions, care pathways, engagement), under
/strategy/<strategy id>/."""

from django.urls import path

from strategy.views import delivery as views

OUTCOME = "<int:pk>/outcomes/<int:outcome_pk>/"
INTERVENTION = "<int:pk>/interventions/<int:intervention_pk>/"
PATHWAY = "<int:pk>/pathways/<int:pathway_pk>/"
ACTIVITY = "<int:pk>/engagement/<int:activity_pk>/"

urlpatterns = [
    path("<int:pk>/outcomes/", views.outcomes, name="outcomes"),
    path("<int:pk>/outcomes/new/", views.outcome_create, name="outcome-create"),
    path(OUTCOME, views.outcome_detail, name="outcome-detail"),
    path(f"{OUTCOME}edit/", views.outcome_edit, name="outcome-edit"),
    path(f"{OUTCOME}baseline/", views.outcome_baseline, name="outcome-baseline"),
    path(f"{OUTCOME}delete/", views.outcome_delete, name="outcome-delete"),
    path("<int:pk>/interventions/", views.interventions, name="interventions"),
    path("<int:pk>/interventions/new/", views.intervention_create, name="intervention-create"),
    path(f"{INTERVENTION}edit/", views.intervention_edit, name="intervention-edit"),
    path(f"{INTERVENTION}delete/", views.intervention_delete, name="intervention-delete"),
    path("<int:pk>/pathways/", views.pathways, name="pathways"),
    path("<int:pk>/pathways/new/", views.pathway_create, name="pathway-create"),
    path(PATHWAY, views.pathway_detail, name="pathway-detail"),
    path(f"{PATHWAY}edit/", views.pathway_edit, name="pathway-edit"),
    path(f"{PATHWAY}delete/", views.pathway_delete, name="pathway-delete"),
    path(
        f"{PATHWAY}stages/<int:stage_pk>/remove/",
        views.pathway_stage_remove,
        name="pathway-stage-remove",
    ),
    path("<int:pk>/engagement/", views.engagement, name="engagement"),
    path("<int:pk>/engagement/new/", views.engagement_create, name="engagement-create"),
    path(f"{ACTIVITY}edit/", views.engagement_edit, name="engagement-edit"),
    path(f"{ACTIVITY}delete/", views.engagement_delete, name="engagement-delete"),
]
