"""Backups: everything in one file (`manage.py eksport`), restored into an empty database
(`manage.py import`).

What is in it, found from the app registry rather than listed by hand, so a model added
later is included without a change here:

- every model of the apps delaftaler, indikatorer and aktiviteter — helhedsplaner,
  delaftaler with their parts, published versions and approvals, follow-ups with their
  measurements, comments and frozen PDFs, and django-simple-history's history tables;
- the users (with their password hashes), the groups with their permissions, and who is
  in which group;
- the admin's log of changes.

Rows keep their primary keys, so every reference between them survives as it is.
Content types and permissions are created by `migrate` and are referred to by their
natural keys (app, model, codename), never by their ids, which differ between databases.
Many-to-many rows are written with their owner and restored straight into the join
tables, without signals, so restoring creates no new history. Sessions, django-axes'
login attempts and caches are not backed up: they are short-lived and rebuild themselves.

The file is JSON (gzip'ed when its name ends in .gz):
``{"format": "delaftaler-sikkerhedskopi", "version": 1, "oprettet": ..., "modeller": [...],
"objekter": [...]}``, the objects in Django's serialisation format.
"""

from __future__ import annotations

import datetime
import gzip
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management.base import CommandError
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

FORMAT = "delaftaler-sikkerhedskopi"
VERSION = 1

# Besides the domain apps: users and groups, and the admin's log.
OEVRIGE_MODELLER = ("auth.Group", "auth.User", "admin.LogEntry")

# Rows `migrate` itself creates in a new database (the LBF indsatsområder, the role
# groups). An empty database may hold them; the import replaces them with the backup's.
REFERENCEDATA = ("auth.Group", "delaftaler.Indsatsomraade")


