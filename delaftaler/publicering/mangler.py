"""What a draft still lacks before it can go to the bestyrelse: the draft page's checklist.

Computed from the draft as ``visning.context.hent_udkast`` loads it (the draft page has it
already), so the checklist costs no queries. Each item is a Danish sentence with a link to
the admin page where it is put right.

Two kinds of items:

- *blokerende*: without it the agreement would be empty or incomplete in what LBF's
  template asks for – no parties, no delmål, a delmål without indikatorer, an indikator
  without any baseline (a value or »Data kommer«), no aktiviteter, medarbejderressourcer,
  sammenhæng med den kommunale indsats or revision not written, a period outside the
  helhedsplan's. A new delaftale cannot be sent to the bestyrelse for its first version
  while one remains (``kraev_fuldstaendig``, called by ``publicering.udkast_indstil``).
  A delaftale already published is not held back by them (its revisions, even of contact
  details, must stay possible): the page lists them as things to put right.
- *bemærkninger*: worth a look, never blocking – an indikator with no baseline for some
  of the plan's boligområder (real delaftaler leave an area out, e.g. Viborg's
  Kærsangerparken), an aktivitet that serves no delmål.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.urls import reverse

from delaftaler.lib.formatting import formater_dato
from delaftaler.models import Delaftale
from delaftaler.standardtekster import er_uskrevet

MANGLER_FOER_INDSTILLING = (
    "Delaftalen kan ikke sendes til bestyrelsen endnu, fordi der mangler noget:"
)

# Where the admin's delaftale page shows each part (its fieldsets in the order of
# DelaftaleAdmin.fieldsets, its inlines by their prefix); a test checks they exist.
ANKRE = {
    "periode": "#fieldset-0-0-heading",
    "ansvarlige": "#fieldset-0-1-heading",
    "medarbejderressourcer": "#fieldset-0-3-heading",
    "kommunal_sammenhaeng": "#fieldset-0-4-heading",
    "revision": "#fieldset-0-5-heading",
    "parter": "#parter-group",
    "delmaal": "#delmaal-group",
}
TEKSTER = {
    "medarbejderressourcer": "Medarbejderressourcer for indsatsområdet",
    "kommunal_sammenhaeng": "Sammenhæng med den kommunale indsats i boligområdet",
    "revision": "Revision af delaftalen",
}


@dataclass(frozen=True)
class Mangel:
    tekst: str
    url: str
    blokerer: bool = True


def _navne(navne: list[str]) -> str:
    if len(navne) == 1:
        return navne[0]
    return f"{', '.join(navne[:-1])} og {navne[-1]}"


def find_mangler(udkast: Delaftale) -> list[Mangel]:
    """The checklist of a draft loaded by ``hent_udkast`` (``med_indhold``): no queries."""
    d = udkast
    plan = d.helhedsplan
    side = reverse("admin:delaftaler_delaftale_change", args=[d.pk])
    mangler: list[Mangel] = []
    if d.gyldig_fra < plan.gyldig_fra or d.gyldig_til > plan.gyldig_til:
        mangler.append(
            Mangel(
                f"Delaftalens periode ({d.periode_tekst}) ligger uden for helhedsplanens "
                f"({formater_dato(plan.gyldig_fra)}–{formater_dato(plan.gyldig_til)}).",
                side + ANKRE["periode"],
            )
        )
    if not d.part_liste and not (d.ansvarlige or "").strip():
        mangler.append(
            Mangel(
                "Delaftalen har ingen parter. Tilføj delaftalens parter: personer med titel "
                "og forvaltning eller grupper som fx en chefgruppe.",
                side + ANKRE["parter"],
            )
        )
    if not d.delmaal_liste:
        mangler.append(Mangel("Delaftalen har ingen delmål.", side + ANKRE["delmaal"]))
    omraader = {o.pk: o.navn for o in plan.boligomraade_liste}
    for delmaal in d.delmaal_liste:
        delmaal_side = reverse("admin:delaftaler_delmaal_change", args=[delmaal.pk])
        if not delmaal.indikator_liste:
            mangler.append(
                Mangel(
                    f"Delmålet »{delmaal.tekst}« har ingen indikatorer.",
                    delmaal_side + "#indikatorer-group",
                )
            )
        for indikator in delmaal.indikator_liste:
            indikator_side = reverse("admin:indikatorer_indikator_change", args=[indikator.pk])
            baselines = indikator.baseline_liste
            if not baselines:
                mangler.append(
                    Mangel(
                        f"Indikatoren »{indikator.navn}« har ingen baseline. Angiv en "
                        "baseline pr. boligområde, eller markér »Data kommer«.",
                        indikator_side,
                    )
                )
                continue
            if any(not b.boligomraade_id and not b.samlet_liste for b in baselines):
                continue  # a target group or all areas together
            daekket = {b.boligomraade_id for b in baselines} | {
                o.pk for b in baselines for o in b.samlet_liste
            }
            uden = [navn for pk, navn in omraader.items() if pk not in daekket]
            if uden:
                mangler.append(
                    Mangel(
                        f"Indikatoren »{indikator.navn}« har ingen baseline for {_navne(uden)}.",
                        indikator_side,
                        blokerer=False,
                    )
                )
    if not d.aktivitet_liste:
        mangler.append(
            Mangel(
                "Delaftalen har ingen aktiviteter. Tilføj mindst én aktivitet med skema.",
                reverse("admin:aktiviteter_aktivitet_add") + f"?delaftale={d.pk}",
            )
        )
    for aktivitet in d.aktivitet_liste:
        if d.delmaal_liste and not aktivitet.delmaal_liste:
            mangler.append(
                Mangel(
                    f"Aktiviteten »{aktivitet.navn}« er ikke knyttet til noget delmål.",
                    reverse("admin:aktiviteter_aktivitet_change", args=[aktivitet.pk]),
                    blokerer=False,
                )
            )
    for felt, navn in TEKSTER.items():
        if er_uskrevet(felt, getattr(d, felt)):
            mangler.append(Mangel(f"»{navn}« er ikke skrevet endnu.", side + ANKRE[felt]))
    return mangler


def blokerende(mangler: list[Mangel]) -> list[Mangel]:
    return [m for m in mangler if m.blokerer]


def kraev_fuldstaendig(udkast: Delaftale) -> None:
    """Refuse, in Danish, to send a new delaftale to the board while something blocks."""
    if fejl := blokerende(find_mangler(udkast)):
        raise ValidationError([MANGLER_FOER_INDSTILLING, *(m.tekst for m in fejl)])
