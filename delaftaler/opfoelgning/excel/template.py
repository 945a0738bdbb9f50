"""The year's pre-filled template, and how a value is written into a cell.

The template is generated from code (never an Excel-made file loaded and re-saved): one
row per indicator × boligområde or target group, the baseline columns locked, the input
columns open and validated, and a sheet »Vejledning« that says how to fill it in.
"""

from __future__ import annotations

import datetime
import io
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.datavalidation import DataValidation

from delaftaler.models import Boligomraade, Opfoelgning
from delaftaler.opfoelgning.excel.columns import (
    ALLE,
    ANTAL,
    ARK,
    BOGSTAV,
    INPUT,
    KOLONNER,
    VEJLEDNING,
)
from delaftaler.visning.exports import FORMEL_START
from indikatorer.models import Baseline, Indikator, Maaling
from indikatorer.periode import formater_periode
from indikatorer.tal import MAKS_ANTAL, antal_decimaler

LAAST_FYLD = PatternFill("solid", fgColor="F2F2F2")
OVERSKRIFT_FYLD = PatternFill("solid", fgColor="D9E2F3")
FED = Font(bold=True)
OMBRYD = Alignment(wrap_text=True, vertical="top")
AABEN = Protection(locked=False)
DATOFORMAT = "DD.MM.YYYY"


def _talformat(decimaler: int) -> str:
    return "0" if not decimaler else "0." + "0" * decimaler


def skriv(celle, vaerdi, decimaler: int | None = None) -> None:
    """Numbers as numbers with their decimals, dates as dates, text always as text."""
    if vaerdi is None or vaerdi == "":
        return
    if isinstance(vaerdi, bool):
        celle.value = "Ja" if vaerdi else ""
        return
    if isinstance(vaerdi, Decimal | int) and not isinstance(vaerdi, bool):
        d = antal_decimaler(Decimal(vaerdi)) if decimaler is None else decimaler
        celle.value = Decimal(vaerdi).quantize(Decimal(1).scaleb(-d))
        celle.number_format = _talformat(d)
        return
    if isinstance(vaerdi, datetime.date):
        celle.value = vaerdi
        celle.number_format = DATOFORMAT
        return
    tekst = str(vaerdi)
    celle.value = tekst
    celle.data_type = "s"  # never a formula, even when it starts with =, +, - or @
    if tekst.startswith(FORMEL_START):
        celle.quotePrefix = True


def enhed(ind: Indikator) -> str:
    if ind.enhed == Indikator.Enhed.PROCENT:
        return "%"
    if ind.enhed == Indikator.Enhed.ANTAL:
        return "antal"
    return ind.enhed_tekst


@dataclass
class _Skabelonraekke:
    indikator: Indikator
    boligomraade: Boligomraade | None
    maalgruppe: str
    baseline: Baseline | None
    maaling: Maaling | None
    periode: str


def _skabelonraekker(opfoelgning: Opfoelgning) -> list[_Skabelonraekke]:
    delaftale = opfoelgning.delaftale
    indikatorer = list(
        Indikator.objects.filter(delmaal__delaftale=delaftale)
        .select_related("delmaal")
        .prefetch_related(Prefetch("baselines", Baseline.objects.select_related("boligomraade")))
        .order_by("delmaal__raekkefoelge", "delmaal_id", "raekkefoelge", "pk")
    )
    omraader = list(Boligomraade.objects.filter(helhedsplan_id=delaftale.helhedsplan_id))
    maalinger: dict[tuple, list[Maaling]] = defaultdict(list)
    for m in (
        Maaling.objects.filter(opfoelgning=opfoelgning)
        .select_related("boligomraade")
        .order_by("periode", "pk")
    ):
        maalinger[(m.indikator_id, *m.sted_noegle)].append(m)
    raekker = []
    for ind in indikatorer:
        steder: dict[tuple, tuple[Boligomraade | None, str, Baseline | None]] = {}
        for b in ind.baselines.all():
            steder.setdefault(b.sted_noegle, (b.boligomraade, b.sted_noegle[1], b))
        if not steder:
            for o in omraader:
                steder[(o.pk, "")] = (o, "", None)
        for (ind_id, omraade_id, gruppe), ms in maalinger.items():
            if ind_id == ind.pk and (omraade_id, gruppe) not in steder:
                steder[(omraade_id, gruppe)] = (ms[0].boligomraade, gruppe, None)
        for noegle, (omraade, gruppe, baseline) in steder.items():
            eksisterende = maalinger.get((ind.pk, *noegle), [])
            for m in eksisterende or [None]:
                raekker.append(
                    _Skabelonraekke(
                        indikator=ind,
                        boligomraade=omraade,
                        maalgruppe=gruppe,
                        baseline=baseline,
                        maaling=m,
                        periode=m.periode if m else str(opfoelgning.aar),
                    )
                )
    return raekker


