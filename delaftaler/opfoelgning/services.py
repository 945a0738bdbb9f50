"""The yearly follow-up's workflow: create, send to the board, approve, reopen.

Each step checks who may take it, records who and when, and runs in one transaction.
Sending freezes what the board sees (``Opfoelgning.grundlag``), and approval keeps it:
the PDF is rendered once from it and kept. Measurements of a sent or approved year can
only change after the secretariat takes it back (reopens it), recorded with a reason.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from aktiviteter.models import AktivitetStatus
from delaftaler import notifikationer
from delaftaler.lib import security_log
from delaftaler.lib.concurrency import version
from delaftaler.models import (
    Bestyrelsesmoede,
    Delaftale,
    DelmaalStatus,
    GodkendtRapport,
    Kommentar,
    Opfoelgning,
    OpfoelgningHaendelse,
)
from delaftaler.opfoelgning.rapport.context import frys_grundlag
from indikatorer.maalinger import MaalingInput, maalinger_gem
from indikatorer.models import Maaling, sted_noegle

logger = logging.getLogger(__name__)

Handling = OpfoelgningHaendelse.Handling
Status = Opfoelgning.Status
# What entering a year's follow-up takes: measurements and the status texts.
INDTAST = (
    "indikatorer.add_maaling",
    "indikatorer.change_maaling",
    "delaftaler.add_delmaalstatus",
    "delaftaler.change_delmaalstatus",
    "aktiviteter.add_aktivitetstatus",
    "aktiviteter.change_aktivitetstatus",
)


def _kraev(bruger: AbstractBaseUser, perm: str, tekst: str) -> None:
    if not bruger.has_perm(perm):
        raise PermissionDenied(tekst)


def _log(
    opfoelgning: Opfoelgning,
    handling: str,
    bruger,
    begrundelse: str = "",
    moede: Bestyrelsesmoede | None = None,
) -> None:
    haendelse = OpfoelgningHaendelse(
        opfoelgning=opfoelgning,
        handling=handling,
        bruger=bruger,
        begrundelse=begrundelse,
        moede=moede,
    )
    haendelse.full_clean()
    haendelse.save()
    notifikationer.opfoelgning_haendelse(haendelse)  # e-mail, queued once committed
    # The step also goes to the security log, once it is committed.
    transaction.on_commit(lambda: security_log.haendelse(handling, opfoelgning, bruger))


@transaction.atomic
def opfoelgning_opret(*, delaftale: Delaftale, aar: int, bruger: AbstractBaseUser) -> Opfoelgning:
    _kraev(bruger, "delaftaler.add_opfoelgning", "Du kan ikke oprette opfølgninger.")
    opfoelgning = Opfoelgning(delaftale=delaftale, aar=aar)
    opfoelgning.full_clean()
    opfoelgning.save()
    _log(opfoelgning, Handling.OPRETTET, bruger)
    return opfoelgning


def _skift(
    opfoelgning: Opfoelgning,
    *,
    fra: str,
    til: str,
    handling: str,
    bruger: AbstractBaseUser,
    fejl: str,
    begrundelse: str = "",
    moede: Bestyrelsesmoede | None = None,
) -> Opfoelgning:
    laast = Opfoelgning.objects.select_for_update().get(pk=opfoelgning.pk)
    if laast.status != fra:
        raise ValidationError(fejl)
    laast.status = til
    if til == Status.KLADDE:
        laast.grundlag = None
    elif laast.grundlag is None:
        # Sending freezes what the board sees (a year sent before freezing existed is
        # frozen when approved).
        laast.grundlag = frys_grundlag(laast)
    laast.full_clean()
    laast.save(update_fields=["status", "grundlag", "aendret"])
    _log(laast, handling, bruger, begrundelse, moede)
    return laast


@transaction.atomic
def opfoelgning_send(*, opfoelgning: Opfoelgning, bruger: AbstractBaseUser) -> Opfoelgning:
    _kraev(bruger, "delaftaler.send_opfoelgning", "Kun sekretariatet kan sende til bestyrelsen.")
    return _skift(
        opfoelgning,
        fra=Status.KLADDE,
        til=Status.SENDT,
        handling=Handling.SENDT,
        bruger=bruger,
        fejl="Kun en kladde kan sendes til bestyrelsen.",
    )


@transaction.atomic
def opfoelgning_godkend(
    *,
    opfoelgning: Opfoelgning,
    bruger: AbstractBaseUser,
    render_pdf: Callable[[Opfoelgning], bytes],
    kommentar: str = "",
    moede_dato: datetime.date | None = None,
) -> GodkendtRapport:
    """Approve and freeze: the PDF rendered now is the one kept for this approval.

    The approval records the board meeting it was taken at (``moede_dato``, the meeting
    made if new) and the board's comment, both on the record's event, so the report, its
    history and the PDF show them."""
    _kraev(bruger, "delaftaler.godkend_opfoelgning", "Kun bestyrelsen kan godkende opfølgningen.")
    # Locked first, so the sender checked is the one of the year being approved.
    laast = (
        Opfoelgning.objects.select_for_update().select_related("delaftale").get(pk=opfoelgning.pk)
    )
    laast.kraev_anden_godkender(bruger)
    moede = None
    if moede_dato is not None:
        moede = Bestyrelsesmoede.til_beslutning(laast.delaftale.helhedsplan_id, moede_dato)
    godkendt = _skift(
        opfoelgning,
        fra=Status.SENDT,
        til=Status.GODKENDT,
        handling=Handling.GODKENDT,
        bruger=bruger,
        fejl="Kun en opfølgning, der er sendt til bestyrelsen, kan godkendes.",
        begrundelse=kommentar.strip(),
        moede=moede,
    )
    pdf = render_pdf(godkendt)
    rapport = GodkendtRapport(
        opfoelgning=godkendt,
        version=godkendt.godkendte_rapporter.count() + 1,
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        godkendt_af=bruger,
        godkendt=timezone.now(),
    )
    rapport.full_clean()
    rapport.save()
    return rapport


@transaction.atomic
def opfoelgning_genaaben(
    *, opfoelgning: Opfoelgning, bruger: AbstractBaseUser, begrundelse: str
) -> Opfoelgning:
    """A correction to an approved (or sent) year: back to draft, visibly and with a reason.
    Earlier approved PDFs are kept."""
    _kraev(bruger, "delaftaler.send_opfoelgning", "Kun sekretariatet kan genåbne en opfølgning.")
    if not begrundelse.strip():
        raise ValidationError({"begrundelse": "Skriv hvorfor opfølgningen genåbnes."})
    status = Opfoelgning.objects.get(pk=opfoelgning.pk).status
    if status == Status.KLADDE:
        raise ValidationError("Opfølgningen er allerede en kladde.")
    return _skift(
        opfoelgning,
        fra=status,
        til=Status.KLADDE,
        handling=Handling.GENAABNET,
        bruger=bruger,
        fejl="Opfølgningen blev ændret imens. Prøv igen.",
        begrundelse=begrundelse.strip(),
    )


@transaction.atomic
def kommentar_tilfoej(
    *, opfoelgning: Opfoelgning, bruger: AbstractBaseUser, tekst: str, delmaal=None
) -> Kommentar:
    _kraev(bruger, "delaftaler.add_kommentar", "Du kan ikke kommentere opfølgningen.")
    status = Opfoelgning.objects.values_list("status", flat=True).get(pk=opfoelgning.pk)
    if status != Status.SENDT:
        raise ValidationError("Der kan kun kommenteres, mens opfølgningen ligger hos bestyrelsen.")
    if delmaal is not None and delmaal.delaftale_id != opfoelgning.delaftale_id:
        raise ValidationError({"delmaal": "Delmålet hører til en anden delaftale."})
    kommentar = Kommentar(
        opfoelgning=opfoelgning, bruger=bruger, tekst=tekst.strip(), delmaal=delmaal
    )
    kommentar.full_clean()
    kommentar.save()
    return kommentar


@dataclass
class Afvist:
    """What a grid save refused: rows someone else changed after the page was read."""

    raekker: list[MaalingInput] = field(default_factory=list)
    delmaal_status: list[DelmaalStatus] = field(default_factory=list)
    aktivitet_status: list[AktivitetStatus] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.raekker) + len(self.delmaal_status) + len(self.aktivitet_status)


def _seneste_pr_sted(maalinger) -> dict[tuple, Maaling]:
    """Each indicator × sted's latest measurement: the one the grid shows."""
    resultat: dict[tuple, Maaling] = {}
    for m in sorted(maalinger, key=lambda m: m.periode):
        resultat[(m.indikator_id, *m.sted_noegle)] = m
    return resultat


