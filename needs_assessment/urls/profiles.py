"""URLs of stage 1: needs profiles (under /needs-assessment/profile/)."""

from django.urls import path

from needs_assessment.views import profiles

urlpatterns = [
    path("", profiles.profile_list, name="profile-list"),
    path("new/", profiles.profile_create, name="profile-create"),
    path("<int:pk>/", profiles.profile_detail, name="profile-detail"),
    path("<int:pk>/status/", profiles.profile_status, name="profile-status"),
    path("<int:pk>/risk/", profiles.profile_risk, name="profile-risk"),
    path("<int:pk>/areas/<int:area_pk>/", profiles.profile_area, name="profile-area"),
    path(
        "<int:pk>/areas/<int:area_pk>/breakdown/",
        profiles.profile_area_breakdown,
        name="profile-area-breakdown",
    ),
]
