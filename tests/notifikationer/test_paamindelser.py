"""Reminders before and after a follow-up's due date: sent once, whatever happens.

»Egen«'s delaftale runs 01.12.2021–30.11.2025; its 2024 year is a draft, due 01.03.2025
(the default rule, 1. marts året efter)."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from delaftaler.models import NotifikationArt, Notifikationsfravalg, Paamindelse
from delaftaler.notifikationer import paamindelser
from delaftaler.opfoelgning import services as opfoelgning
from tests.notifikationer.conftest import adresser, links, sti
from tests.opgaver import fejlede_opgaver, koer_opgaver

pytestmark = pytest.mark.django_db

FRIST = datetime.date(2025, 3, 1)
FOER = FRIST - datetime.timedelta(days=9)
EFTER = FRIST + datetime.timedelta(days=1)
DAGLIG = "delaftaler.notifikationer.paamindelser.daglige_paamindelser"


def _sekretariatet(folk) -> list[str]:
    """Each plan's own secretariat (»Anden« has a draft 2024 too, due the same day)."""
    return adresser(folk.sekretariat, folk.sekretariat2, folk.leder, folk.anden_sekretariat)


def _koer(smtp) -> None:
    koer_opgaver()
    assert fejlede_opgaver() == []


def test_before_the_due_date_the_secretariat_is_reminded_once_with_a_working_link(
    folk, smtp, client
):
    assert paamindelser.send_paamindelser(idag=FOER) == 4
    assert smtp.beskeder == []  # queued for the worker, not sent by the run
    _koer(smtp)

    assert smtp.til() == _sekretariatet(folk)  # not the board
    anden = smtp.for_(folk.anden_sekretariat.email)[0]
    assert str(folk.anden.delaftale) in anden.emne and "Egen" not in anden.tekst
    besked = smtp.for_(folk.sekretariat.email)[0]
    assert "Anden" not in besked.tekst
    assert besked.emne == (
        f"Påmindelse: opfølgning 2024 for {folk.egen.delaftale} skal sendes senest 01.03.2025"
    )
    assert "frist 01.03.2025 (om 9 dage)" in besked.tekst
    assert "frist 01.03.2025" in besked.html
    client.force_login(folk.sekretariat)
    for link in links(besked.tekst):
        assert client.get(sti(link)).status_code == 200

    # The same day again, and every day until the due date: nothing new.
    assert paamindelser.send_paamindelser(idag=FOER) == 0
    assert paamindelser.send_paamindelser(idag=FRIST) == 0
    smtp.beskeder.clear()
    _koer(smtp)
    assert smtp.beskeder == []


def test_once_the_due_date_has_passed_one_more_reminder_goes_out_and_only_one(folk, smtp):
    paamindelser.send_paamindelser(idag=FOER)
    _koer(smtp)
    smtp.beskeder.clear()

    assert paamindelser.send_paamindelser(idag=EFTER) == 4
    assert paamindelser.send_paamindelser(idag=EFTER + datetime.timedelta(days=5)) == 0
    _koer(smtp)
    assert smtp.til() == _sekretariatet(folk)
    besked = smtp.for_(folk.leder.email)[0]
    assert besked.emne == f"Fristen er overskredet: opfølgning 2024 for {folk.egen.delaftale}"
    assert "Fristen er overskredet" in besked.tekst


def test_a_year_sent_to_the_board_gets_no_reminder(folk, smtp):
    opfoelgning.opfoelgning_send(opfoelgning=folk.egen.aar["kladde"], bruger=folk.sekretariat)
    assert paamindelser.send_paamindelser(idag=FOER) == 1  # only »Anden«'s
    assert paamindelser.send_paamindelser(idag=EFTER) == 1
    assert set(Paamindelse.objects.values_list("delaftale", flat=True)) == {folk.anden.delaftale.pk}


def test_a_year_sent_after_the_reminder_was_queued_is_left_out_of_the_email(folk, smtp):
    paamindelser.send_paamindelser(idag=FOER)
    opfoelgning.opfoelgning_send(opfoelgning=folk.egen.aar["kladde"], bruger=folk.sekretariat)
    _koer(smtp)
    assert smtp.til() == adresser(folk.anden_sekretariat)


def test_someone_who_turned_reminders_off_gets_none(folk, smtp):
    Notifikationsfravalg.objects.create(
        bruger=folk.sekretariat2, art=NotifikationArt.PAAMINDELSE_FOER_FRIST
    )
    paamindelser.send_paamindelser(idag=FOER)
    _koer(smtp)
    assert smtp.til() == adresser(folk.sekretariat, folk.leder, folk.anden_sekretariat)


