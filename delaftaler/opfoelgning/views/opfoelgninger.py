"""The yearly follow-up for staff: the list of follow-ups, the entry grid, and the steps
of the workflow (send, approve, reopen); commenting is on the report (views/rapport.py).

Every page needs a login; what a person may do is decided by their permissions (the
groups in delaftaler/roller.py) and checked before anything is looked up, so a board
member asking for the entry grid gets 403 whatever the year. The services in
delaftaler/opfoelgning/services.py and indikatorer/maalinger.py check again.

Then the helhedsplan: a person works only on the follow-ups of the helhedsplaner they
are a member of (delaftaler/adgang.py). Another plan's draft or sent year is a 404, as
if it did not exist; its approved years are public, so working on one is a 403, and so
is another plan's list of years.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from delaftaler.adgang import IKKE_MEDLEM, INGEN_ADGANG, hent_til_redigering, med_medlemskab
from delaftaler.kalender import (
    Art,
    frister,
    med_kalender,
    naeste_moeder,
    opfoelgningsfrister,
    som_punkter,
)
from delaftaler.lib.formdata import felter_hoejst
from delaftaler.lib.forms import add_service_errors
from delaftaler.models import (
    Delaftale,
    Helhedsplan,
    Opfoelgning,
    OpfoelgningHaendelse,
)
from delaftaler.opfoelgning.forms import BekraeftForm, GenaabenForm, GodkendForm, OpretForm
from delaftaler.opfoelgning.grid import byg_gitter, valider_gitter
from delaftaler.opfoelgning.rapport.pdf import render_rapport_pdf
from delaftaler.opfoelgning.services import (
    INDTAST,
    indtastning_gem,
    opfoelgning_genaaben,
    opfoelgning_godkend,
    opfoelgning_opret,
    opfoelgning_send,
)

SE = "delaftaler.view_opfoelgning"


def kraever(*perms: str):
    """Staff with every permission given: anonymous → the login page, others → 403."""

    def dekorator(view):
        @wraps(view)
        def indpakket(request: HttpRequest, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not (request.user.is_active and request.user.is_staff):
                raise PermissionDenied("Siden er kun for sekretariatet og bestyrelsen.")
            if not request.user.has_perms(perms):
                raise PermissionDenied(INGEN_ADGANG)
            return view(request, *args, **kwargs)

        return indpakket

    return dekorator


def _opfoelgninger():
    haendelser = OpfoelgningHaendelse.objects.select_related("bruger", "moede")
    return Opfoelgning.objects.select_related(
        "delaftale__helhedsplan", "delaftale__indsatsomraade"
    ).prefetch_related(Prefetch("haendelser", queryset=haendelser, to_attr="haendelse_liste"))


def _hent(request: HttpRequest, helhedsplan: str, indsats: str, aar: int) -> Opfoelgning:
    return hent_til_redigering(
        request,
        _opfoelgninger(),
        delaftale__helhedsplan__slug=helhedsplan,
        delaftale__indsatsomraade__slug=indsats,
        aar=aar,
    )


def _seneste(opfoelgning: Opfoelgning, handling: str) -> OpfoelgningHaendelse | None:
    """The latest event of a kind, from the prefetched list."""
    fundne = [h for h in opfoelgning.haendelse_liste if h.handling == handling]
    return fundne[-1] if fundne else None


def _med_datoer(opfoelgninger) -> list[Opfoelgning]:
    Handling = OpfoelgningHaendelse.Handling
    liste = list(opfoelgninger)
    for o in liste:
        o.sidst_sendt = _seneste(o, Handling.SENDT)
        o.sidst_godkendt = _seneste(o, Handling.GODKENDT)
        o.sidst_genaabnet = _seneste(o, Handling.GENAABNET)
    return liste


def _argumenter(opfoelgning: Opfoelgning) -> list:
    d = opfoelgning.delaftale
    return [d.helhedsplan.slug, d.indsatsomraade.slug, opfoelgning.aar]


# --- Lists -----------------------------------------------------------------------------------


@kraever(SE)
def oversigt(request: HttpRequest) -> HttpResponse:
    """Every follow-up the person may see in the helhedsplaner they work on, and the
    follow-up calendar: deadlines, the boards' next meetings and, for the secretariat,
    every delaftale with the due years not created yet (each with its »Opret« button)."""
    bruger = request.user
    opfoelgninger = _med_datoer(
        _opfoelgninger()
        .synlige_for(bruger)
        .for_bruger(bruger)
        .order_by("delaftale__helhedsplan__navn", "delaftale__indsatsomraade__raekkefoelge", "-aar")
    )
    idag = timezone.localdate()
    planer = list(Helhedsplan.objects.for_bruger(bruger))
    delaftaler = list(
        med_kalender(Delaftale.objects.filter(helhedsplan__in=planer)).order_by(
            "helhedsplan__navn", "indsatsomraade__raekkefoelge", "indsatsomraade__navn"
        )
    )
    sekretariat = bruger.has_perm("delaftaler.send_opfoelgning")
    ikke_oprettet = []
    if bruger.has_perm("delaftaler.add_opfoelgning"):
        for d in delaftaler:
            mangler = [f for f in opfoelgningsfrister(d, idag) if f.opfoelgning is None]
            ikke_oprettet.append((d, som_punkter(mangler, idag)))
    return render(
        request,
        "opfoelgning/oversigt.html",
        {
            "opfoelgninger": opfoelgninger,
            "idag": idag,
            # The secretariat's deadlines are its years; the board's only the periods' ends
            # (what is not sent yet is the secretariat's work).
            "frister": som_punkter(
                [f for f in frister(delaftaler, idag) if sekretariat or f.art is Art.PERIODE_SLUT],
                idag,
            ),
            "moeder": naeste_moeder(planer, idag),
            "ikke_oprettet": ikke_oprettet,
        },
    )


@kraever(SE)
def liste(request: HttpRequest, helhedsplan: str, indsats: str) -> HttpResponse:
    """The years of one delaftale; the secretariat creates a new year here."""
    delaftale = get_object_or_404(
        med_medlemskab(
            Delaftale.objects.select_related("helhedsplan", "indsatsomraade"),
            request.user,
            "helhedsplan",
        ),
        helhedsplan__slug=helhedsplan,
        indsatsomraade__slug=indsats,
    )
    if not delaftale.er_medlem:
        if not delaftale.versioner.exists():  # never published: not public either
            raise Http404("Delaftalen findes ikke.")
        raise PermissionDenied(IKKE_MEDLEM)
    kan_oprette = request.user.has_perm("delaftaler.add_opfoelgning")
    if request.method == "POST" and not kan_oprette:
        raise PermissionDenied("Du kan ikke oprette opfølgninger.")
    opfoelgninger = _med_datoer(
        _opfoelgninger().synlige_for(request.user).filter(delaftale=delaftale)
    )
    form = None
    if request.method == "POST":
        form = OpretForm(request.POST, delaftale=delaftale)
        if form.is_valid():
            try:
                opfoelgning = opfoelgning_opret(
                    delaftale=delaftale, aar=form.cleaned_data["aar"], bruger=request.user
                )
            except ValidationError as exc:
                add_service_errors(form, exc, field_for_all="aar")
            else:
                messages.success(request, f"Opfølgningen for {opfoelgning.aar} er oprettet.")
                return redirect(
                    "delaftaler:opfoelgning_indtast", helhedsplan, indsats, opfoelgning.aar
                )
    elif kan_oprette:
        form = OpretForm(
            delaftale=delaftale, initial={"aar": _foreslaaet_aar(delaftale, opfoelgninger)}
        )
    return render(
        request,
        "opfoelgning/liste.html",
        {"delaftale": delaftale, "opfoelgninger": opfoelgninger, "form": form},
    )


def _foreslaaet_aar(delaftale: Delaftale, opfoelgninger: list[Opfoelgning]) -> int:
    """The year after the latest follow-up, within the delaftale's period."""
    fra, til = delaftale.gyldig_fra.year, delaftale.gyldig_til.year
    naeste = max((o.aar + 1 for o in opfoelgninger), default=timezone.localdate().year - 1)
    return min(max(naeste, fra), til)


