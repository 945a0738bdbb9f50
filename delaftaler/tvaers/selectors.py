"""One context for the view across plans, rendered as page, chart, CSV and XLSX.

Sources, both public: each delaftale's latest *published* version (its snapshot, never
the draft) and its latest *approved* follow-up year, built from what was frozen when it
went to the board — the very numbers, disclosure and change of that year's report.

Indikatorer are matched across plans by name (case and surrounding spaces ignored):
each plan has its own rows, and LBF's standard indikatorer carry LBF's wording.

Reading every plan's snapshot and frozen report costs seconds for a whole country, so
each delaftale's rows are stored (``TvaersRaekke``) with a stamp of what they were
computed from: the version, the approved year as it stands and the plan's threshold.
Every request compares the stamps with the current inputs (cheap rows, no JSON) and
recomputes only the delaftaler whose inputs moved, before it reads. A fixed number of
queries whatever the number of plans when nothing moved.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby

from django import forms
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse

from delaftaler.models import Delaftale, Opfoelgning, TvaersGrundlag, TvaersRaekke, Version
from delaftaler.opfoelgning.rapport.context import byg_rapport, genskab_grundlag
from delaftaler.snapshot import fra_snapshot
from delaftaler.visning.context import byg_visning
from indikatorer.diskretion import Diskretion
from indikatorer.models import Indikator
from indikatorer.tal import med_decimaler

logger = logging.getLogger(__name__)

VURDERINGER = {"bedre": "bedre", "vaerre": "dårligere", "uaendret": "uændret"}


def indikatornoegle(navn: str) -> str:
    """How an indikator is recognised across plans: its name, case and spaces aside."""
    return " ".join(navn.split()).casefold()


@dataclass(frozen=True)
class Plan:
    navn: str
    slug: str
    kommune: str
    mindste_antal: int


@dataclass(frozen=True)
class Indsats:
    navn: str
    slug: str


@dataclass(frozen=True)
class Gaeldende:
    """A delaftale's current version, as the page, the stamps and the filters read it: a
    few columns, not its texts (a whole country's rich text costs more to load than the
    page to render)."""

    pk: int
    version_pk: int
    helhedsplan: Plan
    indsatsomraade: Indsats
    url: str


@dataclass(frozen=True)
class Raekke:
    """One place (boligområde or målgruppe) of one plan for the chosen indikator."""

    delaftale: Gaeldende
    sted: str
    baseline_tekst: str
    baseline_periode: str
    seneste_tekst: str
    seneste_aar: int | None
    aendring_tekst: str
    aendring_tal: Decimal | None  # the change as a number, for the spreadsheet
    vurdering: str  # "bedre", "dårligere", "uændret" or ""
    # For chart and spreadsheet: None when hidden (or missing).
    baseline_tal: Decimal | None
    seneste_tal: Decimal | None
    skjult: bool

    @property
    def plan(self):
        return self.delaftale.helhedsplan

    @property
    def etiket(self) -> str:
        return f"{self.plan.navn}: {self.sted}"


@dataclass
class Valg:
    indikatorer: list[tuple[str, str]]  # (key, shown name), LBF standard first
    indsatsomraader: list[tuple[str, str]]
    kommuner: list[str]
    perioder: list[int]


@dataclass
class TvaersVisning:
    delaftaler: list[Gaeldende]
    indikator: Indikator | None
    raekker: list[Raekke]
    valg: Valg
    filtre: dict[str, str]
    diskretioner: set[int] = field(default_factory=set)

    # What the page's loops read is handed over as dicts: Django's template engine tries
    # a key before an attribute, and for a whole country's 600 rows and 600 links the
    # failed key lookups on objects were half of the page's time.

    @property
    def grupper(self) -> list[tuple[str, list[tuple[str, list[dict[str, str]]]]]]:
        """The delaftaler by indsatsområde, then kommune: each as its link."""
        ud = []
        efter_omraade = sorted(
            self.delaftaler, key=lambda d: (d.indsatsomraade.navn, d.helhedsplan.kommune)
        )
        for navn, gruppe in groupby(efter_omraade, key=lambda d: d.indsatsomraade.navn):
            kommuner = [
                (
                    kommune,
                    [
                        {"url": d.url, "tekst": f"{d.helhedsplan.navn}: {d.indsatsomraade.navn}"}
                        for d in sorted(liste, key=lambda d: d.helhedsplan.navn)
                    ],
                )
                for kommune, liste in groupby(gruppe, key=lambda d: d.helhedsplan.kommune)
            ]
            ud.append((navn, kommuner))
        return ud

    @property
    def tabel(self) -> list[dict[str, str | int | None]]:
        """The comparison table's rows, cell by cell as the page shows them."""
        return [
            {
                "plan": r.plan.navn,
                "kommune": r.plan.kommune,
                "url": r.delaftale.url,
                "sted": r.sted,
                "baseline": r.baseline_tekst or "–",
                "baseline_periode": r.baseline_periode,
                "seneste": r.seneste_tekst,
                "seneste_aar": r.seneste_aar,
                "aendring": r.aendring_tekst or "–",
                "vurdering": r.vurdering or "–",
            }
            for r in self.raekker
        ]

    @property
    def har_skjulte(self) -> bool:
        return any(r.skjult for r in self.raekker)

    @property
    def fodnote(self) -> str:
        """The rule's footnote, with the threshold when the plans share one."""
        n = min(self.diskretioner, default=5)
        return Diskretion(mindste_antal=n).fodnote

    @property
    def diagramnote(self) -> str:
        return Diskretion(mindste_antal=min(self.diskretioner, default=5)).diagramnote

    @property
    def aendringsenhed(self) -> str:
        i = self.indikator
        if i is None or i.enhed == Indikator.Enhed.ANTAL:
            return "antal"
        return "procentpoint" if i.er_procent else i.enhed_tekst

    def som_raekker(self) -> list[list]:
        """The table as a spreadsheet's rows: numbers as numbers, hidden ones as »<5«."""
        ud: list[list] = [
            [
                "Helhedsplan",
                "Kommune",
                "Indsatsområde",
                "Boligområde/målgruppe",
                "Baseline",
                "Baselineperiode",
                "Seneste godkendte værdi",
                "År",
                "Ændring",
                "Ændringens enhed",
                "Udvikling",
            ]
        ]
        for r in self.raekker:
            ud.append(
                [
                    r.plan.navn,
                    r.plan.kommune,
                    r.delaftale.indsatsomraade.navn,
                    r.sted,
                    r.baseline_tal if r.baseline_tal is not None else r.baseline_tekst,
                    r.baseline_periode,
                    r.seneste_tal if r.seneste_tal is not None else r.seneste_tekst,
                    r.seneste_aar,
                    r.aendring_tal if r.aendring_tal is not None else r.aendring_tekst,
                    self.aendringsenhed if r.aendring_tal is not None else "",
                    r.vurdering,
                ]
            )
        return ud


