"""The yearly follow-up report (under /<helhedsplan>/<indsats>/opfoelgning/)."""

from django.urls import path

from delaftaler import views_rapport

urlpatterns = [
    path("<int:aar>/", views_rapport.rapport, name="rapport"),
    path("<int:aar>.pdf", views_rapport.rapport_pdf, name="rapport_pdf"),
]
