"""»Indlæs delaftale fra Word« (/udkast/ny/word/, ``delaftaler:indlaes_word``).

For those who may add delaftaler, in the helhedsplaner they work on (the board gets a
403, as for »Ny delaftale«). The upload is read and shown section by section with what
the reading was unsure of and the text it could not place; the file waits (delaftaler/
lib/uploads.py) until the person confirms, and is read again then. Nothing is saved
before that.
"""

from __future__ import annotations

import os

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from delaftaler.adgang import INGEN_ADGANG
from delaftaler.lib.formatting import mb_tekst
from delaftaler.lib.uploads import VentendeUploads
from delaftaler.models import Helhedsplan
from delaftaler.oprettelse.forms import helhedsplan_felt
from delaftaler.word.safety import WordFejl, maks_bytes
from delaftaler.word.services import Gennemsyn, word_gennemse, word_indlaes

OPRET = "delaftaler.add_delaftale"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
UPLOADS = VentendeUploads("word_indlaesninger", ".docx")


class WordForm(forms.Form):
    helhedsplan = helhedsplan_felt()
    fil = forms.FileField(
        label="Word-dokument (.docx)",
        help_text="Delaftalen i LBF's skabelon, gemt som Word-dokument (.docx).",
        error_messages={"required": "Vælg en fil.", "empty": "Filen er tom."},
        widget=forms.ClearableFileInput(attrs={"accept": f".docx,{DOCX_MIME}"}),
    )

    def __init__(self, *args, bruger, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["helhedsplan"].queryset = Helhedsplan.objects.for_bruger(bruger).order_by(
            "navn"
        )

    def clean_fil(self) -> bytes:
        fil = self.cleaned_data["fil"]
        graense = maks_bytes()
        if fil.size > graense:
            raise forms.ValidationError(
                f"Filen fylder {mb_tekst(fil.size)} og må højst fylde {mb_tekst(graense)}. Gem "
                "dokumentet uden indsatte billeder, eller komprimér billederne i Word."
            )
        indhold = fil.read(graense + 1)
        if len(indhold) > graense:
            raise forms.ValidationError("Filen er for stor.")
        return indhold


def _side(request: HttpRequest, form: WordForm, fejl: str = "", status: int = 200):
    return render(
        request,
        "word/indlaes.html",
        {"form": form, "maks_mb": mb_tekst(maks_bytes()), "fejl": fejl},
        status=status,
    )


def _gennemsyn_side(request: HttpRequest, gennemsyn: Gennemsyn, token: str) -> HttpResponse:
    return render(
        request,
        "word/gennemsyn.html",
        {"g": gennemsyn, "token": token},
        status=200 if gennemsyn.kan_gemmes else 400,
    )


@require_http_methods(["GET", "POST"])
@login_required
def indlaes_word(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(OPRET):
        raise PermissionDenied(INGEN_ADGANG)
    if request.method == "GET":
        initial = {}
        slug = request.GET.get("helhedsplan")
        if slug:
            initial["helhedsplan"] = str(slug)[:100]
        return _side(request, WordForm(bruger=request.user, initial=initial))
    handling = request.POST.get("handling", "")
    if handling in ("bekraeft", "annuller"):
        return _bekraeft(request, handling)
    form = WordForm(request.POST, request.FILES, bruger=request.user)
    if not form.is_valid():
        return _side(request, form, status=400)
    plan = form.cleaned_data["helhedsplan"]
    indhold = form.cleaned_data["fil"]
    navn = os.path.basename(request.FILES["fil"].name or "")[:200]
    try:
        gennemsyn = word_gennemse(
            indhold=indhold, filnavn=navn, helhedsplan=plan, bruger=request.user
        )
    except WordFejl as exc:
        form.add_error("fil", str(exc))
        return _side(request, form, status=400)
    token = ""
    if gennemsyn.kan_gemmes:
        token = UPLOADS.gem(request, objekt=plan.pk, indhold=indhold, navn=navn)
    return _gennemsyn_side(request, gennemsyn, token)


def _bekraeft(request: HttpRequest, handling: str) -> HttpResponse:
    token = request.POST.get("token", "")
    plan = (
        Helhedsplan.objects.for_bruger(request.user)
        .filter(slug=str(request.POST.get("helhedsplan", ""))[:100])
        .first()
    )
    if handling == "annuller":
        UPLOADS.slet(request, token)
        messages.info(request, "Indlæsningen er annulleret. Intet er gemt.")
        return redirect("delaftaler:indlaes_word")
    indhold, navn = UPLOADS.hent(request, token, objekt=plan.pk) if plan else (None, None)
    if indhold is None:
        return _side(
            request,
            WordForm(bruger=request.user, initial={"helhedsplan": plan.slug if plan else ""}),
            fejl="Det indlæste dokument findes ikke længere (det venter højst en time). "
            "Intet er gemt. Indlæs dokumentet igen.",
            status=400,
        )
    try:
        delaftale = word_indlaes(
            indhold=indhold, filnavn=navn, helhedsplan=plan, bruger=request.user
        )
    except (ValidationError, WordFejl):
        # Changed since the review (a colleague imported or created the same delaftale):
        # nothing is written; the review is shown anew with what stands in the way.
        UPLOADS.slet(request, token)
        try:
            gennemsyn = word_gennemse(
                indhold=indhold, filnavn=navn, helhedsplan=plan, bruger=request.user
            )
        except WordFejl as exc:
            return _side(request, WordForm(bruger=request.user), fejl=str(exc), status=400)
        return _gennemsyn_side(request, gennemsyn, "")
    UPLOADS.slet(request, token)
    messages.success(
        request,
        f"Delaftalen for {delaftale.indsatsomraade.navn} er indlæst fra »{navn}« som udkast. "
        "Gennemse den, og ret det, der står herunder, før den sendes til bestyrelsen.",
    )
    return redirect("delaftaler:udkast", delaftale.helhedsplan.slug, delaftale.indsatsomraade.slug)