# --- The entry grid --------------------------------------------------------------------------


# Each grid row posts ~10 fields: a delaftale ten times Vejle's (170 rows) posts ~1 800.
@felter_hoejst(10_000)
@kraever(*INDTAST)
def indtast(request: HttpRequest, helhedsplan: str, indsats: str, aar: int) -> HttpResponse:
    """One page for a delaftale's year: every value, the delmål and the activities."""
    opfoelgning = _hent(request, helhedsplan, indsats, aar)
    status = 200
    afviste = 0
    if request.method == "POST" and opfoelgning.er_laast:
        gitter = byg_gitter(opfoelgning)
        gitter.fejl.append(opfoelgning.laast_tekst)
        status = 409
    elif request.method == "POST":
        gitter = byg_gitter(opfoelgning, request.POST)
        indtastning = valider_gitter(gitter)
        if indtastning is not None:
            try:
                afvist = indtastning_gem(
                    opfoelgning=opfoelgning,
                    raekker=indtastning.raekker,
                    erstattede=indtastning.erstattede,
                    delmaal_status=indtastning.delmaal_status,
                    aktivitet_status=indtastning.aktivitet_status,
                    laest=indtastning.laest,
                    bruger=request.user,
                )
            except ValidationError as exc:
                gitter.fejl += exc.messages
            else:
                antal = len(indtastning.raekker) - len(afvist.raekker)
                gemt = f"{antal} {'værdi' if antal == 1 else 'værdier'}"
                konflikter = indtastning.konflikter | indtastning.praefikser(
                    [*afvist.raekker, *afvist.delmaal_status, *afvist.aktivitet_status]
                )
                if not konflikter:
                    messages.success(request, f"Opfølgningen for {aar} er gemt ({gemt}).")
                    return redirect("delaftaler:opfoelgning_indtast", helhedsplan, indsats, aar)
                # The rest is saved; the refused rows come back with what was typed.
                statusser = len(indtastning.delmaal_status) + len(indtastning.aktivitet_status)
                if antal:
                    messages.success(request, f"Resten af opfølgningen for {aar} er gemt ({gemt}).")
                elif statusser > len(afvist.delmaal_status) + len(afvist.aktivitet_status):
                    messages.success(request, f"Resten af opfølgningen for {aar} er gemt.")
                gitter = byg_gitter(opfoelgning, request.POST, konflikter=konflikter)
                afviste = len(konflikter)
                status = 409
    else:
        gitter = byg_gitter(opfoelgning)
    return render(
        request,
        "opfoelgning/indtast.html",
        {
            "opfoelgning": opfoelgning,
            "delaftale": opfoelgning.delaftale,
            "gitter": gitter,
            "grupper": gitter.grupper(),
            "fejlliste": gitter.fejlliste(),
            "laast": opfoelgning.er_laast,
            "afviste": afviste,
            "godkendt": _seneste(opfoelgning, OpfoelgningHaendelse.Handling.GODKENDT),
        },
        status=status,
    )


