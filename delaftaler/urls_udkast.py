"""Drafts, publication and the bestyrelse's approval (names in the delaftaler namespace).

/udkast/ lists the drafts of the person's helhedsplaner ("udkast" is a reserved
helhedsplan slug); each delaftale's draft and its submissions live below
/<helhedsplan>/<indsats>/udkast/.
"""

from django.urls import path

from delaftaler import views_udkast as views

P = "<slug:helhedsplan>/<slug:indsats>/udkast/"
INDSTILLING = f"{P}indstilling/<int:pk>/"

urlpatterns = [
    path("udkast/", views.udkast_oversigt, name="udkast_oversigt"),
    path(P, views.udkast, name="udkast"),
    path(f"{P}vis/", views.udkast_vis, name="udkast_vis"),
    path("<slug:helhedsplan>/<slug:indsats>/udkast.pdf", views.udkast_pdf, name="udkast_pdf"),
    path(f"{P}publicer/", views.publicer, name="udkast_publicer"),
    path(f"{P}indstil/", views.indstil, name="udkast_indstil"),
    path(INDSTILLING, views.indstilling, name="indstilling"),
    path(f"{INDSTILLING}godkend/", views.godkend, name="indstilling_godkend"),
    path(f"{INDSTILLING}send-tilbage/", views.send_tilbage, name="indstilling_send_tilbage"),
    path(f"{INDSTILLING}traek-tilbage/", views.traek_tilbage, name="indstilling_traek_tilbage"),
]
