"""The yearly follow-up's workflow: create, send to the board, approve, reopen.

Each step checks who may take it, records who and when, and runs in one transaction.
Approval freezes the year: its PDF is rendered once and kept, and measurements can
only change after the secretariat reopens the year, which is recorded with a reason.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from aktiviteter.models import AktivitetStatus
from delaftaler.lib import security_log
from delaftaler.models import (
    Delaftale,
    DelmaalStatus,
    GodkendtRapport,
    Kommentar,
    Opfoelgning,
    OpfoelgningHaendelse,
)
from indikatorer.maalinger import MaalingInput, maalinger_gem
from indikatorer.models import Maaling

Handling = OpfoelgningHaendelse.Handling
Status = Opfoelgning.Status
LAAST_FEJL = "Året er godkendt af bestyrelsen og kan ikke ændres uden genåbning."
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


def _log(opfoelgning: Opfoelgning, handling: str, bruger, begrundelse: str = "") -> None:
    haendelse = OpfoelgningHaendelse(
        opfoelgning=opfoelgning, handling=handling, bruger=bruger, begrundelse=begrundelse
    )
    haendelse.full_clean()
    haendelse.save()
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
) -> Opfoelgning:
    laast = Opfoelgning.objects.select_for_update().get(pk=opfoelgning.pk)
    if laast.status != fra:
        raise ValidationError(fejl)
    laast.status = til
    laast.full_clean()
    laast.save(update_fields=["status", "aendret"])
    _log(laast, handling, bruger, begrundelse)
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
) -> GodkendtRapport:
    """Approve and freeze: the PDF rendered now is the one kept for this approval."""
    _kraev(bruger, "delaftaler.godkend_opfoelgning", "Kun bestyrelsen kan godkende opfølgningen.")
    # Locked first, so the sender checked is the one of the year being approved.
    Opfoelgning.objects.select_for_update().get(pk=opfoelgning.pk).kraev_anden_godkender(bruger)
    godkendt = _skift(
        opfoelgning,
        fra=Status.SENDT,
        til=Status.GODKENDT,
        handling=Handling.GODKENDT,
        bruger=bruger,
        fejl="Kun en opfølgning, der er sendt til bestyrelsen, kan godkendes.",
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


@transaction.atomic
def indtastning_gem(
    *,
    opfoelgning: Opfoelgning,
    raekker: list[MaalingInput],
    erstattede: list[Maaling],
    delmaal_status: list[DelmaalStatus],
    aktivitet_status: list[AktivitetStatus],
    bruger: AbstractBaseUser,
) -> None:
    """The grid's save: measurements, replaced periods and statuses, all or nothing."""
    if not bruger.has_perms(INDTAST):
        raise PermissionDenied("Du kan ikke indtaste opfølgningen.")
    laast = Opfoelgning.objects.select_for_update().get(pk=opfoelgning.pk)
    if laast.er_laast:
        raise ValidationError(LAAST_FEJL)
    maalinger_gem(opfoelgning=laast, raekker=raekker, bruger=bruger)
    if erstattede:
        if not bruger.has_perm("indikatorer.delete_maaling"):
            raise PermissionDenied("Du kan ikke slette målinger.")
        Maaling.objects.filter(opfoelgning=laast, pk__in=[m.pk for m in erstattede]).delete()
    for status in [*delmaal_status, *aktivitet_status]:
        status.full_clean()
        status.save()
