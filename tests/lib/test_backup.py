"""Backups: `manage.py eksport` then `manage.py import` into an emptied database gives back
every row of every model, field by field (delaftaler/lib/backup.py)."""

from __future__ import annotations

import importlib
import json

import pytest
from django.apps import apps as django_apps
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django_tasks_db.models import DBTaskResult

from delaftaler.indlaesning import indlaes_fil
from delaftaler.lib.backup import modeller
from delaftaler.models import (
    Delaftale,
    Delmaal,
    Helhedsplan,
    Indsatsomraade,
    Opfoelgning,
    Version,
)
from delaftaler.opfoelgning.demo import opret_demo_opfoelgninger
from delaftaler.opfoelgning.services import kommentar_tilfoej
from delaftaler.roller import BESTYRELSE, SEKRETARIAT, opret_grupper
from indikatorer.models import Baseline
from tests.conftest import VEJLE, VIBORG

pytestmark = pytest.mark.django_db(transaction=True)

KODE = "hemmelig-kode-123"
PDF = b"%PDF-1.7\n\x00\xff binaert indhold \xc3\xa6\xc3\xb8\xc3\xa5"


def _lbf_indsatsomraader() -> None:
    """What the data migration puts in a new database (a flush removes it)."""
    migration = importlib.import_module("delaftaler.migrations.0002_lbf_indsatsomraader")
    migration.opret(django_apps, None)


def _naturlig(model, pk):
    return model._base_manager.get(pk=pk).natural_key()


def alle_raekker() -> dict[str, list[dict]]:
    """Every row of every backed-up model, field by field and with its many-to-many rows.
    Content types and permissions are compared by natural key: `migrate` creates them anew,
    with other ids."""
    ud = {}
    for model in modeller():
        raekker = []
        for obj in model._base_manager.order_by("pk"):
            raekke = {}
            for felt in model._meta.concrete_fields:
                vaerdi = getattr(obj, felt.attname)
                if felt.is_relation and felt.related_model in (ContentType, Permission):
                    vaerdi = vaerdi and _naturlig(felt.related_model, vaerdi)
                if isinstance(vaerdi, memoryview):
                    vaerdi = bytes(vaerdi)
                raekke[felt.name] = vaerdi
            for felt in model._meta.local_many_to_many:
                relaterede = getattr(obj, felt.name).all()
                raekke[felt.name] = sorted(
                    r.natural_key() if felt.related_model is Permission else r.pk
                    for r in relaterede
                )
            raekker.append(raekke)
        ud[model._meta.label] = raekker
    return ud


@pytest.fixture
def data():
    Indsatsomraade.objects.get_or_create(navn="Beskæftigelse", defaults={"slug": "beskaeftigelse"})
    _lbf_indsatsomraader()
    opret_grupper()
    vejle = indlaes_fil(VEJLE).delaftale
    indlaes_fil(VIBORG)
    User = get_user_model()
    admin_bruger = User.objects.create_superuser("admin", "admin@example.dk", KODE)
    sekretariat = User.objects.create_user("sekretariat", password=KODE, is_staff=True)
    sekretariat.groups.add(Group.objects.get(name=SEKRETARIAT))
    sekretariat.user_permissions.add(Permission.objects.get(codename="view_logentry"))
    bestyrelse = User.objects.create_user("bestyrelse", password=KODE, is_staff=True)
    bestyrelse.groups.add(Group.objects.get(name=BESTYRELSE))
    opret_demo_opfoelgninger(
        delaftale=vejle, sekretariat=sekretariat, bestyrelse=bestyrelse, render_pdf=lambda o: PDF
    )
    # Edits after loading, so the history tables hold more than one version of a row.
    delmaal = Delmaal.objects.filter(delaftale=vejle).order_by("pk").first()
    delmaal.tekst += ' – rettet med æøå og "citat" og <b>tegn</b>'
    delmaal.save()
    baseline = Baseline.objects.filter(indikator__delmaal=delmaal, vaerdi__isnull=False).first()
    baseline.vaerdi += 1
    baseline.save()
    kommentar_tilfoej(
        opfoelgning=Opfoelgning.objects.get(delaftale=vejle, aar=2024),
        bruger=bestyrelse,
        tekst="Flot arbejde – men hvad med Løget Høj?",
        delmaal=delmaal,
    )
    LogEntry.objects.log_actions(
        user_id=admin_bruger.pk, queryset=[vejle], action_flag=ADDITION, change_message="Tilføjet."
    )
    return vejle


