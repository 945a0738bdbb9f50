from django.urls import path

from delaftaler import views

app_name = "delaftaler"

urlpatterns = [
    path("", views.oversigt, name="oversigt"),
    path("<slug:helhedsplan>/", views.helhedsplan_side, name="helhedsplan"),
    path("<slug:helhedsplan>/<slug:indsats>/", views.delaftale_side, name="delaftale"),
    path("<slug:helhedsplan>/<slug:indsats>.pdf", views.delaftale_pdf, name="delaftale_pdf"),
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
