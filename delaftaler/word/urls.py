"""Word in and out. The import sits beside »Ny delaftale« under the drafts (``udkast`` is a
reserved helhedsplan slug)."""

from django.urls import path

from delaftaler.word import views

urlpatterns = [
    path("udkast/ny/word/", views.indlaes_word, name="indlaes_word"),
]