class TvaersFilter(forms.Form):
    """GET filters; unknown values are ignored rather than refused (a shared link stays
    readable when a plan's data changes)."""

    indikator = forms.ChoiceField(label="Indikator", required=False)
    indsatsomraade = forms.ChoiceField(label="Indsatsområde", required=False)
    kommune = forms.ChoiceField(label="Kommune", required=False)
    periode = forms.ChoiceField(label="År for seneste godkendte værdi", required=False)

    def __init__(self, data, *, valg: Valg):
        super().__init__(data)
        self.fields["indikator"].choices = valg.indikatorer
        self.fields["indsatsomraade"].choices = [("", "Alle"), *valg.indsatsomraader]
        self.fields["kommune"].choices = [("", "Alle"), *((k, k) for k in valg.kommuner)]
        self.fields["periode"].choices = [("", "Alle"), *((str(a), str(a)) for a in valg.perioder)]

    def felter(self, filtre: dict[str, str]) -> list[tuple]:
        """Each field with its options as (value, label, selected), for the template."""
        return [
            (
                self[navn],
                [(str(k), tekst, str(k) == filtre.get(navn, "")) for k, tekst in felt.choices],
            )
            for navn, felt in self.fields.items()
        ]

    def valgte(self) -> dict[str, str]:
        if not self.is_bound:
            return {}
        return {
            navn: self.data.get(navn, "")
            for navn in self.fields
            if self.data.get(navn, "") in {str(k) for k, _ in self.fields[navn].choices}
        }


# The rows' computation: raise it when what a row holds or how it is worked out changes,
# and every stored row is recomputed on the next request.
FORMAT = 1


