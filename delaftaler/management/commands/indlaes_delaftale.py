from datetime import date, datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from delaftaler.indlaesning import IndlaesningsFejl, indlaes_fil


def _dato(tekst: str) -> date:
    """01.12.2021 (as the board's minutes write it) or 2021-12-01."""
    for formater in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            dato = datetime.strptime(tekst.strip(), formater).date()
        except ValueError:
            continue
        if dato > timezone.localdate():  # the board's meeting has been held
            raise CommandError(f"»{tekst}« ligger ude i fremtiden; skriv mødets dato.")
        return dato
    raise CommandError(f"»{tekst}« er ikke en dato; skriv fx 01.12.2021.")


class Command(BaseCommand):
    help = "Indlæser delaftaler fra JSON-filer i fixtures-formatet. Findes de allerede, sker intet."

    def add_arguments(self, parser):
        parser.add_argument("filer", nargs="+", type=Path)
        parser.add_argument(
            "--godkendt",
            metavar="DATO",
            help="Dagen, bestyrelsen godkendte delaftalen (fx 01.12.2021); "
            "den første version viser den.",
        )

    def handle(self, *args, filer: list[Path], godkendt: str | None = None, **options):
        dato = _dato(godkendt) if godkendt else None
        for sti in filer:
            try:
                resultat = indlaes_fil(sti, godkendt=dato)
            except IndlaesningsFejl as exc:
                raise CommandError(str(exc)) from exc
            handling = "Indlæst" if resultat.oprettet else "Findes allerede"
            self.stdout.write(f"{handling}: {resultat.delaftale}")
