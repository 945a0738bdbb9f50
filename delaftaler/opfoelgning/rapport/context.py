"""The yearly follow-up report, built once and rendered as page and PDF.

``hent_rapport(opfoelgning)`` reads everything the report shows in a fixed number of
queries, whatever the number of years, indicators and areas (prefetches to plain lists,
as delaftaler/visning/context.py does), and computes the numbers: per indicator and place the
baseline, each year's value, the change since baseline — in percentage points for
percentages, in the unit otherwise — judged by the indicator's direction, and the
comparison baseline.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch, prefetch_related_objects

from aktiviteter.models import Aktivitet, AktivitetStatus
from delaftaler.lib.formatting import brugernavn, formater_dato
from delaftaler.models import (
    Boligomraade,
    Delaftale,
    Delmaal,
    DelmaalStatus,
    Kommentar,
    Opfoelgning,
    OpfoelgningHaendelse,
    dansk_slug,
)
from delaftaler.opfoelgning.rapport.charts import (
    Diagram,
    DiagramData,
    Reference,
    Serie,
    udviklingsdiagram,
)
from delaftaler.visning.context import indholdsdigest
from indikatorer.diskretion import SEKUNDAER, Diskretion, Skjulbar, skjul_samlede
from indikatorer.models import Baseline, Indikator, Maaling
from indikatorer.periode import formater_periode, periode_aar
from indikatorer.tal import NBSP, formater_tal

MINUS = "\u2212"
Handling = OpfoelgningHaendelse.Handling


def _kanonisk(tal: Decimal, decimaler: int) -> str:
    """A stored number with the decimals it was given, as plain text: '11.3'."""
    return str(tal.quantize(Decimal(1).scaleb(-decimaler)))


# ---- The numbers ----------------------------------------------------------------------


@dataclass(frozen=True)
class Vaerdi(Skjulbar):
    """One year's value for one place: a måling, or none; hidden under disclosure control
    (``Skjulbar``) when the public may not see it."""

    aar: int
    maaling: Maaling | None
    decimaler: int | None = None  # the column's, so a column reads 39,0 % / 38,5 %

    @property
    def tal(self) -> Decimal | None:
        if self.maaling is None or self.maaling.ikke_tilgaengelig or self.er_skjult:
            return None
        return self.maaling.vaerdi

    @property
    def ikke_tilgaengelig(self) -> bool:
        return self.maaling is not None and self.maaling.ikke_tilgaengelig

    @property
    def tekst(self) -> str:
        if self.maaling is None:
            return ""
        if self.er_skjult:
            return self.skjult
        if self.tal is None or self.decimaler is None:
            return self.maaling.vaerdi_tekst
        return self.maaling.indikator.formater(self.tal, self.decimaler)

    @property
    def anden_periode(self) -> str:
        """The måling's period when it is not simply the year, e.g. 'aug. 2024' or '2023'."""
        if self.maaling is None or self.maaling.periode == str(self.aar):
            return ""
        return formater_periode(self.maaling.periode)


@dataclass(frozen=True)
class Aendring:
    """The change since baseline, in percentage points (procent) or the unit (antal)."""

    forskel: Decimal
    tekst: str
    vurdering: str  # "bedre", "vaerre" or "uaendret"

    @property
    def vurdering_tekst(self) -> str:
        return {"bedre": "Forbedring", "vaerre": "Forværring", "uaendret": "Uændret"}[
            self.vurdering
        ]


def beregn_aendring(
    indikator: Indikator,
    baseline: Decimal,
    baseline_decimaler: int,
    vaerdi: Decimal,
    vaerdi_decimaler: int,
) -> Aendring:
    """'+1,4 procentpoint', '−2,0 procentpoint', '+5'; judged by the indicator's direction."""
    decimaler = max(baseline_decimaler, vaerdi_decimaler)
    forskel = (vaerdi - baseline).quantize(Decimal(1).scaleb(-decimaler))
    tal = formater_tal(abs(forskel), decimaler)
    fortegn = "+" if forskel > 0 else MINUS if forskel < 0 else ""
    if indikator.enhed == Indikator.Enhed.PROCENT:
        enhed = f"{NBSP}procentpoint"
    elif indikator.enhed == Indikator.Enhed.ANDET:
        enhed = f"{NBSP}{indikator.enhed_tekst}"
    else:
        enhed = ""
    if forskel == 0:
        vurdering = "uaendret"
    elif (forskel > 0) == (indikator.retning == Indikator.Retning.HOEJERE):
        vurdering = "bedre"
    else:
        vurdering = "vaerre"
    return Aendring(forskel=forskel, tekst=f"{fortegn}{tal}{enhed}", vurdering=vurdering)


