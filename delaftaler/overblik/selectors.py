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

from django.db.models import Prefetch

from delaftaler.adgang import er_administrator
from delaftaler.kalender import Art, Frist, Punkt, frister, med_kalender, naeste_moeder, som_punkter
from delaftaler.models import (
    Bestyrelsesmoede,
    Boligomraade,
    Delaftale,
    Delmaal,
    Helhedsplan,
    Indstilling,
    Opfoelgning,
    OpfoelgningHaendelse,
)
from delaftaler.opfoelgning.grid import byg_raekker
from delaftaler.publicering.services import Udkast, udkast_for_alle
from indikatorer.models import Baseline, Indikator, Maaling

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
    """How many rows of each year's entry grid (opfoelgning/grid.py: an indikator at a
    sted) have no value yet, for any number of years in five queries.

    Returns a function (delaftale, opfoelgning or None) → (missing, rows): a year not
    created yet misses every row."""
    pks = {d.pk for d in delaftaler}
    plan_pks = {d.helhedsplan_id for d in delaftaler}
    indikatorer = Indikator.objects.prefetch_related(
        Prefetch(
            "baselines",
            queryset=Baseline.objects.select_related("boligomraade"),
            to_attr="baseline_liste",
        )
    )
    delmaal: dict[int, list[Delmaal]] = defaultdict(list)
    for d in Delmaal.objects.filter(delaftale__in=pks).prefetch_related(
        Prefetch("indikatorer", queryset=indikatorer, to_attr="indikator_liste")
    ):
        delmaal[d.delaftale_id].append(d)
    omraader: dict[int, list[Boligomraade]] = defaultdict(list)
    for b in Boligomraade.objects.filter(helhedsplan__in=plan_pks):
        omraader[b.helhedsplan_id].append(b)
    maalinger: dict[int, list[Maaling]] = defaultdict(list)
    if opfoelgninger:
        for m in Maaling.objects.filter(opfoelgning__in=[o.pk for o in opfoelgninger]):
            maalinger[m.opfoelgning_id].append(m)

    def tael(delaftale: Delaftale, opfoelgning: Opfoelgning | None) -> tuple[int, int]:
        raekker = byg_raekker(
            delmaal=delmaal[delaftale.pk],
            boligomraader=omraader[delaftale.helhedsplan_id],
            maalinger=maalinger[opfoelgning.pk] if opfoelgning else [],
            forrige=[],
        )
        return sum(1 for r in raekker if r.eksisterende is None), len(raekker)

    return tael
