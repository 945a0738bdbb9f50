"""/opfoelgninger/: every yearly follow-up the logged-in person may see."""

from django.urls import path

from delaftaler import views_opfoelgning as views

urlpatterns = [
    path("", views.oversigt, name="opfoelgninger"),
]
