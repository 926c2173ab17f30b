"""URLs of stage 2: priorities and the prioritisation method (under /strategy/<pk>/)."""

from django.urls import path

from strategy.views import prioritisation as views

urlpatterns = [
    path("<int:pk>/priorities/", views.priority_list, name="priorities"),
    path("<int:pk>/priorities/new/", views.priority_raise, name="priority-raise"),
    path(
        "<int:pk>/priorities/<int:priority_pk>/edit/",
        views.priority_edit,
        name="priority-edit",
    ),
    path("<int:pk>/method/", views.method, name="method"),
    path("<int:pk>/method/criteria/", views.criterion_add, name="criterion-add"),
    path("<int:pk>/method/defaults/", views.criteria_defaults, name="criteria-defaults"),
    path(
        "<int:pk>/method/criteria/<int:criterion_pk>/remove/",
        views.criterion_remove,
        name="criterion-remove",
    ),
    path("<int:pk>/panel/", views.panel, name="panel"),
    path("<int:pk>/panel/<int:member_pk>/remove/", views.panel_remove, name="panel-remove"),
    path("<int:pk>/panel/<int:member_pk>/scores/", views.scoring, name="scoring"),
    path(
        "<int:pk>/panel/<int:member_pk>/scores/<int:priority_pk>/",
        views.score_priority,
        name="score-priority",
    ),
    path("<int:pk>/my-scores/", views.my_scores, name="my-scores"),
    path("<int:pk>/ranking/", views.ranking, name="ranking"),
]
