"""Drafts, publication, the bestyrelse's approval, history, comparison and restore (names
in the delaftaler namespace).

/udkast/ lists the drafts of the person's helhedsplaner ("udkast" is a reserved
helhedsplan slug); each delaftale's draft and its submissions live below
/<helhedsplan>/<indsats>/udkast/.
"""

from django.urls import path

from delaftaler.publicering.views import historik, udkast

P = "<slug:helhedsplan>/<slug:indsats>/udkast/"
INDSTILLING = f"{P}indstilling/<int:pk>/"
D = "<slug:helhedsplan>/<slug:indsats>/"

urlpatterns = [
    path("udkast/", udkast.udkast_oversigt, name="udkast_oversigt"),
    path(P, udkast.udkast, name="udkast"),
    path(f"{P}vis/", udkast.udkast_vis, name="udkast_vis"),
    path("<slug:helhedsplan>/<slug:indsats>/udkast.pdf", udkast.udkast_pdf, name="udkast_pdf"),
    path(f"{P}publicer/", udkast.publicer, name="udkast_publicer"),
    path(f"{P}indstil/", udkast.indstil, name="udkast_indstil"),
    path(INDSTILLING, udkast.indstilling, name="indstilling"),
    path(f"{INDSTILLING}godkend/", udkast.godkend, name="indstilling_godkend"),
    path(f"{INDSTILLING}send-tilbage/", udkast.send_tilbage, name="indstilling_send_tilbage"),
    path(f"{INDSTILLING}traek-tilbage/", udkast.traek_tilbage, name="indstilling_traek_tilbage"),
    path(f"{D}historik/", historik.historik, name="historik"),
    path(f"{D}sammenlign/", historik.sammenlign, name="sammenlign"),
    path(f"{D}versioner/<int:nummer>/gendan/", historik.gendan, name="gendan"),
]
