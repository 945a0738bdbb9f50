"""Saving a year's measurements, from the entry grid or an imported sheet.

Every row is validated first; only when all are valid is anything written, in one
transaction with bulk writes (a national extract has ten thousand rows). Errors name
the row they belong to, so a person can find and fix them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from delaftaler.models import Boligomraade, Opfoelgning
from indikatorer.models import Baseline, Indikator, Maaling, samlet_antal_fejl, sted_noegle
from indikatorer.tal import antal_decimaler

FELTER = (
    "vaerdi",
    "vaerdi_decimaler",
    "taeller",
    "naevner",
    "ikke_tilgaengelig",
    "begrundelse",
    "sammenligning",
    "sammenligning_decimaler",
    "sammenligning_label",
    "datakilde",
    "udtrukket",
    "note",
)


@dataclass
class MaalingInput:
    """One row to save. `kilde` says where it came from, e.g. 'Målinger, række 7'."""

    indikator: Indikator
    periode: str
    boligomraade: Boligomraade | None = None
    maalgruppe: str = ""
    vaerdi: Decimal | None = None
    taeller: int | None = None
    naevner: int | None = None
    ikke_tilgaengelig: bool = False
    begrundelse: str = ""
    sammenligning: Decimal | None = None
    sammenligning_label: str = ""
    datakilde: str = ""
    udtrukket: date | None = None
    note: str = ""
    kilde: str = ""

    @property
    def noegle(self) -> tuple:
        omraade = self.boligomraade.pk if self.boligomraade else None
        return (self.indikator.pk, *sted_noegle(omraade, self.maalgruppe), self.periode)


@dataclass(frozen=True)
class Fejl:
    kilde: str
    felt: str
    besked: str

    def __str__(self) -> str:
        return (
            f"{self.kilde}, {self.felt}: {self.besked}"
            if self.felt
            else f"{self.kilde}: {self.besked}"
        )


@dataclass
class Plan:
    """What saving would do: new and changed measurements, unchanged ones, and errors."""

    nye: list[Maaling] = field(default_factory=list)
    aendrede: list[tuple[Maaling, dict]] = field(default_factory=list)
    uaendrede: int = 0
    fejl: list[Fejl] = field(default_factory=list)


def _maaling_noegle(m: Maaling) -> tuple:
    return (m.indikator_id, *m.sted_noegle, m.periode)


FELTNAVNE = {
    "vaerdi": "værdi",
    "taeller": "tæller",
    "naevner": "nævner",
    "sammenligning": "sammenligning",
    "begrundelse": "begrundelse",
    "maalgruppe": "målgruppe",
    "boligomraade": "boligområde",
    "indikator": "indikator",
    "periode": "periode",
    "__all__": "",
}


def maalinger_planlaeg(*, opfoelgning: Opfoelgning, raekker: list[MaalingInput]) -> Plan:
    """Validate every row against the model rules and the year's existing measurements."""
    plan = Plan()
    if opfoelgning.er_laast:
        plan.fejl.append(
            Fejl(
                "Opfølgningen",
                "",
                "Året er godkendt af bestyrelsen og kan ikke ændres uden genåbning.",
            )
        )
        return plan
    eksisterende = {
        _maaling_noegle(m): m
        for m in Maaling.objects.filter(opfoelgning=opfoelgning).select_related("boligomraade")
    }
    set_i_filen: dict[tuple, str] = {}
    for raekke in raekker:
        if raekke.noegle in set_i_filen:
            plan.fejl.append(
                Fejl(
                    raekke.kilde,
                    "",
                    f"Samme indikator, sted og periode som {set_i_filen[raekke.noegle]}.",
                )
            )
            continue
        set_i_filen[raekke.noegle] = raekke.kilde
        ny = Maaling(
            opfoelgning=opfoelgning,
            indikator=raekke.indikator,
            boligomraade=raekke.boligomraade,
            maalgruppe="" if raekke.boligomraade else raekke.maalgruppe,
            periode=raekke.periode,
            vaerdi=raekke.vaerdi,
            vaerdi_decimaler=antal_decimaler(raekke.vaerdi) if raekke.vaerdi is not None else 0,
            taeller=raekke.taeller,
            naevner=raekke.naevner,
            ikke_tilgaengelig=raekke.ikke_tilgaengelig,
            begrundelse=raekke.begrundelse,
            sammenligning=raekke.sammenligning,
            sammenligning_decimaler=(
                antal_decimaler(raekke.sammenligning) if raekke.sammenligning is not None else 0
            ),
            sammenligning_label=raekke.sammenligning_label,
            datakilde=raekke.datakilde,
            udtrukket=raekke.udtrukket,
            note=raekke.note,
        )
        try:
            # Uniqueness is checked above and against `eksisterende`: no query per row.
            # The related rows are instances the caller already fetched, and clean() checks
            # that they belong to this delaftale; validating them as fields would cost an
            # existence query each (30 000 for a 10 000-row sheet).
            ny.full_clean(
                exclude=["opfoelgning", "indikator", "boligomraade"],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as exc:
            for felt, beskeder in exc.message_dict.items():
                plan.fejl += [Fejl(raekke.kilde, FELTNAVNE.get(felt, felt), b) for b in beskeder]
            continue
        gammel = eksisterende.get(raekke.noegle)
        if gammel is None:
            plan.nye.append(ny)
            continue
        forskelle = {
            f: (getattr(gammel, f), getattr(ny, f))
            for f in FELTER
            if getattr(gammel, f) != getattr(ny, f)
        }
        if forskelle:
            for f in FELTER:
                setattr(gammel, f, getattr(ny, f))
            plan.aendrede.append((gammel, forskelle))
        else:
            plan.uaendrede += 1
    plan.fejl += _samlede_fejl(opfoelgning, eksisterende, plan, raekker)
    return plan


def _samlede_fejl(
    opfoelgning: Opfoelgning, eksisterende: dict, plan: Plan, raekker: list[MaalingInput]
) -> list[Fejl]:
    """A value »opgjort samlet for« several areas is pooled from their counts: where the
    total and every area it covers have tæller and nævner, the total's must be the sums
    (never an average of the shares). Checked on the year as it would be after saving."""
    if plan.fejl:
        return []
    efter = dict(eksisterende)
    for m in [*plan.nye, *(m for m, _ in plan.aendrede)]:
        efter[_maaling_noegle(m)] = m
    if not any(m.boligomraade_id is None and m.naevner is not None for m in efter.values()):
        return []  # no total has counts: nothing to check, and no query
    samlede = list(
        Baseline.objects.filter(
            indikator__delmaal__delaftale_id=opfoelgning.delaftale_id, samlet_for__isnull=False
        )
        .distinct()
        .prefetch_related(
            Prefetch("samlet_for", Boligomraade.objects.only("pk", "navn"), to_attr="omraader")
        )
    )
    kilder = {r.noegle: r.kilde for r in raekker}
    fejl = []
    for baseline in samlede:
        for noegle, total in efter.items():
            if noegle[:3] != (baseline.indikator_id, None, baseline.maalgruppe):
                continue
            periode = noegle[3]
            dele = [
                (o, efter.get((baseline.indikator_id, o.pk, "", periode)))
                for o in baseline.omraader
            ]
            if total.naevner is None or any(m is None or m.naevner is None for _, m in dele):
                continue
            besked = samlet_antal_fejl(
                baseline.maalgruppe,
                total.taeller,
                total.naevner,
                [(o.navn, m.taeller, m.naevner) for o, m in dele],
            )
            if besked is None:
                continue
            kilde = kilder.get(noegle) or next(
                (kilder[k] for k in kilder if k[0] == noegle[0] and k[3] == periode), ""
            )
            fejl.append(Fejl(kilde or "Opfølgningen", "tæller", besked))
    return fejl


@transaction.atomic
def maalinger_gem(*, opfoelgning: Opfoelgning, raekker: list[MaalingInput], bruger) -> Plan:
    """All rows or none. Raises ValidationError listing every error."""
    if not bruger.has_perm("indikatorer.add_maaling") or not bruger.has_perm(
        "indikatorer.change_maaling"
    ):
        raise PermissionDenied("Du kan ikke indtaste målinger.")
    # Lock the year so an approval cannot slip in between validation and writing.
    opfoelgning = Opfoelgning.objects.select_for_update().get(pk=opfoelgning.pk)
    plan = maalinger_planlaeg(opfoelgning=opfoelgning, raekker=raekker)
    if plan.fejl:
        raise ValidationError([str(f) for f in plan.fejl])
    nu = timezone.now()
    for m in plan.nye:
        m.aendret = nu
    Maaling.objects.bulk_create(plan.nye, batch_size=1000)
    # Changed rows are written whole: deleted and inserted again under their own ids.
    # bulk_update builds a CASE WHEN per row and field in Python, which made a re-imported
    # sheet of 10 000 rows take twice as long as importing it new. Nothing refers to a
    # Maaling and the year is locked, so the rows are the same rows afterwards.
    aendrede = [m for m, _ in plan.aendrede]
    for m in aendrede:
        m.aendret = nu
    for start in range(0, len(aendrede), 900):
        Maaling.objects.filter(pk__in=[m.pk for m in aendrede[start : start + 900]]).delete()
    Maaling.objects.bulk_create(aendrede, batch_size=1000)
    return plan
