"""URLs of stage 1: uploads (under /needs-assessment/uploads/)."""

from django.urls import path

from needs_assessment.views import uploads

urlpatterns = [
    path("", uploads.upload_list, name="upload-list"),
    path("new/", uploads.upload_new, name="upload-new"),
    path("<int:pk>/", uploads.upload_detail, name="upload-detail"),
    path("<int:pk>/status/", uploads.upload_status, name="upload-status"),
    path("<int:pk>/retry/", uploads.upload_retry, name="upload-retry"),
]