@transaction.atomic
def indtastning_gem(
    *,
    opfoelgning: Opfoelgning,
    raekker: list[MaalingInput],
    erstattede: list[Maaling],
    delmaal_status: list[DelmaalStatus],
    aktivitet_status: list[AktivitetStatus],
    laest: dict[str, Maaling | None],
    bruger: AbstractBaseUser,
) -> Afvist:
    """The grid's save: measurements, replaced periods and statuses.

    Every row is compared, under a row lock, with what the page was built from: ``laest``
    (per row's kilde, the measurement it showed; a row not in it was empty) and each
    status's own id and ``aendret``. A row someone else has changed since is refused and
    returned; the others are saved, all of them or (on an error) none."""
    if not bruger.has_perms(INDTAST):
        raise PermissionDenied("Du kan ikke indtaste opfølgningen.")
    laast = Opfoelgning.objects.select_for_update().get(pk=opfoelgning.pk)
    if laast.er_laast:
        raise ValidationError(laast.laast_tekst)
    afvist = Afvist()
    nu = _seneste_pr_sted(
        Maaling.objects.select_for_update(no_key=True).filter(opfoelgning=laast).order_by("pk")
    )
    gemmes = []
    for raekke in raekker:
        omraade = raekke.boligomraade.pk if raekke.boligomraade else None
        noegle = (raekke.indikator.pk, *sted_noegle(omraade, raekke.maalgruppe))
        if version(nu.get(noegle)) == version(laest.get(raekke.kilde)):
            gemmes.append(raekke)
        else:
            afvist.raekker.append(raekke)
    beholdt = {m.pk for r in afvist.raekker if (m := laest.get(r.kilde)) is not None}
    erstattede = [m for m in erstattede if m.pk not in beholdt]
    statusser = []
    for model, felt, liste, afviste in (
        (DelmaalStatus, "delmaal_id", delmaal_status, afvist.delmaal_status),
        (AktivitetStatus, "aktivitet_id", aktivitet_status, afvist.aktivitet_status),
    ):
        versioner = {
            getattr(s, felt): version(s)
            for s in model.objects.select_for_update(no_key=True)
            .filter(opfoelgning=laast)
            .order_by("pk")
        }
        for status in liste:
            if versioner.get(getattr(status, felt)) == version(status):
                statusser.append(status)
            else:
                afviste.append(status)
    maalinger_gem(opfoelgning=laast, raekker=gemmes, bruger=bruger)
    if erstattede:
        if not bruger.has_perm("indikatorer.delete_maaling"):
            raise PermissionDenied("Du kan ikke slette målinger.")
        Maaling.objects.filter(opfoelgning=laast, pk__in=[m.pk for m in erstattede]).delete()
    for status in statusser:
        status.full_clean()
        status.save()
    if afvist:
        antal = len(afvist)
        transaction.on_commit(
            lambda: logger.info(
                "Opfølgning %s: %d rækker afvist, ændret af en anden", laast.pk, antal
            )
        )
    return afvist
