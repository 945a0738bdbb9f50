from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from delaftaler.management.commands.indlaes_delaftale import _dato
from delaftaler.models import Helhedsplan
from delaftaler.word.safety import WordFejl
from delaftaler.word.services import word_gennemse, word_indlaes


class Command(BaseCommand):
    help = (
        "Indlæser en delaftale fra et Word-dokument (.docx) i LBF's skabelon som udkast. "
        "Med --publicer --godkendt DATO publiceres den som version 1, godkendt af "
        "bestyrelsen den dag (for delaftaler, der allerede gælder)."
    )

    def add_arguments(self, parser):
        parser.add_argument("fil", type=Path)
        parser.add_argument(
            "--helhedsplan",
            metavar="SLUG",
            help="Helhedsplanen, delaftalen hører til. Uden den findes eller oprettes "
            "helhedsplanen ud fra dokumentets stamdata.",
        )
        parser.add_argument(
            "--publicer", action="store_true", help="Publicér delaftalen som version 1."
        )
        parser.add_argument(
            "--godkendt", metavar="DATO", help="Dagen, bestyrelsen godkendte delaftalen."
        )
        parser.add_argument(
            "--kontroller",
            action="store_true",
            help="Vis kun, hvad der blev læst og hvor læsningen var usikker; intet gemmes.",
        )

    def handle(self, *args, fil: Path, helhedsplan=None, publicer=False, godkendt=None, **opt):
        if godkendt and not publicer:
            raise CommandError("--godkendt hører til --publicer.")
        if publicer and not godkendt:
            raise CommandError("--publicer kræver --godkendt DATO (bestyrelsens godkendelse).")
        dato = _dato(godkendt) if godkendt else None
        plan = None
        if helhedsplan:
            plan = Helhedsplan.objects.filter(slug=helhedsplan).first()
            if plan is None:
                raise CommandError(f"Helhedsplanen »{helhedsplan}« findes ikke.")
        try:
            indhold = fil.read_bytes()
        except OSError as exc:
            raise CommandError(f"{fil}: kan ikke læses ({exc.strerror}).") from exc
        try:
            gennemsyn = word_gennemse(indhold=indhold, filnavn=fil.name, helhedsplan=plan)
        except WordFejl as exc:
            raise CommandError(f"{fil.name}: {exc}") from exc
        for u in gennemsyn.laesning.usikkerheder:
            self.stdout.write(f"Usikker ({u.sektion}): {u.tekst}")
        for u in gennemsyn.laesning.uplaceret:
            self.stdout.write(f"Ikke placeret ({u.sektion}): »{u.tekst}«")
        if gennemsyn.fejl:
            raise CommandError("Intet er gemt. " + " ".join(gennemsyn.fejl))
        if opt.get("kontroller"):
            self.stdout.write("Dokumentet kan indlæses. Intet er gemt (--kontroller).")
            return
        try:
            delaftale = word_indlaes(
                indhold=indhold,
                filnavn=fil.name,
                helhedsplan=plan,
                publicer=publicer,
                godkendt=dato,
            )
        except (ValidationError, WordFejl) as exc:
            besked = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            raise CommandError(f"Intet er gemt. {besked}") from exc
        hvad = "publiceret som version 1" if publicer else "gemt som udkast"
        self.stdout.write(f"Indlæst: {delaftale} ({hvad}).")