# --- The workflow's steps --------------------------------------------------------------------


def rapport_pdf(opfoelgning: Opfoelgning) -> bytes:
    """The report PDF frozen at approval (rendered by the report's own PDF machinery)."""
    return render_rapport_pdf(opfoelgning)


@dataclass(frozen=True)
class Handling:
    titel: str
    knap: str
    tekst: str
    succes: str
    form: type[forms.Form]
    udfoer: Callable[..., object]
    knap_klasse: str = "button-primary"


HANDLINGER = {
    "send": Handling(
        titel="Send til bestyrelsen",
        knap="Send til bestyrelsen",
        tekst="Bestyrelsen kan derefter se rapporten, kommentere delmålene og godkende "
        "opfølgningen. Rapporten fryses, som den ser ud nu: bestyrelsen godkender præcis "
        "det, den har set. Skal noget rettes, tager sekretariatet opfølgningen tilbage "
        "(genåbner den) med en begrundelse.",
        succes="Opfølgningen for {aar} er sendt til bestyrelsen.",
        form=BekraeftForm,
        udfoer=lambda o, data, bruger: opfoelgning_send(opfoelgning=o, bruger=bruger),
    ),
    "godkend": Handling(
        titel="Godkend opfølgningen",
        knap="Godkend",
        tekst="Godkendelsen låser året: rapportens PDF gemmes, som den ser ud nu, og tallene "
        "kan kun rettes, hvis sekretariatet genåbner året med en begrundelse.",
        succes="Opfølgningen for {aar} er godkendt, og året er låst.",
        form=GodkendForm,
        udfoer=lambda o, data, bruger: opfoelgning_godkend(
            opfoelgning=o,
            bruger=bruger,
            render_pdf=rapport_pdf,
            kommentar=data["kommentar"],
            moede_dato=data["moede"],
        ),
    ),
    "genaaben": Handling(
        titel="Genåbn opfølgningen",
        knap="Genåbn",
        tekst="Opfølgningen bliver en kladde igen, så tallene kan rettes. Genåbningen og "
        "begrundelsen vises i opfølgningens historik; tidligere godkendte PDF'er bevares.",
        succes="Opfølgningen for {aar} er genåbnet og kan rettes.",
        form=GenaabenForm,
        udfoer=lambda o, data, bruger: opfoelgning_genaaben(
            opfoelgning=o, bruger=bruger, begrundelse=data["begrundelse"]
        ),
        knap_klasse="button-secondary",
    ),
}


