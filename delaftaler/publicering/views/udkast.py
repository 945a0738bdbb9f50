"""The draft and its way to publication: for the helhedsplan's members only.

- the draft page: the draft against the published version (its classification with
  the changes that caused it, the comparison, a PDF and a page preview), the
  submissions to the bestyrelse, and the sekretariatsleder's actions (publish an
  administrative draft, submit a faglig one, withdraw a submission);
- a submission's page: what was submitted against the version it was based on, the
  secretariat's reasons, and the bestyrelse's decision (approve, send back);
- /udkast/: the person's helhedsplaner's drafts and pending submissions.

Access (as for history and comparison, views/historik.py):
- anonymous: to the login page;
- logged in, but not working on the helhedsplan (``Delaftale.objects.for_bruger``): 404;
- pages need ``delaftaler.view_delaftale``; publishing, submitting and withdrawing
  ``delaftaler.publicer_delaftale``; deciding ``delaftaler.godkend_delaftale``: 403
  otherwise. The services (publicering/services.py) check the permissions again.
- the actions answer POST only (405 otherwise) and carry the CSRF token.

A refused action (the draft changed since the page was shown, nothing to publish, a
faglig draft, a pending submission, a decision already made) re-renders the page with
the reason and the person's input, and a 409; nothing is done.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from delaftaler.adgang import kraev_medlem
from delaftaler.lib.forms import add_service_errors
from delaftaler.models import Bestyrelsesmoede, Delaftale, Indstilling, Version
from delaftaler.publicering import services as publicering
from delaftaler.publicering.comparison import byg_sammenligning
from delaftaler.publicering.forms import (
    GodkendForm,
    IndstilForm,
    PublicerForm,
    SendTilbageForm,
    TraekTilbageForm,
)
from delaftaler.publicering.mangler import blokerende, find_mangler
from delaftaler.visning.context import byg_visning, hent_udkast
from delaftaler.visning.pdf import cachet_pdf, noegle, pdf_html, pdf_svar
from delaftaler.visning.table import BoligomraadeFilter, IndikatorTabel

SE = "delaftaler.view_delaftale"
PUBLICER = "delaftaler.publicer_delaftale"
GODKEND = "delaftaler.godkend_delaftale"

KONFLIKT = 409


def _indstillinger(delaftale: Delaftale):
    """The delaftale's submissions without their snapshots, newest first."""
    return (
        delaftale.indstillinger.select_related("indsendt_af", "besluttet_af", "version", "moede")
        .defer("indhold", "version__indhold", "version__pdf")
        .order_by("-indsendt")
    )


def _udfoer(form: forms.Form, tjeneste: Callable[[dict], Any]) -> tuple[Any, int | None]:
    """The service run with the form's data: (its result, None), or (None, the status of
    the refusal) – 400 for the form's own errors, 409 for the service's refusal, whose
    reasons are added to the form. Nothing is done on a refusal."""
    if not form.is_valid():
        return None, 400
    try:
        return tjeneste(form.cleaned_data), None
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None, KONFLIKT


def _args(delaftale: Delaftale) -> list[str]:
    return [delaftale.helhedsplan.slug, delaftale.indsatsomraade.slug]


# --- The draft ------------------------------------------------------------------------------


def _som_beskeder(request: HttpRequest, form: forms.Form | None) -> None:
    """A refused form that the page no longer shows: its reasons and text as messages."""
    if form is None:
        return
    for fejl in form.errors.values():
        for besked in fejl:
            messages.error(request, besked)
    for navn, hvad in (("begrundelse", "begrundelse"), ("kommentar", "kommentar")):
        tekst = (form.data.get(form.add_prefix(navn)) or "").strip()
        if tekst:
            messages.info(request, f"Din {hvad} blev ikke gemt: »{tekst}«")


def _genvis(klasse, afvist: forms.Form | None, initial: dict) -> forms.Form:
    """A fresh form (with the draft's digest now), keeping the refused form's text and
    reasons if it is of this class. The confirmation is not kept: what it confirmed may
    have changed."""
    if not isinstance(afvist, klasse):
        return klasse(initial=initial)
    for navn in ("begrundelse", "kommentar"):
        if navn in afvist.fields:
            initial[navn] = afvist.data.get(afvist.add_prefix(navn), "")
    form = klasse(initial=initial)
    form._errors = afvist.errors
    return form