@dataclass
class StedRaekke:
    """One row of an indicator's table: a boligområde or target group."""

    sted: str
    er_boligomraade: bool
    baseline: Baseline | None
    vaerdier: list[Vaerdi]
    aendring: Aendring | None = None
    baseline_tekst: str = ""
    sammenligning_tekst: str = ""
    # Disclosure control (indikatorer/diskretion.py): how the cell reads in public, or "".
    baseline_skjult: str = ""
    aendring_skjult: str = ""
    offentlig: bool = True

    @property
    def baseline_er_skjult(self) -> bool:
        return bool(self.baseline_skjult) and self.offentlig

    @property
    def aendring_er_skjult(self) -> bool:
        return bool(self.aendring_skjult) and self.offentlig

    @property
    def baseline_skjules_offentligt(self) -> bool:
        return bool(self.baseline_skjult) and not self.offentlig

    @property
    def aendring_skjules_offentligt(self) -> bool:
        return bool(self.aendring_skjult) and not self.offentlig

    @property
    def denne(self) -> Vaerdi:
        """The report year's value (the last column)."""
        return self.vaerdier[-1]


@dataclass
class IndikatorRapport:
    indikator: Indikator
    raekker: list[StedRaekke]
    aar: list[int]
    diskretion: Diskretion = field(default_factory=lambda: Diskretion(mindste_antal=5))

    @property
    def har_skjulte(self) -> bool:
        """Some number of this indicator is hidden from the public (whoever reads)."""
        return any(
            r.baseline_skjult or r.aendring_skjult or any(v.skjult for v in r.vaerdier)
            for r in self.raekker
        )

    @property
    def diagram_udelader(self) -> bool:
        """The chart on this output leaves points out."""
        return self.diskretion.offentlig and self.har_skjulte

    @property
    def datakilder(self) -> list[str]:
        kilder: list[str] = []
        for r in self.raekker:
            punkter = [r.baseline, *(v.maaling for v in r.vaerdier)]
            for p in punkter:
                if p is not None and p.datakilde_tekst and p.datakilde_tekst not in kilder:
                    kilder.append(p.datakilde_tekst)
        if not kilder and self.indikator.datakilde:
            kilder.append(self.indikator.datakilde)
        return kilder

    @property
    def noter(self) -> list[str]:
        """The measurements' notes, e.g. 'Vestbyen 2023: Ny opgørelsesmetode.'"""
        ud = []
        for r in self.raekker:
            for v in r.vaerdier:
                if v.maaling and v.maaling.note:
                    ud.append(f"{r.sted} {v.aar}: {v.maaling.note}")
        return ud

    @property
    def sammenligninger(self) -> list[tuple[str, str]]:
        """The distinct comparison baselines: (value as text, what it is)."""
        ud: list[tuple[str, str]] = []
        for r in self.raekker:
            b = r.baseline
            if b is not None and b.sammenligning is not None:
                par = (b.sammenligning_tekst, b.sammenligning_label)
                if par not in ud:
                    ud.append(par)
        return ud

    @property
    def aar_tekst(self) -> str:
        return f"{self.aar[0]}–{self.aar[-1]}" if len(self.aar) > 1 else str(self.aar[0])

    def stedord(self, flertal: bool = True) -> str:
        """What the rows are: boligområder, målgrupper, or (mixed) steder."""
        if all(r.er_boligomraade for r in self.raekker):
            return "boligområder" if flertal else "boligområde"
        if not any(r.er_boligomraade for r in self.raekker):
            return "målgrupper" if flertal else "målgruppe"
        return "steder" if flertal else "sted"

    @property
    def alt(self) -> str:
        return (
            f"Linjediagram: {self.indikator.navn}, {self.aar_tekst}, "
            f"pr. {self.stedord(flertal=False)}."
        )

    @property
    def resume(self) -> str:
        """The chart's summary in one or two sentences; the table is the full alternative."""
        n = len(self.raekker)
        if not n:
            return ""
        steder = _opremsning([r.sted for r in self.raekker])
        sammenligning = ""
        if self.sammenligninger:
            sammenligning = (
                " og anden baseline ("
                + ", ".join(f"{tekst} {label}".strip() for tekst, label in self.sammenligninger)
                + ")"
            )
        tekst = (
            f"Udviklingen {self.aar_tekst} for {steder}, med hvert steds baseline{sammenligning}."
        )
        antal = {"bedre": 0, "vaerre": 0, "uaendret": 0}
        for r in self.raekker:
            if r.aendring:
                antal[r.aendring.vurdering] += 1
        mangler = n - sum(antal.values())
        dele = [
            (antal["bedre"], "en forbedring"),
            (antal["vaerre"], "en forværring"),
            (antal["uaendret"], "samme niveau"),
            (mangler, "ingen tal at sammenligne"),
        ]
        dele = [(c, ord_) for c, ord_ in dele if c]
        if dele:
            (c, ord_), *resten = dele
            foerste = f"{c} af {n} {self.stedord(flertal=n != 1)} {ord_}"
            led = [foerste, *(f"{c} {o}" for c, o in resten)]
            tekst += f" Fra baseline til {self.aar[-1]} har {_opremsning(led)}."
        if self.diagram_udelader:
            tekst += " " + self.diskretion.diagramnote
        return tekst

    def diagramdata(self) -> DiagramData:
        serier = []
        for r in self.raekker:
            punkter = tuple(
                (
                    v.aar,
                    _kanonisk(v.tal, v.maaling.vaerdi_decimaler) if v.tal is not None else None,
                )
                for v in r.vaerdier
            )
            b = r.baseline
            har_baseline = b is not None and b.vaerdi is not None and not r.baseline_er_skjult
            serier.append(
                Serie(
                    navn=r.sted,
                    punkter=punkter,
                    baseline=_kanonisk(b.vaerdi, b.vaerdi_decimaler) if har_baseline else None,
                    baseline_periode=b.periode if har_baseline else "",
                )
            )
        referencer = []
        for r in self.raekker:
            b = r.baseline
            if b is not None and b.sammenligning is not None:
                ref = Reference(
                    label=b.sammenligning_label,
                    vaerdi=_kanonisk(b.sammenligning, b.sammenligning_decimaler),
                )
                if ref not in referencer:
                    referencer.append(ref)
        i = self.indikator
        return DiagramData(
            titel=i.navn,
            enhed=i.enhed,
            enhed_tekst=i.enhed_tekst,
            retning=i.retning,
            aar=tuple(self.aar),
            serier=tuple(serier),
            referencer=tuple(referencer),
        )

    @cached_property
    def diagram(self) -> Diagram | None:
        """The SVG chart (rendered on first use, cached by its data)."""
        return udviklingsdiagram(self.diagramdata(), alt=self.alt, beskrivelse=self.resume)


