from django.urls import include, path

from delaftaler import views

app_name = "delaftaler"

urlpatterns = [
    path("", views.oversigt, name="oversigt"),
    # The yearly follow-up: workflow and entry (urls_opfoelgning), the report (urls_rapport),
    # the measurements' spreadsheets (indikatorer.urls). All names live in this namespace.
    path("opfoelgninger/", include("delaftaler.urls_opfoelgninger")),
    # Drafts, publication and the bestyrelse's approval (urls_udkast); history, comparison
    # and restore (urls_historik). Both hold full paths below the site root.
    path("", include("delaftaler.urls_udkast")),
    path("", include("delaftaler.urls_historik")),
    path("<slug:helhedsplan>/<slug:indsats>/opfoelgning/", include("delaftaler.urls_opfoelgning")),
    path("<slug:helhedsplan>/<slug:indsats>/opfoelgning/", include("delaftaler.urls_rapport")),
    path("<slug:helhedsplan>/<slug:indsats>/opfoelgning/", include("indikatorer.urls")),
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
