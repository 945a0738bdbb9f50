"""The events that send e-mail, one function each, called by the workflows' services.

Each function only registers, with ``transaction.on_commit``, the queuing of a background
task with ids (nothing is sent inside the request, and nothing if the transaction rolls
back). The task (``send_haendelse``, run by the worker) loads the objects, decides who
gets the e-mail (``modtagere``), renders it and sends it.
"""

from __future__ import annotations

import datetime
import logging

from django.utils import timezone
from django_tasks import task

from delaftaler.lib.formatting import brugernavn, formater_dato
from delaftaler.lib.opgaver import koe_efter_commit
from delaftaler.models import (
    Indstilling,
    NotifikationArt,
    Opfoelgning,
    OpfoelgningHaendelse,
)
from delaftaler.notifikationer import epost
from delaftaler.notifikationer.modtagere import modtagere

logger = logging.getLogger(__name__)

Art = NotifikationArt
Handling = OpfoelgningHaendelse.Handling
# A mail server that does not answer is tried again this many times, ever later.
FORSOEG = 5
VENT = datetime.timedelta(minutes=5)


def _koe(art: str, objekt_id: int, aktoer_id: int | None) -> None:
    koe_efter_commit(send_haendelse, art=str(art), objekt_id=objekt_id, aktoer_id=aktoer_id)


# --- The events (called inside the service's transaction) -------------------------------


def indstilling_sendt(indstilling: Indstilling, bruger) -> None:
    """A change was submitted to the board: to the plan's board members."""
    _koe(Art.INDSTILLING_SENDT, indstilling.pk, bruger.pk)


def indstilling_besluttet(indstilling: Indstilling, bruger) -> None:
    """The board approved the change or sent it back, with its comment: to the one who
    submitted it and the plan's sekretariatsledere."""
    _koe(Art.INDSTILLING_BESLUTTET, indstilling.pk, bruger.pk)


def opfoelgning_sendt(haendelse: OpfoelgningHaendelse) -> None:
    """A year's follow-up was sent to the board: to the plan's board members."""
    _koe(Art.OPFOELGNING_SENDT, haendelse.pk, haendelse.bruger_id)


def opfoelgning_godkendt(haendelse: OpfoelgningHaendelse) -> None:
    """The board approved a year's follow-up: to the plan's secretariat."""
    _koe(Art.OPFOELGNING_GODKENDT, haendelse.pk, haendelse.bruger_id)


def opfoelgning_genaabnet(haendelse: OpfoelgningHaendelse) -> None:
    """A sent or approved year was taken back, with a reason: to the plan's secretariat
    and board (a year they were reading or had approved is back to draft)."""
    _koe(Art.OPFOELGNING_GENAABNET, haendelse.pk, haendelse.bruger_id)


OPFOELGNING = {
    Handling.SENDT: opfoelgning_sendt,
    Handling.GODKENDT: opfoelgning_godkendt,
    Handling.GENAABNET: opfoelgning_genaabnet,
}


def opfoelgning_haendelse(haendelse: OpfoelgningHaendelse) -> None:
    """A step of the follow-up's workflow, as it is recorded: the e-mail for it, if any
    (creating a year sends none)."""
    if (funktion := OPFOELGNING.get(haendelse.handling)) is not None:
        funktion(haendelse)


# --- The worker's side ---------------------------------------------------------------------


@task()
def send_haendelse(
    *,
    art: str,
    objekt_id: int,
    aktoer_id: int | None,
    modtager_ids: list[int] | None = None,
    forsoeg: int = 1,
) -> int:
    """Render and send one event's e-mails; returns how many went out. If the mail server
    fails, those not reached are tried again later (up to ``FORSOEG`` times)."""
    besked, ogsaa = BYG[art](objekt_id)
    if besked is None:
        return 0
    hvem = modtagere(art, besked.plan, aktoer_id=aktoer_id, ogsaa=ogsaa)
    if modtager_ids is not None:
        hvem = [m for m in hvem if m.pk in modtager_ids]
    mangler = epost.send([(m, besked.til(m)) for m in hvem])
    if mangler:
        if forsoeg >= FORSOEG:
            raise RuntimeError(f"E-mailen kunne ikke sendes til {len(mangler)} modtagere.")
        send_haendelse.using(run_after=timezone.now() + VENT * forsoeg).enqueue(
            art=art,
            objekt_id=objekt_id,
            aktoer_id=aktoer_id,
            modtager_ids=mangler,
            forsoeg=forsoeg + 1,
        )
    return len(hvem) - len(mangler)


def _indstilling(pk: int) -> Indstilling | None:
    return (
        Indstilling.objects.select_related(
            "delaftale__helhedsplan",
            "delaftale__indsatsomraade",
            "indsendt_af",
            "besluttet_af",
            "moede",
        )
        .filter(pk=pk)
        .first()
    )


