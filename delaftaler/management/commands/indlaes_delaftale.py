from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from delaftaler.indlaesning import IndlaesningsFejl, indlaes_fil


class Command(BaseCommand):
    help = "Indlæser delaftaler fra JSON-filer i fixtures-formatet. Findes de allerede, sker intet."

    def add_arguments(self, parser):
        parser.add_argument("filer", nargs="+", type=Path)

    def handle(self, *args, filer: list[Path], **options):
        for sti in filer:
            try:
                resultat = indlaes_fil(sti)
            except IndlaesningsFejl as exc:
                raise CommandError(str(exc)) from exc
            handling = "Indlæst" if resultat.oprettet else "Findes allerede"
            self.stdout.write(f"{handling}: {resultat.delaftale}")
