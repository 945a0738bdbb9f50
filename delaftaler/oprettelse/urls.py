"""»Ny delaftale«, under the drafts (``udkast`` is a reserved helhedsplan slug)."""

from django.urls import path

from delaftaler.oprettelse import views

urlpatterns = [
    path("udkast/ny/", views.ny_delaftale, name="ny_delaftale"),
]
