"""Reminders about the yearly follow-up: a scheduled, idempotent run.

For every year's follow-up not yet sent to the board (the calendar, delaftaler/kalender.py)
the plan's secretariat gets one reminder ``PAAMINDELSE_DAGE_FOER`` days before its due date
(or later, up to the day itself) and one when the date has passed (up to ``GLEMT`` days
after; older deadlines are for Mit overblik, not for a sudden flood of e-mails).

Never twice, none lost: each reminder is a ``Paamindelse`` row (unique per person,
delaftale, year and kind), written in the same database transaction as the e-mail's task
is queued (django-tasks' database backend lives in the same database). A run that dies
before it commits has recorded and queued nothing, and the next run does it; once it has
committed, the worker sends the queued e-mail even after a restart. Two runs at the same
time cannot both record the same reminder (the unique constraint: the second waits for
the first and skips it).

The daily run needs no cron: ``daglige_paamindelser`` is a task that runs the reminders and
schedules the next day's run (``run_after``); ``planlaeg`` makes sure exactly one run is
pending (``manage.py send_paamindelser --planlaeg``, run by ``make run`` and at start in
production).
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from delaftaler.kalender import Art as FristArt
from delaftaler.kalender import Frist, frister, med_kalender
from delaftaler.lib.formatting import formater_dato
from delaftaler.models import (
    Delaftale,
    Opfoelgning,
    Paamindelse,
    Paamindelseskoersel,
)
from delaftaler.notifikationer import epost
from delaftaler.notifikationer.modtagere import modtagere

logger = logging.getLogger(__name__)

FOER = Paamindelse.Art.FOER_FRIST
OVERSKREDET = Paamindelse.Art.FRIST_OVERSKREDET
# A deadline passed longer ago than this gets no reminder (Mit overblik shows it).
GLEMT = datetime.timedelta(days=30)
FORSOEG = 5
VENT = datetime.timedelta(minutes=5)


def _art(frist: Frist, idag: datetime.date) -> str | None:
    dage = frist.dage_til(idag)
    if 0 <= dage <= settings.PAAMINDELSE_DAGE_FOER:
        return FOER
    if -GLEMT.days <= dage < 0:
        return OVERSKREDET
    return None


def _forfaldne(idag: datetime.date) -> list[tuple[object, Frist, str]]:
    """(person, deadline, kind) for every reminder due on ``idag``, sent or not."""
    horisont = datetime.timedelta(days=settings.PAAMINDELSE_DAGE_FOER)
    resultat = []
    hvem: dict[tuple[int, str], list] = {}
    for frist in frister(med_kalender(Delaftale.objects.all()), idag, horisont=horisont):
        if frist.art is not FristArt.OPFOELGNING or (art := _art(frist, idag)) is None:
            continue
        plan = frist.delaftale.helhedsplan
        if (plan.pk, art) not in hvem:
            hvem[plan.pk, art] = modtagere(art, plan)
        resultat.extend((person, frist, art) for person in hvem[plan.pk, art])
    return resultat


def send_paamindelser(*, idag: datetime.date | None = None) -> int:
    """Record and queue every reminder due on ``idag`` (today) that has not been sent;
    returns how many. Safe to run any number of times, also at the same time."""
    idag = idag or timezone.localdate()
    kandidater = _forfaldne(idag)
    sendte = set(
        Paamindelse.objects.filter(
            delaftale__in={frist.delaftale.pk for _, frist, _ in kandidater}
        ).values_list("bruger_id", "delaftale_id", "aar", "art")
    )
    nye: dict[tuple[int, str], list[int]] = defaultdict(list)
    with transaction.atomic():
        for person, frist, art in kandidater:
            if (person.pk, frist.delaftale.pk, frist.aar, art) in sendte:
                continue
            try:
                with transaction.atomic():
                    paamindelse = Paamindelse.objects.create(
                        bruger=person,
                        delaftale=frist.delaftale,
                        aar=frist.aar,
                        art=art,
                        frist=frist.dato,
                    )
            except IntegrityError:  # another run recorded it first
                continue
            nye[person.pk, art].append(paamindelse.pk)
        for ids in nye.values():
            _koe(ids, idag=idag.isoformat())
    antal = sum(len(ids) for ids in nye.values())
    if antal:
        logger.info("%d påmindelser lagt i kø", antal)
    return antal


def _koe(ids: list[int], *, idag: str, forsoeg: int = 1, run_after=None) -> None:
    """Queue in this transaction with the database backend (so the record and the task
    commit together); with any other backend only once it has committed."""
    opgave = send_paamindelse.using(run_after=run_after) if run_after else send_paamindelse
    if isinstance(opgave.get_backend(), DatabaseBackend):
        opgave.enqueue(paamindelse_ids=ids, idag=idag, forsoeg=forsoeg)
    else:
        transaction.on_commit(
            lambda: opgave.enqueue(paamindelse_ids=ids, idag=idag, forsoeg=forsoeg)
        )


@task()
def send_paamindelse(*, paamindelse_ids: list[int], idag: str, forsoeg: int = 1) -> int:
    """One person's reminders of one kind from one run (on ``idag``), in one e-mail. A year
    sent to the board since is left out."""
    paamindelser = list(
        Paamindelse.objects.filter(pk__in=paamindelse_ids)
        .select_related("bruger", "delaftale__helhedsplan", "delaftale__indsatsomraade")
        .order_by(
            "frist", "delaftale__helhedsplan__navn", "delaftale__indsatsomraade__raekkefoelge"
        )
    )
    klaret = set(
        Opfoelgning.objects.filter(
            delaftale__in={p.delaftale_id for p in paamindelser},
            status__in=(Opfoelgning.Status.SENDT, Opfoelgning.Status.GODKENDT),
        ).values_list("delaftale_id", "aar")
    )
    paamindelser = [p for p in paamindelser if (p.delaftale_id, p.aar) not in klaret]
    if not paamindelser:
        return 0
    person = paamindelser[0].bruger
    if not person.is_active or not person.email:
        return 0
    art = paamindelser[0].art
    if person.notifikationsfravalg.filter(art=art).exists():
        return 0
    mangler = epost.send(
        [(person, _besked(art, paamindelser, datetime.date.fromisoformat(idag)).til(person))]
    )
    if mangler:
        if forsoeg >= FORSOEG:
            raise RuntimeError("Påmindelsen kunne ikke sendes.")
        with transaction.atomic():
            _koe(
                paamindelse_ids,
                idag=idag,
                forsoeg=forsoeg + 1,
                run_after=timezone.now() + VENT * forsoeg,
            )
        return 0
    return len(paamindelser)


def _besked(art: str, paamindelser: list[Paamindelse], idag: datetime.date) -> epost.Besked:
    punkter = []
    for p in paamindelser:
        d = p.delaftale
        args = (d.helhedsplan.slug, d.indsatsomraade.slug)
        punkter.append(
            {
                "titel": f"Opfølgning {p.aar}: {d}",
                "frist": formater_dato(p.frist),
                "dage": (p.frist - idag).days,
                "link": epost.absolut("delaftaler:opfoelgning_liste", *args),
            }
        )
    foer = art == FOER
    if len(punkter) == 1:
        p = paamindelser[0]
        emne = (
            f"Påmindelse: opfølgning {p.aar} for {p.delaftale} skal sendes senest "
            f"{formater_dato(p.frist)}"
            if foer
            else f"Fristen er overskredet: opfølgning {p.aar} for {p.delaftale}"
        )
    else:
        emne = (
            f"Påmindelse: {len(punkter)} opfølgninger skal snart sendes til bestyrelsen"
            if foer
            else f"Fristen er overskredet for {len(punkter)} opfølgninger"
        )
    return epost.Besked(
        art=art,
        plan=paamindelser[0].delaftale.helhedsplan,
        emne=emne,
        skabelon="paamindelse",
        kontekst={"punkter": punkter, "foer": foer},
        plannavne=" og ".join(sorted({p.delaftale.helhedsplan.navn for p in paamindelser})),
    )


# --- The daily run ----------------------------------------------------------------------------


def tidspunkt(dag: datetime.date) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(dag, datetime.time(settings.PAAMINDELSE_KLOKKEN))
    )


def _venter(koersel: Paamindelseskoersel) -> bool:
    return (
        bool(koersel.opgave_id)
        and DBTaskResult.objects.filter(
            pk=koersel.opgave_id, status__in=("READY", "RUNNING")
        ).exists()
    )


def planlaeg(*, nu: datetime.datetime | None = None) -> Paamindelseskoersel:
    """Make sure the next daily run is scheduled, exactly once: at ``PAAMINDELSE_KLOKKEN``
    today if that is still ahead and today has not run, else tomorrow."""
    nu = nu or timezone.now()
    with transaction.atomic():
        for koersel in Paamindelseskoersel.objects.select_for_update().filter(koert__isnull=True):
            if _venter(koersel):
                return koersel
        lokal = timezone.localtime(nu)
        dag = lokal.date()
        if lokal.hour >= settings.PAAMINDELSE_KLOKKEN:
            dag += datetime.timedelta(days=1)
        sidste = (
            Paamindelseskoersel.objects.filter(koert__isnull=False)
            .order_by("-dag")
            .values_list("dag", flat=True)
            .first()
        )
        if sidste is not None and dag <= sidste:
            dag = sidste + datetime.timedelta(days=1)
        Paamindelseskoersel.objects.get_or_create(dag=dag)
        # Locked again: a process that created it at the same moment has queued its task.
        koersel = Paamindelseskoersel.objects.select_for_update().get(dag=dag)
        if koersel.koert is None and _venter(koersel):
            return koersel
        opgave = daglige_paamindelser.using(run_after=tidspunkt(dag)).enqueue(dag=dag.isoformat())
        koersel.opgave_id = str(opgave.id)
        koersel.koert = None
        koersel.save(update_fields=["opgave_id", "koert"])
        return koersel


@task()
def daglige_paamindelser(*, dag: str) -> int:
    """The daily run: today's reminders, then the next day's run scheduled."""
    Paamindelseskoersel.objects.filter(dag=dag).update(koert=timezone.now())
    try:
        antal = send_paamindelser()
        Paamindelseskoersel.objects.filter(dag=dag).update(antal=antal)
        return antal
    finally:
        planlaeg()
