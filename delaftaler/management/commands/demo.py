"""Demo data for `make run`: both real delaftaler, one login per role and demo follow-ups
for Vejle_21_25 (2022-2024, plainly marked as made-up numbers). Safe to repeat."""

import datetime
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from delaftaler.indlaesning import IndlaesningsFejl, indlaes_fil
from delaftaler.models import Bestyrelsesmoede, Delaftale, Helhedsplan, Indstilling
from delaftaler.opfoelgning.demo import opret_demo_opfoelgninger
from delaftaler.opfoelgning.rapport.pdf import render_rapport_pdf
from delaftaler.publicering.services import udkast_indstil
from delaftaler.roller import ADMINISTRATOR, BESTYRELSE, LEDER, MEDARBEJDER, opret_grupper

DEMO_BRUGERE = [
    # brugernavn, adgangskode, navn, superbruger, gruppe
    ("admin", "demo-admin-2026", "Administrator", True, ADMINISTRATOR),
    ("sekretariat", "demo-sekretariat-2026", "Sekretariatsmedarbejder", False, MEDARBEJDER),
    ("leder", "demo-leder-2026", "Sekretariatsleder", False, LEDER),
    ("bestyrelse", "demo-bestyrelse-2026", "Bestyrelsesmedlem", False, BESTYRELSE),
]


class Command(BaseCommand):
    help = "Indlæser de to rigtige delaftaler og opretter demo-brugere (kun til lokal brug)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--adresse",
            default="http://127.0.0.1:8000",
            help="hvor appen kører, til udskriften af logins (make run sætter PORT)",
        )

    def handle(self, *args, adresse: str, **options):
        if not settings.DEBUG:
            raise CommandError("Demo-brugere oprettes kun, når DEBUG er slået til.")
        for sti in sorted(Path(settings.BASE_DIR, "fixtures").glob("*.json")):
            try:
                resultat = indlaes_fil(sti)
            except IndlaesningsFejl as exc:
                raise CommandError(str(exc)) from exc
            handling = "Indlæst" if resultat.oprettet else "Findes allerede"
            self.stdout.write(f"{handling}: {resultat.delaftale}")
        brugere = self._opret_brugere()
        vejle = Delaftale.objects.filter(helhedsplan__navn="Vejle_21_25").first()
        if vejle:
            nye = opret_demo_opfoelgninger(
                delaftale=vejle,
                sekretariat=brugere["sekretariat"],
                bestyrelse=brugere["bestyrelse"],
                render_pdf=render_rapport_pdf,
            )
            for o in nye:
                self.stdout.write(f"Demo-opfølgning oprettet: {o} ({o.get_status_display()})")
        self._demo_overblik(brugere)
        self.stdout.write(
            f"\nDemo-logins på {adresse.rstrip('/')}/log-ind/ (man lander på »Mit overblik«):"
        )
        for brugernavn, kode, navn, _, _ in DEMO_BRUGERE:
            self.stdout.write(f"  {navn:<24} brugernavn: {brugernavn:<12} adgangskode: {kode}")

    @transaction.atomic
    def _opret_brugere(self) -> dict:
        opret_grupper()
        User = get_user_model()
        brugere = {}
        for brugernavn, kode, navn, superbruger, gruppe in DEMO_BRUGERE:
            bruger, oprettet = User.objects.get_or_create(
                username=brugernavn,
                defaults={"first_name": navn, "is_staff": True, "is_superuser": superbruger},
            )
            if not bruger.email:  # e-mails appear in the worker's console (make run)
                bruger.email = f"{brugernavn}@example.org"
                bruger.save(update_fields=["email"])
            if oprettet:
                bruger.set_password(kode)
                bruger.save()
            if gruppe:
                bruger.groups.add(Group.objects.get(name=gruppe))
            for plan in Helhedsplan.objects.all():
                plan.medlemmer.add(bruger)
            brugere[brugernavn] = bruger
        return brugere

    @transaction.atomic
    def _demo_overblik(self, brugere: dict) -> None:
        """Something on each role's Mit overblik: the boards' next two meetings, and a
        faglig change of Viborg's delaftale submitted to the board by the leder (once)."""
        idag = timezone.localdate()
        for plan in Helhedsplan.objects.all():
            if not plan.bestyrelsesmoeder.filter(dato__gte=idag).exists():
                for dage, emne in ((21, "Opfølgning og indstillinger"), (84, "Budget og status")):
                    Bestyrelsesmoede.objects.create(
                        helhedsplan=plan, dato=idag + datetime.timedelta(days=dage), emne=emne
                    )
                self.stdout.write(f"Demo-bestyrelsesmøder oprettet: {plan}")
        viborg = (
            Delaftale.objects.filter(
                helhedsplan__navn__startswith="Viborg", versioner__isnull=False
            )
            .distinct()
            .first()
        )
        if viborg is None or Indstilling.objects.filter(delaftale=viborg).exists():
            return
        delmaal = viborg.delmaal.order_by("raekkefoelge", "pk").first()
        if delmaal is None:
            return
        delmaal.tekst = f"{delmaal.tekst} (demo: skærpet formulering)"[:500]
        delmaal.full_clean()
        delmaal.save()
        udkast_indstil(
            delaftale=viborg,
            bruger=brugere["leder"],
            begrundelse="Demo: en faglig ændring, der venter på bestyrelsen.",
        )
        self.stdout.write(f"Demo-indstilling til bestyrelsen: {viborg}")