def _opremsning(dele: list[str]) -> str:
    if len(dele) <= 1:
        return "".join(dele)
    return ", ".join(dele[:-1]) + " og " + dele[-1]


# ---- Delmål, activities, the record -------------------------------------------------------


@dataclass
class DelmaalRapport:
    delmaal: Delmaal
    status: DelmaalStatus | None
    kommentarer: list[Kommentar]
    indikatorer: list[IndikatorRapport]

    @property
    def status_kode(self) -> str:
        return self.status.status if self.status else "ikke_vurderet"

    @property
    def status_tekst(self) -> str:
        return self.status.get_status_display() if self.status else "Ikke vurderet"


@dataclass
class AktivitetRapport:
    aktivitet: Aktivitet
    status: AktivitetStatus | None


@dataclass(frozen=True)
class Genaabning:
    dato: str
    begrundelse: str
    af: str

    @property
    def tekst(self) -> str:
        return f"Genåbnet {self.dato}: {self.begrundelse}"


@dataclass
class RapportVisning:
    opfoelgning: Opfoelgning
    aar: list[int]
    delmaal: list[DelmaalRapport]
    aktiviteter: list[AktivitetRapport]
    haendelser: list[OpfoelgningHaendelse]
    generelle_kommentarer: list[Kommentar]
    _objekter: list = field(default_factory=list, repr=False)
    # Built from what was frozen when the year was sent (see hent_rapport).
    er_frosset: bool = False
    diskretion: Diskretion = field(default_factory=lambda: Diskretion(mindste_antal=5))

    @property
    def har_skjulte(self) -> bool:
        return any(i.har_skjulte for i in self.indikatorer)

    @property
    def delaftale(self) -> Delaftale:
        return self.opfoelgning.delaftale

    @property
    def helhedsplan(self):
        return self.delaftale.helhedsplan

    @property
    def titel(self) -> str:
        return f"Årlig opfølgning {self.opfoelgning.aar}: {self.delaftale.indsatsomraade.navn}"

    @property
    def fuld_titel(self) -> str:
        return f"{self.titel} – {self.helhedsplan.navn}"

    @property
    def filnavn(self) -> str:
        return rapport_filnavn(self.opfoelgning)

    @property
    def indikatorer(self) -> list[IndikatorRapport]:
        return [i for d in self.delmaal for i in d.indikatorer]

    def _seneste(self, handling: str) -> OpfoelgningHaendelse | None:
        return next((h for h in reversed(self.haendelser) if h.handling == handling), None)

    @property
    def er_godkendt(self) -> bool:
        return self.opfoelgning.status == Opfoelgning.Status.GODKENDT

    @property
    def status_tekst(self) -> str:
        """'Kladde', 'Sendt til bestyrelsen 12.03.2025' or
        'Godkendt af bestyrelsen 20.03.2025 af Bente Hansen'."""
        status = self.opfoelgning.status
        if status == Opfoelgning.Status.GODKENDT:
            h = self._seneste(Handling.GODKENDT)
            if h and h.moede:
                return (
                    f"Godkendt af bestyrelsen på mødet {formater_dato(h.moede.dato)} "
                    f"(registreret {formater_dato(h.tidspunkt)} af {brugernavn(h.bruger)})"
                )
            if h:
                dato = formater_dato(h.tidspunkt)
                return f"Godkendt af bestyrelsen {dato} af {brugernavn(h.bruger)}"
        elif status == Opfoelgning.Status.SENDT:
            h = self._seneste(Handling.SENDT)
            if h:
                return f"Sendt til bestyrelsen {formater_dato(h.tidspunkt)}"
        return self.opfoelgning.get_status_display()

    @property
    def godkendelse(self) -> OpfoelgningHaendelse | None:
        """The board's approval of an approved year (its meeting and comment)."""
        return self._seneste(Handling.GODKENDT) if self.er_godkendt else None

    @property
    def genaabninger(self) -> list[Genaabning]:
        return [
            Genaabning(formater_dato(h.tidspunkt), h.begrundelse, brugernavn(h.bruger))
            for h in self.haendelser
            if h.handling == Handling.GENAABNET
        ]

    @property
    def tidligere_godkendt(self) -> str:
        """When a reopened year was last approved ('' if never, or approved now)."""
        if self.er_godkendt:
            return ""
        h = self._seneste(Handling.GODKENDT)
        return formater_dato(h.tidspunkt) if h else ""

    def fingeraftryk(self) -> str:
        """A digest of everything the report shows, in display order: any change to a
        value, a text, a status, a comment or the record gives a new digest, so it can key
        a cached rendering."""
        return indholdsdigest(self._objekter)


