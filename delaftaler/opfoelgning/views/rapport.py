"""The yearly follow-up report: page and PDF, and the board's work on it.

Who sees which year is decided by Opfoelgning.objects.synlige_for(): everyone sees
approved years; in the helhedsplaner a person is a member of, the board also sees those
sent to it and the secretariat its drafts too. Anything else is a 404, so a draft's
existence is not given away – to other plans' staff neither.

The board reads a sent year here and works on it where it reads: under each delmål its
comments and a form to comment, a general comment for the whole year, and the approval
with the meeting it was taken at and an optional comment (posted to the approval step,
views/opfoelgninger.py). The comments are the board's working notes: the helhedsplan's
staff see them on the page; the public page and the PDF do not show them.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from delaftaler.adgang import hent_til_redigering, hent_til_visning, med_medlemskab
from delaftaler.lib.forms import add_service_errors
from delaftaler.models import Opfoelgning
from delaftaler.opfoelgning.forms import GodkendForm, KommentarForm
from delaftaler.opfoelgning.rapport.context import hent_rapport
from delaftaler.opfoelgning.rapport.pdf import rapport_pdf_svar
from delaftaler.opfoelgning.services import kommentar_tilfoej
from delaftaler.opfoelgning.views.opfoelgninger import kraever

KOMMENTER = "delaftaler.add_kommentar"
GODKEND = "delaftaler.godkend_opfoelgning"


def _opfoelgninger(request: HttpRequest):
    return med_medlemskab(
        Opfoelgning.objects.select_related("delaftale__helhedsplan", "delaftale__indsatsomraade"),
        request.user,
        "delaftale__helhedsplan",
    )


def _opslag(helhedsplan: str, indsats: str, aar: int) -> dict:
    return {
        "delaftale__helhedsplan__slug": helhedsplan,
        "delaftale__indsatsomraade__slug": indsats,
        "aar": aar,
    }


def _opfoelgning(request: HttpRequest, helhedsplan: str, indsats: str, aar: int) -> Opfoelgning:
    return hent_til_visning(request, _opfoelgninger(request), **_opslag(helhedsplan, indsats, aar))


def _args(opfoelgning: Opfoelgning) -> list:
    d = opfoelgning.delaftale
    return [d.helhedsplan.slug, d.indsatsomraade.slug, opfoelgning.aar]


def _rapport_side(
    request: HttpRequest,
    opfoelgning: Opfoelgning,
    *,
    kommentar_form: KommentarForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The report page; for the board while the year is with it, the forms to comment
    and approve (``kommentar_form``: a refused comment, shown with its errors under the
    delmål it was typed for). A refused approval is shown on the approval's own page."""
    bruger = request.user
    # The helhedsplan's own staff (the public, and other plans' staff, are not); they see
    # the numbers disclosure control hides from the public, marked.
    arbejder = bool(opfoelgning.er_medlem and bruger.is_active and bruger.is_staff)
    visning = hent_rapport(opfoelgning, offentlig=not arbejder)
    o = visning.opfoelgning
    hos_bestyrelsen = o.status == Opfoelgning.Status.SENDT
    args = _args(o)
    kommentar_url = godkend_url = godkend_form = None
    if arbejder and hos_bestyrelsen and bruger.has_perm(KOMMENTER):
        kommentar_url = reverse("delaftaler:opfoelgning_kommentar", args=args)
        afvist, kommentar_form = kommentar_form, None
        for d in visning.delmaal:
            noegle = KommentarForm.noegle_for(d.delmaal.pk)
            d.kommentar_form = KommentarForm(
                delaftale=o.delaftale, noegle=noegle, initial={"delmaal": d.delmaal.pk}
            )
            if afvist is not None and afvist.noegle == noegle:
                d.kommentar_form, afvist = afvist, None
        visning.generel_kommentar_form = KommentarForm(delaftale=o.delaftale)
        if afvist is not None and afvist.noegle == "alle":
            visning.generel_kommentar_form, afvist = afvist, None
        kommentar_form = afvist  # refused for a delmål not on the page
    if arbejder and hos_bestyrelsen and bruger.has_perm(GODKEND) and not o.er_sendt_af(bruger):
        godkend_url = reverse("delaftaler:opfoelgning_godkend", args=args)
        godkend_form = GodkendForm(helhedsplan=o.delaftale.helhedsplan)
    _som_beskeder(request, kommentar_form)
    pdf_url = reverse("delaftaler:rapport_pdf", args=args)
    return render(
        request,
        "opfoelgning/rapport.html",
        {
            "v": visning,
            "pdf": False,
            "pdf_url": pdf_url,
            "vis_kommentarer": arbejder,
            "kommentar_url": kommentar_url,
            "godkend_form": godkend_form,
            "godkend_url": godkend_url,
        },
        status=status,
    )


def _som_beskeder(request: HttpRequest, form) -> None:
    """A refused comment the page does not show (the year has left the board meanwhile,
    or no such delmål): its reasons as messages."""
    if form is not None:
        for fejl in form.errors.values():
            for besked in fejl:
                messages.error(request, besked)


def rapport(request: HttpRequest, helhedsplan: str, indsats: str, aar: int) -> HttpResponse:
    return _rapport_side(request, _opfoelgning(request, helhedsplan, indsats, aar))


def rapport_pdf(request: HttpRequest, helhedsplan: str, indsats: str, aar: int) -> HttpResponse:
    return rapport_pdf_svar(request, _opfoelgning(request, helhedsplan, indsats, aar))


@kraever(KOMMENTER)
def kommentar(request: HttpRequest, helhedsplan: str, indsats: str, aar: int) -> HttpResponse:
    """A board member's comment, posted from under a delmål of the report (or for the
    whole year); back to the same place with a message. A GET (the old comment page's
    address) goes to the report."""
    opfoelgning = hent_til_redigering(
        request,
        Opfoelgning.objects.select_related("delaftale__helhedsplan", "delaftale__indsatsomraade"),
        **_opslag(helhedsplan, indsats, aar),
    )
    rapport_url = reverse("delaftaler:rapport", args=[helhedsplan, indsats, aar])
    if request.method != "POST":
        return redirect(rapport_url)
    form = KommentarForm(
        request.POST, delaftale=opfoelgning.delaftale, noegle=_noegle(request.POST.get("delmaal"))
    )
    if form.is_valid():
        delmaal = form.cleaned_data["delmaal"]
        try:
            kommentar_tilfoej(
                opfoelgning=opfoelgning,
                bruger=request.user,
                tekst=form.cleaned_data["tekst"],
                delmaal=delmaal,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            hvad = "delmålet" if delmaal else "opfølgningen"
            messages.success(request, f"Din kommentar til {hvad} er gemt.")
            return redirect(f"{rapport_url}#kommentarer-{form.noegle}")
    return _rapport_side(request, opfoelgning, kommentar_form=form, status=400)


def _noegle(delmaal: str | None) -> str:
    """Which form on the page a posted comment belongs to (its errors are shown there)."""
    try:
        return KommentarForm.noegle_for(int(delmaal) if delmaal else None)
    except ValueError:  # not a delmål: shown as a message
        return "ukendt"
