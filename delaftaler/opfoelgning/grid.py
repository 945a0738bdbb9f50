"""The entry grid: every value of one delaftale's year, its delmål and activities, on one
page.

Built from the delaftale's indicators × the steder they have baselines for (or every
boligområde) × this year's and last year's målinger, with one small form per row
(forms.py), and read back into what saving will write. Kept apart from the view so the
view only asks, validates and saves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Prefetch

from aktiviteter.models import Aktivitet, AktivitetStatus
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
        return f"{self.indikator.formater(m.vaerdi, m.vaerdi_decimaler)} ({m.periode_tekst})"

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


@dataclass
class Gitter:
    """Everything the entry page shows and saves, loaded in a fixed number of queries."""

    opfoelgning: Opfoelgning
    raekker: list[GitterRaekke]
    delmaal: list[tuple[Delmaal, DelmaalStatusForm]]
    aktiviteter: list[tuple[Aktivitet, AktivitetStatusForm]]
    fejl: list[str] = field(default_factory=list)

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


def byg_gitter(opfoelgning: Opfoelgning, data=None) -> Gitter:
    """The year's grid, its forms bound to ``data`` when posted; a locked (approved) year's
    fields are disabled, so nothing posted to it is taken."""
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
    for raekke in raekker:
        raekke.form = MaalingForm(data, prefix=raekke.noegle, raekke=raekke, aar=opfoelgning.aar)
    delmaal_status = {
        s.delmaal_id: s for s in DelmaalStatus.objects.filter(opfoelgning=opfoelgning)
    }
    aktiviteter = list(Aktivitet.objects.filter(delaftale=delaftale))
    aktivitet_status = {
        s.aktivitet_id: s for s in AktivitetStatus.objects.filter(opfoelgning=opfoelgning)
    }
    gitter = Gitter(
        opfoelgning=opfoelgning,
        raekker=raekker,
        delmaal=[
            (
                d,
                DelmaalStatusForm(
                    data, prefix=f"d{d.pk}", delmaal=d, eksisterende=delmaal_status.get(d.pk)
                ),
            )
            for d in delmaal
        ],
        aktiviteter=[
            (
                a,
                AktivitetStatusForm(
                    data, prefix=f"a{a.pk}", aktivitet=a, eksisterende=aktivitet_status.get(a.pk)
                ),
            )
            for a in aktiviteter
        ],
    )
    if opfoelgning.er_laast:
        for form in gitter.formularer:
            for felt in form.fields.values():
                felt.disabled = True
    return gitter


FELTER_FRA_PLAN = {"værdi": "vaerdi", "sammenligning": "sammenligning"}
FELTER_FRA_PLAN |= {"begrundelse": "begrundelse", "periode": "periode"}


@dataclass
class Indtastning:
    """What a valid grid will save."""

    raekker: list[MaalingInput]
    erstattede: list[Maaling]
    delmaal_status: list[DelmaalStatus]
    aktivitet_status: list[AktivitetStatus]


def valider_gitter(gitter: Gitter) -> Indtastning | None:
    """Check every form, then every row against the model rules (without writing).
    Errors land next to the field they concern; None when anything is wrong."""
    opfoelgning = gitter.opfoelgning
    gyldige = [f.is_valid() for f in gitter.formularer]
    indtastning = Indtastning([], [], [], [])
    pr_kilde: dict[str, GitterRaekke] = {}
    for raekke in gitter.raekker:
        form = raekke.form
        if not form.is_valid() or form.er_tom:
            continue
        data = form.cleaned_data
        indtastning.raekker.append(
            MaalingInput(
                indikator=raekke.indikator,
                periode=data["periode"],
                boligomraade=raekke.boligomraade,
                maalgruppe=raekke.maalgruppe,
                vaerdi=data["vaerdi"],
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
            if not form.is_valid():
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
    if not all(gyldige) or gitter.fejl or any(f.errors for f in gitter.formularer):
        return None
    return indtastning