def _bruger_id(bruger) -> tuple:
    # Not every field: a login changes last_login, which the report does not show.
    return ("bruger", bruger.pk, bruger.get_username(), bruger.first_name, bruger.last_name)


def rapport_filnavn(opfoelgning: Opfoelgning) -> str:
    delaftale = opfoelgning.delaftale
    indsats = dansk_slug(delaftale.indsatsomraade.navn).replace("-", "_").title()
    return f"Opfoelgning_{opfoelgning.aar}_{indsats}_{delaftale.helhedsplan.navn}"


# ---- The selector -----------------------------------------------------------------------


def hent_rapport(opfoelgning: Opfoelgning, *, offentlig: bool = True) -> RapportVisning:
    """The report for one follow-up year, in twelve queries whatever its size.

    ``offentlig`` (the default, and always for the PDF): numbers that could identify a
    resident are hidden (indikatorer/diskretion.py); the plan's staff pass False and see
    them, marked.

    Years shown: this delaftale's follow-ups up to and including this one. Each year's
    value for a place is that year's måling for the place whose period lies in the year
    (or, if none does, the year's latest måling for it).

    A year with the board (sent or approved) is built from what was frozen when it was
    sent (``Opfoelgning.grundlag``), so later edits of the delaftale or of other years
    never change what the board saw and approved: page and frozen PDF agree. Only the
    board's comments and the record stay live.
    """
    # Read again: the caller's instance may predate sending, approval or reopening.
    o = Opfoelgning.objects.select_related(
        "delaftale__helhedsplan", "delaftale__indsatsomraade"
    ).get(pk=opfoelgning.pk)
    frosset = o.grundlag is not None and o.er_laast
    lookups = [
        Prefetch(
            "kommentarer",
            queryset=Kommentar.objects.select_related("bruger"),
            to_attr="kommentar_liste",
        ),
        Prefetch(
            "haendelser",
            queryset=OpfoelgningHaendelse.objects.select_related("bruger", "moede"),
            to_attr="haendelse_liste",
        ),
    ]
    if not frosset:
        lookups += _indhold_lookups(o.aar)
    prefetch_related_objects([o], *lookups)
    if frosset:
        _genskab(o, o.grundlag)
    visning = byg_rapport(o, Diskretion.for_plan(o.delaftale.helhedsplan, offentlig=offentlig))
    visning.er_frosset = frosset
    return visning