def _gaeldende() -> list[Gaeldende]:
    """Each delaftale's newest version: one without a newer one (an anti-join, which
    PostgreSQL plans well; sorted here, not by joins in the query)."""
    nyere = Version.objects.filter(delaftale=OuterRef("delaftale"), nummer__gt=OuterRef("nummer"))
    # One address pattern instead of a reverse() per link (slugs need no escaping).
    skabelon = reverse("delaftaler:delaftale", args=["PLAN-0", "INDSATS-0"])
    planer: dict[int, Plan] = {}
    indsatser: dict[int, Indsats] = {}
    ud = []
    for raekke in sorted(
        Version.objects.filter(~Exists(nyere))
        .order_by()
        .values_list(
            "pk",
            "delaftale_id",
            "delaftale__helhedsplan_id",
            "delaftale__helhedsplan__navn",
            "delaftale__helhedsplan__slug",
            "delaftale__helhedsplan__kommune",
            "delaftale__helhedsplan__mindste_antal",
            "delaftale__indsatsomraade_id",
            "delaftale__indsatsomraade__navn",
            "delaftale__indsatsomraade__slug",
        ),
        key=lambda r: (r[3], r[8]),
    ):
        v_pk, d_pk, p_pk, p_navn, p_slug, kommune, mindste, i_pk, i_navn, i_slug = raekke
        plan = planer.setdefault(p_pk, Plan(p_navn, p_slug, kommune, mindste))
        indsats = indsatser.setdefault(i_pk, Indsats(i_navn, i_slug))
        url = skabelon.replace("PLAN-0", p_slug).replace("INDSATS-0", i_slug)
        ud.append(Gaeldende(d_pk, v_pk, plan, indsats, url))
    return ud


@dataclass(frozen=True)
class GodkendtAar:
    pk: int
    aar: int
    aendret: datetime.datetime


def _godkendte_aar() -> dict[int, GodkendtAar]:
    """Each delaftale's latest approved year (its number and when it last changed, read
    from the index ``opfoelgning_status_aar``, not from rows that carry a frozen report)."""
    godkendte = Opfoelgning.objects.filter(status=Opfoelgning.Status.GODKENDT)
    nyere = godkendte.filter(delaftale=OuterRef("delaftale"), aar__gt=OuterRef("aar"))
    return {
        delaftale_id: GodkendtAar(pk, aar, aendret)
        for pk, delaftale_id, aar, aendret in godkendte.filter(~Exists(nyere))
        .order_by()
        .values_list("pk", "delaftale_id", "aar", "aendret")
    }


def _med_grundlag(o: Opfoelgning) -> Opfoelgning | None:
    """The year to read: this one, or for a year approved before years were frozen when
    sent (migration 0007), the latest approved one that was."""
    if o.grundlag is not None:
        return o
    return (
        Opfoelgning.objects.filter(
            delaftale_id=o.delaftale_id,
            status=Opfoelgning.Status.GODKENDT,
            grundlag__isnull=False,
        )
        .order_by("-aar")
        .first()
    )


def _stempel(g: Gaeldende, o: GodkendtAar | None) -> str:
    aar = f"{o.pk}:{o.aendret.isoformat()}" if o is not None else "-"
    return f"{FORMAT}:{g.version_pk}:{aar}:{g.helhedsplan.mindste_antal}"


def _tekst(tal: Decimal | None) -> str:
    return "" if tal is None else str(tal)


def _beregn(v: Version, o: Opfoelgning | None) -> list[TvaersRaekke]:
    """A delaftale's rows, from its frozen report if a year is approved, else from its
    published baselines."""
    d = v.delaftale
    if o is not None:
        par = _fra_godkendt_aar(o, d)
    else:
        par = _fra_publiceret(fra_snapshot(v.indhold, delaftale=d))
    return [
        TvaersRaekke(
            delaftale=d,
            raekkefoelge=nr,
            indikator_noegle=indikatornoegle(i.navn),
            indikator_navn=i.navn,
            indikator_enhed=i.enhed,
            indikator_enhed_tekst=i.enhed_tekst,
            indikator_retning=i.retning,
            lbf_standard=i.lbf_standard,
            **sted,
        )
        for nr, (i, sted) in enumerate(par, start=1)
    ]


def tvaers_raekker_opdater() -> int:
    """Bring every stored row up to date now (``manage.py opdater_tvaers``, run by ``make
    serve`` after migrating), so no reader waits for a whole installation's first
    computation. Returns how many delaftaler were recomputed."""
    return _opdater(_gaeldende(), _godkendte_aar())


