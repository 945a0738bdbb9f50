"""An uploaded workbook read into measurement rows and every problem found.

An upload may be the template filled in, or a plain long-format sheet. Whole-file
problems raise `UgyldigFil` with a Danish message; problems in single cells become
`Fejl` naming sheet, row and column, so a person can find and fix them.
"""

from __future__ import annotations

import difflib
import io
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from delaftaler.models import Boligomraade, Delaftale, Opfoelgning
from delaftaler.opfoelgning.excel.cells import (
    CelleFejl,
    er_tom,
    laes_antal,
    laes_dato,
    laes_heltal,
    laes_ja_nej,
    laes_periode,
    laes_tal,
    laes_tekst,
    vis,
)
from delaftaler.opfoelgning.excel.columns import (
    ALLE,
    ANTAL,
    ARK,
    FELT_KOLONNE,
    IGNORERES,
    INPUT,
    KOLONNE,
    KRAEVET,
    OVERSKRIFT_NOEGLE,
    VEJLEDNING,
    skelet,
)
from delaftaler.opfoelgning.excel.safety import (
    MAKS_KOLONNER,
    MAKS_RAEKKER,
    UgyldigFil,
    kontroller_fil,
)
from indikatorer.maalinger import Fejl, MaalingInput, Plan, maalinger_planlaeg
from indikatorer.models import Baseline, Indikator, Maaling
from indikatorer.periode import formater_periode

# The package's name, not this module's: the upload's log lines read as they always have.
logger = logging.getLogger("delaftaler.opfoelgning.excel")


# --- What the delaftale knows: indicators, areas, target groups --------------------------


def _navn(tekst: str) -> str:
    """Names compared the way a person reads them: case, spaces, dashes and æ/ae alike."""
    tekst = str(tekst).replace("\u2013", "-").replace("\u2014", "-").replace("\u2212", "-")
    return skelet(tekst)


@dataclass
class Opslag:
    delaftale: Delaftale
    indikatorer: dict[int, Indikator]
    indikator_navne: dict[str, list[Indikator]]
    omraader: dict[int, Boligomraade]
    omraade_navne: dict[str, Boligomraade]
    maalgrupper: dict[int, dict[str, str]]  # indikator id → skelet → målgruppe as written

    @classmethod
    def for_opfoelgning(cls, opfoelgning: Opfoelgning) -> Opslag:
        delaftale = opfoelgning.delaftale
        indikatorer = list(
            Indikator.objects.filter(delmaal__delaftale=delaftale)
            .select_related("delmaal")
            .order_by("delmaal__raekkefoelge", "delmaal_id", "raekkefoelge", "pk")
        )
        omraader = list(Boligomraade.objects.filter(helhedsplan_id=delaftale.helhedsplan_id))
        maalgrupper: dict[int, dict[str, str]] = defaultdict(dict)
        for kilde in (Baseline, Maaling):
            for ind_id, gruppe in kilde.objects.filter(
                indikator__delmaal__delaftale=delaftale, boligomraade__isnull=True
            ).values_list("indikator_id", "maalgruppe"):
                maalgrupper[ind_id][_navn(gruppe or ALLE)] = gruppe
        navne: dict[str, list[Indikator]] = defaultdict(list)
        for ind in indikatorer:
            navne[_navn(ind.navn)].append(ind)
        return cls(
            delaftale=delaftale,
            indikatorer={i.pk: i for i in indikatorer},
            indikator_navne=dict(navne),
            omraader={o.pk: o for o in omraader},
            omraade_navne={_navn(o.navn): o for o in omraader},
            maalgrupper=dict(maalgrupper),
        )

    def indikator(self, navn: str, delmaal: str = "") -> Indikator:
        if not navn:
            raise CelleFejl("Skriv indikatorens navn.")
        fundne = self.indikator_navne.get(_navn(navn), [])
        if len(fundne) > 1 and delmaal:
            fundne = [i for i in fundne if _navn(i.delmaal.tekst) == _navn(delmaal)]
        if len(fundne) == 1:
            return fundne[0]
        if len(fundne) > 1:
            raise CelleFejl(
                f"Indikatoren »{vis(navn)}« findes under flere delmål. Tilføj en kolonne "
                "»Delmål«, eller brug skabelonen."
            )
        forslag = difflib.get_close_matches(
            navn, [i.navn for i in self.indikatorer.values()], n=1, cutoff=0.75
        )
        hjaelp = f" Mente du »{forslag[0]}«?" if forslag else ""
        raise CelleFejl(
            f"Indikatoren »{vis(navn)}« findes ikke i delaftalen {self.delaftale}.{hjaelp}"
        )

    def sted(self, indikator: Indikator, navn: str) -> tuple[Boligomraade | None, str]:
        grupper = self.maalgrupper.get(indikator.pk, {})
        noegle = _navn(navn or ALLE)
        if navn and noegle in self.omraade_navne:
            return self.omraade_navne[noegle], ""
        if noegle in grupper:
            return None, grupper[noegle]
        if not navn:
            raise CelleFejl("Skriv boligområdet eller målgruppen.")
        kendte = ", ".join(o.navn for o in self.omraader.values())
        raise CelleFejl(
            f"»{vis(navn)}« er hverken et boligområde i {self.delaftale.helhedsplan} eller en "
            f"målgruppe for indikatoren. Boligområderne er: {kendte}."
        )