def _handling(request: HttpRequest, helhedsplan, indsats, aar, *, navn: str) -> HttpResponse:
    handling = HANDLINGER[navn]
    opfoelgning = _hent(request, helhedsplan, indsats, aar)
    kw = {"helhedsplan": opfoelgning.delaftale.helhedsplan} if handling.form is GodkendForm else {}
    if request.method == "POST":
        form = handling.form(request.POST, **kw)
        if form.is_valid():
            try:
                handling.udfoer(opfoelgning, form.cleaned_data, request.user)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, handling.succes.format(aar=aar))
                if navn == "godkend":  # back to the report the board read
                    return redirect("delaftaler:rapport", helhedsplan, indsats, aar)
                return redirect("delaftaler:opfoelgning_liste", helhedsplan, indsats)
    else:
        form = handling.form(**kw)
    return render(
        request,
        "opfoelgning/handling.html",
        {
            "opfoelgning": opfoelgning,
            "delaftale": opfoelgning.delaftale,
            "handling": handling,
            "navn": navn,
            "form": form,
            "action": reverse(f"delaftaler:opfoelgning_{navn}", args=_argumenter(opfoelgning)),
            # Four eyes: no approve button for the one who sent the year to the board.
            "egen_indsendelse": navn == "godkend" and opfoelgning.er_sendt_af(request.user),
        },
    )


@kraever("delaftaler.send_opfoelgning")
def send(request: HttpRequest, helhedsplan: str, indsats: str, aar: int) -> HttpResponse:
    return _handling(request, helhedsplan, indsats, aar, navn="send")


@kraever("delaftaler.godkend_opfoelgning")
def godkend(request: HttpRequest, helhedsplan: str, indsats: str, aar: int) -> HttpResponse:
    return _handling(request, helhedsplan, indsats, aar, navn="godkend")


@kraever("delaftaler.send_opfoelgning")
def genaaben(request: HttpRequest, helhedsplan: str, indsats: str, aar: int) -> HttpResponse:
    return _handling(request, helhedsplan, indsats, aar, navn="genaaben")