def _opdater(aftaler: list[Gaeldende], godkendte: dict[int, GodkendtAar]) -> int:
    """Recompute the rows of the delaftaler whose inputs moved since they were stored."""
    gemte = dict(TvaersGrundlag.objects.values_list("delaftale_id", "stempel"))
    foraeldede = [g for g in aftaler if gemte.get(g.pk) != _stempel(g, godkendte.get(g.pk))]
    if not foraeldede:
        return 0
    # The few stale ones whole: their snapshot, their delaftale and its plan, their year.
    fulde = Version.objects.select_related(
        "delaftale__helhedsplan", "delaftale__indsatsomraade"
    ).in_bulk([g.version_pk for g in foraeldede])
    aar = Opfoelgning.objects.in_bulk([godkendte[g.pk].pk for g in foraeldede if g.pk in godkendte])
    nye: list[TvaersRaekke] = []
    stempler: list[TvaersGrundlag] = []
    for g in foraeldede:
        o = godkendte.get(g.pk)
        nye += _beregn(fulde[g.version_pk], _med_grundlag(aar[o.pk]) if o is not None else None)
        stempler.append(TvaersGrundlag(delaftale_id=g.pk, stempel=_stempel(g, o)))
    ids = [g.pk for g in foraeldede]
    try:
        with transaction.atomic():
            TvaersRaekke.objects.filter(delaftale_id__in=ids).delete()
            TvaersGrundlag.objects.filter(delaftale_id__in=ids).delete()
            TvaersRaekke.objects.bulk_create(nye, batch_size=500)
            TvaersGrundlag.objects.bulk_create(stempler)
    except IntegrityError:
        # Another request stored the same rows meanwhile; they are as good as these.
        logger.info("Oversigten på tværs: rækkerne blev gemt af en anden anmodning.")
    return len(foraeldede)


RAEKKEFELTER = (
    "delaftale_id",
    "sted",
    "baseline_tekst",
    "baseline_periode",
    "seneste_tekst",
    "seneste_aar",
    "aendring_tekst",
    "aendring_tal",
    "vurdering",
    "baseline_tal",
    "seneste_tal",
    "skjult",
)
INDIKATORFELTER = (
    "indikator_navn",
    "indikator_enhed",
    "indikator_enhed_tekst",
    "indikator_retning",
    "lbf_standard",
)


def _tal(tekst: str) -> Decimal | None:
    return Decimal(tekst) if tekst else None


def _raekke(r: dict, d: Gaeldende) -> Raekke:
    return Raekke(
        delaftale=d,
        sted=r["sted"],
        baseline_tekst=r["baseline_tekst"],
        baseline_periode=r["baseline_periode"],
        seneste_tekst=r["seneste_tekst"],
        seneste_aar=r["seneste_aar"],
        aendring_tekst=r["aendring_tekst"],
        aendring_tal=_tal(r["aendring_tal"]),
        vurdering=r["vurdering"],
        baseline_tal=_tal(r["baseline_tal"]),
        seneste_tal=_tal(r["seneste_tal"]),
        skjult=r["skjult"],
    )


def _indikator(r: dict) -> Indikator:
    """The chosen indikator as the page names it (an unsaved row: its unit and direction)."""
    return Indikator(
        navn=r["indikator_navn"],
        enhed=r["indikator_enhed"],
        enhed_tekst=r["indikator_enhed_tekst"],
        retning=r["indikator_retning"],
        lbf_standard=r["lbf_standard"],
    )