def _indhold_lookups(aar: int) -> list[Prefetch]:
    """What the report is built from, as it stands: the part frozen when a year is sent."""
    baselines = Baseline.objects.select_related("boligomraade").prefetch_related(
        Prefetch("samlet_for", queryset=Boligomraade.objects.only("pk"), to_attr="samlet_liste")
    )
    indikatorer = Indikator.objects.prefetch_related(
        Prefetch("baselines", queryset=baselines, to_attr="baseline_liste")
    )
    delmaal = Delmaal.objects.prefetch_related(
        Prefetch("indikatorer", queryset=indikatorer, to_attr="indikator_liste")
    )
    aarene = Opfoelgning.objects.filter(aar__lte=aar).order_by("aar")
    maalinger = Maaling.objects.select_related("boligomraade").order_by(
        "opfoelgning__aar", "indikator_id", "periode", "pk"
    )
    return [
        Prefetch("delaftale__delmaal", queryset=delmaal, to_attr="delmaal_liste"),
        Prefetch("delaftale__aktiviteter", to_attr="aktivitet_liste"),
        Prefetch("delaftale__opfoelgninger", queryset=aarene, to_attr="aar_liste"),
        Prefetch("delaftale__aar_liste__maalinger", queryset=maalinger, to_attr="maaling_liste"),
        Prefetch("delmaal_status", to_attr="delmaal_status_liste"),
        Prefetch("aktivitet_status", to_attr="aktivitet_status_liste"),
    ]


# ---- Freezing -----------------------------------------------------------------------------

GRUNDLAG_FORMAT = 1
# The concrete fields, and apart (»samlet_for«, since disclosure control) which areas a
# baseline »opgjort samlet for« several is summed from; a year frozen before has none.
_FELTER = {
    model: [f.name for f in model._meta.concrete_fields if not f.primary_key]
    for model in (
        Boligomraade,
        Delmaal,
        Indikator,
        Baseline,
        Aktivitet,
        Maaling,
        DelmaalStatus,
        AktivitetStatus,
    )
}


def _serialiser(objekter: list) -> list[dict]:
    if not objekter:
        return []
    return serializers.serialize("python", objekter, fields=_FELTER[type(objekter[0])])


def _deserialiser(data: list[dict]) -> list:
    # ignorenonexistent: a field removed since freezing does not make the year unreadable.
    return [d.object for d in serializers.deserialize("python", data, ignorenonexistent=True)]