def _udkast_side(
    request: HttpRequest,
    delaftale: Delaftale,
    *,
    afvist: forms.Form | None = None,
    status: int = 200,
) -> HttpResponse:
    udkast = publicering.udkast_for(delaftale)
    indstillinger = list(_indstillinger(delaftale))
    afventer = next((i for i in indstillinger if i.afventer), None)
    kan_publicere = request.user.has_perm(PUBLICER)
    # The one action the page offers now, if any: submitting a faglig draft, else publishing.
    administrative = [a for a in udkast.aendringer if a.art == Version.Art.ADMINISTRATIV]
    # What is still missing (no queries: the draft is loaded); a new delaftale is not
    # offered to the board while something blocks (the service refuses it too).
    mangler = find_mangler(udkast.delaftale)
    holdes_tilbage = udkast.grundlag is None and bool(blokerende(mangler))
    klasse = None
    if kan_publicere and udkast.har_aendringer and afventer is None and not holdes_tilbage:
        klasse = IndstilForm if udkast.er_faglig else PublicerForm
    elif kan_publicere and afventer is not None and administrative:
        # The revision rule lets the secretariat publish these while the board decides.
        klasse = PublicerForm
    form = klasse and _genvis(klasse, afvist, {"udkast_sha256": udkast.sha256})
    if klasse is None or not isinstance(afvist, klasse):
        _som_beskeder(request, afvist)
    sammenligning = None
    if udkast.grundlag is not None:
        sammenligning = byg_sammenligning(
            udkast.grundlag.indhold,
            udkast.indhold,
            foer_navn=f"version {udkast.grundlag.nummer} (gældende)",
            efter_navn="udkastet",
        )
    return render(
        request,
        "publicering/udkast.html",
        {
            "delaftale": delaftale,
            "udkast": udkast,
            "gaeldende": udkast.grundlag,
            "administrative": administrative,
            "sammenligning": sammenligning,
            "indstillinger": indstillinger,
            "afventer": afventer,
            "aendret_siden_indstilling": afventer is not None
            and afventer.indhold_sha256 != udkast.sha256,
            "publicer_form": form if klasse is PublicerForm else None,
            "indstil_form": form if klasse is IndstilForm else None,
            "traek_form": TraekTilbageForm() if afventer and kan_publicere else None,
            "mangler": blokerende(mangler),
            "bemaerkninger": [m for m in mangler if not m.blokerer],
            "holdes_tilbage": holdes_tilbage,
        },
        status=status,
    )


@require_GET
@kraev_medlem(SE)
def udkast(request: HttpRequest, delaftale: Delaftale) -> HttpResponse:
    return _udkast_side(request, delaftale)


@require_GET
@kraev_medlem(SE)
def udkast_vis(request: HttpRequest, delaftale: Delaftale) -> HttpResponse:
    """The draft as the public page will show it once published."""
    visning = byg_visning(hent_udkast(delaftale))
    filter_form = BoligomraadeFilter(request.GET or None, omraader=visning.boligomraader)
    valgt = filter_form.valgt()
    return render(
        request,
        "publicering/udkast_vis.html",
        {
            "delaftale": delaftale,
            "v": visning,
            "tabel": IndikatorTabel(visning.tabelraekker(valgt)),
            "filter_form": filter_form,
            "filter_omraade": valgt,
            "udkast": True,
        },
    )


@require_GET
@kraev_medlem(SE)
def udkast_pdf(request: HttpRequest, delaftale: Delaftale) -> HttpResponse:
    """The draft as a PDF, »Udkast, ikke publiceret« in its version line; cached by content."""
    visning = byg_visning(hent_udkast(delaftale))
    tabel = IndikatorTabel(visning.raekker)
    digest = noegle(visning)
    return pdf_svar(
        request,
        digest=digest,
        filnavn=f"{visning.filnavn}_udkast",
        # Its own cache: a draft and a published version with the same content differ
        # in their version line.
        indhold=lambda: cachet_pdf(
            art="udkast", digest=digest, html=lambda: pdf_html(visning, tabel)
        ),
    )


