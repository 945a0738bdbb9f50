from django.urls import include, path

from delaftaler import views
from delaftaler.notifikationer import views as notifikationer_views
from delaftaler.opfoelgning import urls as opfoelgning_urls
from delaftaler.oprettelse import urls as oprettelse_urls
from delaftaler.overblik import urls as overblik_urls
from delaftaler.publicering import urls as publicering_urls
from delaftaler.tvaers import urls as tvaers_urls
from delaftaler.word import urls as word_urls

app_name = "delaftaler"

urlpatterns = [
    path("", views.oversigt, name="oversigt"),
    # The view across plans (tvaers/urls.py): before <slug:helhedsplan>/, which would take
    # »oversigt« for a plan's slug.
    path("", include(tvaers_urls)),
    path(
        "overblik/notifikationer/",
        notifikationer_views.notifikationsvalg,
        name="notifikationsvalg",
    ),
    # The yearly follow-up (opfoelgning/urls.py) and drafts, publication, the board's
    # approval, history and restore (publicering/urls.py). All names live in this namespace.
    path("opfoelgninger/", include(opfoelgning_urls.oversigt)),
    path("", include(oprettelse_urls)),  # »Ny delaftale«: /udkast/ny/
    # Word (word/urls.py): in at /udkast/ny/word/, out as …/<indsats>.docx, its versions'
    # and the draft's.
    path("", include(word_urls)),
    # Mit overblik, log ind and log ud (overblik/urls.py).
    path("", include(overblik_urls)),
    path("", include(publicering_urls)),
    path("<slug:helhedsplan>/<slug:indsats>/opfoelgning/", include(opfoelgning_urls)),
    path("<slug:helhedsplan>/", views.helhedsplan_side, name="helhedsplan"),
    path("<slug:helhedsplan>/<slug:indsats>/", views.delaftale_side, name="delaftale"),
    path("<slug:helhedsplan>/<slug:indsats>.pdf", views.delaftale_pdf, name="delaftale_pdf"),
    path("<slug:helhedsplan>/<slug:indsats>/versioner/", views.versioner, name="versioner"),
    path(
        "<slug:helhedsplan>/<slug:indsats>/versioner/<int:nummer>/",
        views.delaftale_side,
        name="version",
    ),
    path(
        "<slug:helhedsplan>/<slug:indsats>/versioner/<int:nummer>.pdf",
        views.delaftale_pdf,
        name="version_pdf",
    ),
    path(
        "<slug:helhedsplan>/<slug:indsats>/indikatorer.csv",
        views.indikatorer_eksport,
        {"format": "csv"},
        name="indikatorer_csv",
    ),
    path(
        "<slug:helhedsplan>/<slug:indsats>/indikatorer.xlsx",
        views.indikatorer_eksport,
        {"format": "xlsx"},
        name="indikatorer_xlsx",
    ),
]
