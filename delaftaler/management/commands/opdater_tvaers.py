"""The view across plans' stored rows (delaftaler/tvaers/selectors.py)."""

from django.core.management.base import BaseCommand

from delaftaler.tvaers.selectors import tvaers_raekker_opdater


class Command(BaseCommand):
    help = (
        "Regner rækkerne i oversigten på tværs (/oversigt/) ud for de delaftaler, hvor en "
        "publicering, en godkendelse, en genåbning eller en ny diskretionsgrænse har gjort "
        "dem forældede. Siden gør det selv ved næste visning; kør det efter migrering, så "
        "ingen læser venter på en hel installations første beregning."
    )

    def handle(self, *args, **options):
        antal = tvaers_raekker_opdater()
        self.stdout.write(f"Oversigten på tværs: {antal} delaftaler regnet ud.")