@require_POST
@kraev_medlem(PUBLICER)
def publicer(request: HttpRequest, delaftale: Delaftale) -> HttpResponse:
    form = PublicerForm(request.POST)
    version, afvist = _udfoer(
        form,
        lambda data: publicering.version_publicer(
            delaftale=delaftale, bruger=request.user, udkast_sha256=data["udkast_sha256"]
        ),
    )
    if afvist:
        return _udkast_side(request, delaftale, afvist=form, status=afvist)
    messages.success(
        request,
        f"De administrative ændringer er publiceret som version {version.nummer}. "
        f"Delaftalen her og dens PDF viser nu den gældende version af {version.dato_tekst}.",
    )
    return redirect(delaftale.get_absolute_url())


@require_POST
@kraev_medlem(PUBLICER)
def indstil(request: HttpRequest, delaftale: Delaftale) -> HttpResponse:
    form = IndstilForm(request.POST)
    indstilling, afvist = _udfoer(
        form,
        lambda data: publicering.udkast_indstil(
            delaftale=delaftale,
            bruger=request.user,
            begrundelse=data["begrundelse"],
            udkast_sha256=data["udkast_sha256"],
        ),
    )
    if afvist:
        return _udkast_side(request, delaftale, afvist=form, status=afvist)
    messages.success(
        request,
        "De faglige ændringer er sendt til bestyrelsen. Den gældende version er uændret, "
        "indtil bestyrelsen har godkendt dem.",
    )
    return redirect("delaftaler:indstilling", *_args(delaftale), indstilling.pk)


# --- A submission to the bestyrelse -----------------------------------------------------------


def _hent_indstilling(delaftale: Delaftale, pk: int) -> Indstilling:
    indstilling = get_object_or_404(
        delaftale.indstillinger.select_related("grundlag", "indsendt_af", "besluttet_af", "moede")
        .prefetch_related(Prefetch("version", queryset=Version.objects.uden_indhold()))
        .defer("grundlag__pdf"),
        pk=pk,
    )
    indstilling.delaftale = delaftale
    return indstilling


def _indstilling_side(
    request: HttpRequest,
    indstilling: Indstilling,
    *,
    afvist: forms.Form | None = None,
    status: int = 200,
) -> HttpResponse:
    delaftale = indstilling.delaftale
    # Four eyes: the page does not offer a decision the service would refuse.
    egen = indstilling.afventer and indstilling.er_indsendt_af(request.user)
    kan_beslutte = indstilling.afventer and request.user.has_perm(GODKEND) and not egen
    kan_traekke = indstilling.afventer and request.user.has_perm(PUBLICER)

    def form(klasse, prefix=None, **kw):
        """The refused form as it was sent, or a fresh one."""
        return afvist if isinstance(afvist, klasse) else klasse(prefix=prefix, **kw)

    if kan_beslutte:
        # The plan's meetings, read once for both forms.
        moeder = Bestyrelsesmoede.forslag(delaftale.helhedsplan)
        godkend_form = form(GodkendForm, "godkend")
        tilbage_form = form(SendTilbageForm, "tilbage")
        for f in (godkend_form, tilbage_form):
            f.fields["moede"].saet_forslag(moeder)
    else:
        godkend_form = tilbage_form = None
    traek_form = form(TraekTilbageForm) if kan_traekke else None
    if afvist is not None and afvist not in (godkend_form, tilbage_form, traek_form):
        _som_beskeder(request, afvist)
    grundlag = indstilling.grundlag
    return render(
        request,
        "publicering/indstilling.html",
        {
            "delaftale": delaftale,
            "indstilling": indstilling,
            "version": getattr(indstilling, "version", None),
            # A new delaftale has nothing to be compared with.
            "sammenligning": grundlag
            and byg_sammenligning(
                grundlag.indhold,
                indstilling.indhold,
                foer_navn=f"version {grundlag.nummer}",
                efter_navn="den indstillede ændring",
            ),
            "godkend_form": godkend_form,
            "tilbage_form": tilbage_form,
            "traek_form": traek_form,
            "egen_indsendelse": egen and request.user.has_perm(GODKEND),
        },
        status=status,
    )