def _intervaller(bogstav: str, raekker: list[int]) -> list[str]:
    """['I2:I5', 'I8'] for rows 2, 3, 4, 5, 8: few ranges for a data validation."""
    dele, start, forrige = [], None, None
    for r in sorted(raekker):
        if start is None:
            start = forrige = r
        elif r == forrige + 1:
            forrige = r
        else:
            dele.append((start, forrige))
            start = forrige = r
    if start is not None:
        dele.append((start, forrige))
    return [f"{bogstav}{a}" if a == b else f"{bogstav}{a}:{bogstav}{b}" for a, b in dele]


def skabelon(opfoelgning: Opfoelgning) -> bytes:
    """A pre-filled template for the year: baselines locked, inputs open and validated."""
    delaftale = opfoelgning.delaftale
    raekker = _skabelonraekker(opfoelgning)
    bog = Workbook()
    ark = bog.active
    ark.title = ARK
    titel = f"Målinger {opfoelgning.aar} – {delaftale}"
    bog.properties.title = titel[:200]
    bog.properties.language = "da-DK"
    bog.properties.creator = "Delaftaler"

    for nr, kol in enumerate(KOLONNER, start=1):
        celle = ark.cell(row=1, column=nr, value=kol.overskrift)
        celle.font = FED
        celle.fill = OVERSKRIFT_FYLD
        celle.alignment = OMBRYD
        dim = ark.column_dimensions[get_column_letter(nr)]
        dim.width = kol.bredde
        dim.hidden = kol.skjult
    kolonne_nr = {k.noegle: nr for nr, k in enumerate(KOLONNER, start=1)}

    procent_raekker, andre_raekker = [], []
    for r, raekke in enumerate(raekker, start=2):
        ind, b, m = raekke.indikator, raekke.baseline, raekke.maaling
        sted = raekke.boligomraade.navn if raekke.boligomraade else (raekke.maalgruppe or ALLE)
        vaerdi_decimaler = b.vaerdi_decimaler if b and b.vaerdi is not None else None
        laast = {
            "delmaal": ind.delmaal.tekst,
            "indikator": ind.navn,
            "sted": sted,
            "enhed": enhed(ind),
            "baseline_aar": formater_periode(b.periode) if b else "",
            "baseline_datakilde": (b.datakilde_tekst if b else ind.datakilde),
            "indikator_id": ind.pk,
            "boligomraade_id": raekke.boligomraade.pk if raekke.boligomraade else None,
            "maalgruppe_noegle": raekke.maalgruppe if not raekke.boligomraade else "",
        }
        for noegle, vaerdi in laast.items():
            decimaler = 0 if noegle.endswith("_id") else None
            skriv(ark.cell(row=r, column=kolonne_nr[noegle]), vaerdi, decimaler)
        baseline_celle = ark.cell(row=r, column=kolonne_nr["baseline"])
        if b and b.afventer:
            skriv(baseline_celle, "Data kommer")
        elif b and b.vaerdi is not None:
            skriv(baseline_celle, b.vaerdi, b.vaerdi_decimaler)
        for noegle in (k.noegle for k in KOLONNER if k.laast):
            celle = ark.cell(row=r, column=kolonne_nr[noegle])
            celle.fill = LAAST_FYLD
            if noegle in ("delmaal", "indikator"):
                celle.alignment = OMBRYD
        for noegle in INPUT:
            celle = ark.cell(row=r, column=kolonne_nr[noegle])
            if noegle in ANTAL and not ind.er_procent:
                celle.fill = LAAST_FYLD  # counts belong to shares only
            else:
                celle.protection = AABEN
        periode = ark.cell(row=r, column=kolonne_nr["periode"])
        periode.number_format = "@"
        skriv(periode, formater_periode(raekke.periode))
        vaerdi = ark.cell(row=r, column=kolonne_nr["vaerdi"])
        if vaerdi_decimaler is not None:
            # What is typed is shown, and read back, with the baseline's decimals.
            vaerdi.number_format = _talformat(vaerdi_decimaler)
        ark.cell(row=r, column=kolonne_nr["udtrukket"]).number_format = DATOFORMAT
        if m is not None:
            if m.ikke_tilgaengelig:
                skriv(ark.cell(row=r, column=kolonne_nr["ikke_tilgaengelig"]), "Ja")
            else:
                skriv(vaerdi, m.vaerdi, m.vaerdi_decimaler)
                for noegle in ANTAL:
                    skriv(ark.cell(row=r, column=kolonne_nr[noegle]), getattr(m, noegle), 0)
            if m.sammenligning is not None:
                skriv(
                    ark.cell(row=r, column=kolonne_nr["sammenligning"]),
                    m.sammenligning,
                    m.sammenligning_decimaler,
                )
            for noegle in ("begrundelse", "sammenligning_label", "datakilde", "udtrukket", "note"):
                skriv(ark.cell(row=r, column=kolonne_nr[noegle]), getattr(m, noegle))
        (procent_raekker if ind.er_procent else andre_raekker).append(r)

    sidste = len(raekker) + 1
    _validering(ark, procent_raekker, andre_raekker, sidste)
    ark.freeze_panes = "D2"  # the header row, and which indicator and area, stay in view
    ark.auto_filter.ref = f"A1:{BOGSTAV['note']}{max(sidste, 2)}"
    ark.protection.sheet = True
    ark.protection.formatColumns = False
    ark.protection.formatRows = False
    ark.protection.autoFilter = False
    ark.protection.sort = False
    _vejledning(bog.create_sheet(VEJLEDNING), opfoelgning)
    ud = io.BytesIO()
    bog.save(ud)
    return ud.getvalue()


