"""`manage.py import <fil>`: restores `manage.py eksport`'s file into an empty database
(see delaftaler/lib/backup.py). All or nothing, in one transaction."""

from pathlib import Path

from django.core.management.base import BaseCommand

from delaftaler.lib.backup import importer
from delaftaler.publicering.version_pdf import manglende_pdf_bestil


class Command(BaseCommand):
    help = (
        "Indlæser en sikkerhedskopi fra `manage.py eksport` i en tom, migreret database. "
        "Afviser, hvis databasen allerede indeholder delaftaler eller brugere."
    )

    def add_arguments(self, parser):
        parser.add_argument("fil", type=Path, help="sikkerhedskopien (.json eller .json.gz)")

    def handle(self, *args, fil: Path, **options):
        resultat = importer(fil)
        self.stdout.write(
            f"Indlæste {resultat.i_alt} rækker i {len(resultat.antal)} tabeller fra {fil}."
        )
        if antal := manglende_pdf_bestil():
            self.stdout.write(f"{antal} versioners PDF laves af baggrundsarbejderen (db_worker).")
