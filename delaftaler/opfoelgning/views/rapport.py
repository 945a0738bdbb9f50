"""The yearly follow-up report: page and PDF.

Who sees which year is decided by Opfoelgning.objects.synlige_for(): everyone sees
approved years; in the helhedsplaner a person is a member of, the board also sees those
sent to it and the secretariat its drafts too. Anything else is a 404, so a draft's
existence is not given away – to other plans' staff neither.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from delaftaler.adgang import hent_til_visning
from delaftaler.models import Opfoelgning
from delaftaler.opfoelgning.rapport.context import hent_rapport
from delaftaler.opfoelgning.rapport.pdf import rapport_pdf_svar


def _opfoelgning(request: HttpRequest, helhedsplan: str, indsats: str, aar: int) -> Opfoelgning:
    return hent_til_visning(
        request,
        Opfoelgning.objects.select_related("delaftale__helhedsplan", "delaftale__indsatsomraade"),
        delaftale__helhedsplan__slug=helhedsplan,
        delaftale__indsatsomraade__slug=indsats,
        aar=aar,
    )


def rapport(request: HttpRequest, helhedsplan: str, indsats: str, aar: int) -> HttpResponse:
    visning = hent_rapport(_opfoelgning(request, helhedsplan, indsats, aar))
    pdf_url = reverse("delaftaler:rapport_pdf", args=[helhedsplan, indsats, aar])
    return render(
        request, "opfoelgning/rapport.html", {"v": visning, "pdf": False, "pdf_url": pdf_url}
    )


def rapport_pdf(request: HttpRequest, helhedsplan: str, indsats: str, aar: int) -> HttpResponse:
    return rapport_pdf_svar(request, _opfoelgning(request, helhedsplan, indsats, aar))