def tvaers_visning(data) -> tuple[TvaersVisning, TvaersFilter]:
    """The view across plans for these GET parameters (a QueryDict, or {})."""
    alle = _gaeldende()
    godkendte = _godkendte_aar()
    _opdater(alle, godkendte)

    # One name per key: LBF's wording where a plan marks it standard, else the first.
    navne: dict[str, tuple[bool, str]] = {}
    for noegle, navn, lbf in sorted(
        TvaersRaekke.objects.values_list("indikator_noegle", "indikator_navn", "lbf_standard")
        .order_by()
        .distinct(),
        key=lambda x: (not x[2], x[1]),
    ):
        tidligere_lbf, foerste_navn = navne.get(noegle, (False, navn))
        navne[noegle] = (tidligere_lbf or lbf, foerste_navn)
    indikatorer = sorted(navne.items(), key=lambda x: (not x[1][0], x[1][1].casefold()))
    valg = Valg(
        indikatorer=[(k, f"{navn} (LBF)" if lbf else navn) for k, (lbf, navn) in indikatorer],
        indsatsomraader=sorted({(d.indsatsomraade.slug, d.indsatsomraade.navn) for d in alle}),
        kommuner=sorted({d.helhedsplan.kommune for d in alle}),
        perioder=sorted({o.aar for o in godkendte.values()}, reverse=True),
    )
    form = TvaersFilter(data or None, valg=valg)
    filtre = form.valgte()
    indikator_noegle = filtre.get("indikator") or (indikatorer[0][0] if indikatorer else "")

    def med(d: Gaeldende) -> bool:
        if filtre.get("indsatsomraade") and d.indsatsomraade.slug != filtre["indsatsomraade"]:
            return False
        if filtre.get("kommune") and d.helhedsplan.kommune != filtre["kommune"]:
            return False
        if filtre.get("periode"):
            o = godkendte.get(d.pk)
            return o is not None and str(o.aar) == filtre["periode"]
        return True

    valgte = {d.pk: d for d in alle if med(d)}
    raekker: list[Raekke] = []
    valgt_indikator: Indikator | None = None
    diskretioner: set[int] = set()
    # In the page's order of delaftaler (sorted above), each one's rows in its own order.
    plads = {d.pk: nr for nr, d in enumerate(alle)}
    for r in sorted(
        TvaersRaekke.objects.filter(indikator_noegle=indikator_noegle)
        .order_by()
        .values(*RAEKKEFELTER, "raekkefoelge", *INDIKATORFELTER),
        key=lambda r: (plads.get(r["delaftale_id"], -1), r["raekkefoelge"]),
    ):
        if valgt_indikator is None:
            valgt_indikator = _indikator(r)
        d = valgte.get(r["delaftale_id"])
        if d is None:
            continue
        diskretioner.add(d.helhedsplan.mindste_antal)
        raekker.append(_raekke(r, d))
    return (
        TvaersVisning(
            delaftaler=list(valgte.values()),
            indikator=valgt_indikator,
            raekker=raekker,
            valg=valg,
            filtre={**filtre, "indikator": indikator_noegle},
            diskretioner=diskretioner,
        ),
        form,
    )


def _fra_godkendt_aar(o: Opfoelgning, delaftale: Delaftale) -> list[tuple[Indikator, dict]]:
    """The approved year's report rows of every indikator, as ``TvaersRaekke``'s fields:
    baseline, value and change as the board approved them, under the public disclosure
    rule."""
    o.delaftale = delaftale
    genskab_grundlag(o)
    rapport = byg_rapport(o, Diskretion.for_plan(delaftale.helhedsplan))
    ud = []
    for ir in rapport.indikatorer:
        for r in ir.raekker:
            denne = r.denne
            aendring_tekst = r.aendring_skjult if r.aendring_er_skjult else ""
            aendring_tal, vurdering = None, ""
            if r.aendring is not None:
                aendring_tekst = r.aendring.tekst
                aendring_tal = r.aendring.forskel
                vurdering = VURDERINGER[r.aendring.vurdering]
            b = r.baseline
            baseline_tal = (
                med_decimaler(b.vaerdi, b.vaerdi_decimaler)
                if b is not None and not b.afventer and not r.baseline_er_skjult
                else None
            )
            m = denne.maaling
            seneste_tal = med_decimaler(denne.tal, m.vaerdi_decimaler) if m is not None else None
            ud.append(
                (
                    ir.indikator,
                    {
                        "sted": r.sted,
                        "baseline_tekst": r.baseline_tekst,
                        "baseline_periode": b.periode_tekst if b is not None else "",
                        "baseline_tal": _tekst(baseline_tal),
                        "seneste_tekst": denne.tekst,
                        "seneste_aar": o.aar if m is not None else None,
                        "seneste_tal": _tekst(seneste_tal),
                        "aendring_tekst": aendring_tekst,
                        "aendring_tal": _tekst(aendring_tal),
                        "vurdering": vurdering,
                        "skjult": r.baseline_er_skjult or r.aendring_er_skjult or denne.er_skjult,
                    },
                )
            )
    return ud


def _fra_publiceret(delaftale: Delaftale) -> list[tuple[Indikator, dict]]:
    """A plan without an approved year: its published baselines, nothing to compare."""
    visning = byg_visning(delaftale)
    ud = []
    for tabelraekke in visning.raekker:
        i, b = tabelraekke.indikator, tabelraekke.baseline
        if b is None:
            continue
        skjult = tabelraekke.er_skjult
        ud.append(
            (
                i,
                {
                    "sted": b.sted_navn,
                    "baseline_tekst": tabelraekke.skjult if skjult else b.vaerdi_tekst,
                    "baseline_periode": b.periode_tekst,
                    "baseline_tal": ""
                    if skjult or b.afventer
                    else str(med_decimaler(b.vaerdi, b.vaerdi_decimaler)),
                    "skjult": skjult,
                },
            )
        )
    return ud
