from django.urls import path

from payor import views

app_name = "payor"
urlpatterns = [
    path("", views.landing, name="landing"),
]
