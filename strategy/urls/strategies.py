"""URLs of stage 2: strategies, versions, approval, consultation, publication."""

from django.urls import path

from strategy.views import strategies as views
from strategy.views.landing import landing

urlpatterns = [
    path("", landing, name="landing"),
    path("strategies/", views.strategy_list, name="strategy-list"),
    path("strategies/new/", views.strategy_create, name="strategy-create"),
    path("strategies/<int:pk>/", views.strategy_detail, name="strategy-detail"),
    path("strategies/<int:pk>/edit/", views.strategy_edit, name="strategy-edit"),
    path("strategies/<int:pk>/status/<slug:status>/", views.strategy_move, name="strategy-move"),
    path("strategies/<int:pk>/revise/", views.strategy_revise, name="strategy-revise"),
    path("strategies/<int:pk>/versions/", views.version_take, name="strategy-version-take"),
    path(
        "strategies/<int:pk>/versions/<int:number>/",
        views.version_detail,
        name="strategy-version",
    ),
    path("strategies/<int:pk>/compare/", views.strategy_compare, name="strategy-compare"),
    path("strategies/<int:pk>/shares/", views.share_add, name="strategy-share"),
    path(
        "strategies/<int:pk>/shares/<int:organisation_pk>/remove/",
        views.share_remove,
        name="strategy-unshare",
    ),
    path("strategies/<int:pk>/comments/", views.comment_add, name="strategy-comment"),
    path(
        "strategies/<int:pk>/comments/<int:comment_pk>/respond/",
        views.comment_respond,
        name="strategy-comment-respond",
    ),
    path("strategies/<int:pk>/published/", views.strategy_published, name="strategy-published"),
    path("strategies/<int:pk>/export.xlsx", views.strategy_export, name="strategy-export"),
]