def frys_grundlag(opfoelgning: Opfoelgning) -> dict:
    """Everything the report is built from except the board's comments and the record, as
    JSON: every stored number exactly as stored (decimals as text), so the rebuilt report
    is the report of this moment."""
    o = Opfoelgning.objects.select_related("delaftale").get(pk=opfoelgning.pk)
    prefetch_related_objects([o], *_indhold_lookups(o.aar))
    d = o.delaftale
    indikatorer = [i for dm in d.delmaal_liste for i in dm.indikator_liste]
    baselines = [b for i in indikatorer for b in i.baseline_liste]
    maalinger = [m for x in d.aar_liste for m in x.maaling_liste]
    omraader = {
        p.boligomraade.pk: p.boligomraade for p in [*baselines, *maalinger] if p.boligomraade
    }
    return json.loads(
        json.dumps(
            {
                "format": GRUNDLAG_FORMAT,
                "aar": [[x.pk, x.aar] for x in d.aar_liste],
                "boligomraader": _serialiser(list(omraader.values())),
                "delmaal": _serialiser(d.delmaal_liste),
                "indikatorer": _serialiser(indikatorer),
                "baselines": _serialiser(baselines),
                "samlet_for": {str(b.pk): _samlet_pks(b) for b in baselines if _samlet_pks(b)},
                "aktiviteter": _serialiser(d.aktivitet_liste),
                "maalinger": _serialiser(maalinger),
                "delmaal_status": _serialiser(o.delmaal_status_liste),
                "aktivitet_status": _serialiser(o.aktivitet_status_liste),
            },
            cls=DjangoJSONEncoder,
        )
    )


def _genskab(o: Opfoelgning, grundlag: dict) -> None:
    """Hang the frozen objects where hent_rapport's prefetches would: no query."""
    d = o.delaftale
    omraader = {b.pk: b for b in _deserialiser(grundlag["boligomraader"])}
    d.delmaal_liste = _deserialiser(grundlag["delmaal"])
    indikatorer = _deserialiser(grundlag["indikatorer"])
    baselines = _deserialiser(grundlag["baselines"])
    samlet_for = grundlag.get("samlet_for", {})
    for punkt in baselines:
        punkt.boligomraade = omraader.get(punkt.boligomraade_id)
        punkt.samlet_pks = samlet_for.get(str(punkt.pk), [])
    for dm in d.delmaal_liste:
        dm.delaftale = d
        dm.indikator_liste = [i for i in indikatorer if i.delmaal_id == dm.pk]
        for i in dm.indikator_liste:
            i.delmaal = dm
            i.baseline_liste = [b for b in baselines if b.indikator_id == i.pk]
            for b in i.baseline_liste:
                b.indikator = i
    d.aktivitet_liste = _deserialiser(grundlag["aktiviteter"])
    for a in d.aktivitet_liste:
        a.delaftale = d
    maalinger = _deserialiser(grundlag["maalinger"])
    for m in maalinger:
        m.boligomraade = omraader.get(m.boligomraade_id)
    d.aar_liste = []
    for pk, aar in grundlag["aar"]:
        aaret = o if pk == o.pk else Opfoelgning(pk=pk, aar=aar, delaftale=d)
        d.aar_liste.append(aaret)
    for aaret in d.aar_liste:
        aaret.maaling_liste = [m for m in maalinger if m.opfoelgning_id == aaret.pk]
    o.delmaal_status_liste = _deserialiser(grundlag["delmaal_status"])
    o.aktivitet_status_liste = _deserialiser(grundlag["aktivitet_status"])


def genskab_grundlag(o: Opfoelgning) -> None:
    """A sent or approved year ready for byg_rapport() from its frozen basis alone, without
    the board's comments and the record (the view across plans shows only numbers)."""
    o.kommentar_liste = []
    o.haendelse_liste = []
    _genskab(o, o.grundlag)


def _samlet_pks(baseline: Baseline) -> list[int]:
    """The areas a baseline »opgjort samlet for« several is summed from (live or frozen)."""
    if hasattr(baseline, "samlet_pks"):
        return baseline.samlet_pks
    return [o.pk for o in getattr(baseline, "samlet_liste", [])]


