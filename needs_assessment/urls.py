from django.urls import path

from needs_assessment import views

app_name = "needs_assessment"
urlpatterns = [
    path("", views.landing, name="landing"),
]
