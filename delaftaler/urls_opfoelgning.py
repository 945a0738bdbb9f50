"""The follow-up of one delaftale, under /<helhedsplan>/<indsats>/opfoelgning/.

The report (P<aar>/, P<aar>.pdf) lives in urls_rapport.py and the spreadsheets in
indikatorer/urls.py; all names share the "delaftaler" namespace.
"""

from django.urls import path

from delaftaler import views_opfoelgning as views

urlpatterns = [
    path("", views.liste, name="opfoelgning_liste"),
    path("<int:aar>/indtast/", views.indtast, name="opfoelgning_indtast"),
    path("<int:aar>/send/", views.send, name="opfoelgning_send"),
    path("<int:aar>/godkend/", views.godkend, name="opfoelgning_godkend"),
    path("<int:aar>/genaaben/", views.genaaben, name="opfoelgning_genaaben"),
    path("<int:aar>/kommentar/", views.kommentar, name="opfoelgning_kommentar"),
]
