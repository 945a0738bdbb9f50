"""`manage.py eksport <fil>`: everything in one file (see delaftaler/lib/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from delaftaler.lib.backup import eksporter


class Command(BaseCommand):
    help = (
        "Skriver hele databasen – helhedsplaner, delaftaler med historik og publicerede "
        "versioner, opfølgninger, brugere og grupper – til én fil (.json eller .json.gz)."
    )

    def add_arguments(self, parser):
        parser.add_argument("fil", type=Path, help="filen, der skrives (overskrives)")

    def handle(self, *args, fil: Path, **options):
        if not fil.parent.is_dir():
            raise CommandError(f"Mappen {fil.parent} findes ikke.")
        resultat = eksporter(fil)
        self.stdout.write(
            f"Skrev {resultat.i_alt} rækker fra {len(resultat.antal)} tabeller til {fil}."
        )
