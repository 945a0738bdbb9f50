"""The Word downloads beside the PDFs (names in the delaftaler namespace)."""

from django.urls import path

from delaftaler.word import views

D = "<slug:helhedsplan>/<slug:indsats>"

urlpatterns = [
    path(f"{D}.docx", views.delaftale_docx, name="delaftale_docx"),
    path(f"{D}/versioner/<int:nummer>.docx", views.delaftale_docx, name="version_docx"),
    path(f"{D}/udkast.docx", views.udkast_docx, name="udkast_docx"),
]
