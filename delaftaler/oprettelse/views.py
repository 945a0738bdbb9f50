"""»Ny delaftale« (/udkast/ny/, ``delaftaler:ny_delaftale``): for those who may add
delaftaler (the secretariat and administrators; the board gets a 403), in the helhedsplaner
they work on. ``?helhedsplan=<slug>`` opens it for one plan: its period filled in and only
the indsatsområder it has no delaftale for offered. On success the person lands on the new
delaftale's draft page with its checklist."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from delaftaler.adgang import INGEN_ADGANG
from delaftaler.lib.forms import add_service_errors
from delaftaler.models import Helhedsplan
from delaftaler.oprettelse.forms import NyDelaftaleForm
from delaftaler.oprettelse.services import delaftale_opret

OPRET = "delaftaler.add_delaftale"


def _valgt_plan(request: HttpRequest) -> Helhedsplan | None:
    """The plan named by the address or the form, if the person works on it."""
    slug = request.POST.get("helhedsplan") or request.GET.get("helhedsplan")
    if not slug:
        return None
    return Helhedsplan.objects.for_bruger(request.user).filter(slug=str(slug)[:100]).first()


@require_http_methods(["GET", "POST"])
@login_required
def ny_delaftale(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(OPRET):
        raise PermissionDenied(INGEN_ADGANG)
    plan = _valgt_plan(request)
    initial = {}
    if plan is not None:
        initial = {
            "helhedsplan": plan.slug,
            "gyldig_fra": plan.gyldig_fra,
            "gyldig_til": plan.gyldig_til,
        }
    form = NyDelaftaleForm(
        request.POST if request.method == "POST" else None,
        bruger=request.user,
        helhedsplan=plan,
        initial=initial,
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                delaftale = delaftale_opret(
                    helhedsplan=data["helhedsplan"],
                    indsatsomraade=data["indsatsomraade"],
                    kilde=data["kilde"],
                    gyldig_fra=data["gyldig_fra"],
                    gyldig_til=data["gyldig_til"],
                    bruger=request.user,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                kilde = data["kilde"]
                messages.success(
                    request,
                    f"Delaftalen for {delaftale.indsatsomraade.navn} er oprettet som udkast"
                    + (f", kopieret fra {kilde}" if kilde else " med LBF's standardtekster")
                    + ". Herunder står, hvad der mangler, før den kan sendes til bestyrelsen.",
                )
                return redirect(
                    "delaftaler:udkast", delaftale.helhedsplan.slug, delaftale.indsatsomraade.slug
                )
    return render(
        request, "oprettelse/ny_delaftale.html", {"form": form, "plan": plan}, status=status
    )