@require_GET
@kraev_medlem(SE)
def indstilling(request: HttpRequest, delaftale: Delaftale, pk: int) -> HttpResponse:
    return _indstilling_side(request, _hent_indstilling(delaftale, pk))


@require_POST
@kraev_medlem(GODKEND)
def godkend(request: HttpRequest, delaftale: Delaftale, pk: int) -> HttpResponse:
    indstilling = _hent_indstilling(delaftale, pk)
    form = GodkendForm(request.POST, prefix="godkend")
    version, afvist = _udfoer(
        form,
        lambda data: publicering.indstilling_godkend(
            indstilling=indstilling,
            bruger=request.user,
            kommentar=data["kommentar"],
            moede_dato=data["moede"],
        ),
    )
    if afvist:
        return _efter_afvisning(request, delaftale, pk, form, afvist)
    messages.success(
        request,
        f"Ændringen er godkendt og publiceret som version {version.nummer}. Delaftalen her "
        "og dens PDF viser nu den gældende version, godkendt af bestyrelsen på mødet "
        f"{indstilling.moede.dato_tekst}.",
    )
    return redirect(delaftale.get_absolute_url())


@require_POST
@kraev_medlem(GODKEND)
def send_tilbage(request: HttpRequest, delaftale: Delaftale, pk: int) -> HttpResponse:
    indstilling = _hent_indstilling(delaftale, pk)
    form = SendTilbageForm(request.POST, prefix="tilbage")
    _, afvist = _udfoer(
        form,
        lambda data: publicering.indstilling_send_tilbage(
            indstilling=indstilling,
            bruger=request.user,
            kommentar=data["kommentar"],
            moede_dato=data["moede"],
        ),
    )
    if afvist:
        return _efter_afvisning(request, delaftale, pk, form, afvist)
    messages.success(
        request,
        "Ændringen er sendt tilbage til sekretariatet med din kommentar. Den gældende version "
        "er uændret.",
    )
    return redirect("delaftaler:indstilling", *_args(delaftale), pk)


@require_POST
@kraev_medlem(PUBLICER)
def traek_tilbage(request: HttpRequest, delaftale: Delaftale, pk: int) -> HttpResponse:
    indstilling = _hent_indstilling(delaftale, pk)
    form = TraekTilbageForm(request.POST)
    _, afvist = _udfoer(
        form,
        lambda data: publicering.indstilling_traek_tilbage(
            indstilling=indstilling, bruger=request.user
        ),
    )
    if afvist:
        return _efter_afvisning(request, delaftale, pk, form, afvist)
    messages.success(
        request,
        "Indstillingen er trukket tilbage. Udkastet kan rettes og sendes til bestyrelsen igen.",
    )
    return redirect("delaftaler:udkast", *_args(delaftale))


def _efter_afvisning(
    request: HttpRequest, delaftale: Delaftale, pk: int, form: forms.Form, status: int
) -> HttpResponse:
    """The submission page again, as it is now (e.g. decided by someone else), with the
    refused form's reasons and the person's text."""
    indstilling = _hent_indstilling(delaftale, pk)
    return _indstilling_side(request, indstilling, afvist=form, status=status)


# --- Every draft the person works on ----------------------------------------------------------


@require_GET
@login_required
@permission_required(SE, raise_exception=True)
def udkast_oversigt(request: HttpRequest) -> HttpResponse:
    """The person's helhedsplaner: each delaftale's draft and its pending submission."""
    delaftaler = list(
        Delaftale.objects.for_bruger(request.user)
        .select_related("helhedsplan", "indsatsomraade")
        .order_by("helhedsplan__navn", "indsatsomraade__raekkefoelge", "indsatsomraade__navn")
    )
    pr_pk = {u.delaftale.pk: u for u in publicering.udkast_for_alle(delaftaler)}
    afventer = {
        i.delaftale_id: i
        for i in Indstilling.objects.filter(
            delaftale__in=delaftaler, status=Indstilling.Status.AFVENTER
        )
        .select_related("indsendt_af")
        .defer("indhold")
    }
    raekker = [(d, pr_pk[d.pk], afventer.get(d.pk)) for d in delaftaler]
    return render(
        request,
        "publicering/udkast_oversigt.html",
        {"raekker": raekker, "afventende": [(d, i) for d, _, i in raekker if i is not None]},
    )
