"""Word in and out (names in the delaftaler namespace). The import sits beside »Ny
delaftale« under the drafts (``udkast`` is a reserved helhedsplan slug); the downloads
beside the PDFs."""

from django.urls import path

from delaftaler.word.views import export, indlaes

D = "<slug:helhedsplan>/<slug:indsats>"

urlpatterns = [
    path("udkast/ny/word/", indlaes.indlaes_word, name="indlaes_word"),
    path(f"{D}.docx", export.delaftale_docx, name="delaftale_docx"),
    path(f"{D}/versioner/<int:nummer>.docx", export.delaftale_docx, name="version_docx"),
    path(f"{D}/udkast.docx", export.udkast_docx, name="udkast_docx"),
]