class _Koder(DjangoJSONEncoder):
    """Django's encoder, but times keep their microseconds (it cuts them to milliseconds)."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class SikkerhedskopiFejl(CommandError):
    """A backup that cannot be restored; the message is Danish. A CommandError, so
    `manage.py import` prints it as it is, without a traceback."""


@dataclass
class Resultat:
    antal: dict[str, int]

    @property
    def i_alt(self) -> int:
        return sum(self.antal.values())


def modeller() -> list[type[models.Model]]:
    """Every backed-up model, ordered so that a row comes after what it refers to."""
    valgte = [apps.get_model(label) for label in OEVRIGE_MODELLER]
    for label in settings.DOMAENE_APPS:
        valgte += list(apps.get_app_config(label).get_models())
    ordnet = serializers.sort_dependencies([(None, valgte)], allow_cycles=True)
    return [m for m in ordnet if m in valgte]


def _label(model: type[models.Model]) -> str:
    return model._meta.label


def _aaben(sti: Path, tilstand: str, *, gz: bool):
    if gz:
        return gzip.open(sti, tilstand + "t", encoding="utf-8")
    return open(sti, tilstand, encoding="utf-8")


def eksporter(sti: Path) -> Resultat:
    """Write every row of every backed-up model to ``sti``, read in one transaction so the
    file is one consistent moment even while people work."""
    antal: dict[str, int] = {}
    objekter: list[dict] = []
    ny_transaktion = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and ny_transaktion:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        for model in modeller():
            raekker = serializers.serialize(
                "python",
                model._base_manager.order_by("pk"),
                use_natural_foreign_keys=True,
            )
            antal[_label(model)] = len(raekker)
            objekter += raekker
    dokument = {
        "format": FORMAT,
        "version": VERSION,
        "oprettet": timezone.now().isoformat(),
        "modeller": list(antal),
        "objekter": objekter,
    }
    midlertidig = sti.with_name(sti.name + ".tmp")
    with _aaben(midlertidig, "w", gz=sti.suffix == ".gz") as fil:
        json.dump(dokument, fil, cls=_Koder, ensure_ascii=False)
    midlertidig.replace(sti)  # never a half-written backup under the real name
    return Resultat(antal)


def _laes(sti: Path) -> dict:
    try:
        with _aaben(sti, "r", gz=sti.suffix == ".gz") as fil:
            dokument = json.load(fil)
    except FileNotFoundError as exc:
        raise SikkerhedskopiFejl(f"Filen {sti} findes ikke.") from exc
    except (OSError, ValueError, EOFError) as exc:
        raise SikkerhedskopiFejl(f"Filen {sti} er ikke en læsbar sikkerhedskopi.") from exc
    if not isinstance(dokument, dict) or dokument.get("format") != FORMAT:
        raise SikkerhedskopiFejl(f"Filen {sti} er ikke en sikkerhedskopi fra Delaftaler.")
    if dokument.get("version") != VERSION:
        raise SikkerhedskopiFejl(
            f"Sikkerhedskopien har format-version {dokument.get('version')!r}; "
            f"denne version af Delaftaler læser version {VERSION}."
        )
    return dokument


def ikke_tomme(valgte: Iterable[type[models.Model]]) -> list[str]:
    """The backed-up models (other than migrate's reference data) that already hold rows."""
    return [
        str(model._meta.verbose_name_plural)
        for model in valgte
        if _label(model) not in REFERENCEDATA and model._base_manager.exists()
    ]


def importer(sti: Path) -> Resultat:
    """Restore a backup into an empty (freshly migrated) database, all or nothing."""
    dokument = _laes(sti)
    valgte = modeller()
    ukendte = sorted(set(dokument["modeller"]) - {_label(m) for m in valgte})
    if ukendte:
        raise SikkerhedskopiFejl(
            "Sikkerhedskopien indeholder tabeller, denne version ikke kender: "
            + ", ".join(ukendte)
            + ". Opgradér først, og kør migreringerne."
        )
    antal: dict[str, int] = {}
    with transaction.atomic():
        fyldte = ikke_tomme(valgte)
        if fyldte:
            raise SikkerhedskopiFejl(
                "Databasen er ikke tom, så intet er indlæst: der findes allerede "
                + ", ".join(fyldte[:5])
                + (" m.fl." if len(fyldte) > 5 else "")
                + ". Indlæs kun i en ny, migreret database."
            )
        for label in REFERENCEDATA:
            apps.get_model(label)._base_manager.all().delete()
        with connection.constraint_checks_disabled():
            for objekt in serializers.deserialize(
                "python", dokument["objekter"], handle_forward_references=False
            ):
                _gem(objekt)
                label = _label(type(objekt.object))
                antal[label] = antal.get(label, 0) + 1
        connection.check_constraints(table_names=[m._meta.db_table for m in valgte])
        _nulstil_sekvenser(valgte)
    return Resultat(antal)


def _gem(objekt) -> None:
    """Save the row as it was (raw: no auto_now, no signals that write history), then its
    many-to-many rows straight into the join tables, also without signals."""
    obj = objekt.object
    models.Model.save_base(obj, raw=True)
    for navn, pks in (objekt.m2m_data or {}).items():
        felt = obj._meta.get_field(navn)
        through = felt.remote_field.through
        kilde = felt.m2m_field_name()
        maal = felt.m2m_reverse_field_name()
        through._base_manager.bulk_create(
            [through(**{f"{kilde}_id": obj.pk, f"{maal}_id": pk}) for pk in pks]
        )


def _nulstil_sekvenser(valgte: list[type[models.Model]]) -> None:
    """PostgreSQL's id sequences after the highest restored id (SQLite needs nothing)."""
    through = [
        f.remote_field.through
        for m in valgte
        for f in m._meta.local_many_to_many
        if f.remote_field.through._meta.auto_created
    ]
    sql = connection.ops.sequence_reset_sql(no_style(), [*valgte, *through])
    if sql:
        with connection.cursor() as cursor:
            for linje in sql:
                cursor.execute(linje)