def test_two_runs_at_the_same_time_send_each_reminder_once(folk, smtp, monkeypatch):
    """The second run reads what is due before the first has recorded anything, and
    records after it: the unique constraint, not a check beforehand, stops the double."""
    forfaldne = paamindelser._forfaldne

    def imens_en_anden_koersel(idag):
        kandidater = forfaldne(idag)
        monkeypatch.setattr(paamindelser, "_forfaldne", forfaldne)
        assert paamindelser.send_paamindelser(idag=idag) == 4  # the other run
        return kandidater

    monkeypatch.setattr(paamindelser, "_forfaldne", imens_en_anden_koersel)
    monkeypatch.setattr(
        paamindelser.Paamindelse.objects,
        "filter",
        lambda **kw: paamindelser.Paamindelse.objects.none(),
        raising=False,
    )
    assert paamindelser.send_paamindelser(idag=FOER) == 0
    monkeypatch.undo()
    _koer(smtp)
    assert smtp.til() == _sekretariatet(folk)
    assert Paamindelse.objects.count() == 4


def test_a_run_that_queued_its_emails_before_a_crash_sends_them_once_after_restart(folk, smtp):
    assert paamindelser.send_paamindelser(idag=FOER) == 4
    # The machine stops here: recorded and queued in one transaction, not yet sent.
    assert DBTaskResult.objects.filter(status="READY").count() == 4
    assert paamindelser.send_paamindelser(idag=FOER) == 0  # the run after the restart
    _koer(smtp)  # the worker after the restart
    assert smtp.til() == _sekretariatet(folk)


def test_a_mail_server_that_is_down_delays_the_reminder_but_loses_none(folk, smtp, settings):
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 1  # nothing listens there
    paamindelser.send_paamindelser(idag=FOER)
    _koer(smtp)
    assert smtp.beskeder == []
    igen = DBTaskResult.objects.filter(status="READY")
    assert igen.count() == 4 and all(t.run_after > timezone.now() for t in igen)

    settings.EMAIL_PORT = port
    igen.update(run_after=timezone.now())
    _koer(smtp)
    assert smtp.til() == _sekretariatet(folk)


def test_the_daily_run_is_scheduled_exactly_once_and_schedules_the_next(folk, smtp):
    nu = timezone.make_aware(datetime.datetime(2025, 2, 20, 10, 0))
    foerste = paamindelser.planlaeg(nu=nu)
    assert paamindelser.planlaeg(nu=nu) == foerste  # repeated: still one
    assert paamindelser.planlaeg() == foerste
    ventende = DBTaskResult.objects.filter(task_path=DAGLIG, status="READY")
    assert ventende.count() == 1
    assert foerste.dag == datetime.date(2025, 2, 21)  # 10:00 is past today's hour
    assert timezone.localtime(ventende.get().run_after).hour == settings.PAAMINDELSE_KLOKKEN

    # The worker runs it: it records the run and schedules the next day, still one pending.
    ventende.update(run_after=timezone.now())
    _koer(smtp)
    foerste.refresh_from_db()
    assert foerste.koert is not None and foerste.antal is not None
    assert DBTaskResult.objects.filter(task_path=DAGLIG, status="READY").count() == 1
    assert paamindelser.planlaeg().dag > foerste.dag


def test_someone_in_two_plans_gets_one_email_listing_both(folk, smtp):
    folk.anden.plan.medlemmer.add(folk.leder)
    assert paamindelser.send_paamindelser(idag=FOER) == 5
    _koer(smtp)
    (besked,) = smtp.for_(folk.leder.email)
    assert besked.emne == "Påmindelse: 2 opfølgninger skal snart sendes til bestyrelsen"
    for delaftale in (folk.egen.delaftale, folk.anden.delaftale):
        assert f"Opfølgning 2024: {delaftale}" in besked.tekst
    assert "fordi du arbejder i sekretariatet for Anden_21_25 og Egen_21_25" in besked.tekst


def test_the_command_runs_reminders_for_a_day_and_schedules_once(folk, smtp):
    from io import StringIO

    from django.core.management import CommandError, call_command

    ud = StringIO()
    call_command("send_paamindelser", "--dato", FOER.isoformat(), stdout=ud)
    call_command("send_paamindelser", "--dato", FOER.isoformat(), stdout=ud)
    assert ud.getvalue().splitlines() == [
        "4 påmindelser lagt i kø til udsendelse (20.02.2025).",
        "0 påmindelser lagt i kø til udsendelse (20.02.2025).",
    ]
    call_command("send_paamindelser", "--planlaeg", stdout=StringIO())
    call_command("send_paamindelser", "--planlaeg", stdout=StringIO())
    assert DBTaskResult.objects.filter(task_path=DAGLIG, status="READY").count() == 1
    with pytest.raises(CommandError, match="Skriv datoen som ÅÅÅÅ-MM-DD"):
        call_command("send_paamindelser", "--dato", "1. marts")
