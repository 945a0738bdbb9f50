"""History, comparison and restore: for the helhedsplan's members only.

- anonymous: to the login page;
- logged in, but not working on the helhedsplan: 404 (as if the delaftale had no draft);
- history and comparison need ``delaftaler.view_delaftale`` (the bestyrelse has it);
  restore needs ``delaftaler.change_delaftale``: 403 otherwise.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from delaftaler.adgang import kraev_medlem
from delaftaler.lib.formatting import formater_tidspunkt
from delaftaler.models import Delaftale, Indstilling, Version
from delaftaler.publicering.comparison import byg_sammenligning
from delaftaler.publicering.history import fra_tidskode, hent_historik, snapshot_pr
from delaftaler.publicering.restore import version_gendan
from delaftaler.snapshot import Snapshot, tag_snapshot
from delaftaler.visning.context import hent_udkast

UDKAST = "udkast"


def sammenlign_url(delaftale: Delaftale, fra: str, til: str) -> str:
    url = reverse(
        "delaftaler:sammenlign", args=[delaftale.helhedsplan.slug, delaftale.indsatsomraade.slug]
    )
    return f"{url}?{urlencode({'fra': fra, 'til': til})}"


@require_GET
@kraev_medlem("delaftaler.view_delaftale")
def historik(request: HttpRequest, delaftale: Delaftale) -> HttpResponse:
    h = hent_historik(delaftale, side=request.GET.get("side") or 1)
    return render(request, "publicering/historik.html", {"delaftale": delaftale, "historik": h})


# --- Comparison ---------------------------------------------------------------------------


class SammenlignForm(forms.Form):
    fra = forms.ChoiceField(label="Sammenlign fra")
    til = forms.ChoiceField(label="med")

    def __init__(self, *args, valg: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        for felt in self.fields.values():
            felt.choices = valg
            felt.error_messages["invalid_choice"] = "Vælg en version fra listen."
            felt.widget.attrs["class"] = "form-select"


def _tid_tekst(tid) -> str:
    """A moment of the history, to the second: two steps are often in the same minute."""
    return formater_tidspunkt(tid, sekunder=True)


def _valg(
    versioner: list[Version], indstillinger: list[Indstilling], data: dict
) -> list[tuple[str, str]]:
    valg = [(UDKAST, "Udkastet (som det står nu)")]
    valg += [
        (f"v{v.nummer}", f"Version {v.nummer} ({v.dato_tekst}, {v.get_art_display().lower()})")
        for v in versioner
    ]
    valg += [
        (
            f"i{i.pk}",
            f"Indstilling til bestyrelsen af {i.dato_tekst} ({i.get_status_display().lower()})",
        )
        for i in indstillinger
    ]
    # A moment of the history, chosen on the history page, is offered as itself.
    for felt in ("fra", "til"):
        kode = data.get(felt, "")
        tid = fra_tidskode(kode)
        if tid is not None and kode not in {k for k, _ in valg}:
            valg.append((kode, f"Historikken pr. {_tid_tekst(tid)}"))
    return valg


def _side(
    delaftale: Delaftale,
    kode: str,
    versioner: dict[str, Version],
    indstillinger: dict[str, Indstilling],
) -> tuple[Snapshot | None, str]:
    """The snapshot a choice names and how the comparison calls it."""
    if kode == UDKAST:
        return tag_snapshot(hent_udkast(delaftale)), "udkastet"
    if kode in versioner:
        v = versioner[kode]
        indhold = Version.objects.values_list("indhold", flat=True).get(pk=v.pk)
        return indhold, f"version {v.nummer} ({v.dato_tekst})"
    if kode in indstillinger:
        i = indstillinger[kode]
        indhold = Indstilling.objects.values_list("indhold", flat=True).get(pk=i.pk)
        return indhold, f"indstillingen til bestyrelsen af {i.dato_tekst}"
    tid = fra_tidskode(kode)
    return snapshot_pr(delaftale, tid), f"historikken pr. {_tid_tekst(tid)}"


@require_GET
@kraev_medlem("delaftaler.view_delaftale")
def sammenlign(request: HttpRequest, delaftale: Delaftale) -> HttpResponse:
    versioner = list(delaftale.versioner.uden_indhold().order_by("-nummer"))
    indstillinger = list(delaftale.indstillinger.defer("indhold").order_by("-indsendt"))
    if "fra" in request.GET or "til" in request.GET:
        data = request.GET
    else:  # the published version against the draft
        data = {"fra": f"v{versioner[0].nummer}" if versioner else UDKAST, "til": UDKAST}
    form = SammenlignForm(data, valg=_valg(versioner, indstillinger, data))
    kontekst = {"delaftale": delaftale, "form": form, "sammenligning": None}
    status = 200
    if form.is_valid():
        fra, til = form.cleaned_data["fra"], form.cleaned_data["til"]
        v_map = {f"v{v.nummer}": v for v in versioner}
        i_map = {f"i{i.pk}": i for i in indstillinger}
        foer, foer_navn = _side(delaftale, fra, v_map, i_map)
        efter, efter_navn = _side(delaftale, til, v_map, i_map)
        if foer is None or efter is None:
            kontekst["fejl"] = "Delaftalen fandtes ikke endnu på det valgte tidspunkt."
            status = 404
        else:
            kontekst["sammenligning"] = byg_sammenligning(
                foer, efter, foer_navn=foer_navn, efter_navn=efter_navn
            )
            # Restoring is offered where it reads naturally: a version against the draft.
            andet = til if fra == UDKAST else fra if til == UDKAST else None
            if (
                andet in v_map
                and request.user.has_perm("delaftaler.change_delaftale")
                and kontekst["sammenligning"].har_aendringer
            ):
                kontekst["gendan_version"] = v_map[andet]
    else:
        status = 400
    return render(request, "publicering/sammenlign.html", kontekst, status=status)


# --- Restore ------------------------------------------------------------------------------


@require_POST
@kraev_medlem("delaftaler.change_delaftale")
def gendan(request: HttpRequest, delaftale: Delaftale, nummer: int) -> HttpResponse:
    version = get_object_or_404(delaftale.versioner.uden_indhold(), nummer=nummer)
    try:
        version_gendan(version=version, bruger=request.user)
    except ValidationError as exc:
        for besked in exc.messages:
            messages.error(request, besked)
        return redirect(sammenlign_url(delaftale, f"v{nummer}", UDKAST))
    messages.success(
        request,
        f"Version {nummer} er gendannet som udkast. Den gældende version er uændret, indtil "
        "udkastet er publiceret eller godkendt af bestyrelsen.",
    )
    gaeldende = delaftale.versioner.order_by("-nummer").values_list("nummer", flat=True).first()
    return redirect(sammenlign_url(delaftale, f"v{gaeldende}", UDKAST))