# --- Reading an upload ------------------------------------------------------------------


@dataclass
class Indlaesning:
    """What was read from a file: rows ready to plan, and every problem found."""

    ark: str = ""
    skabelon: bool = False
    raekker: list[MaalingInput] = field(default_factory=list)
    fejl: list[Fejl] = field(default_factory=list)
    advarsler: list[str] = field(default_factory=list)
    ikke_udfyldt: int = 0
    fremmede: int = 0  # template rows whose hidden id belongs to another delaftale
    kolonner: dict[str, tuple[int, str]] = field(default_factory=dict)
    _raekkenumre: dict[str, int] = field(default_factory=dict, repr=False)

    def kolonnenavn(self, noegle: str) -> str:
        nr, overskrift = self.kolonner[noegle]
        return f"kolonne {get_column_letter(nr + 1)} »{overskrift}«"

    def kilde(self, raekke: int) -> str:
        tekst = f"Ark »{self.ark}«, række {raekke}"
        self._raekkenumre[tekst] = raekke
        return tekst

    def raekkenummer(self, kilde: str) -> int:
        return self._raekkenumre.get(kilde, 0)


def _vaelg_ark(bog):
    ark = [a for a in bog.worksheets]
    if not ark:
        raise UgyldigFil("Filen indeholder intet regneark.")
    for a in ark:
        if skelet(a.title) == skelet(ARK):
            return a
    for a in ark:
        if skelet(a.title) != skelet(VEJLEDNING):
            return a
    return ark[0]


def _find_overskrifter(raekker: Iterable, indl: Indlaesning) -> int:
    """Find the header row among the first rows; fill indl.kolonner; return its number."""
    foerste: tuple[int, list] | None = None
    for nr, celler in raekker:
        if nr > 1000:  # the header belongs at the top
            break
        vaerdier = [c.value for c in celler]
        if all(er_tom(v) for v in vaerdier):
            continue
        if foerste is None:
            foerste = (nr, vaerdier)
        noegler = [OVERSKRIFT_NOEGLE.get(skelet(v)) if not er_tom(v) else None for v in vaerdier]
        if "indikator" in noegler or "indikator_id" in noegler:
            _kolonner(nr, vaerdier, noegler, indl)
            return nr
        if nr - foerste[0] >= 10:
            break
    if foerste is None:
        raise UgyldigFil(f"Arket »{indl.ark}« er tomt.")
    fundne = ", ".join(
        f"{get_column_letter(i + 1)} »{vis(v)}«" for i, v in enumerate(foerste[1]) if not er_tom(v)
    )
    raise UgyldigFil(
        f"Arket »{indl.ark}« har ikke de kolonner, der skal bruges: »Indikator«, "
        f"»Boligområde/målgruppe«, »Periode« og »Værdi« i en overskriftsrække øverst. "
        f"Række {foerste[0]} har: {fundne}."
    )


def _kolonner(nr: int, vaerdier: list, noegler: list, indl: Indlaesning) -> None:
    for i, (vaerdi, noegle) in enumerate(zip(vaerdier, noegler, strict=True)):
        if er_tom(vaerdi):
            continue
        bogstav = get_column_letter(i + 1)
        if noegle is None:
            indl.advarsler.append(
                f"Kolonne {bogstav} »{vis(vaerdi)}« kendes ikke og bliver ikke indlæst."
            )
            continue
        if noegle == IGNORERES:
            continue
        if noegle in indl.kolonner:
            tidligere = get_column_letter(indl.kolonner[noegle][0] + 1)
            raise UgyldigFil(
                f"Kolonnen »{vis(vaerdi)}« findes to gange i arket »{indl.ark}« (kolonne "
                f"{tidligere} og {bogstav}, række {nr}). Slet eller omdøb den ene."
            )
        indl.kolonner[noegle] = (i, str(vaerdi).strip())
    indl.skabelon = "indikator_id" in indl.kolonner
    mangler = [
        KOLONNE[n].overskrift
        for n in KRAEVET
        if n not in indl.kolonner
        and not (indl.skabelon and n == "indikator")
        and not (indl.skabelon and n == "sted" and "boligomraade_id" in indl.kolonner)
        # A plain sheet of counts needs no værdi column; the template always has one.
        and not (n == "vaerdi" and not indl.skabelon and all(a in indl.kolonner for a in ANTAL))
    ]
    if mangler:
        navne = " og ".join(f"»{m}«" for m in mangler)
        ental = len(mangler) == 1
        raise UgyldigFil(
            f"{'Kolonnen' if ental else 'Kolonnerne'} {navne} mangler "
            f"i arket »{indl.ark}« (overskriftsrækken er række {nr}). Brug skabelonen, eller "
            "giv kolonnerne de navne, der står i vejledningen."
        )