def byg_rapport(o: Opfoelgning, diskretion: Diskretion) -> RapportVisning:
    """Expects a follow-up from hent_rapport(); adds no queries of its own."""
    d = o.delaftale
    aarene = d.aar_liste
    aar = [x.aar for x in aarene]
    indikator_pr_id = {i.pk: i for dm in d.delmaal_liste for i in dm.indikator_liste}

    # (indikator, place) -> {year: måling}
    maalinger: dict[tuple, dict[int, Maaling]] = {}
    alle_maalinger: list[Maaling] = []
    for opf in aarene:
        for m in opf.maaling_liste:
            indikator = indikator_pr_id.get(m.indikator_id)
            if indikator is None:
                continue
            m.indikator = indikator  # for vaerdi_tekst without a query per måling
            alle_maalinger.append(m)
            pr_aar = maalinger.setdefault((m.indikator_id, m.sted_noegle), {})
            gammel = pr_aar.get(opf.aar)
            if gammel is None or _bedre_match(m, gammel, opf.aar):
                pr_aar[opf.aar] = m

    status_pr_delmaal = {s.delmaal_id: s for s in o.delmaal_status_liste}
    kommentarer: dict[int | None, list[Kommentar]] = {}
    for k in o.kommentar_liste:
        kommentarer.setdefault(k.delmaal_id, []).append(k)

    delmaal_rapporter = []
    for dm in d.delmaal_liste:
        delmaal_rapporter.append(
            DelmaalRapport(
                delmaal=dm,
                status=status_pr_delmaal.get(dm.pk),
                kommentarer=kommentarer.get(dm.pk, []),
                indikatorer=[
                    _indikator_rapport(i, aar, maalinger, diskretion) for i in dm.indikator_liste
                ],
            )
        )

    status_pr_aktivitet = {s.aktivitet_id: s for s in o.aktivitet_status_liste}
    aktiviteter = [AktivitetRapport(a, status_pr_aktivitet.get(a.pk)) for a in d.aktivitet_liste]

    objekter: list = [o, d, d.helhedsplan, d.indsatsomraade, ("diskretion", diskretion)]
    objekter += [("aar", *((x.pk, x.aar) for x in aarene))]
    for dm in d.delmaal_liste:
        objekter.append(dm)
        for i in dm.indikator_liste:
            objekter += [i, *i.baseline_liste]
            objekter += [
                (b.pk, b.boligomraade.navn if b.boligomraade else "", *_samlet_pks(b))
                for b in i.baseline_liste
            ]
    objekter += alle_maalinger
    objekter += [(m.pk, m.boligomraade.navn if m.boligomraade else "") for m in alle_maalinger]
    objekter += o.delmaal_status_liste
    for k in o.kommentar_liste:
        objekter += [k, _bruger_id(k.bruger)]
    objekter += d.aktivitet_liste
    objekter += o.aktivitet_status_liste
    for h in o.haendelse_liste:
        objekter += [h, _bruger_id(h.bruger)]
        if h.moede_id:
            objekter.append(("moede", h.moede.dato))

    return RapportVisning(
        opfoelgning=o,
        aar=aar,
        delmaal=delmaal_rapporter,
        aktiviteter=aktiviteter,
        haendelser=o.haendelse_liste,
        generelle_kommentarer=kommentarer.get(None, []),
        _objekter=objekter,
        diskretion=diskretion,
    )


def _bedre_match(ny: Maaling, gammel: Maaling, aar: int) -> bool:
    """Prefer the måling whose period lies in the follow-up's year, then the latest."""
    ny_i_aaret = periode_aar(ny.periode) == aar
    gammel_i_aaret = periode_aar(gammel.periode) == aar
    if ny_i_aaret != gammel_i_aaret:
        return ny_i_aaret
    return ny.periode > gammel.periode


def _skjulte_celler(
    indikator: Indikator,
    steder: list[tuple[tuple, str, bool, Baseline | None]],
    pr_sted: list[dict[int, Maaling]],
    aar: list[int],
    diskretion: Diskretion,
) -> dict[tuple, str]:
    """Each cell's marking under disclosure control: (place, "baseline" or year) → »<5«,
    »Skjult« or "". A total — »opgjort samlet for« some areas, or for all of them — is
    hidden when one of its areas is."""
    celler: dict[tuple, str] = {}
    for (noegle, _, _, baseline), maalinger in zip(steder, pr_sted, strict=True):
        b = baseline if baseline is not None and not baseline.afventer else None
        celler[(noegle, "baseline")] = diskretion.markering(indikator, b)
        for a in aar:
            m = maalinger.get(a)
            m = m if m is not None and not m.ikke_tilgaengelig else None
            celler[(noegle, a)] = diskretion.markering(indikator, m)
    omraader = [noegle for noegle, _, er_omraade, _ in steder if er_omraade]
    samlede = []
    for noegle, _, er_omraade, baseline in steder:
        dele = _samlet_pks(baseline) if baseline is not None else []
        if dele:
            samlede.append((noegle, [(pk, "") for pk in dele]))
        elif not er_omraade and noegle == (None, ""):
            samlede.append((noegle, omraader))  # »Alle boligområder«
    return skjul_samlede(celler, samlede)