def _validering(ark, procent: list[int], andre: list[int], sidste: int) -> None:
    kolonner = (BOGSTAV["vaerdi"], BOGSTAV["sammenligning"])
    if procent:
        dv = DataValidation(
            type="decimal",
            operator="between",
            formula1="0",
            formula2="100",
            allow_blank=True,
            showErrorMessage=True,
            showInputMessage=True,
            errorTitle="Ugyldig procentsats",
            error="Skriv en procentsats mellem 0 og 100, fx 11,3.",
            promptTitle="Procent",
            prompt="Et tal mellem 0 og 100, fx 11,3.",
        )
        for k in kolonner:
            for interval in _intervaller(k, procent):
                dv.add(interval)
        ark.add_data_validation(dv)
    if andre:
        dv = DataValidation(
            type="decimal",
            operator="greaterThanOrEqual",
            formula1="0",
            allow_blank=True,
            showErrorMessage=True,
            showInputMessage=True,
            errorTitle="Ugyldigt tal",
            error="Skriv et tal, der er 0 eller større, fx 47.",
            promptTitle="Tal",
            prompt="Et tal, der er 0 eller større.",
        )
        for k in kolonner:
            for interval in _intervaller(k, andre):
                dv.add(interval)
        ark.add_data_validation(dv)
    if procent:
        antal = DataValidation(
            type="whole",
            operator="between",
            formula1="0",
            formula2=str(MAKS_ANTAL),
            allow_blank=True,
            showErrorMessage=True,
            showInputMessage=True,
            errorTitle="Ugyldigt antal",
            error="Skriv et helt antal personer, fx 47.",
            promptTitle="Antal personer",
            prompt="Tæller: personerne bag andelen. Nævner: alle, andelen er af.",
        )
        for k in (BOGSTAV["taeller"], BOGSTAV["naevner"]):
            for interval in _intervaller(k, procent):
                antal.add(interval)
        ark.add_data_validation(antal)
    if sidste < 2:
        return
    ja = DataValidation(
        type="list",
        formula1='"Ja"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Ikke tilgængelig",
        error="Vælg »Ja«, eller lad cellen være tom.",
    )
    ja.add(f"{BOGSTAV['ikke_tilgaengelig']}2:{BOGSTAV['ikke_tilgaengelig']}{sidste}")
    ark.add_data_validation(ja)
    dato = DataValidation(
        type="date",
        operator="between",
        formula1=str(int(to_excel(datetime.datetime(2000, 1, 1)))),
        formula2=str(int(to_excel(datetime.datetime(2100, 12, 31)))),
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Ugyldig dato",
        error="Skriv datoen, hvor data blev udtrukket, fx 01.03.2024.",
    )
    dato.add(f"{BOGSTAV['udtrukket']}2:{BOGSTAV['udtrukket']}{sidste}")
    ark.add_data_validation(dato)