def _celle(celler: tuple, indl: Indlaesning, noegle: str):
    sted = indl.kolonner.get(noegle)
    if sted is None or sted[0] >= len(celler):
        return _TOM
    return celler[sted[0]]


class _TomCelle:
    value = None
    number_format = "General"


_TOM = _TomCelle()


def laes_maalinger(indhold: bytes, *, opfoelgning: Opfoelgning) -> Indlaesning:
    """Read every row of an uploaded sheet into MaalingInput rows and cell errors.

    Raises UgyldigFil when the file as a whole cannot be used."""
    kontroller_fil(indhold)
    opslag = Opslag.for_opfoelgning(opfoelgning)
    try:
        bog = load_workbook(io.BytesIO(indhold), read_only=True, data_only=True)
    except Exception as exc:  # untrusted input: openpyxl raises many kinds; none may be a 500
        logger.info("Excel-fil kunne ikke åbnes: %r", exc)
        raise UgyldigFil(
            "Filen kunne ikke læses som et Excel-ark. Åbn den i Excel, gem den som "
            "»Excel-projektmappe (.xlsx)«, og indlæs den igen."
        ) from exc
    try:
        return _laes_bog(bog, opfoelgning, opslag)
    except UgyldigFil:
        raise
    except Exception as exc:
        logger.warning("Excel-fil kunne ikke læses: %r", exc, exc_info=True)
        raise UgyldigFil(
            "Filen kunne ikke læses som et Excel-ark. Åbn den i Excel, gem den som "
            "»Excel-projektmappe (.xlsx)«, og indlæs den igen."
        ) from exc
    finally:
        bog.close()


def _laes_bog(bog, opfoelgning: Opfoelgning, opslag: Opslag) -> Indlaesning:
    """Pure reading: no database access here, so any exception is the file's fault."""
    ark = _vaelg_ark(bog)
    ark.reset_dimensions()  # a file's own <dimension> may be wrong; read the rows that are there
    indl = Indlaesning(ark=ark.title)
    raekker = enumerate(ark.iter_rows(max_col=MAKS_KOLONNER), start=1)
    overskrift = _find_overskrifter(raekker, indl)
    for nr, celler in raekker:
        if nr - overskrift > MAKS_RAEKKER:
            raise UgyldigFil(
                f"Arket »{indl.ark}« har mere end {MAKS_RAEKKER:,} rækker. ".replace(",", ".")
                + "Del det op i flere filer."
            )
        _laes_raekke(nr, celler, indl, opslag, opfoelgning)
    if indl.fremmede and not indl.raekker and indl.fremmede == len({f.kilde for f in indl.fejl}):
        raise UgyldigFil(
            f"Skabelonen er hentet til en anden delaftale. Hent skabelonen for "
            f"{opslag.delaftale} {opfoelgning.aar}, og skriv tallene i den."
        )
    if not indl.raekker and not indl.fejl:
        raise UgyldigFil(
            f"Arket »{indl.ark}« har ingen udfyldte rækker under overskrifterne. "
            "Skriv værdierne i kolonnen »Værdi«."
        )
    return indl