def _indikator_rapport(
    indikator: Indikator,
    aar: list[int],
    maalinger: dict[tuple, dict[int, Maaling]],
    diskretion: Diskretion,
) -> IndikatorRapport:
    # One row per place; a place with several baselines uses its first (earliest) one.
    baseline_pr_sted: dict[tuple, Baseline] = {}
    for b in indikator.baseline_liste:
        noegle = b.sted_noegle
        tidligere = baseline_pr_sted.get(noegle)
        if tidligere is None or (
            (b.afventer, b.periode or "9999") < (tidligere.afventer, tidligere.periode or "9999")
        ):
            baseline_pr_sted[noegle] = b
    steder: list[tuple[tuple, str, bool, Baseline | None]] = [
        (noegle, b.sted_navn, bool(b.boligomraade_id), b) for noegle, b in baseline_pr_sted.items()
    ]
    # Places measured without a baseline get a row too, after those with one.
    uden_baseline = {}
    for (indikator_id, noegle), pr_aar in maalinger.items():
        if indikator_id == indikator.pk and noegle not in baseline_pr_sted:
            m = next(iter(pr_aar.values()))
            orden = (
                (m.boligomraade.raekkefoelge, m.boligomraade.navn)
                if m.boligomraade
                else (
                    10**9,
                    m.maalgruppe,
                )
            )
            uden_baseline[noegle] = (orden, m)
    for noegle, (_, m) in sorted(uden_baseline.items(), key=lambda x: x[1][0]):
        steder.append((noegle, m.sted_navn, bool(m.boligomraade_id), None))

    pr_sted = [maalinger.get((indikator.pk, noegle), {}) for noegle, *_ in steder]
    baselines = [b for *_, b in steder if b is not None and not b.afventer]
    # One number of decimals per column, the most any value in it has: 39 beside 38,5
    # reads 39,0, and no value is shown with fewer decimals than it was stored with.
    baseline_d = _flest(b.vaerdi_decimaler for b in baselines if b.vaerdi is not None)
    sammenligning_d = _flest(
        b.sammenligning_decimaler for b in baselines if b.sammenligning is not None
    )
    aar_d = {
        a: _flest(
            m.vaerdi_decimaler
            for m in (p.get(a) for p in pr_sted)
            if m is not None and m.vaerdi is not None and not m.ikke_tilgaengelig
        )
        for a in aar
    }
    celler = _skjulte_celler(indikator, steder, pr_sted, aar, diskretion)
    offentlig = diskretion.offentlig
    raekker = []
    for (noegle, navn, er_omraade, baseline), pr_aar in zip(steder, pr_sted, strict=True):
        vaerdier = [
            Vaerdi(a, pr_aar.get(a), aar_d[a], skjult=celler[(noegle, a)], offentlig=offentlig)
            for a in aar
        ]
        raekke = StedRaekke(
            navn,
            er_omraade,
            baseline,
            vaerdier,
            baseline_skjult=celler[(noegle, "baseline")],
            offentlig=offentlig,
        )
        if raekke.baseline_er_skjult:
            raekke.baseline_tekst = raekke.baseline_skjult
        elif baseline is not None:
            raekke.baseline_tekst = (
                baseline.vaerdi_tekst
                if baseline.afventer or baseline.vaerdi is None
                else indikator.formater(baseline.vaerdi, baseline_d)
            )
            if baseline.sammenligning is not None:
                raekke.sammenligning_tekst = indikator.formater(
                    baseline.sammenligning, max(sammenligning_d, baseline.sammenligning_decimaler)
                )
        denne = raekke.denne
        vaerdi = denne.maaling.vaerdi if denne.maaling is not None else None
        kan_beregnes = baseline is not None and baseline.vaerdi is not None and vaerdi is not None
        if kan_beregnes and (raekke.baseline_skjult or denne.skjult):
            raekke.aendring_skjult = SEKUNDAER
        if kan_beregnes and not raekke.aendring_er_skjult:
            raekke.aendring = beregn_aendring(
                indikator,
                baseline.vaerdi,
                max(baseline_d, baseline.vaerdi_decimaler),
                vaerdi,
                aar_d[aar[-1]],
            )
        raekker.append(raekke)
    return IndikatorRapport(indikator=indikator, raekker=raekker, aar=aar, diskretion=diskretion)


def _flest(decimaler) -> int:
    return max(decimaler, default=0)