def test_export_then_import_into_an_emptied_database_gives_every_row_back(data, tmp_path):
    foer = alle_raekker()
    # Every kind of data is there to be compared, history and frozen PDFs included.
    for label in [
        "auth.User",
        "auth.Group",
        "admin.LogEntry",
        "delaftaler.Helhedsplan",
        "delaftaler.Delaftale",
        "delaftaler.Opfoelgning",
        "delaftaler.Kommentar",
        "indikatorer.Maaling",
        "aktiviteter.Aktivitet",
    ]:
        assert foer[label], f"{label} er tom; testen ville intet bevise"
    historik = [label for label in foer if label.split(".")[1].startswith("Historical")]
    assert historik and all(foer[label] for label in historik if "Delmaal" in label)
    binaere = [v for raekker in foer.values() for r in raekker for v in r.values() if v == PDF]
    assert binaere, "ingen frosne PDF'er i eksporten"

    fil = tmp_path / "kopi.json.gz"
    call_command("eksport", str(fil))
    call_command("flush", "--noinput")  # contenttypes, permissions and groups come back
    _lbf_indsatsomraader()  # as in a freshly migrated database
    assert not Helhedsplan.objects.exists() and not get_user_model().objects.exists()

    call_command("import", str(fil))
    # The versions whose PDF the worker had not made yet are queued for it again.
    assert (
        DBTaskResult.objects.filter(
            task_path="delaftaler.publicering.version_pdf.version_pdf_opgave"
        ).count()
        == Version.objects.filter(pdf_sha256="").count()
        == 2
    )

    efter = alle_raekker()
    assert efter.keys() == foer.keys()
    for label in foer:
        assert len(efter[label]) == len(foer[label]), label
        for raekke_foer, raekke_efter in zip(foer[label], efter[label], strict=True):
            assert raekke_efter == raekke_foer, label
    bruger = get_user_model().objects.get(username="sekretariat")
    assert bruger.check_password(KODE)
    # New rows get new ids after the restored ones (PostgreSQL's sequences are reset).
    ny = Delaftale.objects.first().delmaal.create(tekst="Nyt delmål efter indlæsning")
    assert ny.pk > max(r["id"] for r in foer["delaftaler.Delmaal"])


def test_import_refuses_a_database_that_is_not_empty(data, tmp_path):
    fil = tmp_path / "kopi.json"
    call_command("eksport", str(fil))
    dokument = json.loads(fil.read_text(encoding="utf-8"))
    assert dokument["format"] == "delaftaler-sikkerhedskopi"
    foer = alle_raekker()
    with pytest.raises(CommandError, match="Databasen er ikke tom, så intet er indlæst"):
        call_command("import", str(fil))
    assert alle_raekker() == foer


def test_import_refuses_other_files(tmp_path, db):
    fil = tmp_path / "noget.json"
    fil.write_text('{"model": "auth.user"}', encoding="utf-8")
    with pytest.raises(CommandError, match="ikke en sikkerhedskopi fra Delaftaler"):
        call_command("import", str(fil))
    fil.write_text("ikke json", encoding="utf-8")
    with pytest.raises(CommandError, match="ikke en læsbar sikkerhedskopi"):
        call_command("import", str(fil))
    with pytest.raises(CommandError, match="findes ikke"):
        call_command("import", str(tmp_path / "mangler.json"))


def test_import_refuses_another_format_version_and_tables_it_does_not_know(tmp_path, db):
    fil = tmp_path / "kopi.json"
    hoved = {"format": "delaftaler-sikkerhedskopi", "modeller": [], "objekter": []}
    fil.write_text(json.dumps(hoved | {"version": 2}), encoding="utf-8")
    with pytest.raises(CommandError, match="format-version 2; denne version .* læser version 1"):
        call_command("import", str(fil))
    fil.write_text(
        json.dumps(hoved | {"version": 1, "modeller": ["delaftaler.Ukendt"]}), encoding="utf-8"
    )
    with pytest.raises(CommandError, match="ikke kender: delaftaler.Ukendt. Opgradér først"):
        call_command("import", str(fil))
