"""Reminders about the yearly follow-up (delaftaler/notifikationer/paamindelser.py)."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from delaftaler.lib.formatting import formater_dato, formater_tidspunkt
from delaftaler.notifikationer import paamindelser


class Command(BaseCommand):
    help = (
        "Sender dagens påmindelser om opfølgninger (aldrig den samme to gange), eller "
        "planlægger med --planlaeg den daglige kørsel, som baggrundsarbejderen udfører."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--planlaeg",
            action="store_true",
            help="sørg for, at den næste daglige kørsel er planlagt (præcis én); send intet nu",
        )
        parser.add_argument("--dato", help="kør som på denne dag (ÅÅÅÅ-MM-DD) i stedet for i dag")

    def handle(self, *args, planlaeg: bool, dato: str | None, **options):
        if planlaeg:
            koersel = paamindelser.planlaeg()
            tidspunkt = paamindelser.tidspunkt(koersel.dag)
            self.stdout.write(f"Påmindelserne køres næste gang {formater_tidspunkt(tidspunkt)}.")
            return
        try:
            idag = datetime.date.fromisoformat(dato) if dato else None
        except ValueError as exc:
            raise CommandError("Skriv datoen som ÅÅÅÅ-MM-DD, fx 2026-03-01.") from exc
        antal = paamindelser.send_paamindelser(idag=idag)
        dag = formater_dato(idag) if idag else "i dag"
        self.stdout.write(f"{antal} påmindelser lagt i kø til udsendelse ({dag}).")
