"""The yearly follow-up report as a tagged PDF (PDF/UA-1), and the frozen PDF of an
approved year.

``render_rapport_pdf(opfoelgning)`` is what the approval service receives as its
``render_pdf`` callable: it renders the report as it stands (through the same
content-keyed cache as the page's PDF link) and returns the bytes, which approval then
keeps in a GodkendtRapport. From then on the PDF view serves exactly those bytes for
the approved year and never renders it again, whatever changes elsewhere.

Rendering reuses delaftaler.pdf: WeasyPrint with the fetcher that serves only our
static files, pdf.css for the pages and fonts. The charts go inline into the HTML as
SVG, as the fetcher serves no data: URLs.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from delaftaler.models import GodkendtRapport, Opfoelgning
from delaftaler.opfoelgning.rapport.context import RapportVisning, hent_rapport, rapport_filnavn
from delaftaler.visning import pdf

SKABELON = "opfoelgning/rapport_pdf.html"
PDF_SKABELONER = (SKABELON, "opfoelgning/_rapport.html")
STYLESHEETS = ("delaftaler/pdf.css", "delaftaler/rapport.css")


def rapport_pdf_html(visning: RapportVisning) -> str:
    # No request: the PDF (and its key) is the same for every reader.
    return render_to_string(SKABELON, {"v": visning, "pdf": True})


def noegle(visning: RapportVisning) -> str:
    """What the PDF is made from: the report's content and the code that renders it."""
    modul = Path(__file__).parent
    kode = pdf.kode_fingeraftryk(
        skabeloner=PDF_SKABELONER,
        stylesheets=STYLESHEETS,
        filer=(modul / "context.py", modul / "pdf.py", modul / "charts.py"),
    )
    return hashlib.sha256(
        f"{kode}:{importlib.metadata.version('matplotlib')}:{visning.fingeraftryk()}".encode()
    ).hexdigest()


def _render(visning: RapportVisning, digest: str) -> bytes:
    return pdf.cachet_pdf(art="rapport", digest=digest, html=lambda: rapport_pdf_html(visning))


def render_rapport_pdf(opfoelgning: Opfoelgning) -> bytes:
    """The report as it stands now, as PDF bytes. The approval service's render_pdf."""
    visning = hent_rapport(opfoelgning)
    return _render(visning, noegle(visning))


def seneste_godkendte(opfoelgning: Opfoelgning) -> GodkendtRapport | None:
    return (
        GodkendtRapport.objects.filter(opfoelgning=opfoelgning).order_by("-version").first()
        if opfoelgning.status == Opfoelgning.Status.GODKENDT
        else None
    )


def rapport_pdf_svar(request: HttpRequest, opfoelgning: Opfoelgning) -> HttpResponse:
    """An approved year: its frozen PDF, byte for byte. Otherwise the report as it stands."""
    godkendt = seneste_godkendte(opfoelgning)
    if godkendt is not None:
        return pdf.pdf_svar(
            request,
            digest=godkendt.sha256,
            filnavn=rapport_filnavn(opfoelgning),
            indhold=lambda: bytes(godkendt.pdf),
        )
    visning = hent_rapport(opfoelgning)
    digest = noegle(visning)
    return pdf.pdf_svar(
        request,
        digest=digest,
        filnavn=visning.filnavn,
        indhold=lambda: _render(visning, digest),
    )