def _laes_raekke(nr: int, celler: tuple, indl: Indlaesning, opslag: Opslag, opf) -> None:
    if all(er_tom(c.value) for c in celler):
        return
    if indl.skabelon and all(
        er_tom(_celle(celler, indl, n).value) for n in INPUT if n != "periode"
    ):
        indl.ikke_udfyldt += 1
        return
    kilde = indl.kilde(nr)
    fejl: list[Fejl] = []

    def laes(noegle: str, funktion):
        try:
            return funktion(_celle(celler, indl, noegle))
        except CelleFejl as exc:
            fejl.append(Fejl(kilde, indl.kolonnenavn(noegle), str(exc)))
            return None

    indikator = boligomraade = None
    maalgruppe = ""
    try:
        indikator = _raekkens_indikator(celler, indl, opslag)
    except CelleFejl as exc:
        noegle = "indikator" if "indikator" in indl.kolonner else "indikator_id"
        fejl.append(Fejl(kilde, indl.kolonnenavn(noegle), str(exc)))
    if indikator is not None:
        try:
            boligomraade, maalgruppe = _raekkens_sted(celler, indl, opslag, indikator)
        except CelleFejl as exc:
            noegle = "sted" if "sted" in indl.kolonner else "boligomraade_id"
            fejl.append(Fejl(kilde, indl.kolonnenavn(noegle), str(exc)))
    periode = laes("periode", laes_periode)
    if periode and int(periode[:4]) != opf.aar:
        fejl.append(
            Fejl(
                kilde,
                indl.kolonnenavn("periode"),
                f"Perioden {formater_periode(periode)} ligger ikke i opfølgningens år "
                f"{opf.aar}. Indlæs den i opfølgningen for {periode[:4]}.",
            )
        )
    vaerdi = laes("vaerdi", laes_tal)
    taeller = laes("taeller", laes_antal)
    naevner = laes("naevner", laes_antal)
    ikke_tilgaengelig = laes("ikke_tilgaengelig", laes_ja_nej)
    sammenligning = laes("sammenligning", laes_tal)
    udtrukket = laes("udtrukket", laes_dato)
    if fejl or indikator is None:
        indl.fejl += fejl
        return
    indl.raekker.append(
        MaalingInput(
            indikator=indikator,
            periode=periode,
            boligomraade=boligomraade,
            maalgruppe=maalgruppe,
            vaerdi=vaerdi,
            taeller=taeller,
            naevner=naevner,
            ikke_tilgaengelig=bool(ikke_tilgaengelig),
            begrundelse=laes_tekst(_celle(celler, indl, "begrundelse")),
            sammenligning=sammenligning,
            sammenligning_label=laes_tekst(_celle(celler, indl, "sammenligning_label")),
            datakilde=laes_tekst(_celle(celler, indl, "datakilde")),
            udtrukket=udtrukket,
            note=laes_tekst(_celle(celler, indl, "note"), linjer=True),
            kilde=kilde,
        )
    )


def _raekkens_indikator(celler, indl: Indlaesning, opslag: Opslag) -> Indikator:
    if indl.skabelon:
        ind_id = laes_heltal(_celle(celler, indl, "indikator_id"))
        if ind_id is not None:
            if ind_id not in opslag.indikatorer:
                indl.fremmede += 1
                raise CelleFejl(
                    "Rækken er fra en skabelon for en anden delaftale, eller indikatoren er "
                    "slettet. Hent en ny skabelon."
                )
            return opslag.indikatorer[ind_id]
    return opslag.indikator(
        laes_tekst(_celle(celler, indl, "indikator")), laes_tekst(_celle(celler, indl, "delmaal"))
    )


def _raekkens_sted(celler, indl: Indlaesning, opslag: Opslag, indikator: Indikator):
    if indl.skabelon:
        omraade_id = laes_heltal(_celle(celler, indl, "boligomraade_id"))
        if omraade_id is not None:
            if omraade_id not in opslag.omraader:
                raise CelleFejl("Boligområdet hører ikke til helhedsplanen. Hent en ny skabelon.")
            return opslag.omraader[omraade_id], ""
        gruppe = laes_tekst(_celle(celler, indl, "maalgruppe_noegle"))
        if gruppe:
            return opslag.sted(indikator, gruppe)
    return opslag.sted(indikator, laes_tekst(_celle(celler, indl, "sted")))


@dataclass
class Forhaandsvisning:
    indlaesning: Indlaesning
    plan: Plan
    fejl: list[Fejl]

    @property
    def kan_gemmes(self) -> bool:
        return not self.fejl and bool(self.plan.nye or self.plan.aendrede)


def maalinger_forhaandsvis(indhold: bytes, *, opfoelgning: Opfoelgning) -> Forhaandsvisning:
    """Read and plan without writing: what would be created and changed, and every error."""
    indl = laes_maalinger(indhold, opfoelgning=opfoelgning)
    plan = maalinger_planlaeg(opfoelgning=opfoelgning, raekker=indl.raekker)
    fejl = sorted(
        [*indl.fejl, *(_med_kolonne(f, indl) for f in plan.fejl)],
        key=lambda f: indl.raekkenummer(f.kilde),
    )
    return Forhaandsvisning(indlaesning=indl, plan=plan, fejl=fejl)


def _med_kolonne(fejl: Fejl, indl: Indlaesning) -> Fejl:
    """Name the sheet's column in an error from the model rules ('værdi' → 'kolonne I »Værdi«')."""
    noegle = FELT_KOLONNE.get(fejl.felt)
    if noegle and noegle not in indl.kolonner and noegle == "sted":
        noegle = "boligomraade_id"
    if noegle and noegle in indl.kolonner:
        return Fejl(fejl.kilde, indl.kolonnenavn(noegle), fejl.besked)
    return fejl
