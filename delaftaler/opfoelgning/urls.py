"""The yearly follow-up's addresses (names in the delaftaler namespace).

``urlpatterns`` lies below /<helhedsplan>/<indsats>/opfoelgning/: the year's workflow and
entry, the report and the measurements' spreadsheets. ``oversigt`` is /opfoelgninger/,
every follow-up the logged-in person may see.
"""

from django.urls import path

from delaftaler.opfoelgning.views import maalinger, opfoelgninger, rapport

urlpatterns = [
    path("", opfoelgninger.liste, name="opfoelgning_liste"),
    path("<int:aar>/indtast/", opfoelgninger.indtast, name="opfoelgning_indtast"),
    path("<int:aar>/send/", opfoelgninger.send, name="opfoelgning_send"),
    path("<int:aar>/godkend/", opfoelgninger.godkend, name="opfoelgning_godkend"),
    path("<int:aar>/genaaben/", opfoelgninger.genaaben, name="opfoelgning_genaaben"),
    path("<int:aar>/kommentar/", rapport.kommentar, name="opfoelgning_kommentar"),
    path("<int:aar>/", rapport.rapport, name="rapport"),
    path("<int:aar>.pdf", rapport.rapport_pdf, name="rapport_pdf"),
    path("<int:aar>/skabelon.xlsx", maalinger.maalinger_skabelon, name="maalinger_skabelon"),
    path("<int:aar>/maalinger.xlsx", maalinger.maalinger_eksport_view, name="maalinger_eksport"),
    path("<int:aar>/indlaes/", maalinger.maalinger_indlaes, name="maalinger_indlaes"),
]

oversigt = [
    path("", opfoelgninger.oversigt, name="opfoelgninger"),
]
