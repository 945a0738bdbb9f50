"""The measurements' spreadsheets, under /<helhedsplan>/<indsats>/opfoelgning/ (namespace
"delaftaler", see delaftaler/urls.py)."""

from django.urls import path

from indikatorer import views

urlpatterns = [
    path("<int:aar>/skabelon.xlsx", views.maalinger_skabelon, name="maalinger_skabelon"),
    path("<int:aar>/maalinger.xlsx", views.maalinger_eksport_view, name="maalinger_eksport"),
    path("<int:aar>/indlaes/", views.maalinger_indlaes, name="maalinger_indlaes"),
]
