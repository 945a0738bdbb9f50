"""A delaftale brought in from Word: read and shown for review, then saved as a draft.

``word_gennemse`` reads the document and tries the whole save in a transaction that is
rolled back, so the review page already shows every refusal the admin's validation would
give; nothing is written. ``word_indlaes`` reads the same bytes again and saves them in one
transaction (or nothing), the person and »Indlæst fra Word: <fil>« in every row's history.
With ``publicer`` (the management command, for agreements already in force) the result is
published as version 1, approved by the bestyrelse on ``godkendt``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from delaftaler.indlaesning import IndlaesningsFejl, indlaes_delaftale
from delaftaler.lib import security_log
from delaftaler.models import Delaftale, Helhedsplan, Indsatsomraade
from delaftaler.word.reading import Laesning, laes_docx

AARSAG = "Indlæst fra Word: {filnavn}"
# The review page's sections, by the names the reading reports them under.
NOEGLER = {
    "Stamdata": "stamdata",
    "Parter": "parter",
    "Delmål og indikatorer": "delmaal",
    "Aktiviteter": "aktiviteter",
    "Medarbejderressourcer": "ressourcer",
    "Sammenhæng med den kommunale indsats": "kommunal",
    "Revision": "revision",
    "Aktivitetsskemaer": "skemaer",
}


PLAN = {"navn": "", "kommune": "", "boligomraader": []}
OMRAADE = {"navn": "", "afdelinger": ""}
AFTALE = {
    "indsatsomraade": "",
    "gyldig_fra": "",
    "gyldig_til": "",
    "parter": [],
    "delmaal": [],
    "aktiviteter": [],
    **dict.fromkeys(Delaftale.TEKSTFELTER, ""),
}
PART = dict.fromkeys(
    ["type", "gruppe", "navn", "titel", "organisation", "email", "telefon", "beskrivelse"], ""
)
INDIKATOR = {
    **dict.fromkeys(["navn", "maalgruppe", "enhed", "retning", "datakilde"], ""),
    "lbf_standard": False,
}
BASELINE = {
    **dict.fromkeys(
        ["boligomraade", "maalgruppe", "vaerdi", "sammenligning", "sammenligning_label"], ""
    ),
    **dict.fromkeys(["periode", "datakilde"], ""),
    "afventer": False,
    "samlet_for": [],
}
AKTIVITET = {
    **dict.fromkeys(
        ["navn", "formaal", "maalgrupper", "indhold_og_praksis", "ansvar_og_roller"], ""
    ),
    "ressourceestimat": "",
    "delmaal": [],
}


def _med(raekke: dict, standard: dict) -> dict:
    return {**standard, **{k: v for k, v in raekke.items() if v is not None}}


@dataclass
class Noter:
    usikre: list[str] = field(default_factory=list)
    uplaceret: list[str] = field(default_factory=list)


AARSAG_MAKS = 100  # django-simple-history's history_change_reason


class _Proeve(Exception):
    """Raised to roll the trial save back."""


@dataclass
class Gennemsyn:
    """What the review page shows: the reading, and what stands in the way of saving."""

    laesning: Laesning
    filnavn: str
    helhedsplan: Helhedsplan | None
    indsatsomraade: Indsatsomraade | None
    fejl: list[str] = field(default_factory=list)
    nye_omraader: list[str] = field(default_factory=list)

    @property
    def kan_gemmes(self) -> bool:
        return not self.fejl

    @property
    def data(self) -> dict:
        return self.laesning.data

    @property
    def plan(self) -> dict:
        plan = _med(self.data.get("helhedsplan", {}), PLAN)
        plan["boligomraader"] = [_med(o, OMRAADE) for o in plan["boligomraader"]]
        return plan

    @property
    def aftale(self) -> dict:
        """The delaftale as read, every key the review page shows present."""
        aftale = _med(self.data.get("delaftale", {}), AFTALE)
        aftale["parter"] = [_med(p, PART) for p in aftale["parter"]]
        aftale["aktiviteter"] = [_med(a, AKTIVITET) for a in aftale["aktiviteter"]]
        aftale["delmaal"] = [
            {
                "tekst": d.get("tekst", ""),
                "indikatorer": [
                    {
                        **_med(i, INDIKATOR),
                        "baselines": [_med(b, BASELINE) for b in i.get("baselines", [])],
                    }
                    for i in d.get("indikatorer", [])
                ],
            }
            for d in aftale["delmaal"]
        ]
        return aftale

    @property
    def noter(self) -> dict[str, Noter]:
        """What the reading was unsure of and could not place, by section of the page
        (``andet`` for a section the page has no place for)."""
        noter = {noegle: Noter() for noegle in [*NOEGLER.values(), "andet"]}
        for u in self.laesning.usikkerheder:
            noter[NOEGLER.get(u.sektion, "andet")].usikre.append(u.tekst)
        for u in self.laesning.uplaceret:
            noter[NOEGLER.get(u.sektion, "andet")].uplaceret.append(u.tekst)
        return noter

    @property
    def antal_noter(self) -> int:
        return len(self.laesning.usikkerheder) + len(self.laesning.uplaceret)


def aarsag_for(filnavn: str) -> str:
    aarsag = AARSAG.format(filnavn=filnavn or "dokument.docx")
    return aarsag if len(aarsag) <= AARSAG_MAKS else aarsag[: AARSAG_MAKS - 1] + "…"


def kraev_adgang(bruger, helhedsplan: Helhedsplan | None) -> None:
    """May add delaftaler and works on the helhedsplan. Without a person (the management
    command, run by whoever runs the server) there is nothing to check."""
    if bruger is None:
        return
    if not (bruger.is_active and bruger.has_perm("delaftaler.add_delaftale")):
        raise PermissionDenied
    if helhedsplan is None and not bruger.is_superuser:
        raise PermissionDenied  # a new helhedsplan is the administrators' to make
    if (
        helhedsplan is not None
        and not Helhedsplan.objects.for_bruger(bruger).filter(pk=helhedsplan.pk).exists()
    ):
        raise PermissionDenied


def word_gennemse(
    *, indhold: bytes, filnavn: str, helhedsplan: Helhedsplan | None, bruger=None
) -> Gennemsyn:
    """What the review page shows, with every refusal the save would give (tried in a
    transaction that is rolled back). Raises ``WordFejl`` for a file that cannot be read."""
    gennemsyn = _laes(indhold=indhold, filnavn=filnavn, helhedsplan=helhedsplan, bruger=bruger)
    if not gennemsyn.fejl:
        try:
            with transaction.atomic():
                _gem(gennemsyn, bruger=bruger, publicer=False, godkendt=None)
                raise _Proeve
        except _Proeve:
            pass
        except IndlaesningsFejl as exc:
            gennemsyn.fejl.append(str(exc))
    return gennemsyn


def _laes(*, indhold: bytes, filnavn: str, helhedsplan: Helhedsplan | None, bruger) -> Gennemsyn:
    """The reading and the checks that need no save."""
    kraev_adgang(bruger, helhedsplan)
    laesning = laes_docx(indhold, filnavn=filnavn, helhedsplan=helhedsplan)
    data = laesning.data
    navn = data.get("delaftale", {}).get("indsatsomraade", "")
    indsatsomraade = Indsatsomraade.objects.filter(navn__iexact=navn).first() if navn else None
    gennemsyn = Gennemsyn(laesning, filnavn, helhedsplan, indsatsomraade)
    if indsatsomraade is None:
        gennemsyn.fejl.append(
            f"Indsatsområdet »{navn}« findes ikke blandt LBF's indsatsområder. Ret titlen "
            "i dokumentet til »Delaftale for indsatsområdet …« med et af dem."
            if navn
            else "Dokumentet har ingen titel »Delaftale for indsatsområdet …«, så "
            "indsatsområdet er ukendt."
        )
        return gennemsyn
    data["delaftale"]["indsatsomraade"] = indsatsomraade.navn
    if helhedsplan is not None:
        kendte = set(helhedsplan.boligomraader.values_list("navn", flat=True))
        gennemsyn.nye_omraader = [
            o["navn"]
            for o in data.get("helhedsplan", {}).get("boligomraader", [])
            if o["navn"] not in kendte
        ]
    return gennemsyn


def _gem(
    gennemsyn: Gennemsyn, *, bruger, publicer: bool, godkendt: datetime.date | None
) -> Delaftale:
    plan = gennemsyn.helhedsplan
    if plan is not None:
        # One at a time per helhedsplan, as »Ny delaftale«.
        plan = Helhedsplan.objects.select_for_update().get(pk=plan.pk)
    resultat = indlaes_delaftale(
        data=gennemsyn.data,
        godkendt=godkendt,
        publicer=publicer,
        helhedsplan=plan,
        bruger=bruger,
        aarsag=aarsag_for(gennemsyn.filnavn),
    )
    if not resultat.oprettet:
        raise IndlaesningsFejl(
            f"{resultat.delaftale.helhedsplan.navn} har allerede en delaftale for "
            f"{resultat.delaftale.indsatsomraade.navn}. Ret den i stedet."
        )
    return resultat.delaftale


@transaction.atomic
def word_indlaes(
    *,
    indhold: bytes,
    filnavn: str,
    helhedsplan: Helhedsplan | None,
    bruger=None,
    publicer: bool = False,
    godkendt: datetime.date | None = None,
) -> Delaftale:
    """Reads the document again and saves it all, or raises ValidationError (Danish)."""
    gennemsyn = _laes(indhold=indhold, filnavn=filnavn, helhedsplan=helhedsplan, bruger=bruger)
    if gennemsyn.fejl:
        raise ValidationError(gennemsyn.fejl)
    try:
        delaftale = _gem(gennemsyn, bruger=bruger, publicer=publicer, godkendt=godkendt)
    except IndlaesningsFejl as exc:  # a refusal, or changed since the review
        raise ValidationError(str(exc)) from exc
    transaction.on_commit(
        lambda: security_log.delaftale_haendelse(
            "indlæst fra Word", delaftale, bruger, fil=filnavn, publiceret=publicer
        )
    )
    return delaftale
