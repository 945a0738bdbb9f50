"""The entry grid: every value of one delaftale's year, its delmål and activities, on one
page.

Built from the delaftale's indicators × the steder they have baselines for (or every
boligområde) × this year's and last year's målinger, with one small form per row
(forms.py), and read back into what saving will write. Kept apart from the view so the
view only asks, validates and saves.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from itertools import groupby

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Prefetch

from aktiviteter.models import Aktivitet, AktivitetStatus
from delaftaler.lib import concurrency
from delaftaler.lib.forms import add_service_errors
from delaftaler.models import Boligomraade, Delmaal, DelmaalStatus, Opfoelgning
from delaftaler.opfoelgning.forms import AktivitetStatusForm, DelmaalStatusForm, MaalingForm
from indikatorer.maalinger import MaalingInput, maalinger_planlaeg
from indikatorer.models import ALLE_BOLIGOMRAADER, Baseline, Indikator, Maaling, sted_noegle


@dataclass
class GitterRaekke:
    """One row of the grid: an indicator at a boligområde, a target group, or all of it."""

    nr: int
    delmaal: Delmaal
    indikator: Indikator
    boligomraade: Boligomraade | None
    maalgruppe: str
    noegle: str
    baselines: list[Baseline] = field(default_factory=list)
    sidste_aar: Maaling | None = None
    eksisterende: Maaling | None = None
    form: MaalingForm | None = None
    foerste_i_indikator: bool = False
    antal_i_indikator: int = 1

    @property
    def sted(self) -> str:
        if self.boligomraade is not None:
            return self.boligomraade.navn
        return self.maalgruppe or ALLE_BOLIGOMRAADER

    @property
    def kilde(self) -> str:
        return f"Række {self.nr} ({self.indikator.navn}, {self.sted})"

    @property
    def sidste_aar_tekst(self) -> str:
        m = self.sidste_aar
        if m is None:
            return ""
        if m.ikke_tilgaengelig:
            return f"Ikke tilgængelig ({m.periode_tekst})"
        vaerdi = self.indikator.formater(m.vaerdi, m.vaerdi_decimaler)
        antal = f", {m.taeller} af {m.naevner}" if m.naevner is not None else ""
        return f"{vaerdi} ({m.periode_tekst}{antal})"

    @property
    def baseline_tekst(self) -> str:
        return "; ".join(
            f"{b.vaerdi_tekst} ({b.periode_tekst})" if b.periode else b.vaerdi_tekst
            for b in self.baselines
        )


def byg_raekker(
    *,
    delmaal: list[Delmaal],
    boligomraader: list[Boligomraade],
    maalinger: list[Maaling],
    forrige: list[Maaling],
) -> list[GitterRaekke]:
    """Rows in the delaftale's order: per indicator, every sted that has a baseline (or,
    without baselines, every boligområde), then any sted only this year's data has.

    Expects delmål with `indikator_liste`, indicators with `baseline_liste`."""
    omraader = {o.pk: o for o in boligomraader}

    def seneste(liste: list[Maaling]) -> dict[tuple, Maaling]:
        resultat: dict[tuple, Maaling] = {}
        for m in sorted(liste, key=lambda m: m.periode):
            resultat[(m.indikator_id, *m.sted_noegle)] = m
        return resultat

    i_aar, sidste = seneste(maalinger), seneste(forrige)
    raekker: list[GitterRaekke] = []
    for d in delmaal:
        for indikator in d.indikator_liste:
            steder: dict[tuple, list[Baseline]] = {}
            for b in indikator.baseline_liste:
                steder.setdefault(b.sted_noegle, []).append(b)
            if not steder:
                steder = {sted_noegle(o.pk, ""): [] for o in boligomraader}
            for sted in (k[1:] for k in i_aar if k[0] == indikator.pk):
                steder.setdefault(sted, [])
            foerste = len(raekker)
            for gruppe_nr, (sted, baselines) in enumerate(steder.items()):
                omraade_id, gruppe = sted
                omraade = omraader.get(omraade_id) if omraade_id else None
                if omraade_id and omraade is None:
                    continue
                noegle = (
                    f"m{indikator.pk}-b{omraade_id}"
                    if omraade_id
                    else f"m{indikator.pk}-g{gruppe_nr}"
                )
                raekker.append(
                    GitterRaekke(
                        nr=len(raekker) + 1,
                        delmaal=d,
                        indikator=indikator,
                        boligomraade=omraade,
                        maalgruppe=gruppe,
                        noegle=noegle,
                        baselines=baselines,
                        sidste_aar=sidste.get((indikator.pk, *sted)),
                        eksisterende=i_aar.get((indikator.pk, *sted)),
                    )
                )
            if len(raekker) > foerste:
                raekker[foerste].foerste_i_indikator = True
                raekker[foerste].antal_i_indikator = len(raekker) - foerste
    return raekker


STEMPLER = "stempler"
UDEN_STEMPLER = (
    "Formularen mangler oplysningen om, hvad siden viste, da du åbnede den, så det kan ikke "
    "afgøres, om andre har ændret tallene imens. Intet er gemt, men det indtastede står "
    "stadig i formularen. Kopiér det, genindlæs siden og indsæt det igen."
)


@dataclass(frozen=True)
class Grundlag:
    """A posted row against the page it was typed on: what the page showed (None: the row
    was not on it), what was posted and what the row shows now."""

    vist_dengang: str | None
    sendt: str
    vist_nu: str

    @property
    def aendret_af_anden(self) -> bool:
        """Someone else saved the row since the page was opened, to something else than
        what was posted."""
        return self.vist_dengang != self.vist_nu and self.sendt != self.vist_nu


@dataclass
class Gitter:
    """Everything the entry page shows and saves, loaded in a fixed number of queries."""

    opfoelgning: Opfoelgning
    raekker: list[GitterRaekke]
    delmaal: list[tuple[Delmaal, DelmaalStatusForm]]
    aktiviteter: list[tuple[Aktivitet, AktivitetStatusForm]]
    fejl: list[str] = field(default_factory=list)
    # Per form (by prefix): the stamp of what the page shows, posted back with it.
    stempler: dict[str, str] = field(default_factory=dict)
    # Per bound form: the stamp it was typed over and the row as it is now.
    grundlag: dict[str, Grundlag] = field(default_factory=dict)

    @property
    def stempler_json(self) -> str:
        return json.dumps(self.stempler, separators=(",", ":"))

    @property
    def formularer(self) -> list[forms.Form]:
        return [
            *(r.form for r in self.raekker),
            *(f for _, f in self.delmaal),
            *(f for _, f in self.aktiviteter),
        ]

    def grupper(self) -> list[tuple[Delmaal, list[tuple[Indikator, list[GitterRaekke]]]]]:
        """Rows grouped for the page: per delmål, per indicator."""
        return [
            (
                delmaal,
                [
                    (indikator, list(raekker))
                    for indikator, raekker in groupby(pr_delmaal, key=lambda r: r.indikator)
                ],
            )
            for delmaal, pr_delmaal in groupby(self.raekker, key=lambda r: r.delmaal)
        ]

    def fejlliste(self) -> list[tuple[str, str, str]]:
        """(where, anchor, message) for the summary at the top of the page."""
        resultat = [("", "", besked) for besked in self.fejl]
        for raekke in self.raekker:
            resultat += _formfejl(raekke.form, raekke.kilde)
        for delmaal, form in self.delmaal:
            resultat += _formfejl(form, f"Delmål »{delmaal.tekst}«")
        for aktivitet, form in self.aktiviteter:
            resultat += _formfejl(form, f"Aktivitet »{aktivitet.navn}«")
        return resultat


def _formfejl(form: forms.Form, hvor: str) -> list[tuple[str, str, str]]:
    resultat = []
    for navn, fejl in form.errors.items():
        if navn == forms.forms.NON_FIELD_ERRORS:
            resultat += [(hvor, "", besked) for besked in fejl]
        else:
            felt = form[navn]
            resultat += [(f"{hvor}, {felt.label}", felt.auto_id, besked) for besked in fejl]
    return resultat


def byg_gitter(
    opfoelgning: Opfoelgning, data=None, *, konflikter: set[str] | None = None
) -> Gitter:
    """The year's grid, its forms bound to ``data`` when posted; a locked (approved) year's
    fields are disabled, so nothing posted to it is taken.

    A posted row that is just what the page showed is left unbound: it shows the row as it
    is now and is not saved, so an untouched row never overwrites another's work. After a
    save that refused rows someone else had changed, ``konflikter`` (their prefixes) are
    the only bound forms: they keep what the person typed, say what the row holds now, and
    carry its current stamp, so saving again replaces it knowingly."""
    delaftale = opfoelgning.delaftale
    baselines = Baseline.objects.select_related("boligomraade")
    indikatorer = Indikator.objects.prefetch_related(
        Prefetch("baselines", queryset=baselines, to_attr="baseline_liste")
    )
    delmaal = list(
        Delmaal.objects.filter(delaftale=delaftale).prefetch_related(
            Prefetch("indikatorer", queryset=indikatorer, to_attr="indikator_liste")
        )
    )
    boligomraader = list(delaftale.helhedsplan.boligomraader.all())
    maalinger = list(Maaling.objects.filter(opfoelgning=opfoelgning))
    forrige = list(
        Maaling.objects.filter(
            opfoelgning__delaftale=delaftale, opfoelgning__aar=opfoelgning.aar - 1
        )
    )
    raekker = byg_raekker(
        delmaal=delmaal, boligomraader=boligomraader, maalinger=maalinger, forrige=forrige
    )
    gitter = Gitter(opfoelgning=opfoelgning, raekker=raekker, delmaal=[], aktiviteter=[])
    bind = _Binder(gitter, data, konflikter)
    for raekke in raekker:
        raekke.form = bind(
            MaalingForm,
            raekke.noegle,
            raekke.eksisterende,
            "rækken",
            raekke=raekke,
            aar=opfoelgning.aar,
        )
    delmaal_status = {
        s.delmaal_id: s for s in DelmaalStatus.objects.filter(opfoelgning=opfoelgning)
    }
    aktiviteter = list(Aktivitet.objects.filter(delaftale=delaftale))
    aktivitet_status = {
        s.aktivitet_id: s for s in AktivitetStatus.objects.filter(opfoelgning=opfoelgning)
    }
    for d in delmaal:
        status = delmaal_status.get(d.pk)
        form = bind(
            DelmaalStatusForm,
            f"d{d.pk}",
            status,
            "delmålets status",
            delmaal=d,
            eksisterende=status,
        )
        gitter.delmaal.append((d, form))
    for a in aktiviteter:
        status = aktivitet_status.get(a.pk)
        form = bind(
            AktivitetStatusForm,
            f"a{a.pk}",
            status,
            "aktivitetens status",
            aktivitet=a,
            eksisterende=status,
        )
        gitter.aktiviteter.append((a, form))
    if opfoelgning.er_laast:
        for form in gitter.formularer:
            for felt in form.fields.values():
                felt.disabled = True
    return gitter


class _Binder:
    """Builds each form of the grid bound or unbound, and stamps it (see byg_gitter)."""

    def __init__(self, gitter: Gitter, data, konflikter: set[str] | None) -> None:
        self.gitter, self.data, self.konflikter = gitter, data, konflikter
        self.dengang: dict[str, str] | None = None
        if data is not None and konflikter is None:
            try:
                stempler = json.loads(data.get(STEMPLER) or "null")
            except ValueError:
                stempler = None
            if isinstance(stempler, dict):
                self.dengang = {str(k): str(v) for k, v in stempler.items()}
            else:
                gitter.fejl.append(UDEN_STEMPLER)
                self.dengang = {}
        self.praefikser = {navn.rpartition("-")[0] for navn in data} if data is not None else set()

    def __call__(self, cls, prefix: str, nu, hvad: str, **kwargs) -> forms.Form:
        ubundet = cls(prefix=prefix, **kwargs)
        vist_nu = concurrency.raekke_stempel(concurrency.vist(ubundet))
        self.gitter.stempler[prefix] = vist_nu
        if self.data is None:
            return ubundet
        if self.konflikter is not None:
            if prefix not in self.konflikter:
                return ubundet
            form = cls(self.data, prefix=prefix, **kwargs)
            form.is_valid()
            form.add_error(None, _konfliktbesked(form, nu, hvad))
            return form
        sendt = concurrency.raekke_stempel(concurrency.sendt(ubundet, self.data))
        dengang = self.dengang.get(prefix)
        if sendt == dengang or (dengang is None and prefix not in self.praefikser):
            return ubundet
        self.gitter.grundlag[prefix] = Grundlag(dengang, sendt, vist_nu)
        self.gitter.stempler[prefix] = dengang or ""
        return cls(self.data, prefix=prefix, **kwargs)


def _vis(felt: forms.Field, tekst: str) -> str:
    if isinstance(felt.widget, forms.CheckboxInput):
        return "ja" if tekst else "nej"
    tekst = str(dict(getattr(felt, "choices", ())).get(tekst, tekst))
    if not tekst:
        return "tom"
    return f"»{tekst[:57]}…«" if len(tekst) > 60 else f"»{tekst}«"


def _konfliktbesked(form: forms.Form, nu, hvad: str) -> str:
    """Who-knows-who changed the row, when, and what it holds now where it differs from
    what the person typed."""
    if nu is None:
        start = f"En anden har slettet {hvad}, efter du åbnede siden."
    else:
        tid = concurrency.tidspunkt(nu.aendret)
        start = f"En anden har gemt {hvad} ({tid}), efter du åbnede siden."
    vist, sendt = concurrency.vist(form), concurrency.sendt(form, form.data)
    forskelle = [
        f"{felt.label} {_vis(felt, vist[navn])}"
        for navn, felt in form.fields.items()
        if vist[navn] != sendt[navn]
    ]
    nu_tekst = f" Nu gemt: {'; '.join(forskelle)}." if forskelle else ""
    return (
        f"{start}{nu_tekst} Din indtastning er ikke gemt, men står stadig i formularen: "
        "gem igen for at erstatte den andens, eller ret den."
    )


FELTER_FRA_PLAN = {"værdi": "vaerdi", "sammenligning": "sammenligning"}
FELTER_FRA_PLAN |= {"begrundelse": "begrundelse", "periode": "periode"}
FELTER_FRA_PLAN |= {"tæller": "taeller", "nævner": "naevner"}


@dataclass
class Indtastning:
    """What a valid grid will save, what the page it was typed on was based on, and the
    rows someone else has changed since (by prefix), which are not saved."""

    raekker: list[MaalingInput]
    erstattede: list[Maaling]
    delmaal_status: list[DelmaalStatus]
    aktivitet_status: list[AktivitetStatus]
    # Per row (its kilde): the measurement the page showed, which the save expects to find.
    laest: dict[str, Maaling | None] = field(default_factory=dict)
    konflikter: set[str] = field(default_factory=set)
    praefiks: dict[int, str] = field(default_factory=dict)  # id(row or status) → prefix

    def praefikser(self, objekter) -> set[str]:
        return {self.praefiks[id(o)] for o in objekter}


def valider_gitter(gitter: Gitter) -> Indtastning | None:
    """Check every changed form, then every row against the model rules (without writing).
    Errors land next to the field they concern; None when anything is wrong. A row someone
    else changed since the page was opened is left out (``konflikter``)."""
    opfoelgning = gitter.opfoelgning
    bundne = [f for f in gitter.formularer if f.is_bound]
    gyldige = [f.is_valid() for f in bundne]
    indtastning = Indtastning([], [], [], [])

    def aendret_af_anden(form: forms.Form) -> bool:
        grundlag = gitter.grundlag.get(form.prefix)
        if grundlag is not None and grundlag.aendret_af_anden:
            indtastning.konflikter.add(form.prefix)
            return True
        return False

    pr_kilde: dict[str, GitterRaekke] = {}
    for raekke in gitter.raekker:
        form = raekke.form
        if not form.is_bound or not form.is_valid() or form.er_tom or aendret_af_anden(form):
            continue
        data = form.cleaned_data
        indtastning.raekker.append(
            MaalingInput(
                indikator=raekke.indikator,
                periode=data["periode"],
                boligomraade=raekke.boligomraade,
                maalgruppe=raekke.maalgruppe,
                vaerdi=data["vaerdi"],
                taeller=data.get("taeller"),
                naevner=data.get("naevner"),
                ikke_tilgaengelig=data["ikke_tilgaengelig"],
                begrundelse=data["begrundelse"].strip(),
                sammenligning=data["sammenligning"],
                sammenligning_label=data["sammenligning_label"].strip(),
                datakilde=data["datakilde"].strip(),
                udtrukket=data["udtrukket"],
                note=data["note"].strip(),
                kilde=raekke.kilde,
            )
        )
        indtastning.praefiks[id(indtastning.raekker[-1])] = form.prefix
        indtastning.laest[raekke.kilde] = raekke.eksisterende
        pr_kilde[raekke.kilde] = raekke
        if raekke.eksisterende is not None and raekke.eksisterende.periode != data["periode"]:
            indtastning.erstattede.append(raekke.eksisterende)
    plan = maalinger_planlaeg(opfoelgning=opfoelgning, raekker=indtastning.raekker)
    for fejl in plan.fejl:
        raekke = pr_kilde.get(fejl.kilde)
        if raekke is None:
            gitter.fejl.append(fejl.besked)
        else:
            raekke.form.add_error(FELTER_FRA_PLAN.get(fejl.felt), fejl.besked)
    for liste, formularer in (
        (indtastning.delmaal_status, gitter.delmaal),
        (indtastning.aktivitet_status, gitter.aktiviteter),
    ):
        for _, form in formularer:
            if not form.is_bound or not form.is_valid() or aendret_af_anden(form):
                continue
            status = form.instans(opfoelgning)
            if status is None:
                continue
            try:
                status.full_clean(validate_unique=False, validate_constraints=False)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                liste.append(status)
                indtastning.praefiks[id(status)] = form.prefix
    if not all(gyldige) or gitter.fejl or any(f.errors for f in bundne):
        return None
    return indtastning
