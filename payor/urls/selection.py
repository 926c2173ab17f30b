"""URLs of stage 3: selection (PSR decision records and committees)."""

from django.urls import path

from payor.views import selection as v
from payor.views.committee_changes import committee_change

urlpatterns = [
    path("provider-selection/", v.psr_list, name="psr-list"),
    path("provider-selection/new/", v.psr_create, name="psr-create"),
    path("provider-selection/<int:pk>/", v.psr_detail, name="psr-detail"),
    path("provider-selection/<int:pk>/<slug:step>/", v.psr_step, name="psr-step"),
    path("committees/", v.committee_list, name="committee-list"),
    path("committees/<int:pk>/", v.committee_detail, name="committee-detail"),
    path("committees/<int:pk>/add/<slug:what>/", v.committee_add, name="committee-add"),
    path("committees/change/<slug:what>/<int:pk>/", committee_change, name="committee-change"),
    path(
        "committee-items/<int:pk>/<slug:step>/", v.committee_item_step, name="committee-item-step"
    ),
]