VEJLEDNINGSTEKST = (
    "Sådan udfylder du arket »Målinger«",
    "",
    "Arket har én række pr. indikator og boligområde (eller målgruppe) med baselinen. "
    "De grå kolonner er låst; skriv kun i de hvide.",
    "Periode: året er udfyldt. Skriv en måned som »aug {aar}«, hvis tallet gælder en måned. "
    "Perioden skal ligge i {aar}.",
    "Værdi: skriv tallet som i Excel, fx 11,3 for 11,3 %. Tallet gemmes med de decimaler, "
    "cellen viser (som baselinen), så 12 i en celle med én decimal bliver 12,0.",
    "Tæller og Nævner (kun for indikatorer i procent): antallet af personer bag andelen og "
    "antallet i alt, fx 47 og 416. Står begge der, regnes værdien ud af dem (47 af 416 er "
    "11,3 %), og Værdi kan stå tom; står værdien der også, skal den passe med dem. Tal, der "
    "hviler på færre personer end planens mindste antal, vises ikke offentligt.",
    "Ikke tilgængelig: vælg »Ja«, hvis tallet ikke findes, og skriv hvorfor i »Begrundelse«.",
    "Sammenligning og Sammenligning gælder: fx kommunens tal og »Vejle Kommune«.",
    "Datakilde og Data udtrukket: hvor tallet kommer fra, og hvornår det blev trukket "
    "(fx 01.03.{aar}). Tom datakilde: indikatorens datakilde bruges.",
    "Rækker uden værdi (eller tæller og nævner) springes over. Eksisterende målinger for "
    "året står allerede i arket; ret dem, hvis de skal ændres.",
    "",
    "Indlæs arket under »Indlæs fra Excel« på opfølgningen for {aar}. Hele filen kontrolleres "
    "først; du ser, hvad der oprettes og ændres, og hver fejl med ark, række og kolonne, før "
    "noget gemmes. Enten gemmes alle rækker, eller ingen.",
    "",
    "Tal fra et udtræk (fx LBF Beboerdata) kan også indlæses i et almindeligt ark med "
    "kolonnerne Indikator, Boligområde, Periode, Værdi, Tæller, Nævner og Kilde, med "
    "overskrifterne i første række (Tæller, Nævner og Kilde kan udelades, og Værdi, når "
    "Tæller og Nævner står der). Indikator og boligområde skal staves som i delaftalen.",
    "",
    "Delaftale: {delaftale}",
)


def _vejledning(ark, opfoelgning: Opfoelgning) -> None:
    ark.column_dimensions["A"].width = 110
    for nr, linje in enumerate(VEJLEDNINGSTEKST, start=1):
        tekst = linje.format(aar=opfoelgning.aar, delaftale=opfoelgning.delaftale)
        celle = ark.cell(row=nr, column=1)
        skriv(celle, tekst)
        celle.alignment = Alignment(wrap_text=True, vertical="top")
        if nr == 1:
            celle.font = Font(bold=True, size=14)