def _byg_indstilling_sendt(pk: int):
    indstilling = _indstilling(pk)
    if indstilling is None or not indstilling.afventer:
        return None, ()  # already decided or withdrawn before the worker came to it
    delaftale = indstilling.delaftale
    args = (delaftale.helhedsplan.slug, delaftale.indsatsomraade.slug)
    ny = indstilling.grundlag_id is None
    besked = epost.Besked(
        art=Art.INDSTILLING_SENDT,
        plan=delaftale.helhedsplan,
        emne=f"Til bestyrelsen: {'ny delaftale' if ny else 'ændring af delaftalen'} {delaftale}",
        skabelon="indstilling_sendt",
        kontekst={
            "delaftale": delaftale,
            "indstilling": indstilling,
            "ny": ny,
            "hvem": brugernavn(indstilling.indsendt_af),
            "dato": formater_dato(indstilling.indsendt),
            "link": epost.absolut("delaftaler:indstilling", *args, indstilling.pk),
        },
    )
    return besked, ()


def _byg_indstilling_besluttet(pk: int):
    indstilling = _indstilling(pk)
    if indstilling is None or indstilling.status not in (
        Indstilling.Status.GODKENDT,
        Indstilling.Status.SENDT_TILBAGE,
    ):
        return None, ()
    delaftale = indstilling.delaftale
    args = (delaftale.helhedsplan.slug, delaftale.indsatsomraade.slug)
    godkendt = indstilling.status == Indstilling.Status.GODKENDT
    besked = epost.Besked(
        art=Art.INDSTILLING_BESLUTTET,
        plan=delaftale.helhedsplan,
        emne=(
            f"Bestyrelsen har godkendt ændringen af {delaftale}"
            if godkendt
            else f"Bestyrelsen har sendt ændringen af {delaftale} tilbage"
        ),
        skabelon="indstilling_besluttet",
        kontekst={
            "delaftale": delaftale,
            "indstilling": indstilling,
            "godkendt": godkendt,
            "hvem": brugernavn(indstilling.besluttet_af),
            "dato": formater_dato(indstilling.besluttet),
            "indsendt": formater_dato(indstilling.indsendt),
            "link": epost.absolut("delaftaler:indstilling", *args, indstilling.pk),
            "delaftale_link": epost.absolut("delaftaler:delaftale", *args),
        },
    )
    return besked, (indstilling.indsendt_af_id,)


def _haendelse(pk: int) -> OpfoelgningHaendelse | None:
    return (
        OpfoelgningHaendelse.objects.select_related(
            "bruger",
            "moede",
            "opfoelgning__delaftale__helhedsplan",
            "opfoelgning__delaftale__indsatsomraade",
        )
        .filter(pk=pk)
        .first()
    )


def _byg_opfoelgning(art: str, pk: int, *, status: str, emne: str, skabelon: str):
    haendelse = _haendelse(pk)
    if haendelse is None or haendelse.opfoelgning.status != status:
        return None, ()  # the year has moved on before the worker came to it
    opfoelgning = haendelse.opfoelgning
    delaftale = opfoelgning.delaftale
    args = (delaftale.helhedsplan.slug, delaftale.indsatsomraade.slug, opfoelgning.aar)
    rapport = epost.absolut("delaftaler:rapport", *args)
    liste = epost.absolut("delaftaler:opfoelgning_liste", *args[:2])
    indtast = epost.absolut("delaftaler:opfoelgning_indtast", *args)

    def link_for(modtager) -> str:
        if status == Opfoelgning.Status.KLADDE:
            # A draft is the secretariat's to correct; the board cannot see drafts.
            return indtast if modtager.has_perm("delaftaler.send_opfoelgning") else liste
        return rapport

    besked = epost.Besked(
        art=art,
        plan=delaftale.helhedsplan,
        emne=emne.format(aar=opfoelgning.aar, delaftale=delaftale),
        skabelon=skabelon,
        kontekst={
            "delaftale": delaftale,
            "opfoelgning": opfoelgning,
            "aar": str(opfoelgning.aar),
            "hvem": brugernavn(haendelse.bruger),
            "dato": formater_dato(haendelse.tidspunkt),
            "begrundelse": haendelse.begrundelse,
            # The board meeting an approval was taken at.
            "moede": formater_dato(haendelse.moede.dato) if haendelse.moede else "",
        },
        link_for=link_for,
    )
    return besked, ()


BYG = {
    Art.INDSTILLING_SENDT: _byg_indstilling_sendt,
    Art.INDSTILLING_BESLUTTET: _byg_indstilling_besluttet,
    Art.OPFOELGNING_SENDT: lambda pk: _byg_opfoelgning(
        Art.OPFOELGNING_SENDT,
        pk,
        status=Opfoelgning.Status.SENDT,
        emne="Til bestyrelsen: opfølgning {aar} for {delaftale}",
        skabelon="opfoelgning_sendt",
    ),
    Art.OPFOELGNING_GODKENDT: lambda pk: _byg_opfoelgning(
        Art.OPFOELGNING_GODKENDT,
        pk,
        status=Opfoelgning.Status.GODKENDT,
        emne="Bestyrelsen har godkendt opfølgning {aar} for {delaftale}",
        skabelon="opfoelgning_godkendt",
    ),
    Art.OPFOELGNING_GENAABNET: lambda pk: _byg_opfoelgning(
        Art.OPFOELGNING_GENAABNET,
        pk,
        status=Opfoelgning.Status.KLADDE,
        emne="Opfølgning {aar} for {delaftale} er genåbnet",
        skabelon="opfoelgning_genaabnet",
    ),
}
