"""Everything Mit overblik shows, read in one place in a fixed number of queries.

For the person's helhedsplaner (``Helhedsplan.objects.for_bruger``):

- the bestyrelse: submissions (``Indstilling``) awaiting its decision and follow-up years
  sent to it;
- the sekretariatsleder: drafts with their classification (faglig/administrativ) and
  submissions waiting or sent back;
- the sekretariat: follow-up years due or overdue (created or not) with how many values
  are still missing, years reopened, drafts;
- everyone: the deadlines (kalender.frister) and the board's next meetings.

Administrators see every section for the plans they see.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from delaftaler.adgang import er_administrator
from delaftaler.kalender import Art, Frist, Punkt, frister, med_kalender, naeste_moeder, som_punkter
from delaftaler.models import (
    Bestyrelsesmoede,
    Boligomraade,
    Delaftale,
    Helhedsplan,
    Indstilling,
    Opfoelgning,
    OpfoelgningHaendelse,
)
from delaftaler.publicering.services import Udkast, udkast_for_alle
from indikatorer.models import Baseline, Indikator, Maaling, sted_noegle

GODKEND_DELAFTALE = "delaftaler.godkend_delaftale"
GODKEND_OPFOELGNING = "delaftaler.godkend_opfoelgning"
PUBLICER = "delaftaler.publicer_delaftale"
SEND_OPFOELGNING = "delaftaler.send_opfoelgning"


@dataclass
class Aarsopgave:
    """A follow-up year the secretariat has to do: due or overdue, created or not."""

    frist: Frist
    idag: datetime.date
    mangler: int  # indikator × sted rows without a value for the year
    raekker: int

    @property
    def delaftale(self) -> Delaftale:
        return self.frist.delaftale

    @property
    def aar(self) -> int:
        return self.frist.aar

    @property
    def opfoelgning(self) -> Opfoelgning | None:
        return self.frist.opfoelgning

    @property
    def tekst(self) -> str:
        return self.frist.tekst(self.idag)

    @property
    def overskredet(self) -> bool:
        return self.frist.overskredet(self.idag)


@dataclass
class Overblik:
    idag: datetime.date
    bestyrelse: bool = False
    leder: bool = False
    sekretariat: bool = False
    planer: list[Helhedsplan] = field(default_factory=list)
    # The board.
    indstillinger_afventer: list[Indstilling] = field(default_factory=list)
    opfoelgninger_sendt: list[Opfoelgning] = field(default_factory=list)
    # The leder (and the secretariat's drafts).
    udkast: list[Udkast] = field(default_factory=list)
    indstillinger_sendt_tilbage: list[Indstilling] = field(default_factory=list)
    # The secretariat.
    aarsopgaver: list[Aarsopgave] = field(default_factory=list)
    genaabnede: list[tuple[Opfoelgning, OpfoelgningHaendelse]] = field(default_factory=list)
    # Everyone.
    frister: list[Frist] = field(default_factory=list)
    moeder: list[Bestyrelsesmoede] = field(default_factory=list)

    @property
    def punkter(self) -> list[Punkt]:
        """The calendar beside the work: the secretariat's years are listed above it with
        their missing values, so the calendar holds only what is not listed there."""
        if self.sekretariat:
            return som_punkter([f for f in self.frister if f.art is not Art.OPFOELGNING], self.idag)
        return som_punkter(self.frister, self.idag)

    @property
    def intet_at_goere(self) -> bool:
        return not (
            self.indstillinger_afventer
            or self.opfoelgninger_sendt
            or self.udkast
            or self.indstillinger_sendt_tilbage
            or self.aarsopgaver
            or self.genaabnede
        )


def byg_overblik(bruger, idag: datetime.date) -> Overblik:
    admin = er_administrator(bruger)
    o = Overblik(
        idag=idag,
        bestyrelse=admin
        or bruger.has_perm(GODKEND_DELAFTALE)
        or bruger.has_perm(GODKEND_OPFOELGNING),
        leder=admin or bruger.has_perm(PUBLICER),
        sekretariat=admin or bruger.has_perm(SEND_OPFOELGNING),
    )
    o.planer = list(Helhedsplan.objects.for_bruger(bruger).order_by("navn"))
    delaftaler = list(
        med_kalender(Delaftale.objects.filter(helhedsplan__in=o.planer)).order_by(
            "helhedsplan__navn", "indsatsomraade__raekkefoelge", "indsatsomraade__navn"
        )
    )
    # The years not sent yet are the secretariat's work; others see the periods' ends.
    o.frister = [f for f in frister(delaftaler, idag) if o.sekretariat or f.art is Art.PERIODE_SLUT]
    o.moeder = naeste_moeder(o.planer, idag)
    if o.bestyrelse or o.leder:
        seneste = _seneste_indstillinger(delaftaler)
        o.indstillinger_afventer = [i for i in seneste if i.afventer]
        if o.bestyrelse:
            o.opfoelgninger_sendt = [
                opf
                for d in delaftaler
                for opf in d.opfoelgninger.all()
                if opf.status == Opfoelgning.Status.SENDT
            ]
        if o.leder:
            o.indstillinger_sendt_tilbage = [
                i for i in seneste if i.status == Indstilling.Status.SENDT_TILBAGE
            ]
    if o.leder or o.sekretariat:
        raekkefoelge = {d.pk: n for n, d in enumerate(delaftaler)}
        o.udkast = sorted(
            (u for u in udkast_for_alle(delaftaler) if u.har_aendringer),
            key=lambda u: raekkefoelge[u.delaftale.pk],
        )
    if o.sekretariat:
        o.aarsopgaver = _aarsopgaver(delaftaler, o.frister, idag)
        o.genaabnede = _genaabnede(delaftaler)
    return o


def _seneste_indstillinger(delaftaler: list[Delaftale]) -> list[Indstilling]:
    """Each delaftale's latest submission (without its snapshot), in the delaftaler's order."""
    seneste: dict[int, Indstilling] = {}
    for i in (
        Indstilling.objects.filter(delaftale__in=delaftaler)
        .select_related("indsendt_af", "besluttet_af")
        .defer("indhold", "aendringer")
        .order_by("indsendt", "pk")
    ):
        seneste[i.delaftale_id] = i
    pr_pk = {d.pk: d for d in delaftaler}
    resultat = []
    for d in delaftaler:
        if d.pk in seneste:
            indstilling = seneste[d.pk]
            indstilling.delaftale = pr_pk[d.pk]
            resultat.append(indstilling)
    return resultat


def _genaabnede(delaftaler: list[Delaftale]) -> list[tuple[Opfoelgning, OpfoelgningHaendelse]]:
    """Draft years the secretariat took back from the board, with the latest reopening."""
    kladder = {
        opf.pk: opf
        for d in delaftaler
        for opf in d.opfoelgninger.all()
        if opf.status == Opfoelgning.Status.KLADDE
    }
    if not kladder:
        return []
    seneste: dict[int, OpfoelgningHaendelse] = {}
    for h in (
        OpfoelgningHaendelse.objects.filter(
            opfoelgning__in=list(kladder),
            handling=OpfoelgningHaendelse.Handling.GENAABNET,
        )
        .select_related("bruger")
        .order_by("tidspunkt", "pk")
    ):
        seneste[h.opfoelgning_id] = h
    return [(kladder[pk], seneste[pk]) for pk in kladder if pk in seneste]


def _aarsopgaver(
    delaftaler: list[Delaftale], alle_frister: list[Frist], idag: datetime.date
) -> list[Aarsopgave]:
    """The follow-up deadlines not yet sent, each with its count of missing values."""
    aaben = [f for f in alle_frister if f.art is Art.OPFOELGNING]
    if not aaben:
        return []
    tael = mangler_pr_aar(
        [f.delaftale for f in aaben], [f.opfoelgning for f in aaben if f.opfoelgning]
    )
    return [
        Aarsopgave(f, idag, *tael(f.delaftale, f.opfoelgning))
        for f in sorted(aaben, key=lambda f: (f.dato, str(f.delaftale)))
    ]


def mangler_pr_aar(delaftaler: list[Delaftale], opfoelgninger: list[Opfoelgning]):
    """How many rows of each year's entry grid have no value yet, for any number of years
    in four queries.

    The rows are those ``opfoelgning.grid.byg_raekker`` builds (per indikator, every sted
    with a baseline, or every boligområde without baselines, then any sted only the
    year's data has; stedet in the plan), counted from ids and target groups alone: the
    grid's model instances for twenty delaftaler cost more than the rest of the page
    (tests/overblik/test_overblik.py holds the two counts equal).

    Returns a function (delaftale, opfoelgning or None) → (missing, rows): a year not
    created yet misses every row."""
    pks = {d.pk for d in delaftaler}
    indikatorer: dict[int, list[int]] = defaultdict(list)
    for pk, delaftale_id in Indikator.objects.filter(delmaal__delaftale__in=pks).values_list(
        "pk", "delmaal__delaftale_id"
    ):
        indikatorer[delaftale_id].append(pk)
    baseline_steder: dict[int, set[tuple]] = defaultdict(set)
    for indikator_id, omraade_id, gruppe in Baseline.objects.filter(
        indikator__delmaal__delaftale__in=pks
    ).values_list("indikator_id", "boligomraade_id", "maalgruppe"):
        baseline_steder[indikator_id].add(sted_noegle(omraade_id, gruppe))
    omraader: dict[int, set[int]] = defaultdict(set)
    for pk, plan_id in Boligomraade.objects.filter(
        helhedsplan__in={d.helhedsplan_id for d in delaftaler}
    ).values_list("pk", "helhedsplan_id"):
        omraader[plan_id].add(pk)
    # opfoelgning → indikator → the steder with a value that year
    maalt: dict[int, dict[int, set[tuple]]] = defaultdict(lambda: defaultdict(set))
    if opfoelgninger:
        for opfoelgning_id, indikator_id, omraade_id, gruppe in Maaling.objects.filter(
            opfoelgning__in=[o.pk for o in opfoelgninger]
        ).values_list("opfoelgning_id", "indikator_id", "boligomraade_id", "maalgruppe"):
            maalt[opfoelgning_id][indikator_id].add(sted_noegle(omraade_id, gruppe))

    def tael(delaftale: Delaftale, opfoelgning: Opfoelgning | None) -> tuple[int, int]:
        planens = omraader[delaftale.helhedsplan_id]
        i_aar = maalt[opfoelgning.pk] if opfoelgning else {}
        mangler = raekker = 0
        for indikator_id in indikatorer[delaftale.pk]:
            med_vaerdi = i_aar.get(indikator_id, set())
            steder = baseline_steder.get(indikator_id) or {sted_noegle(o, "") for o in planens}
            for sted in steder | med_vaerdi:
                if sted[0] and sted[0] not in planens:
                    continue  # a boligområde no longer in the plan: the grid leaves it out
                raekker += 1
                mangler += sted not in med_vaerdi
        return mangler, raekker

    return tael
