"""The groups people work in, and what each may do in the admin.

Kept in code so every installation, and every test database, has the same roles.
"""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission

SEKRETARIAT = "Sekretariat"
BESTYRELSE = "Bestyrelse"

DOMAENE_APPS = ("delaftaler", "indikatorer", "aktiviteter")
KUN_ADMINISTRATOR = {("delaftaler", "indsatsomraade")}


def opret_grupper() -> None:
    """Sekretariat edits the agreements' content; Bestyrelse reads it."""
    for label in DOMAENE_APPS:
        create_permissions(apps.get_app_config(label), verbosity=0)
    perms = Permission.objects.filter(content_type__app_label__in=DOMAENE_APPS).select_related(
        "content_type"
    )
    sekretariat, _ = Group.objects.get_or_create(name=SEKRETARIAT)
    bestyrelse, _ = Group.objects.get_or_create(name=BESTYRELSE)
    sekretariat.permissions.set(
        [
            p
            for p in perms
            if (p.content_type.app_label, p.content_type.model) not in KUN_ADMINISTRATOR
            or p.codename.startswith("view_")
        ]
    )
    bestyrelse.permissions.set([p for p in perms if p.codename.startswith("view_")])


def opret_grupper_efter_migrering(sender, **kwargs) -> None:
    if sender.label == DOMAENE_APPS[-1]:
        opret_grupper()
