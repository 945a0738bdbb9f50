"""The year's measurements in Excel: download the template, upload it filled in, export.

An upload is validated as a whole and shown as a preview before anything is written.
Between preview and confirmation the file waits under MAALINGER_UPLOAD_DIR, named by a
random token that is only valid in the session that uploaded it; confirming reads and
validates it again and saves every row in one transaction, or nothing.

Only for the members of the follow-up's helhedsplan (delaftaler/adgang.py): another
plan's draft or sent year is a 404; its approved years are public, but their
spreadsheets are the secretariat's work, so those are a 403.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from delaftaler.adgang import hent_til_redigering
from delaftaler.lib.formatting import mb_tekst
from delaftaler.lib.uploads import VentendeUploads
from delaftaler.models import Opfoelgning
from delaftaler.opfoelgning.excel.columns import XLSX_MIME
from delaftaler.opfoelgning.excel.export import maalinger_eksport
from delaftaler.opfoelgning.excel.reading import (
    Forhaandsvisning,
    laes_maalinger,
    maalinger_forhaandsvis,
)
from delaftaler.opfoelgning.excel.safety import UgyldigFil, maks_bytes
from delaftaler.opfoelgning.excel.template import skabelon
from indikatorer.maalinger import maalinger_gem
from indikatorer.models import Maaling
from indikatorer.tal import antal_decimaler, formater_tal

PERMS = ("indikatorer.add_maaling", "indikatorer.change_maaling")
UPLOADS = VentendeUploads("maalinger_indlaesninger", ".xlsx")
MAKS_VIST = 300


def kun_sekretariat(view):
    """Logged in, and allowed to add and change measurements; anyone else gets 403."""
    return login_required(permission_required(PERMS, raise_exception=True)(view))


def _opfoelgning(request: HttpRequest, helhedsplan: str, indsats: str, aar: int) -> Opfoelgning:
    return hent_til_redigering(
        request,
        Opfoelgning.objects.select_related("delaftale__helhedsplan", "delaftale__indsatsomraade"),
        delaftale__helhedsplan__slug=helhedsplan,
        delaftale__indsatsomraade__slug=indsats,
        aar=aar,
    )


def _filnavn(opfoelgning: Opfoelgning, hvad: str) -> str:
    plan = opfoelgning.delaftale.helhedsplan.slug.replace("-", "_")
    indsats = opfoelgning.delaftale.indsatsomraade.slug.replace("-", "_")
    return f"{hvad}_{plan}_{indsats}"


def _xlsx_svar(indhold: bytes, filnavn: str) -> HttpResponse:
    svar = HttpResponse(indhold, content_type=XLSX_MIME)
    svar["Content-Disposition"] = f'attachment; filename="{filnavn}.xlsx"'
    svar["Cache-Control"] = "private, no-store"
    return svar


@kun_sekretariat
@require_http_methods(["GET", "HEAD"])
def maalinger_skabelon(request: HttpRequest, helhedsplan: str, indsats: str, aar: int):
    opfoelgning = _opfoelgning(request, helhedsplan, indsats, aar)
    return _xlsx_svar(skabelon(opfoelgning), _filnavn(opfoelgning, f"Maalinger_{aar}_skabelon"))


@kun_sekretariat
@require_http_methods(["GET", "HEAD"])
def maalinger_eksport_view(request: HttpRequest, helhedsplan: str, indsats: str, aar: int):
    opfoelgning = _opfoelgning(request, helhedsplan, indsats, aar)
    indhold = maalinger_eksport(
        opfoelgning.delaftale,
        opfoelgninger=Opfoelgning.objects.synlige_for(request.user).filter(
            delaftale=opfoelgning.delaftale
        ),
    )
    return _xlsx_svar(indhold, _filnavn(opfoelgning, "Maalinger"))


# --- Upload, preview, confirm -----------------------------------------------------------


class UploadForm(forms.Form):
    fil = forms.FileField(
        label="Excel-fil (.xlsx)",
        help_text="Skabelonen udfyldt, eller et ark med kolonnerne Indikator, Boligområde, "
        "Periode, Værdi og evt. Kilde.",
        error_messages={"required": "Vælg en fil.", "empty": "Filen er tom."},
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{XLSX_MIME}"}),
    )

    def clean_fil(self) -> bytes:
        fil = self.cleaned_data["fil"]
        graense = maks_bytes()
        if fil.size > graense:
            raise forms.ValidationError(
                f"Filen fylder {mb_tekst(fil.size)} og må højst fylde {mb_tekst(graense)}. "
                "Del arket op i flere filer."
            )
        indhold = fil.read(graense + 1)
        if len(indhold) > graense:
            raise forms.ValidationError("Filen er for stor.")
        return indhold


@kun_sekretariat
@require_http_methods(["GET", "POST"])
def maalinger_indlaes(request: HttpRequest, helhedsplan: str, indsats: str, aar: int):
    opfoelgning = _opfoelgning(request, helhedsplan, indsats, aar)
    kontekst = {
        "o": opfoelgning,
        "d": opfoelgning.delaftale,
        "laast": opfoelgning.er_laast,
        "maks_mb": mb_tekst(maks_bytes()),
    }
    if request.method == "GET":
        return render(request, "opfoelgning/indlaes.html", {**kontekst, "form": UploadForm()})
    handling = request.POST.get("handling", "")
    if handling in ("bekraeft", "annuller"):
        return _bekraeft(request, opfoelgning, kontekst, handling)
    form = UploadForm(request.POST, request.FILES)
    if opfoelgning.er_laast:
        return render(request, "opfoelgning/indlaes.html", {**kontekst, "form": UploadForm()})
    if not form.is_valid():
        return render(request, "opfoelgning/indlaes.html", {**kontekst, "form": form})
    indhold = form.cleaned_data["fil"]
    navn = os.path.basename(request.FILES["fil"].name or "")
    try:
        visning = maalinger_forhaandsvis(indhold, opfoelgning=opfoelgning)
    except UgyldigFil as exc:
        form.add_error("fil", str(exc))
        return render(request, "opfoelgning/indlaes.html", {**kontekst, "form": form})
    token = (
        UPLOADS.gem(request, objekt=opfoelgning.pk, indhold=indhold, navn=navn)
        if visning.kan_gemmes
        else ""
    )
    return _preview(request, kontekst, visning, navn, token)


def _bekraeft(request: HttpRequest, opfoelgning: Opfoelgning, kontekst: dict, handling: str):
    token = request.POST.get("token", "")
    if handling == "annuller":
        UPLOADS.slet(request, token)
        messages.info(request, "Indlæsningen er annulleret. Intet er gemt.")
        return redirect(request.path)
    indhold, navn = UPLOADS.hent(request, token, objekt=opfoelgning.pk)
    if indhold is None:
        fejl = (
            "Den indlæste fil findes ikke længere (den venter højst en time). Intet er "
            "gemt. Indlæs filen igen."
        )
        return render(
            request, "opfoelgning/indlaes.html", {**kontekst, "form": UploadForm(), "fejl": fejl}
        )
    if opfoelgning.er_laast:
        UPLOADS.slet(request, token)
        return render(request, "opfoelgning/indlaes.html", {**kontekst, "form": UploadForm()})
    try:
        indl = laes_maalinger(indhold, opfoelgning=opfoelgning)
    except UgyldigFil as exc:  # cannot happen for a file that passed, unless code changed
        UPLOADS.slet(request, token)
        return render(
            request,
            "opfoelgning/indlaes.html",
            {**kontekst, "form": UploadForm(), "fejl": str(exc)},
        )
    if not indl.fejl:
        try:
            plan = maalinger_gem(opfoelgning=opfoelgning, raekker=indl.raekker, bruger=request.user)
        except ValidationError:
            pass
        else:
            UPLOADS.slet(request, token)
            messages.success(
                request,
                f"{len(plan.nye)} {'måling' if len(plan.nye) == 1 else 'målinger'} er "
                f"oprettet og {len(plan.aendrede)} ændret fra filen »{navn}«; "
                f"{plan.uaendrede} var {'uændret' if plan.uaendrede == 1 else 'uændrede'}.",
            )
            return redirect(request.path)
    # Something changed since the preview (e.g. the year was approved, or a colleague
    # saved the same numbers): nothing is written; show the preview anew, with its errors.
    UPLOADS.slet(request, token)
    opfoelgning.refresh_from_db()
    visning = maalinger_forhaandsvis(indhold, opfoelgning=opfoelgning)
    return _preview(request, {**kontekst, "laast": opfoelgning.er_laast}, visning, navn, "")


# --- The preview ------------------------------------------------------------------------


@dataclass
class Aendring:
    maaling: Maaling
    felt: str
    foer: str
    efter: str


FELT_TEKST = {
    "vaerdi": "Værdi",
    "ikke_tilgaengelig": "Ikke tilgængelig",
    "begrundelse": "Begrundelse",
    "sammenligning": "Sammenligning",
    "sammenligning_label": "Sammenligning gælder",
    "datakilde": "Datakilde",
    "udtrukket": "Data udtrukket",
    "note": "Note",
}


def _tekst(vaerdi, decimaler: int | None = None) -> str:
    if vaerdi is None or vaerdi == "":
        return "(tom)"
    if isinstance(vaerdi, bool):
        return "Ja" if vaerdi else "Nej"
    if isinstance(vaerdi, Decimal):
        return formater_tal(vaerdi, antal_decimaler(vaerdi) if decimaler is None else decimaler)
    if isinstance(vaerdi, date):
        return f"{vaerdi:%d.%m.%Y}"
    tekst = str(vaerdi)
    return tekst if len(tekst) <= 120 else tekst[:119] + "…"


def _aendringer(aendrede: list[tuple[Maaling, dict]], indikatorer: dict) -> list[Aendring]:
    """One line per changed field; a number and its decimals are one change (11,3 → 11,30)."""
    linjer = []
    for maaling, forskelle in aendrede:
        maaling.indikator = indikatorer[maaling.indikator_id]  # known already: no query
        for felt, navn in FELT_TEKST.items():
            dec_felt = f"{felt}_decimaler"
            if felt not in forskelle and dec_felt not in forskelle:
                continue
            foer, efter = forskelle.get(felt, (getattr(maaling, felt), getattr(maaling, felt)))
            if dec_felt in forskelle:
                foer_dec, efter_dec = forskelle[dec_felt]
            else:
                foer_dec = efter_dec = getattr(maaling, dec_felt, None)
            enhed = maaling.indikator.formater
            if isinstance(foer, Decimal) or isinstance(efter, Decimal):
                foer_tekst = enhed(foer, foer_dec) if foer is not None else "(tom)"
                efter_tekst = enhed(efter, efter_dec) if efter is not None else "(tom)"
            else:
                foer_tekst, efter_tekst = _tekst(foer), _tekst(efter)
            linjer.append(Aendring(maaling, navn, foer_tekst, efter_tekst))
    return linjer


def _preview(request, kontekst: dict, visning: Forhaandsvisning, navn: str, token: str):
    indl, plan = visning.indlaesning, visning.plan
    kilder = {r.noegle: r.kilde for r in indl.raekker}
    nye = [(m, kilder.get(_noegle(m), "")) for m in plan.nye[:MAKS_VIST]]
    indikatorer = {r.indikator.pk: r.indikator for r in indl.raekker}
    aendringer = _aendringer(plan.aendrede[:MAKS_VIST], indikatorer)
    return render(
        request,
        "opfoelgning/indlaes_preview.html",
        {
            **kontekst,
            "navn": navn,
            "token": token,
            "v": visning,
            "indl": indl,
            "plan": plan,
            "fejl": visning.fejl[:MAKS_VIST],
            "flere_fejl": max(0, len(visning.fejl) - MAKS_VIST),
            "nye": nye,
            "flere_nye": max(0, len(plan.nye) - MAKS_VIST),
            "aendringer": aendringer,
            "flere_aendrede": max(0, len(plan.aendrede) - MAKS_VIST),
        },
    )


def _noegle(m: Maaling) -> tuple:
    return (m.indikator.pk, *m.sted_noegle, m.periode)
