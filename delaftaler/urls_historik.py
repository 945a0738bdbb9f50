"""History, comparison and restore (names in the delaftaler namespace)."""

from django.urls import path

from delaftaler import views_historik

urlpatterns: list = [
    path(
        "<slug:helhedsplan>/<slug:indsats>/historik/",
        views_historik.historik,
        name="historik",
    ),
    path(
        "<slug:helhedsplan>/<slug:indsats>/sammenlign/",
        views_historik.sammenlign,
        name="sammenlign",
    ),
    path(
        "<slug:helhedsplan>/<slug:indsats>/versioner/<int:nummer>/gendan/",
        views_historik.gendan,
        name="gendan",
    ),
]
